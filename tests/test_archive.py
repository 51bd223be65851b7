"""Archived copies of broken links: the availability API's answer, and end to end on the
loopback web (the endpoint is a loopback route; archive.org is never reached)."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from monitor.archive import find_snapshots, lookup_url, parse_availability
from monitor.cli import main
from monitor.config import load_config
from monitor.models import Snapshot
from monitor.runner import fetch_options

from conftest import write_config
from loopback import LoopbackWeb

SNAPSHOT = "http://web.archive.org/web/20240302101500/https://example.org/gone"


def answer(closest: dict[str, Any] | None) -> bytes:
    snapshots = {"closest": closest} if closest is not None else {}
    return json.dumps({"url": "example.org/gone", "archived_snapshots": snapshots}).encode()


GOOD = {"status": "200", "available": True, "url": SNAPSHOT, "timestamp": "20240302101500"}


@pytest.mark.parametrize(("body", "expected"), [
    (answer(GOOD), Snapshot(SNAPSHOT, datetime(2024, 3, 2, 10, 15, tzinfo=UTC))),
    (answer({**GOOD, "status": "301"}), Snapshot(SNAPSHOT, datetime(2024, 3, 2, 10, 15,
                                                                   tzinfo=UTC))),
    (answer({**GOOD, "timestamp": "20240302"}), Snapshot(SNAPSHOT, datetime(2024, 3, 2,
                                                                          tzinfo=UTC))),
    # near misses: no copy, a copy of an error page, unusable fields
    (answer(None), None),
    (answer({**GOOD, "available": False}), None),
    (answer({**GOOD, "status": "404"}), None),
    (answer({**GOOD, "url": "javascript:alert(1)"}), None),
    (answer({**GOOD, "timestamp": "yesterday"}), None),
    (answer({"available": True}), None),
])
def test_availability_answers(body: bytes, expected: Snapshot | None) -> None:
    assert parse_availability(body) == expected


@pytest.mark.parametrize("body", [b"<html>rate limited</html>", b"[]", b'{"url": "x"}', b"\xff"])
def test_an_answer_that_is_not_the_api_is_an_error(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_availability(body)


def test_lookup_url_keeps_the_endpoints_own_query() -> None:
    assert lookup_url("https://archive.org/wayback/available", "https://a.example/p?q=1") == \
        "https://archive.org/wayback/available?url=https%3A%2F%2Fa.example%2Fp%3Fq%3D1"
    assert lookup_url("http://127.0.0.1:9/avail?key=k", "http://x/").startswith(
        "http://127.0.0.1:9/avail?key=k&url=")


def _check(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str
           ) -> tuple[int, dict[str, Any], str, str]:
    out = tmp_path / "out.json"
    md = tmp_path / "summary.md"
    code = main(["check", "-c", str(tmp_path / "resources.toml"), "--json", str(out),
                 "--markdown", str(md), "--report", str(tmp_path / "index.html"), *args])
    capsys.readouterr()
    return (code, json.loads(out.read_text()), md.read_text(),
            (tmp_path / "index.html").read_text())


def test_broken_link_gets_its_archived_copy_in_every_output(
    web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    web.set_page("/wayback/available", answer(GOOD), content_type="application/json")
    gone = web.url("/status/404")
    write_config(tmp_path / "resources.toml",
                 [{"id": "gone", "url": gone}, {"id": "fine", "url": web.url("/ok")}],
                 archive=True, archive_endpoint=web.url("/wayback/available"))
    code, doc, md, html = _check(tmp_path, capsys)
    assert code == 1
    result = {r["id"]: r for r in doc["results"]}
    assert result["gone"]["archived"] == {"url": SNAPSHOT, "timestamp": "2024-03-02T10:15:00Z"}
    assert result["fine"]["archived"] is None
    # one lookup, for the broken link only, asking for its curated URL
    lookups = [qs for method, qs, _ in web.seen if qs.startswith("/wayback/")]
    assert len(lookups) == 1
    assert parse_qs(urlsplit(lookups[0]).query) == {"url": [gone]}
    assert f"[archived copy from 2024-03-02](<{SNAPSHOT}>)" in md
    assert "Archived copy from" in html and f'href="{SNAPSHOT}"' in html
    assert '<time datetime="2024-03-02T10:15:00Z">2024-03-02</time>' in html

    # Cached per URL per day: the next run asks nothing, and the copy is still shown.
    code, doc, md, _ = _check(tmp_path, capsys)
    assert doc["results"][0]["archived"]["url"] == SNAPSHOT
    assert web.hits["/wayback/available"] == 1
    # `monitor report` re-renders it from history.
    assert main(["report", "-c", str(tmp_path / "resources.toml"), "--no-report",
                 "--markdown", str(tmp_path / "again.md")]) == 0
    assert "archived copy from 2024-03-02" in (tmp_path / "again.md").read_text()


def test_no_copy_is_cached_too_and_shown_as_nothing(
    web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    web.set_page("/wayback/available", answer(None), content_type="application/json")
    write_config(tmp_path / "resources.toml", [{"id": "gone", "url": web.url("/status/410")}],
                 archive=True, archive_endpoint=web.url("/wayback/available"))
    for _ in range(2):
        _, doc, md, _ = _check(tmp_path, capsys)
        assert doc["results"][0]["archived"] is None
        assert "archived copy" not in md
    assert web.hits["/wayback/available"] == 1


@pytest.mark.parametrize("endpoint", ["silent", "error", "junk"])
def test_a_failing_archive_never_fails_the_run(
    web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str], endpoint: str
) -> None:
    web.set_page("/avail-error", "oops", status=503)
    web.set_page("/avail-junk", "<html>not json</html>")
    url = {"silent": web.raw_url("silent", "/avail"), "error": web.url("/avail-error"),
           "junk": web.url("/avail-junk")}[endpoint]
    write_config(tmp_path / "resources.toml", [{"id": "gone", "url": web.url("/status/404")}],
                 archive=True, archive_endpoint=url, archive_timeout=0.3)
    code, doc, _, _ = _check(tmp_path, capsys)
    assert code == 1 and doc["results"][0]["status"] == "broken"
    assert doc["results"][0]["archived"] is None
    # a failure is not cached: the next run asks again (still one request per link)
    db = tmp_path / "monitor.sqlite3"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM archive_cache").fetchone() == (0,)


def test_archive_off_asks_nothing(
    web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    web.set_page("/wayback/available", answer(GOOD), content_type="application/json")
    write_config(tmp_path / "resources.toml", [{"id": "gone", "url": web.url("/status/404")}],
                 archive=False, archive_endpoint=web.url("/wayback/available"))
    _, doc, _, _ = _check(tmp_path, capsys)
    assert doc["results"][0]["archived"] is None
    assert web.hits["/wayback/available"] == 0


def test_history_from_before_sources_gains_the_new_tables(
        tmp_path: Path, web: LoopbackWeb, capsys: pytest.CaptureFixture[str]) -> None:
    """A database written before sources and archived copies existed keeps working."""
    write_config(tmp_path / "resources.toml", [{"id": "fine", "url": web.url("/ok")}])
    assert _check(tmp_path, capsys)[0] == 0
    new_tables = ("source_links", "source_state", "source_reports", "archived", "archive_cache")
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
        for table in new_tables:
            conn.execute(f"DROP TABLE {table}")
    code, doc, _, _ = _check(tmp_path, capsys)
    assert code == 0 and doc["sources"] == [] and doc["run_id"] == 2
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert set(new_tables) <= tables


def test_lookups_share_one_budget_per_run(
    web: LoopbackWeb, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A silent archive and long per-lookup timeouts: the run's budget ends the wait."""
    config = load_config(write_config(
        tmp_path / "r.toml", [{"id": "a", "url": web.url("/ok")}], archive=True,
        archive_endpoint=web.raw_url("silent", "/avail"), archive_timeout=60))
    urls = [web.url(f"/gone/{n}") for n in range(6)]
    with caplog.at_level(logging.INFO, logger="monitor.archive"):
        found = asyncio.run(find_snapshots(config, fetch_options(config), urls, budget=0.2))
    assert found == {}
    assert "archive lookups out of time: 6 of 6 link(s) left for a later run" in caplog.text
