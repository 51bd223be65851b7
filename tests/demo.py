"""A mixed run with some history, against the loopback web: one of every card a curator can
meet (broken with an archived copy, down, drifted title, changed content with its diff, moved,
blocked, sign-in wall, a muted broken link with its note, a certificate warning, a watched
source article whose links changed). Used by the real-browser tests and by
docs/make_screenshots.py."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor.cli import main
from monitor.config import load_config
from monitor.models import Hop, Reason, Result, Run, Status
from monitor.pipeline import database_path
from monitor.store import Store

import content_pages
from conftest import write_config
from loopback import LoopbackWeb, article

SIGN_IN = ("<html><head><title>Medscape - Sign In</title></head><body><form method=post>"
           "<input name=user><input type=password name=pw><button>Sign in</button></form>"
           "<a href='/reset'>Forgot password?</a></body></html>")
# A real-world tracking URL: one long unbreakable word that must not widen the page.
LONG_PATH = ("/members/article/stenosis-rehabilitation-programme-for-older-adults-2026"
             "?utm_source=newsletter&utm_medium=email&utm_campaign=spine-health-weekly-digest"
             "&session=8f3a9c2e7b1d4f6a0e5c3b9d7a1f2e4c6b8d0a2f4e6c8b0d")
ARCHIVED_AT = "20250914083000"
SOURCE_PATH = "/blog/spinal-stenosis-exercises"


def demo_resources(web: LoopbackWeb) -> list[dict[str, object]]:
    web.set_page("/exercises", article("Exercises for Lumbar Spinal Stenosis | Spine-health"))
    web.set_page("/video", article("Sciatica Exercises for Spinal Stenosis Video"))
    web.set_page("/new-home-of-guide", article("Spinal Stenosis Exercise Guide"))
    web.set_page("/treatment", article("Lumbar Spinal Stenosis Treatment Options"))
    web.set_page("/stretching", article("Stretching Video: Reduce Joint Stress"))
    web.set_page("/therapy", article("Physical Therapy for Spinal Stenosis"))
    web.set_page("/yoga", content_pages.curated())
    web.set_page("/neck-stenosis", article("Neck Exercises for Cervical Stenosis"))
    web.set_page(LONG_PATH.split("?")[0], SIGN_IN)
    web.archived[web.url("/therapy")] = ARCHIVED_AT  # the Internet Archive has a copy
    web.set_page(SOURCE_PATH, source_article(web, revised=False))
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
        {"id": "spine-health-yoga", "name": "Spine-health: yoga for lumbar stenosis",
         "url": web.url("/yoga"), "tags": ["spine-health", "exercise"]},
        {"id": "spine-health-neck", "name": "Spine-health: neck exercises for cervical stenosis",
         "url": web.url("/neck-stenosis"), "tags": ["spine-health", "exercise"]},
        {"id": "medscape-rehab", "name": "Medscape: rehabilitation programme for older adults",
         "url": web.url(LONG_PATH), "tags": ["medscape", "therapy"]},
        {"id": "kenai-home", "name": "Kenai Spine: patient education",
         "url": web.tls_url("/", "expiring"), "tags": ["kenai-spine", "education"]},
    ]


def source_article(web: LoopbackWeb, *, revised: bool) -> str:
    """The blog post the list was curated from; its revision drops the video, swaps a
    non-curated link for a new one."""
    links = [("/exercises", "Spine-health: exercises"), ("/video", "Spine-health: video"),
             ("/stretching", "WebMD: stretching video"), ("/treatment", "Kenai Spine")]
    extra = ("https://www.nhs.uk/conditions/spinal-stenosis/", "NHS: spinal stenosis")
    if revised:
        links = [item for item in links if item[0] != "/video"]
        extra = ("https://www.mayoclinic.org/spinal-stenosis/exercises", "Mayo Clinic: exercises")
    items = "".join(f'<li><a href="{web.url(path)}">{text}</a></li>' for path, text in links)
    items += f'<li><a href="{extra[0]}">{extra[1]}</a></li>'
    return ("<!doctype html><html><head><title>Best Sites For Lumbar Spinal Stenosis Exercises"
            "</title></head><body><nav><a href='/'>Home</a></nav><article>"
            f"<h1>Best sites for stenosis exercises</h1><p>Try these:</p><ul>{items}</ul>"
            "</article></body></html>")


def demo_sources(web: LoopbackWeb) -> str:
    # On another host name than the curated pages, so links to them count as outbound.
    url = f"http://localhost:{web.ports['http']}{SOURCE_PATH}"
    return ('\n[[source]]\nid = "balancedback"\n'
            'name = "BalancedBack: best sites for lumbar spinal stenosis exercises"\n'
            f'url = "{url}"\n')


def write_demo_config(path: Path, web: LoopbackWeb, resources: list[dict[str, Any]]) -> Path:
    config = write_config(path, resources, confirm_runs=2,
                          title="Lumbar spinal stenosis exercise links", archive=True,
                          archive_endpoint=web.url("/wayback/available"),
                          ca_bundle=str(web.ca_path))
    with config.open("a", encoding="utf-8") as handle:
        handle.write(demo_sources(web))
    return config


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
    config = write_demo_config(workdir / "resources.toml", web, resources)
    if history:
        seed_history(config, resources, history)
    for index in range(runs):
        if index == runs - 3:
            web.set_page("/therapy", article("Page Not Found"), status=404)
            web.set_page("/neck-stenosis", article("Page Not Found"), status=410)
        if index == runs - 2:
            # The curated page silently turns into something else...
            web.set_page("/stretching", article("Top 10 Mattresses for Back Pain 2026"))
            # ...another one keeps its title but now sells something else...
            web.set_page("/yoga", content_pages.body_replaced())
            # ...and the article the list came from drops one of the curated links.
            web.set_page(SOURCE_PATH, source_article(web, revised=True))
        if index == runs - 1 and runs >= 3:
            # The curator mutes the broken neck page they already know about.
            neck = next(r for r in resources if r["id"] == "spine-health-neck")
            neck.update(muted_until=date.today() + timedelta(days=60), mute_note=(
                "the site is rebuilding its neck section; the editor expects the page back"))
            write_demo_config(config, web, resources)
        main(["check", "-c", str(config), "-q"])
    return config
