"""Notifications go out on confirmed changes only, and never fail the run."""

from __future__ import annotations

import json
import logging
import sys
import types
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from helpers_modes import HookSink, run_monitor, serve_hooks, write_config

from monitor.cli import main
from monitor.config import Config, Notifier, Settings
from monitor.models import Reason, Resource, Result, Run, Status
from monitor.notify import build_payload, notify, redact, send_webhook
from monitor.pipeline import Outcome
from monitor.streak import Change

from loopback import LoopbackWeb, article

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
HOOK = "https://hooks.example.invalid/services/T0KEN/SECRET"  # MockTransport only


@pytest.fixture
def hooks() -> Iterator[HookSink]:
    with serve_hooks() as sink:
        yield sink


def broken_outcome() -> Outcome:
    result = Result(
        id="lss", name="Stenosis exercises", url="https://a.example/lss", status=Status.BROKEN,
        reason=Reason.NOT_FOUND, detail="HTTP 404", http_status=404,
        final_url="https://a.example/lss/", redirects=(), title=None, expected_title=None,
        elapsed_ms=5.0, checked_at=T0, since=T0, streak=2,
    )
    run = Run(T0, T0 + timedelta(seconds=1), (result,), run_id=4)
    return Outcome(run, (Change("lss", Status.OK, Status.BROKEN, T0),), ())


def config_with(*notifiers: Notifier) -> Config:
    return Config(Settings(), (Resource("lss", "Stenosis exercises", "https://a.example/lss"),),
                  notifiers)


def test_payload_carries_each_confirmed_change_and_the_run_summary() -> None:
    payload = build_payload(broken_outcome())
    assert payload["event"] == "status-change"
    assert payload["changes"] == [{
        "id": "lss", "name": "Stenosis exercises", "url": "https://a.example/lss",
        "old": "ok", "new": "broken", "since": "2026-11-25T06:00:00Z",
        "reason": "not-found", "detail": "HTTP 404", "final_url": "https://a.example/lss/",
    }]
    assert payload["run"]["run_id"] == 4
    assert payload["run"]["summary"]["broken"] == 1


def test_webhook_retries_transient_failures_with_backoff() -> None:
    answers = iter([500, 503, 200])
    seen: list[dict[str, object]] = []
    waits: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        assert request.headers["user-agent"] == "ua-test"
        return httpx.Response(next(answers))

    ok = send_webhook(HOOK, {"x": 1}, Notifier("webhook", HOOK, retries=2),
                      transport=httpx.MockTransport(handler), sleep=waits.append,
                      user_agent="ua-test")
    assert ok and len(seen) == 3 and waits == [0.5, 1.0]


def test_webhook_does_not_retry_a_client_error_and_logs_without_the_secret(
        caplog: pytest.LogCaptureFixture) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(400)

    with caplog.at_level(logging.WARNING, logger="monitor.notify"):
        ok = send_webhook(HOOK, {}, Notifier("webhook", HOOK, retries=3),
                          transport=httpx.MockTransport(handler), sleep=lambda _: None)
    assert not ok and len(calls) == 1
    assert "HTTP 400" in caplog.text
    assert "SECRET" not in caplog.text and "hooks.example.invalid" in caplog.text
    assert redact(HOOK) == "https://hooks.example.invalid/…"


def test_apprise_gets_a_readable_title_and_body_for_each_url(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[list[str], str, str]] = []

    class FakeApprise:
        def __init__(self) -> None:
            self.urls: list[str] = []

        def add(self, url: str) -> bool:
            self.urls.append(url)
            return True

        def notify(self, title: str, body: str) -> bool:
            sent.append((self.urls, title, body))
            return True

    monkeypatch.setitem(sys.modules, "apprise", types.SimpleNamespace(Apprise=FakeApprise))
    config = config_with(Notifier("apprise", url_env="APPRISE_URLS"))
    env = {"APPRISE_URLS": "mailto://u:p@mail.example, matrix://bot@hs.example/!room"}
    assert notify(config, broken_outcome(), env=env) == 1
    [(urls, title, body)] = sent
    assert urls == ["mailto://u:p@mail.example", "matrix://bot@hs.example/!room"]
    assert title == "monitor: 1 link changed status"
    assert body.splitlines() == [
        "Stenosis exercises: ok -> broken (not-found)", "  HTTP 404", "  https://a.example/lss"]


