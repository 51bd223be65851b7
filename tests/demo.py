"""A mixed run (ok, moved, drifted, broken, down, blocked) with some history, against the
loopback web: used by the real-browser test and by docs/make_screenshots.py."""

from __future__ import annotations

from pathlib import Path

from monitor.cli import main

from conftest import write_config
from loopback import LoopbackWeb, article


def demo_resources(web: LoopbackWeb) -> list[dict[str, object]]:
    web.set_page("/exercises", article("Exercises for Lumbar Spinal Stenosis | Spine-health"))
    web.set_page("/video", article("Sciatica Exercises for Spinal Stenosis Video"))
    web.set_page("/new-home-of-guide", article("Spinal Stenosis Exercise Guide"))
    web.set_page("/treatment", article("Lumbar Spinal Stenosis Treatment Options"))
    web.set_page("/stretching", article("Stretching Video: Reduce Joint Stress"))
    web.set_page("/therapy", article("Physical Therapy for Spinal Stenosis"))
    return [
        {"id": "spine-health-exercises", "name": "Exercises for lumbar spinal stenosis",
         "url": web.url("/exercises"), "tags": ["spine-health", "exercise"],
         "expected_title": "Exercises for Lumbar Spinal Stenosis", "keywords": ["stenosis"]},
        {"id": "spine-health-video", "name": "Sciatica exercises for spinal stenosis (video)",
         "url": web.url("/video"), "tags": ["spine-health", "video"]},
        {"id": "webmd-guide", "name": "WebMD: spinal stenosis exercise guide",
         "url": web.url("/redirect/301?to=/new-home-of-guide"), "tags": ["webmd", "exercise"]},
        {"id": "webmd-stretching", "name": "WebMD: stretching video",
         "url": web.url("/stretching"), "tags": ["webmd", "video"],
         "expected_title": "Stretching Video: Reduce Joint Stress"},
        {"id": "webmd-therapy", "name": "WebMD: physical therapy for stenosis",
         "url": web.url("/therapy"), "tags": ["webmd", "therapy"]},
        {"id": "kenai-treatment", "name": "Kenai Spine: lumbar stenosis treatment",
         "url": web.url("/treatment"), "tags": ["kenai-spine", "treatment"],
         "expected_title": "Lumbar Spinal Stenosis Treatment Options"},
        {"id": "kenai-neck", "name": "Kenai Spine: neck exercises",
         "url": web.raw_url("closed", "/neck-exercises"), "tags": ["kenai-spine", "exercise"]},
        {"id": "spineuniverse-videos", "name": "SpineUniverse: stenosis exercise videos",
         "url": web.url("/status/403"), "tags": ["spineuniverse", "video"]},
    ]


def make_demo(web: LoopbackWeb, workdir: Path, runs: int = 6) -> Path:
    """Run `monitor check` `runs` times, turning the last run into a mixed one.
    Returns the config path; its report is workdir/reports/index.html."""
    config = write_config(workdir / "resources.toml", demo_resources(web), confirm_runs=2,
                          title="Lumbar spinal stenosis exercise links")
    for index in range(runs):
        if index == runs - 3:
            web.set_page("/therapy", article("Page Not Found"), status=404)
        if index == runs - 2:
            # The curated page silently turns into something else...
            web.set_page("/stretching", article("Top 10 Mattresses for Back Pain 2026"))
        main(["check", "-c", str(config), "-q"])
    return config
