"""Notifications carry a run's other news too — a source article's confirmed link changes and
warnings new since the last run (a TLS certificate about to expire) — through the same outbox
as status changes (kept when the webhook is down, sent once after the next run), never about
a muted resource; `monitor merge` delivers through that outbox too. On the loopback web with
a loopback webhook receiver."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers_modes import HookSink, history, serve_hooks

from monitor import __version__
from monitor.cli import EXIT_FAIL, EXIT_OK, main
from monitor.config import DEFAULT_USER_AGENT
from monitor.models import LinkChange, Reason, Result, Run, SourceReport, Status
from monitor.news import collect, without_muted
from monitor.notify import describe_payload

from conftest import write_config
from loopback import LoopbackWeb


@pytest.fixture
def sink() -> Iterator[HookSink]:
    with serve_hooks() as hooks:
        yield hooks


def hook(url: str) -> str:
    return f'[[notify]]\nurl = "{url}"\nretries = 0\ntimeout = 5\n'


def article_html(*links: tuple[str, str]) -> str:
    items = "".join(f'<li><a href="{url}">{text}</a></li>' for url, text in links)
    return ("<!doctype html><html><head><title>Exercises</title></head><body>"
            f"<article><h1>Exercises</h1><ul>{items}</ul></article></body></html>")


def check(config: Path) -> int:
    return main(["check", "-c", str(config), "-q", "--no-report"])


def test_source_article_changes_are_notified_once_and_kept_while_the_webhook_is_down(
        web: LoopbackWeb, sink: HookSink, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    web.set_page("/b", "<html><head><title>Page B</title></head><body>B</body></html>")
    a, b = web.url("/ok"), web.url("/b")
    article = f"http://localhost:{web.ports['http']}/article"
    web.set_page("/article", article_html((a, "Stretches"), (b, "Walking"),
                                          ("https://other.example/x", "Cycling")))
    config = write_config(tmp_path / "resources.toml", [{"id": "a", "url": a},
                                                        {"id": "b", "url": b}])
    with config.open("a", encoding="utf-8") as handle:
        handle.write(f'\n[[source]]\nid = "article"\nname = "The article"\nurl = "{article}"\n\n'
                     + hook(sink.url))
    assert check(config) == EXIT_OK
    assert sink.attempts == 0  # the first read is the baseline: no news

    # B (curated) and "Cycling" leave the article; a new link arrives, with hostile text and
    # a secret in its URL. confirm_runs = 1: confirmed at once, while the webhook is down.
    web.set_page("/article", article_html(
        (a, "Stretches"), ("https://new.example/guide?token=s3cret", "Guide\u202e\x1b[31m")))
    sink.status = 503
    assert check(config) == EXIT_OK
    assert sink.attempts == 1 and sink.received == []
    assert "kept to send again" in capsys.readouterr().err

    sink.status = 200
    assert check(config) == EXIT_OK  # nothing new in this run: the kept news goes out now
    assert len(sink.received) == 1
    body = sink.received[0]
    assert body["event"] == "news" and body["changes"] == [] and body["warnings"] == []
    (source,) = body["sources"]
    assert (source["id"], source["name"], source["url"], source["status"]) == (
        "article", "The article", article, "ok")
    assert source["status_changed"] is False
    assert [(c["url"], c["text"]) for c in source["added"]] == [
        ("https://new.example/guide?token=***", "Guide\ufffd\ufffd[31m")]
    assert [(c["url"], c["text"], c["resource_id"]) for c in source["removed"]] == [
        ("https://other.example/x", "Cycling", None)]
    assert [(c["url"], c["resource_id"]) for c in source["unlinked"]] == [(b, "b")]
    assert all(c["since"].endswith("Z") for c in source["added"])
    assert body["run"]["run_id"] == 3

    assert check(config) == EXIT_OK
    assert len(sink.received) == 1  # sent once; B staying unlinked is not news again
    capsys.readouterr()


def tls_config(tmp_path: Path, web: LoopbackWeb, sink: HookSink, mute: str = "") -> Path:
    config = write_config(tmp_path / "resources.toml", [], ca_bundle=str(web.ca_path))
    with config.open("a", encoding="utf-8") as handle:
        handle.write(f'[[resource]]\nid = "t"\nname = "Expiring"\n'
                     f'url = "{web.tls_url("/ok", "expiring")}"\n{mute}\n\n' + hook(sink.url))
    return config


def test_a_new_warning_is_notified_once(
        web: LoopbackWeb, sink: HookSink, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = tls_config(tmp_path, web, sink)
    assert check(config) == EXIT_OK
    (body,) = sink.received
    assert body["event"] == "news" and body["changes"] == [] and body["sources"] == []
    (warning,) = body["warnings"]
    assert (warning["id"], warning["name"], warning["url"]) == (
        "t", "Expiring", web.tls_url("/ok", "expiring"))
    assert warning["warning"].startswith("TLS certificate expires in")
    title, text = describe_payload(body)
    assert title == "monitor: 1 new warning"
    assert text.splitlines()[0].startswith("Expiring: warning: TLS certificate expires in")
    assert check(config) == EXIT_OK
    assert len(sink.received) == 1  # the same warning next run is not news
    capsys.readouterr()


def test_no_news_is_sent_about_a_muted_resource(
        web: LoopbackWeb, sink: HookSink, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = tls_config(tmp_path, web, sink, mute="muted_until = 2099-12-31")
    assert check(config) == EXIT_OK
    assert check(config) == EXIT_OK
    assert sink.attempts == 0
    capsys.readouterr()


def test_what_was_queued_before_a_mute_is_not_sent_after_it(
        web: LoopbackWeb, sink: HookSink, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "resources.toml",
                          [{"id": "dead", "url": web.url("/status/404")}])
    with config.open("a", encoding="utf-8") as handle:
        handle.write("\n" + hook(sink.url))
    sink.status = 503  # the change cannot be announced...
    assert check(config) == EXIT_FAIL
    line = f'url = "{web.url("/status/404")}"\n'
    config.write_text(config.read_text(encoding="utf-8").replace(
        line, line + "muted_until = 2099-12-31\n"), encoding="utf-8")
    sink.status = 200  # ...and the curator mutes the link before the next run
    assert check(config) == EXIT_OK
    assert check(config) == EXIT_OK
    assert sink.attempts == 1 and sink.received == []
    capsys.readouterr()


def test_merge_keeps_what_it_could_not_announce_for_the_next_merge(
        web: LoopbackWeb, sink: HookSink, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "resources.toml",
                          [{"id": "dead", "url": web.url("/status/404")}],
                          database="h.sqlite3")
    with config.open("a", encoding="utf-8") as handle:
        handle.write("\n" + hook(sink.url))
    shard_db = tmp_path / "h.shard-0-of-1.sqlite3"

    def shard_then_merge() -> int:
        assert main(["check", "-c", str(config), "--shard", "0/1", "-q",
                     "--no-report"]) == EXIT_FAIL
        return main(["merge", "-c", str(config), "-q", "--no-report", str(shard_db)])

    sink.status = 503  # down while the merge that confirms the change runs
    assert shard_then_merge() == EXIT_FAIL
    assert sink.attempts == 1 and sink.received == []  # the shard itself sent nothing
    sink.status = 200
    assert shard_then_merge() == EXIT_FAIL  # no new change: the kept one goes out
    assert sink.changed_ids() == ["dead"]
    assert shard_then_merge() == EXIT_FAIL
    assert sink.changed_ids() == ["dead"]  # once
    assert history(shard_db, "SELECT COUNT(*) FROM outbox") == [(0,)]  # merge's job alone
    capsys.readouterr()


def test_the_default_user_agent_names_the_package_version(web: LoopbackWeb,
                                                         tmp_path: Path) -> None:
    assert DEFAULT_USER_AGENT.startswith(f"curated-link-monitor/{__version__} (+https://")
    config = write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url("/ok")}])
    assert check(config) == EXIT_OK
    agents = {headers.get("User-Agent") for _, path, headers in web.seen if path == "/ok"}
    assert agents == {DEFAULT_USER_AGENT}


def test_people_read_source_news_in_apprise_messages() -> None:
    payload = {"changes": [], "warnings": [], "sources": [{
        "id": "art", "name": "The article", "url": "https://blog.example/a", "status": "broken",
        "detail": "HTTP 404", "status_changed": True,
        "added": [{"url": "https://n.example/", "text": "Guide", "since": "x",
                   "resource_id": None}],
        "removed": [], "unlinked": [{"url": "https://b.example/", "text": "B", "since": "x",
                                     "resource_id": "b"}],
    }]}
    title, text = describe_payload(payload)
    assert title == "monitor: 3 changes in source articles"
    assert text.splitlines() == [
        "Source The article: could not be read: broken (HTTP 404)",
        "Source The article: ! no longer linked: resource b", "  https://b.example/",
        "Source The article: + added: Guide", "  https://n.example/",
    ]


# -- which news a run has (pure) ------------------------------------------------------------

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def _link(url: str, *, news: bool, rid: str | None = None) -> LinkChange:
    return LinkChange(url, "text", T0, 1, confirmed=news, news=news, resource_id=rid)


def _report(**fields: Any) -> SourceReport:
    fields.setdefault("status", Status.OK)
    return SourceReport(id="art", name="Art", url="https://blog.example/a", **fields)


def _res(rid: str, **fields: Any) -> Result:
    return Result(id=rid, name=rid.upper(), url=f"https://{rid}.example/", status=Status.OK,
                  reason=Reason.OK, detail="", http_status=200, final_url="", redirects=(),
                  title=None, expected_title=None, elapsed_ms=1.0, checked_at=T0, **fields)


@pytest.mark.parametrize(("report", "warnings", "expected"), [
    # positives: each kind of news confirmed in this run
    (_report(added=(_link("https://n.example/", news=True),)), (),
     [("link", "art", None, "added")]),
    (_report(removed=(_link("https://o.example/", news=True),)), (),
     [("link", "art", None, "removed")]),
    (_report(unlinked=(_link("https://b.example/", news=True, rid="b"),)), (),
     [("link", "art", "b", "unlinked")]),
    (_report(news=True), (), [("source", "art", None, None)]),
    (_report(), (("b", "TLS certificate expires in 4.9 days"),),
     [("warning", "b", "b", None)]),
    # near misses: shown by cron, but not confirmed in this run (or standing): no news
    (_report(added=(_link("https://n.example/", news=False),)), (), []),
    (_report(unlinked=(_link("https://b.example/", news=False, rid="b"),)), (), []),
    (_report(status=Status.BROKEN, news=False), (), []),
])
def test_news_of_a_run(report: SourceReport, warnings: tuple[tuple[str, str], ...],
                       expected: list[tuple[str, str, str | None, str | None]]) -> None:
    run = Run(T0, T0, (_res("b"),), sources=(report,))
    found = collect(run, warnings)
    assert [(n.kind, n.subject, n.resource_id, n.body.get("change")) for n in found] == expected


def test_news_about_a_muted_resource_is_left_out() -> None:
    muted = replace(_res("b"), muted_until=date(2099, 1, 1))
    run = Run(T0, T0, (muted, _res("c")), sources=(
        _report(unlinked=(_link("https://b.example/", news=True, rid="b"),),
                added=(_link("https://n.example/", news=True),)),))
    found = without_muted(collect(run, (("b", "w"), ("c", "w"))), run)
    assert [(n.kind, n.resource_id) for n in found] == [("link", None), ("warning", "c")]