def test_url_from_environment_and_missing_variable_is_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    posted: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        posted.append(str(request.url))
        return httpx.Response(204)

    config = config_with(Notifier("webhook", url_env="HOOK_URL"))
    transport = httpx.MockTransport(handler)
    assert notify(config, broken_outcome(), env={"HOOK_URL": HOOK}, transport=transport) == 1
    assert posted == [HOOK]
    with caplog.at_level(logging.WARNING, logger="monitor.notify"):
        assert notify(config, broken_outcome(), env={}, transport=transport) == 0
    assert "HOOK_URL is not set" in caplog.text


def test_nothing_is_sent_without_confirmed_changes() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    quiet = Outcome(broken_outcome().run, (), ())
    config = config_with(Notifier("webhook", HOOK))
    assert notify(config, quiet, transport=httpx.MockTransport(handler)) == 0


def test_apprise_without_the_extra_is_a_clear_log_line(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setitem(sys.modules, "apprise", None)  # import fails as if not installed
    with caplog.at_level(logging.WARNING, logger="monitor.notify"):
        sent = notify(config_with(Notifier("apprise", "mailto://u:p@mail.example")),
                      broken_outcome())
    assert sent == 0
    assert "pip install 'curated-link-monitor[apprise]'" in caplog.text


# -- end to end: a loopback webhook, confirm_runs = 2 ---------------------------------------

def test_webhook_fires_once_when_a_change_is_confirmed(
        web: LoopbackWeb, hooks: HookSink, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    page = web.set_page("/page", article("Exercises for stenosis"))
    cfg = write_config(tmp_path / "resources.toml", [("page", page)],
                       monitor="confirm_runs = 2",
                       notify=f'[[notify]]\nurl = "{hooks.url}"\nretries = 0\n')
    check = ["check", "-c", str(cfg)]
    assert main(check) == 0 and main(check) == 0
    assert hooks.received == []  # a healthy link confirmed for the first time is not news

    web.set_page("/page", article("Not Found"), status=404)
    assert main(check) == 1
    assert hooks.received == []  # failing once is not confirmed yet
    assert main(check) == 1
    assert len(hooks.received) == 1  # confirmed on the second failing run
    change = hooks.received[0]["changes"][0]
    assert (change["id"], change["old"], change["new"], change["reason"]) == (
        "page", "ok", "broken", "not-found")
    assert main(check) == 1
    assert len(hooks.received) == 1  # still broken: nothing new to say

    web.set_page("/page", article("Exercises for stenosis"))
    assert main(check) == 0 and main(check) == 0
    assert [h["changes"][0]["new"] for h in hooks.received] == ["broken", "ok"]
    capsys.readouterr()


def test_a_failing_webhook_is_logged_and_does_not_change_the_exit_code(
        web: LoopbackWeb, hooks: HookSink, tmp_path: Path) -> None:
    hooks.status = 500
    write_config(tmp_path / "resources.toml",
                 [("gone", web.set_page("/gone", article("Not Found"), status=404))],
                 monitor="confirm_runs = 1",
                 notify='[[notify]]\nurl_env = "MONITOR_TEST_HOOK"\nretries = 1\ntimeout = 2\n')
    done = run_monitor("check", cwd=tmp_path, env={"MONITOR_TEST_HOOK": hooks.url})
    assert done.returncode == 1  # from --fail-on (broken), exactly as without notifications
    assert hooks.attempts == 2  # one retry after the 500
    assert "could not deliver" in done.stderr and "HTTP 500" in done.stderr
    assert "Confirmed changes:" in done.stdout

    web.set_page("/gone", article("Back"))
    healthy = run_monitor("check", cwd=tmp_path, env={"MONITOR_TEST_HOOK": hooks.url})
    assert healthy.returncode == 0  # the ok change is notified (and fails) but exit stays 0
    assert "could not deliver" in healthy.stderr
