"""Bot checks that say "verify" in their own words: any apostrophe, and a UTF-8 page read
as Latin-1, still read "you're a human"; articles about captchas stay quiet."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.models import Page
from monitor.pagekind import looks_challenge

PROSE = "<p>" + "Researchers measured how long people take to solve puzzles online. " * 30 + "</p>"


def page(body: str, title: str = "Site") -> Page:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


@pytest.mark.parametrize(
    "candidate",
    [
        page("<h1>Verify to continue</h1><p>We detected a high number of errors from your "
             "connection.</p>", "Verify to Continue"),
        page("<p>To continue, please confirm that you’re a human (and not a spambot).</p>"),
        page("<p>To continue, please confirm that you\u00e2\u0080\u0099re a human.</p>"),
        page("<p>Please verify that you're a human to see this page.</p>"),
    ],
)
def test_verify_you_are_human_pages_on_200(candidate: Page) -> None:
    assert looks_challenge(candidate, {}, 200)


@pytest.mark.parametrize(
    "candidate",
    [
        page("<h1>Why sites ask you to confirm that you're a human</h1>" + PROSE,
             "Why sites ask you to confirm that you're a human | Science"),
        page("<h1>Verify to continue: the new two-step login</h1>" + PROSE, "Product news"),
    ],
)
def test_articles_about_human_checks_are_not_walls(candidate: Page) -> None:
    assert looks_challenge(candidate, {}, 200) is None
