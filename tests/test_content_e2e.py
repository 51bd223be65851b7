"""Content drift end to end on the loopback web: a snapshot is taken at the first good check,
noise does not alarm, real changes are `drifted`/`content-changed` with a short diff in every
output, `monitor diff` shows all of it and `monitor accept` takes the page as it is now."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from monitor import content
from monitor.cli import main

import content_pages as pages
from loopback import LoopbackWeb


def res(rid: str, url: str, **extra: Any) -> dict[str, Any]:
    return {"id": rid, "name": rid, "url": url, **extra}


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (pages.same_article_new_noise, ("ok", "ok")),
        (pages.paragraph_added, ("ok", "ok")),
        (pages.body_replaced, ("drifted", "content-changed")),
        (pages.half_rewritten, ("drifted", "content-changed")),
    ],
)
def test_page_pairs(
    web: LoopbackWeb, run_check: Any, variant: Callable[[], str], expected: tuple[str, str]
) -> None:
    url = web.set_page(f"/pair-{variant.__name__}", pages.curated())
    resources = [res("p", url)]
    assert run_check(resources).result("p")["status"] == "ok"
    web.set_page(f"/pair-{variant.__name__}", variant())
    result = run_check(resources).result("p")
    assert (result["status"], result["reason"]) == expected, result["detail"]
    if expected[0] == "drifted":
        assert "% of the text is new" in result["detail"]
        assert result["content_diff"]["added"] and result["content_diff"]["removed"]
    else:
        assert result["content_diff"] is None


def test_content_change_is_confirmed_like_any_status(web: LoopbackWeb, run_check: Any) -> None:
    url = web.set_page("/confirm", pages.curated())
    resources = [res("c", url)]
    run_check(resources, confirm_runs=2)
    web.set_page("/confirm", pages.body_replaced())
    first = run_check(resources, confirm_runs=2).result("c")
    second = run_check(resources, confirm_runs=2).result("c")
    assert (first["status"], first["confirmed"]) == ("drifted", False)
    assert (second["status"], second["confirmed"]) == ("drifted", True)


def test_diff_accept_and_baseline(
    web: LoopbackWeb, run_check: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = web.set_page("/accept", pages.curated())
    resources = [res("a", url, expected_title="Exercises for Spinal Stenosis")]
    run_check(resources)
    config = str(tmp_path / "resources.toml")
    assert main(["baseline", "-c", config]) == 0
    assert "content learned 20" in capsys.readouterr().out
    web.set_page("/accept", pages.half_rewritten())
    assert run_check(resources).result("a")["reason"] == "content-changed"

    assert main(["diff", "-c", config, "a"]) == 0
    out = capsys.readouterr().out
    assert f"- {pages.STENOSIS[1]}" in out and f"+ {pages.CRYPTO[1]}" in out
    assert f"+ {pages.CRYPTO[9]}" in out  # the full diff, not the first few
    assert pages.STENOSIS[0] not in out  # kept sentences are not shown

    assert main(["accept", "-c", config, "a"]) == 0
    assert "accepted the current content as its snapshot" in capsys.readouterr().out
    assert main(["baseline", "-c", config]) == 0
    assert "content accepted 20" in capsys.readouterr().out
    assert run_check(resources).result("a")["status"] == "ok"
    assert main(["diff", "-c", config, "a"]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert main(["diff", "-c", config, "nope"]) == 2


def test_reports_carry_a_short_escaped_diff(
    web: LoopbackWeb, run_check: Any, tmp_path: Path
) -> None:
    hostile = "Click <script>alert(1)</script> here to claim | your *prize* today."
    url = web.set_page("/esc", pages.curated())
    resources = [res("e", url)]
    run_check(resources)
    web.set_page("/esc", pages.page([hostile.replace("<", "&lt;"), *pages.CRYPTO]))
    md, html = tmp_path / "s.md", tmp_path / "r.html"
    run = run_check(resources, "--markdown", str(md), "--report", str(html))
    diff = run.result("e")["content_diff"]
    assert len(diff["added"]) == 3 and len(diff["removed"]) == 3  # bounded
    assert any("<script>" in s for s in diff["added"])  # JSON carries the text as written
    page = html.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "monitor diff e" in page
    summary = md.read_text(encoding="utf-8")
    assert "What changed: e" in summary and "\\<script\\>" in summary
    assert "<script>" not in summary


def test_pages_are_extracted_only_when_they_change(
    web: LoopbackWeb, run_check: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = content.main_text

    def counting(markup: str) -> str:
        calls.append(1)
        return real(markup)

    monkeypatch.setattr(content, "main_text", counting)
    url = web.set_page("/same", pages.curated())
    resources = [res("s", url)]
    run_check(resources)
    run_check(resources)
    assert len(calls) == 0  # the snapshot's markup is kept: nothing to compare yet
    web.set_page("/same", pages.same_article_new_noise())
    assert run_check(resources).result("s")["status"] == "ok"
    assert len(calls) == 2  # now the page and its snapshot are read
    run_check(resources)
    assert len(calls) == 2
    web.set_page("/same", pages.body_replaced())
    assert run_check(resources).result("s")["reason"] == "content-changed"
    assert len(calls) == 3  # the snapshot's text is kept from now on


def test_replaced_file_is_content_changed(web: LoopbackWeb, run_check: Any) -> None:
    url = web.set_page("/files/guide", b"%PDF-1.4 the curated exercise guide",
                       content_type="application/pdf")
    resources = [res("f", url)]
    assert run_check(resources).result("f")["status"] == "ok"
    assert run_check(resources).result("f")["status"] == "ok"
    web.set_page("/files/guide", b"%PDF-1.4 a different brochure", content_type="application/pdf")
    result = run_check(resources).result("f")
    assert (result["status"], result["reason"]) == ("drifted", "content-changed")
    assert "file was replaced" in result["detail"]


def test_no_snapshot_from_an_error_page(web: LoopbackWeb, run_check: Any) -> None:
    url = web.set_page("/later", pages.curated(), status=500)
    resources = [res("l", url)]
    assert run_check(resources, confirm_runs=1).result("l")["status"] == "down"
    web.set_page("/later", pages.body_replaced())
    assert run_check(resources).result("l")["status"] == "ok"  # first good check: snapshot
    web.set_page("/later", pages.curated())
    assert run_check(resources).result("l")["reason"] == "content-changed"


def test_content_threshold_per_resource(web: LoopbackWeb, run_check: Any) -> None:
    url = web.set_page("/strict", pages.curated())
    resources = [res("t", url, content_threshold=0.1)]
    run_check(resources)
    web.set_page("/strict", pages.paragraph_added())
    assert run_check(resources).result("t")["reason"] == "content-changed"


def test_sharded_run_reads_deferred_snapshots(web: LoopbackWeb, run_check: Any) -> None:
    """Worker processes read a kept snapshot's markup from the history themselves."""
    plain = web.set_page("/shard-a", pages.curated())
    tls = web.tls_url("/shard-b")
    web.set_page("/shard-b", pages.curated())
    resources = [res("a", plain), res("b", tls)]
    run_check(resources, ca_bundle=str(web.ca_path), workers=2)
    web.set_page("/shard-a", pages.body_replaced())
    web.set_page("/shard-b", pages.same_article_new_noise())
    run = run_check(resources, ca_bundle=str(web.ca_path), workers=2)
    assert run.result("a")["reason"] == "content-changed"
    assert run.result("b")["status"] == "ok"


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [("monitor", 1.5, "content_threshold"), ("resource", "high", "content_threshold")],
)
def test_content_threshold_is_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str, value: Any, message: str
) -> None:
    from conftest import write_config

    resource = res("v", "https://example.org/")
    settings: dict[str, Any] = {}
    if where == "monitor":
        settings["content_threshold"] = value
    else:
        resource["content_threshold"] = value
    config = write_config(tmp_path / "resources.toml", [resource], **settings)
    assert main(["validate", "-c", str(config)]) == 2
    assert message in capsys.readouterr().err
