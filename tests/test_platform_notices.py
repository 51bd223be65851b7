"""A platform's notice in a page's place, served with 200: "This application is currently
unavailable" says the site is down for now (`down`/`server-error`: check again later);
"Invalid Dynamic Link" says the link itself is dead (`broken`/`soft-404`: find its new home).
Articles and shop pages that use the same words are neither."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.judge import Context, judge
from monitor.models import Fetched, Page, Reason, Resource, Status
from monitor.softerror import invalid_link, out_of_service

PROSE = "<p>" + "The outage began on Monday and engineers restored service by noon. " * 20 + \
    "</p>"
URL = "https://example.org/guides/walking"


def page(body: str, title: str) -> Page:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


def verdict(candidate: Page) -> tuple[Status, Reason]:
    fetched = Fetched(url=URL, final_url=URL, http_status=200, page=candidate)
    result = judge(Resource(id="r", name="r", url=URL), fetched, Context())
    return result.status, result.reason


@pytest.mark.parametrize(
    "candidate",
    [
        page("<p>We are sorry, this application is currently unavailable. Please try your "
             "request again at a later time.</p>", "This application is currently unavailable"),
        page('<img src="/errors/503.png" alt="">', "Website Temporarily Unavailable"),
        page("<h1>Page unavailable</h1><p>Your cloud site is temporarily unavailable. Please "
             "check back in a few minutes.</p>", "Cloud Notifications - Page Unavailable"),
        page("<p>Service is temporarily offline.</p>", "Example"),
    ],
)
def test_out_of_service_notices(candidate: Page) -> None:
    assert out_of_service(candidate)
    assert verdict(candidate) == (Status.DOWN, Reason.SERVER_ERROR)


@pytest.mark.parametrize(
    "candidate",
    [
        page(f"<h1>How the app became unavailable for a day</h1>{PROSE}",
             "How the app became unavailable for a day | News"),
        page(f"<h1>Outage report</h1>{PROSE}", "Website temporarily unavailable: what we know"),
        page("<h1>Walking boots</h1><p>This item is currently unavailable in size 44.</p>",
             "Walking boots | Shop"),
        page("<p>This service is not available in your country.</p>", "Example Video"),
        # no word that it is for now: as often a site the platform has deactivated
        page("<h1>Page unavailable</h1><p>Your cloud site is currently unavailable. Please "
             "check the status page.</p>", "Cloud Notifications - Page Unavailable"),
        page("<p>The app is currently offline in Europe while we upgrade.</p>" + PROSE,
             "Release notes | Example"),
    ],
)
def test_not_out_of_service(candidate: Page) -> None:
    assert out_of_service(candidate) is None


@pytest.mark.parametrize(
    "candidate",
    [
        page("<p>Requested URL (https://l.example.com/) must be a parsable and complete "
             "DynamicLink.</p>", "Invalid Dynamic Link"),
        page('<h1>Invalid URL</h1><p>The requested URL "[no URL]", is invalid.</p>',
             "Invalid URL"),
        page("<h1>This link has expired</h1><p>Ask the sender for a new one.</p>", "Example"),
        page("<h1>Invite Invalid</h1><p>This invite may be expired.</p>", "Example Chat"),
    ],
)
def test_invalid_link_labels(candidate: Page) -> None:
    assert invalid_link(candidate)
    assert verdict(candidate) == (Status.BROKEN, Reason.SOFT_404)


@pytest.mark.parametrize(
    "candidate",
    [
        page(f"<h1>Invalid URL errors and how to fix them</h1>{PROSE}",
             "Invalid URL errors and how to fix them | Blog"),
        page(f"<h1>Invalid link</h1>{PROSE}", "Invalid link | Documentation"),  # a docs page
        page("<p>Paste a link to shorten it.</p>", "Link shortener | Example"),
        page(f"<h1>Invitation expired? Here is what to do</h1>{PROSE}",
             "Invitation expired? Here is what to do | Help"),
    ],
)
def test_not_invalid_link(candidate: Page) -> None:
    assert invalid_link(candidate) is None
    assert verdict(candidate) == (Status.OK, Reason.OK)


def test_an_app_that_is_no_longer_available_is_gone() -> None:
    gone = page("<h1>This app is no longer available</h1>", "Example")
    assert verdict(gone) == (Status.BROKEN, Reason.SOFT_404)
    news = page(f"<h1>Why the app is no longer available in stores</h1>{PROSE}",
                "Why the app is no longer available in stores | News")
    assert verdict(news) == (Status.OK, Reason.OK)
