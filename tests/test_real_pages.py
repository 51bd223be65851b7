"""The judge on real pages saved by others (../shared/corpus, read in place, never copied).
Skips when the corpus is absent. score.py scores the whole CLI; this keeps the judge honest
in the unit suite: every page gets the status a curator wants, no article is ever flagged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from monitor.extract import extract
from monitor.judge import Context, judge
from monitor.models import Fetched, Resource, Status

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
RES = Resource(id="r", name="R", url="https://example.org/some/article")


def _entries() -> list[dict[str, Any]]:
    manifest = CORPUS / "manifest.jsonl"
    if not manifest.is_file():
        return []
    lines = manifest.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.skipif(not _entries(), reason="no ../shared/corpus here")
@pytest.mark.parametrize("entry", _entries(), ids=lambda e: str(e["file"]))
def test_real_page_gets_the_status_a_curator_wants(entry: dict[str, Any]) -> None:
    body = (CORPUS / entry["file"]).read_bytes()
    page = extract(body, "text/html", full_text=False)
    fetched = Fetched(url=RES.url, final_url=RES.url, http_status=int(entry["http_status"]),
                      page=page)
    verdict = judge(RES, fetched, Context())
    assert verdict.status.value == entry["expected_status"], verdict.detail
    if entry["category"] == "ok_article":
        assert verdict.status is Status.OK
