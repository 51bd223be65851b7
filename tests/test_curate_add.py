"""`monitor add` end to end on the loopback web: the shipped list gains exactly one block,
byte for byte, and unhealthy pages are refused with their verdict."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config import load_config

from loopback import LoopbackWeb, article

SHIPPED = Path(__file__).parent.parent / "resources.toml"
TITLE = 'Stretching for "Stenosis" | Loopback Health'


@pytest.fixture
def listed(tmp_path: Path) -> Path:
    path = tmp_path / "resources.toml"
    shutil.copyfile(SHIPPED, path)
    return path


def test_add_appends_one_block_keeping_every_byte(
        web: LoopbackWeb, listed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = web.set_page("/guides/stretching.html", article(TITLE))
    before = listed.read_bytes()
    block = (
        '\n[[resource]]\nid = "127-0-0-1-stretching"\n'
        'name = "Stretching for \\"Stenosis\\" | Loopback Health"\n'
        f'url = "{url}"\n'
        'expected_title = "Stretching for \\"Stenosis\\" | Loopback Health"\n'
        'tags = ["127-0-0-1"]\n'
    )
    assert main(["add", "-c", str(listed), url, "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith(block.lstrip("\n"))
    assert listed.read_bytes() == before

    assert main(["add", "-c", str(listed), url]) == 0
    assert "added '127-0-0-1-stretching'" in capsys.readouterr().out
    assert listed.read_bytes() == before + block.encode()
    added = load_config(listed).resources[-1]
    assert (added.name, added.expected_title) == (TITLE, TITLE)


def test_add_options_and_unique_ids(web: LoopbackWeb, listed: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    first = web.set_page("/a/stretching", article("One"))
    second = web.set_page("/b/stretching", article("Two"))
    assert main(["add", "-c", str(listed), first]) == 0
    assert main(["add", "-c", str(listed), second, "--tags", "demo, video",
                 "--keyword", "flexion", "--keyword", "pelvic tilts", "--name", "Mine"]) == 0
    assert main(["add", "-c", str(listed), web.url("/ok"), "--id", "my-ok"]) == 0
    resources = load_config(listed).resources
    assert [r.id for r in resources[-3:]] == [
        "127-0-0-1-stretching", "127-0-0-1-stretching-2", "my-ok"]
    assert resources[-2].tags == ("demo", "video")
    assert resources[-2].keywords == ("flexion", "pelvic tilts")
    assert resources[-2].name == "Mine" and resources[-2].expected_title == "Two"


def test_a_moved_page_is_added_under_its_new_address(
        web: LoopbackWeb, listed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", "-c", str(listed), web.url("/redirect/301?to=/ok")]) == 0
    assert "permanently redirects" in capsys.readouterr().err
    assert load_config(listed).resources[-1].url == web.url("/ok")


@pytest.mark.parametrize(
    ("path", "extra", "message"),
    [
        ("/status/404", [], "is broken (not-found): HTTP 404"),
        ("/status/503", [], "is down (server-error)"),
        ("/ok", ["--keyword", "unicorn"], "drifted (keyword-missing)"),
        ("/redirect/301?to=/", [], "broken (homepage-redirect)"),
        ("/ok", ["--id", "Bad Id"], "invalid id 'Bad Id'"),
        ("/ok", ["--id", "webmd-stenosis-guide"], "id 'webmd-stenosis-guide' is already used"),
    ],
)
def test_add_refuses_with_the_verdict(web: LoopbackWeb, listed: Path,
                                      capsys: pytest.CaptureFixture[str], path: str,
                                      extra: list[str], message: str) -> None:
    before = listed.read_bytes()
    assert main(["add", "-c", str(listed), web.url(path), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("monitor: error:")
    assert listed.read_bytes() == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://www.webmd.com/back-pain/guide/spinal-stenosis/", "already listed as"),
        ("http://webmd.com/back-pain/guide/spinal-stenosis", "already listed as"),
        ("ftp://example.org/x", "not an http(s) URL"),
        ("http://[::1/x", "not a valid URL"),
    ],
)
def test_add_refuses_without_fetching(listed: Path, capsys: pytest.CaptureFixture[str],
                                      url: str, message: str) -> None:
    assert main(["add", "-c", str(listed), url]) == 2
    assert message in capsys.readouterr().err
