"""Page-derived text can carry the resource's own URL, credentials included (a members page
that says "sign in again at http://user:secret@host/..."; an article whose anchor text is the
bare URL). That text is shown like any URL: `user:***@` in the content diff of a drifted page
(JSON, Markdown, HTML, `monitor diff`) and in the links of a source article's diff."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.models import LinkChange, Reason, Result, SourceReport, Status, TextDiff
from monitor.safetext import display_result, display_source

import content_pages as pages
from conftest import write_config
from loopback import LoopbackWeb

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def outputs(config: Path, tmp_path: Path, *extra: str) -> dict[str, str]:
    paths = {name: tmp_path / name for name in ("r.json", "r.md", "r.html")}
    main(["check", "-c", str(config), "--json", str(paths["r.json"]), "--markdown",
          str(paths["r.md"]), "--report", str(paths["r.html"]), "--verbose", *extra])
    return {name: path.read_text(encoding="utf-8") for name, path in paths.items()}


def test_a_content_diff_shows_no_credentials_in_any_output(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = web.ports["http"]
    url = f"http://curator:s3cretpw@127.0.0.1:{port}/members/guide"
    web.set_page("/members/guide", pages.curated())
    config = write_config(tmp_path / "resources.toml", [{"id": "guide", "url": url}])
    assert json.loads(outputs(config, tmp_path)["r.json"])["results"][0]["status"] == "ok"
    leak = (f"Members must sign in again at {url}?token=t0ken99 to keep reading "
            "every exercise guide.")
    web.set_page("/members/guide", pages.page([leak, *pages.CRYPTO[1:]]))
    texts = outputs(config, tmp_path)
    result = json.loads(texts["r.json"])["results"][0]
    assert result["reason"] == "content-changed"
    assert any(f"curator:***@127.0.0.1:{port}/members/guide?token=***" in sentence
               for sentence in result["content_diff"]["added"]), result["content_diff"]
    assert main(["diff", "-c", str(config), "guide"]) == 0
    texts["monitor diff"] = capsys.readouterr().out
    assert "Members must sign in again at http://curator:***@" in texts["monitor diff"]
    for name, text in texts.items():
        assert "s3cretpw" not in text and "t0ken99" not in text, name
    assert "Members must sign in again" in texts["r.md"] + texts["r.html"]


def test_a_source_articles_links_show_no_credentials(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    locked = "http://reader:s3cretpw@locked.example/members/walking"
    config = write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url("/ok")}])
    with config.open("a", encoding="utf-8") as handle:
        handle.write(f'\n[[source]]\nid = "article"\nurl = "{web.url("/article")}"\n')
    web.set_page("/article", "<html><body><article><p>Start here.</p></article></body></html>")
    outputs(config, tmp_path)  # the baseline
    web.set_page("/article", "<html><body><article><p>Also: "
                 f"<a href='{locked}'>{locked}</a></p></article></body></html>")
    texts = outputs(config, tmp_path)
    texts["stdout"] = capsys.readouterr().out
    (added,) = json.loads(texts["r.json"])["sources"][0]["added"]
    assert added["url"] == added["text"] == "http://reader:***@locked.example/members/walking"
    for name, text in texts.items():
        assert "s3cretpw" not in text, name


def test_display_helpers_mask_page_text() -> None:
    secret = "see http://u:pw@h/x?key=k1 now"
    result = display_result(Result(
        id="a", name="A", url="http://h/x", status=Status.DRIFTED,
        reason=Reason.CONTENT_CHANGED, detail="", http_status=200, final_url="http://h/x",
        redirects=(), title=f"Title {secret}", expected_title=None, elapsed_ms=1.0,
        checked_at=T0, content_diff=TextDiff(added=(secret,), removed=(f"old {secret}",))))
    assert "pw@" not in repr(result) and "k1" not in repr(result)
    assert result.content_diff == TextDiff(added=("see http://u:***@h/x?key=*** now",),
                                           removed=("old see http://u:***@h/x?key=*** now",))
    change = LinkChange(url="http://u:pw@h/x", text=secret, since=T0, streak=1, confirmed=True)
    source = display_source(SourceReport("s", "S", "http://h/", Status.OK, added=(change,)))
    assert "pw@" not in repr(source) and source.added[0].text.startswith("see http://u:***@h")
