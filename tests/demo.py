"""A mixed run (ok, moved, drifted, broken, down, blocked) with some history, against the
loopback web: used by the real-browser test and by docs/make_screenshots.py."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor.cli import main
from monitor.config import load_config
from monitor.models import Hop, Reason, Result, Run, Status
from monitor.pipeline import database_path
from monitor.store import Store

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


#: Past trouble in the seeded history: {resource id: {runs ago: (status, reason)}}.
PAST: dict[str, dict[int, tuple[Status, Reason]]] = {
    "spine-health-video": {30: (Status.DOWN, Reason.TIMEOUT), 29: (Status.DOWN, Reason.TIMEOUT),
                           11: (Status.DOWN, Reason.SERVER_ERROR)},
    "kenai-neck": {3: (Status.DOWN, Reason.CONNECT), 2: (Status.DOWN, Reason.CONNECT),
                   1: (Status.DOWN, Reason.CONNECT), 17: (Status.DOWN, Reason.CONNECT)},
    "webmd-therapy": {22: (Status.DOWN, Reason.SERVER_ERROR)},
}


def seed_history(config_path: Path, resources: list[dict[str, Any]], runs: int,
                 every: timedelta = timedelta(hours=6)) -> None:
    """Record `runs` earlier runs, `every` apart and ending before now, so the report's
    strips, sparklines, uptime and 'since' have some days of history to show. Times are
    loopback-scale (a few ms) to match the real runs that follow."""
    config = load_config(config_path)
    rng = random.Random(7)
    now = datetime.now(UTC)
    with Store(database_path(config)) as store:
        for ago in range(runs, 0, -1):
            at = now - ago * every
            results = tuple(_past_result(r, at, ago, rng) for r in resources)
            store.record_run(Run(at, at + timedelta(seconds=2), results), 2)


def _past_result(resource: dict[str, Any], at: datetime, ago: int,
                 rng: random.Random) -> Result:
    rid, url = str(resource["id"]), str(resource["url"])
    status, reason = PAST.get(rid, {}).get(ago, (Status.OK, Reason.OK))
    redirects: tuple[Hop, ...] = ()
    final_url, http = url, 200
    if rid == "webmd-guide":
        status, reason = Status.MOVED, Reason.PERMANENT_REDIRECT
        final_url = url.split("/redirect/")[0] + "/new-home-of-guide"
        redirects = (Hop(url, 301, final_url),)
    elif rid == "spineuniverse-videos":
        status, reason, http = Status.BLOCKED, Reason.FORBIDDEN, 403
    if status is Status.DOWN:
        http = 503 if reason is Reason.SERVER_ERROR else None
    base = 2.0 + (sum(map(ord, rid)) % 5)
    elapsed = base * rng.uniform(0.6, 1.5) * (4.0 if rng.random() < 0.06 else 1.0)
    return Result(
        id=rid, name=str(resource["name"]), url=url, status=status, reason=reason, detail="",
        http_status=http, final_url=final_url, redirects=redirects,
        title=resource.get("expected_title") or str(resource["name"]),
        expected_title=resource.get("expected_title"), elapsed_ms=elapsed, checked_at=at,
        tags=tuple(resource.get("tags", ())),
    )


def make_demo(web: LoopbackWeb, workdir: Path, runs: int = 6, history: int = 0) -> Path:
    """Run `monitor check` `runs` times, turning the last run into a mixed one, after
    `history` seeded earlier runs. Returns the config path; its report is
    workdir/reports/index.html."""
    resources = demo_resources(web)
    config = write_config(workdir / "resources.toml", resources, confirm_runs=2,
                          title="Lumbar spinal stenosis exercise links")
    if history:
        seed_history(config, resources, history)
    for index in range(runs):
        if index == runs - 3:
            web.set_page("/therapy", article("Page Not Found"), status=404)
        if index == runs - 2:
            # The curated page silently turns into something else...
            web.set_page("/stretching", article("Top 10 Mattresses for Back Pain 2026"))
        main(["check", "-c", str(config), "-q"])
    return config
