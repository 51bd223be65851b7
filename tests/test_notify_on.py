"""Cron output on change only (`--notify-on change`, `notify_on = "change"`) against the
default, which prints on every run while a confirmed problem lasts. stdout is captured, not a
terminal: the plain (cron) mode, as cron runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from monitor.cli import main

from conftest import write_config
from loopback import LoopbackWeb, article


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", "-c", str(tmp_path / "resources.toml"), "--no-report", *args])
    return code, capsys.readouterr().out


@pytest.mark.parametrize(("how", "args", "settings"), [
    ("default", (), {}),
    ("flag", ("--notify-on", "change"), {}),
    ("config", (), {"notify_on": "change"}),
    ("flag-over-config", ("--notify-on", "problems"), {"notify_on": "change"}),
])
def test_cron_mails_on_change_or_on_every_failing_run(
    web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str,
    args: tuple[str, ...], settings: dict[str, Any],
) -> None:
    page = web.set_page("/page", article("Exercises for Spinal Stenosis"))
    write_config(tmp_path / "resources.toml", [{"id": "page", "url": page},
                                               {"id": "fine", "url": web.url("/ok")}],
                 **settings)
    on_change = how in ("flag", "config")
    assert run(tmp_path, capsys, *args) == (0, "")  # healthy from the start: no news

    web.set_page("/page", article("Not Found"), status=404)
    code, out = run(tmp_path, capsys, *args)  # a new failure: news in both modes
    assert code == 1 and "page: ok -> broken" in out

    code, out = run(tmp_path, capsys, *args)  # still broken: the exit code says so...
    assert code == 1
    if on_change:
        assert out == ""  # ...but cron does not mail it again
    else:
        assert "! page: broken (not-found)" in out and "->" not in out

    web.set_page("/page", article("Exercises for Spinal Stenosis"))
    code, out = run(tmp_path, capsys, *args)  # the recovery is news in both modes
    assert code == 0 and "page: broken -> ok" in out


def test_bad_notify_on_is_a_clear_error(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    write_config(tmp_path / "resources.toml", [{"id": "a", "url": "http://127.0.0.1:9/"}],
                 notify_on="sometimes")
    assert main(["check", "-c", str(tmp_path / "resources.toml")]) == 2
    err = capsys.readouterr().err
    lines = (tmp_path / "resources.toml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("notify_on"))
    assert f"resources.toml:{line}: 'notify_on' must be one of 'problems', 'change', " \
        "not 'sometimes'" in err
    with pytest.raises(SystemExit) as exited:
        main(["check", "-c", str(tmp_path / "resources.toml"), "--notify-on", "never"])
    assert exited.value.code == 2
