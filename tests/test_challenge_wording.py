"""Bot checks that say "verify" in their own words (any apostrophe, and a UTF-8 page read
as Latin-1, still read "you're a human") and firewalls' blocks of the visitor; articles
about captchas and blocks stay quiet."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.judge import Context, judge
from monitor.models import Fetched, Page, Reason, Resource, Status
from monitor.pagekind import looks_challenge, looks_firewall_block

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


@pytest.mark.parametrize(
    "candidate",
    [
        page("<h1>Access Denied</h1><p>Your IP address is not allowlisted. Please contact your "
             "account representative.</p>", "IP Address Blocked"),
        page("<p>Your IP address (203.0.113.9) has been blocked by the site owner.</p>", "Site"),
        page("<h1>Access Denied</h1><p>shop.example is using a security service for protection "
             "against online attacks. An action has triggered the service and blocked your "
             "request.</p>", "Security"),
        page("<h1>Web Page Blocked!</h1><p>The page cannot be displayed. Attack ID: 20000051</p>",
             "Web Page Blocked!"),
        page("<p>The request is blocked.</p><p>Ref A: 0a1b2c</p>", "Blocked"),
        page("<h1>A potentially unsafe operation has been detected in your request to this "
             "site</h1>", "Site"),
    ],
)
def test_firewall_blocks_of_the_visitor_on_200(candidate: Page) -> None:
    assert looks_firewall_block(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        page("<h1>How to unblock your IP address</h1>" + PROSE
             + "<p>If your IP address has been blocked by a firewall, ask the admin.</p>",
             "How to unblock your IP address | Help"),
        page("<p>Our CDN is using a security service to protect customers; read the report.</p>"
             + PROSE, "Annual security report"),
        page("<h1>Blocked</h1>" + PROSE, "Blocked (2019 film) | Reviews"),
        page("<h1>Why was my request blocked?</h1><p>Firewalls block requests that look like "
             "attacks.</p>", "Why was my request blocked? | Help"),
    ],
)
def test_help_articles_about_blocks_are_not_walls(candidate: Page) -> None:
    assert looks_firewall_block(candidate) is None
    assert looks_challenge(candidate, {}, 200) is None


def test_a_firewall_block_served_with_200_is_forbidden() -> None:
    res = Resource(id="r", name="R", url="https://example.org/guides/walking")
    blocked = page("<h1>Access Denied</h1><p>Your IP address is not allowlisted.</p>",
                   "IP Address Blocked")
    verdict = judge(res, Fetched(url=res.url, final_url=res.url, http_status=200,
                                 page=blocked), Context())
    assert (verdict.status, verdict.reason) == (Status.BLOCKED, Reason.FORBIDDEN)
