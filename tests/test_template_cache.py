"""Compiled report templates are kept between runs, and a cache that cannot be used is only
a cache miss: the report is the same either way."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pytest

from monitor.models import Reason, Result, Run, Status
from monitor.outputs import html
from monitor.outputs.template_cache import QuietBytecodeCache, cache_dir
from monitor.outputs.view import build_view
from monitor.store import Store

T0 = datetime(2026, 12, 7, 12, tzinfo=UTC)


@pytest.mark.parametrize(("environ", "expected"), [
    ({"MONITOR_CACHE_DIR": "/srv/c", "XDG_CACHE_HOME": "/x", "HOME": "/h"}, "/srv/c/templates"),
    ({"XDG_CACHE_HOME": "/x", "HOME": "/h"}, "/x/curated-link-monitor/templates"),
    ({"XDG_CACHE_HOME": "relative", "HOME": "/h"}, "/h/.cache/curated-link-monitor/templates"),
    ({"HOME": "/h"}, "/h/.cache/curated-link-monitor/templates"),
    ({"MONITOR_CACHE_DIR": ""}, None),
    ({}, None),
])
def test_cache_folder(environ: dict[str, str], expected: str | None) -> None:
    folder = cache_dir(environ)
    assert (str(folder) if folder else None) == expected


def _report(tmp_path: Path) -> str:
    with Store(tmp_path / "h.sqlite3") as store:
        result = Result(
            id="a", name="Exercises", url="https://example.org/a", status=Status.OK,
            reason=Reason.OK, detail="", http_status=200, final_url="https://example.org/a",
            redirects=(), title="Exercises", expected_title=None, elapsed_ms=10.0,
            checked_at=T0)
        run, _ = store.record_run(Run(T0, T0, (result,)), 1)
        return html.render_html(build_view(run, store, history_runs=10, now=T0), "x")


def _fresh_environment(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("MONITOR_CACHE_DIR", str(folder))
    html._environment.cache_clear()
    monkeypatch.setattr(html, "_environment", html._environment)


@pytest.fixture(autouse=True)
def _forget_environment() -> object:
    yield None
    html._environment.cache_clear()  # the next test builds its own, from its own settings


def test_second_run_loads_compiled_templates(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _fresh_environment(monkeypatch, tmp_path / "cache")
    first = _report(tmp_path / "one")
    assert list((tmp_path / "cache" / "templates").iterdir())  # written on first use

    html._environment.cache_clear()  # a new process, as the next cron run is

    def no_compile(*args: object, **kwargs: object) -> object:
        raise AssertionError("template compiled again despite the cache")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compile)
    assert _report(tmp_path / "two").replace("two", "one") == first.replace("two", "one")


@pytest.mark.parametrize("breakage", ["unwritable", "corrupt"])
def test_unusable_cache_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  breakage: str) -> None:
    expected = _report(tmp_path / "plain")
    if breakage == "unwritable":
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder")
        folder = blocker / "cache"  # cannot be made: its parent is a file
    else:
        folder = tmp_path / "cache"
        _fresh_environment(monkeypatch, folder)
        _report(tmp_path / "warm")
        for entry in (folder / "templates").iterdir():
            entry.write_bytes(entry.read_bytes()[:12] + b"\x80garbage")
    _fresh_environment(monkeypatch, folder)
    assert _report(tmp_path / "again").replace("again", "plain") == expected


def test_quiet_cache_turns_a_failing_write_into_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = QuietBytecodeCache(str(blocker / "sub"))
    bucket = jinja2.bccache.Bucket(jinja2.Environment(), "k", "checksum")
    bucket.code = compile("x = 1", "<t>", "exec")
    cache.dump_bytecode(bucket)  # no exception
    cache.load_bytecode(bucket)  # nor here: a miss, and jinja2 compiles
    assert bucket.code is None
