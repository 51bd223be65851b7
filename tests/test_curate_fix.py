"""`monitor fix` end to end on the loopback web: diff first, bytes of the rest of the file
untouched, refusals for edited files and for moves to login or home pages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.curate.fix import landing_problem
from monitor.models import Hop, Reason, Result, Status
from monitor.store import Store

from loopback import LoopbackWeb, article

CONFIG = """\
# My list: comments, blank lines, odd quoting and key order must survive.

[monitor]
confirm_runs = {confirm}   # CI-like
retries = 0
timeout = 5

# --- moved ---
[[resource]]
url = '{moved}'   # literal string, url first
id = "moved"
tags = [ "a",  "b" ]

[[resource]]
id = "to-login"
url = "{login}"

# --- fine ---
[[resource]]
id = "fine"
url = "{fine}"
"""


def write(tmp_path: Path, web: LoopbackWeb, confirm: int = 1) -> Path:
    web.set_page("/sign-in", article("Sign in to your account"))
    path = tmp_path / "resources.toml"
    path.write_text(CONFIG.format(
        confirm=confirm, moved=web.url("/redirect/301?to=/ok"),
        login=web.url("/redirect/308?to=/sign-in"), fine=web.url("/ok")), encoding="utf-8")
    return path


def cli(*args: str) -> int:
    return main(list(args))


def test_fix_shows_a_diff_then_applies_only_that_line(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, web)
    before = path.read_bytes()
    assert cli("check", "-c", str(path), "--no-report", "-q") == 0
    capsys.readouterr()

    assert cli("fix", "-c", str(path)) == 0
    out = capsys.readouterr().out
    assert path.read_bytes() == before  # a dry run by default
    assert f"-url = '{web.url('/redirect/301?to=/ok')}'" in out
    assert f"+url = '{web.url('/ok')}'" in out and "--apply" in out
    assert "sign-in" not in out  # a move to a login page is never a fix
    assert cli("fix", "-c", str(path), "--id", "to-login") == 0
    assert "to-login: not" in capsys.readouterr().err  # judged a login wall, or refused

    assert cli("fix", "-c", str(path), "--apply") == 0
    assert "updated 1 moved link" in capsys.readouterr().out
    expected = before.replace(web.url("/redirect/301?to=/ok").encode(), web.url("/ok").encode())
    assert path.read_bytes() == expected  # quoting, comment, key order kept

    assert cli("check", "-c", str(path), "--no-report", "-q") == 0
    with Store(tmp_path / "monitor.sqlite3") as store:
        history = store.history(["moved"], 10)["moved"]
        latest = store.load_run()
    assert [point.status for point in history] == ["moved", "ok"]  # same id, history kept
    assert latest is not None and latest.results[0].url == web.url("/ok")


def test_fix_refuses_a_file_edited_since_the_run(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, web)
    assert cli("check", "-c", str(path), "--no-report", "-q") == 0
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    edited = path.read_bytes()
    capsys.readouterr()
    assert cli("fix", "-c", str(path), "--apply") == 2
    err = capsys.readouterr().err
    assert err.startswith("monitor: error: ") and "changed since run #1" in err
    assert err.count("\n") == 1 and path.read_bytes() == edited


def test_fix_waits_for_confirmation_and_honours_id(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, web, confirm=2)
    before = path.read_bytes()
    assert cli("check", "-c", str(path), "--no-report", "-q") == 0
    capsys.readouterr()
    assert cli("fix", "-c", str(path), "--apply") == 0
    out, err = capsys.readouterr()
    assert "moved: moved, but not confirmed yet" in err and "nothing to fix" in out
    assert path.read_bytes() == before
    assert cli("check", "-c", str(path), "--no-report", "-q") == 0
    capsys.readouterr()
    assert cli("fix", "-c", str(path), "--id", "fine", "--apply") == 0
    out, err = capsys.readouterr()
    assert "fine: not moved (status ok)" in err and path.read_bytes() == before
    assert cli("fix", "-c", str(path), "--id", "moved", "--apply") == 0
    assert path.read_bytes() != before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--id", "nope"], "unknown resource id(s): nope"),
        ([], "no run in the history yet"),
    ],
)
def test_fix_usage_errors_are_one_line(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        args: list[str], message: str) -> None:
    path = write(tmp_path, web)
    assert cli("fix", "-c", str(path), *args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def moved(url: str, final: str, title: str | None = "Page", code: int | None = 200) -> Result:
    return Result(
        id="r", name="r", url=url, status=Status.MOVED, reason=Reason.PERMANENT_REDIRECT,
        detail="", http_status=code, final_url=final, redirects=(Hop(url, 301, final),),
        title=title, expected_title=None, elapsed_ms=1.0, checked_at=datetime.now(UTC))


@pytest.mark.parametrize(
    ("url", "new", "title", "code", "problem"),
    [
        ("https://a.org/x", "https://a.org/y", "Page", 200, None),
        ("https://a.org/x", "https://b.org/x/", "Page", 200, None),
        ("https://a.org/", "https://www.a.org/", "Home", 200, None),  # home to home is fine
        ("https://a.org/x", "https://a.org/authors/x", "Page", 200, None),  # near miss: auth
        ("https://a.org/x", "https://a.org/", "Home", 200, "home page"),
        ("https://a.org/x", "https://a.org/login?next=/x", "Page", 200, "login page"),
        ("https://a.org/x", "https://a.org/users/sign_in", "Page", 200, "login page"),
        ("https://a.org/x", "https://a.org/y", "Sign in | A", 200, "login page"),
        ("https://a.org/x", "https://a.org/y", "Page", 500, "HTTP 500"),
        ("https://a.org/x", "http://a.org/y", "Page", 200, "drops https"),
    ],
)
def test_landing_problem(url: str, new: str, title: str, code: int,
                         problem: str | None) -> None:
    found = landing_problem(moved(url, new, title, code), new)
    assert (found is None) if problem is None else (found is not None and problem in found)
