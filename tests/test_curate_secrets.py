"""The curating commands print URLs without their credentials (`user:***@`, `token=***`):
`add` (block, errors), `fix` (its diff) and `import` (links, the comment it writes), while
the list itself keeps the URL as the curator wrote it (it is sent as Basic auth)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config import load_config

from loopback import LoopbackWeb, article

LIST = """\
[monitor]
confirm_runs = 1
retries = 0
timeout = 5
archive = false
offline_probe = []

[[resource]]
id = "listed"
url = "{url}"
"""


def secret(web: LoopbackWeb, path: str) -> str:
    return f"http://curator:s3cretpw@127.0.0.1:{web.ports['http']}{path}"


def no_secret(captured: pytest.CaptureFixture[str]) -> str:
    out, err = captured.readouterr()
    assert "s3cretpw" not in out + err and "t0ken99" not in out + err, out + err
    return out + err


def test_add_shows_no_password(web: LoopbackWeb, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    web.set_page("/private/guide", article("Private guide"))
    listed = tmp_path / "resources.toml"
    listed.write_text(LIST.format(url=web.url("/ok")), encoding="utf-8")
    url = secret(web, "/private/guide?token=t0ken99")
    assert main(["add", "-c", str(listed), url, "--dry-run"]) == 0
    assert "curator:***@127.0.0.1" in no_secret(capsys)
    assert main(["add", "-c", str(listed), url]) == 0
    no_secret(capsys)
    assert load_config(listed).resources[-1].url == url  # the file keeps it: Basic auth
    assert main(["add", "-c", str(listed), url.replace("guide", "gone")]) == 2
    assert "not added: http://curator:***@" in no_secret(capsys)  # errors too
    assert main(["add", "-c", str(listed), url]) == 2
    assert "is already listed" in no_secret(capsys)


def test_fix_diff_shows_no_password(web: LoopbackWeb, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    web.set_page("/private/new-guide", article("Private guide"))
    web.set_page("/private/guide", "", status=301,
                 headers={"Location": secret(web, "/private/new-guide")})
    listed = tmp_path / "resources.toml"
    listed.write_text(LIST.format(url=secret(web, "/private/guide")), encoding="utf-8")
    assert main(["check", "-c", str(listed), "--no-report", "-q"]) == 0
    no_secret(capsys)
    assert main(["fix", "-c", str(listed)]) == 0
    out = no_secret(capsys)
    assert "-url = \"http://curator:***@" in out and "+url = \"http://curator:***@" in out
    assert main(["fix", "-c", str(listed), "--apply"]) == 0
    no_secret(capsys)
    assert load_config(listed).resources[0].url == secret(web, "/private/new-guide")


def test_import_shows_and_writes_no_password_of_its_source(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    guide = web.set_page("/guides/walking", article("Walking with stenosis"))
    web.set_page("/members/article", "<html><body><article><p>Read "
                 f"<a href='{guide}'>the walking guide</a> and "
                 "<a href='http://other:0therpw@example.invalid/x'>a locked page</a>."
                 "</p></article></body></html>")
    listed = tmp_path / "resources.toml"
    listed.write_text(LIST.format(url=web.url("/ok")), encoding="utf-8")
    assert main(["import", "-c", str(listed), secret(web, "/members/article"),
                 "--base", "https://blog.example/members/article"]) == 0
    out = no_secret(capsys)
    assert "0therpw" not in out and "other:***@example.invalid" in out
    text = listed.read_text(encoding="utf-8")
    assert "# Imported from http://curator:***@127.0.0.1" in text and "s3cretpw" not in text
