"""A moved or redirected link is never curated at a home, error or language landing page
(`/index.html`, `/en/`, `/404.html`, `/error?code=404`), while pages that merely look alike
(`/en/spinal-stenosis-exercises`, `/issues/404`) are: tables, then `monitor fix` and
`monitor add` end to end on the loopback web."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.curate.fix import landing_problem
from monitor.curate.newlinks import judge_candidate
from monitor.models import Hop, Reason, Result, Status

from loopback import LoopbackWeb, article

OLD = "https://spine.example/guides/stenosis-exercises"


def result(url: str, final: str, *, status: Status = Status.MOVED, code: int = 301,
           title: str = "Page") -> Result:
    return Result(
        id="r", name="r", url=url, status=status,
        reason=Reason.PERMANENT_REDIRECT if status is Status.MOVED else Reason.OK,
        detail="", http_status=200, final_url=final, redirects=(Hop(url, code, final),),
        title=title, expected_title=None, elapsed_ms=1.0, checked_at=datetime.now(UTC))


@pytest.mark.parametrize(
    ("new", "problem"),
    [
        # home pages other than `/`
        ("https://spine.example/index.html", "home page"),
        ("https://spine.example/Default.aspx", "home page"),
        ("https://spine.example/home", "home page"),
        ("https://spine.example/en/", "home page"),
        ("https://spine.example/en-us/index.php", "home page"),
        ("https://spine.example/pt_BR", "home page"),
        ("https://spine.example/?lang=en&utm_source=old-link", "home page"),
        # error pages
        ("https://spine.example/404", "error page"),
        ("https://spine.example/404.html", "error page"),
        ("https://spine.example/en/error", "error page"),
        ("https://spine.example/errors/500", "error page"),
        ("https://spine.example/error?code=404", "error page"),
        ("https://spine.example/site/page-not-found", "error page"),
        ("https://spine.example/help/Error.aspx?aspxerrorpath=/guides", "error page"),
        ("https://spine.example/search?error=gone", "error page"),
        # near misses: pages that look a little like those
        ("https://spine.example/en/spinal-stenosis-exercises", None),
        ("https://spine.example/en/exercises/", None),
        ("https://spine.example/homework-tips", None),
        ("https://spine.example/docs/index.html", None),
        ("https://spine.example/index.php?page=stenosis", None),
        ("https://spine.example/?p=123", None),
        ("https://spine.example/english/", None),
        ("https://spine.example/issues/404", None),
        ("https://spine.example/guides/errors-in-posture", None),
        ("https://spine.example/docs/errors", None),
        ("https://spine.example/reference/Global_Objects/Error", None),
        ("https://spine.example/stenosis?code=200", None),
        ("https://spine.example/stenosis?status=active", None),
        ("https://spine.example/stenosis?id=404", None),
    ],
)
def test_a_fix_never_lands_on_a_home_or_error_page(new: str, problem: str | None) -> None:
    found = landing_problem(result(OLD, new), new)
    assert (found is None) if problem is None else (found is not None and problem in found), \
        found


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("https://spine.example/", "https://spine.example/en/"),  # home to home: a fine move
        ("https://spine.example/index.html", "https://spine.example/home"),
        ("https://spine.example/404.html", "https://spine.example/errors/404"),  # curated so
    ],
)
def test_a_landing_like_the_curated_page_is_no_problem(old: str, new: str) -> None:
    assert landing_problem(result(old, new), new) is None


@pytest.mark.parametrize(
    ("final", "code", "curated"),
    [
        ("https://spine.example/en/", 302, False),
        ("https://spine.example/index.html", 302, False),
        ("https://spine.example/404.html", 302, False),
        ("https://spine.example/error?code=404", 307, False),
        ("https://spine.example/en/spinal-stenosis-exercises", 302, True),
        ("https://spine.example/issues/404", 302, True),
    ],
)
def test_add_refuses_an_ok_page_reached_by_redirect_to_a_landing(
        final: str, code: int, curated: bool) -> None:
    verdict = judge_candidate(OLD, result(OLD, final, status=Status.OK, code=code))
    assert (verdict.url == OLD) if curated else (verdict.url is None and verdict.problem)


CONFIG = """\
# Curated by hand: every byte of this file must survive a fix that is refused.
[monitor]
confirm_runs = 1
retries = 0
timeout = 5
archive = false
offline_probe = []

[[resource]]
id = "exercises"   # the moved one
url = '{url}'
"""


def moved_site(web: LoopbackWeb, tmp_path: Path, target: str) -> Path:
    """A curated page that now answers 301 to `target`, an ordinary-looking 200 page."""
    path = target.split("?")[0]
    web.set_page(path, article("Loopback Spine Clinic"))
    web.set_page("/guides/exercises", "", status=301, headers={"Location": target})
    listed = tmp_path / "resources.toml"
    listed.write_text(CONFIG.format(url=web.url("/guides/exercises")), encoding="utf-8")
    return listed


@pytest.mark.parametrize(
    ("target", "why", "check_code"),
    [
        # the judge and curating share one home-page rule: a move to a home page is a
        # broken link (homepage-redirect), never a fix
        ("/index.html", "home page", 1),
        ("/en/", "home page", 1),
        ("/error?code=404", "error page", 0),
    ],
)
def test_fix_leaves_the_file_alone_when_the_move_lands_on_a_landing_page(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        target: str, why: str, check_code: int) -> None:
    listed = moved_site(web, tmp_path, target)
    before = listed.read_bytes()
    assert main(["check", "-c", str(listed), "--no-report", "-q"]) == check_code
    capsys.readouterr()
    assert main(["fix", "-c", str(listed), "--apply"]) == 0
    out, err = capsys.readouterr()
    if check_code == 0:  # moved: fix looks at the move and refuses it
        assert "exercises: not fixed: it now lands on" in err and why in err
    assert "nothing to fix" in out
    assert listed.read_bytes() == before


def test_fix_rewrites_a_move_to_a_localised_page(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listed = moved_site(web, tmp_path, "/en/spinal-stenosis-exercises")
    before = listed.read_bytes()
    assert main(["check", "-c", str(listed), "--no-report", "-q"]) == 0
    assert main(["fix", "-c", str(listed), "--apply"]) == 0
    assert "updated 1 moved link" in capsys.readouterr().out
    assert listed.read_bytes() == before.replace(
        b"/guides/exercises", b"/en/spinal-stenosis-exercises")


@pytest.mark.parametrize("target", ["/en/", "/404.html"])
def test_add_refuses_a_page_that_redirects_to_a_landing_page(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        target: str) -> None:
    web.set_page(target, article("Loopback Spine Clinic"))
    url = web.set_page("/old-guide", "", status=302, headers={"Location": target})
    listed = tmp_path / "resources.toml"
    listed.write_text(CONFIG.format(url=web.url("/ok")), encoding="utf-8")
    before = listed.read_bytes()
    assert main(["add", "-c", str(listed), url]) == 2
    err = capsys.readouterr().err
    # a move to the home page is already a broken link; other landings are refused moves
    assert err.startswith((f"monitor: error: not added: {url} is redirected to",
                           f"monitor: error: not added: {url} is broken (homepage-redirect)"))
    assert err.count("\n") == 1 and listed.read_bytes() == before
