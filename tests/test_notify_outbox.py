"""A confirmed change is announced even when the report cannot be written, and one that could
not be announced (webhook down, variable unset) is sent again after the next run, once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers_modes import HookSink, serve_hooks, write_config

from monitor.cli import EXIT_FAIL, EXIT_OUTPUT, main

from loopback import LoopbackWeb


@pytest.fixture
def sink() -> Iterator[HookSink]:
    with serve_hooks() as hooks:
        yield hooks


def hook(url: str | None = None, env: str | None = None) -> str:
    where = f'url = "{url}"' if url else f'url_env = "{env}"'
    return f"[[notify]]\n{where}\nretries = 0\ntimeout = 5\n"


def check(tmp_path: Path, *args: str) -> int:
    return main(["check", "-c", str(tmp_path / "resources.toml"), "-q", *args])


def test_a_change_is_announced_even_when_the_report_cannot_be_written(
        web: LoopbackWeb, sink: HookSink, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    write_config(tmp_path / "resources.toml", [("dead", web.url("/status/404"))],
                 monitor="confirm_runs = 1", notify=hook(sink.url))
    report = tmp_path / "index.html"
    report.symlink_to("/dev/full")  # the report write fails with ENOSPC, after the run
    assert check(tmp_path, "--report", str(report)) == EXIT_OUTPUT
    assert "No space left" in capsys.readouterr().err
    assert sink.changed_ids() == ["dead"]


def test_an_announcement_that_failed_is_sent_after_the_next_run_and_only_once(
        web: LoopbackWeb, sink: HookSink, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    write_config(tmp_path / "resources.toml", [("dead", web.url("/status/404"))],
                 monitor="confirm_runs = 1", notify=hook(sink.url))
    sink.status = 503  # the webhook is down during the run that confirms the change
    assert check(tmp_path, "--no-report") == EXIT_FAIL
    assert sink.received == [] and sink.attempts == 1
    assert "kept to send again" in capsys.readouterr().err
    sink.status = 200
    assert check(tmp_path, "--no-report") == EXIT_FAIL  # no new change in this run
    assert sink.changed_ids() == ["dead"]
    body = sink.received[0]["changes"][0]
    assert body["old"] is None and body["new"] == "broken" and body["reason"] == "not-found"
    assert check(tmp_path, "--no-report") == EXIT_FAIL
    assert sink.changed_ids() == ["dead"]  # delivered once, not again


def test_each_target_gets_what_it_missed_and_nothing_twice(
        web: LoopbackWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    with serve_hooks() as first, serve_hooks() as second:
        write_config(tmp_path / "resources.toml", [("dead", web.url("/status/404"))],
                     monitor="confirm_runs = 1",
                     notify=hook(first.url) + "\n" + hook(env="SECOND_HOOK"))
        monkeypatch.delenv("SECOND_HOOK", raising=False)
        assert check(tmp_path, "--no-report") == EXIT_FAIL
        assert first.changed_ids() == ["dead"] and second.received == []
        monkeypatch.setenv("SECOND_HOOK", second.url)
        assert check(tmp_path, "--no-report") == EXIT_FAIL
        assert first.changed_ids() == ["dead"]
        assert second.changed_ids() == ["dead"]
    capsys.readouterr()


def test_a_notifier_added_later_does_not_get_old_news(
        web: LoopbackWeb, sink: HookSink, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "resources.toml"
    write_config(config, [("dead", web.url("/status/404"))], monitor="confirm_runs = 1")
    assert check(tmp_path, "--no-report") == EXIT_FAIL
    write_config(config, [("dead", web.url("/status/404"))], monitor="confirm_runs = 1",
                 notify=hook(sink.url))
    assert check(tmp_path, "--no-report") == EXIT_FAIL
    assert sink.attempts == 0
    capsys.readouterr()
