"""A server's test page and a hosted platform's "domain setup complete" page in a site's place
are placeholders (`broken`/`parked`), however much setup text they carry; an article about
testing a server, or a post announcing a finished setup, is not."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.models import Page
from monitor.parking import looks_parked

SETUP_NOTES = "<p>" + ("This page is used to test the proper operation of the HTTP server after "
                       "it has been installed. If you can read this page, it is working. ") * 8 \
    + "</p>"
VENDOR_MENU = "".join(f'<li><a href="/product/{i}">Product tour part {i}</a></li>'
                      for i in range(30))
PROSE = "<p>" + "We moved the web server to a new machine and measured every request. " * 30 \
    + "</p>"


def page(body: str, title: str) -> Page:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


@pytest.mark.parametrize(
    "candidate",
    [
        page(f"<h1>Test Page</h1>{SETUP_NOTES}", "Test Page for the Apache HTTP Server"),
        page(f"<h1>Welcome!</h1>{SETUP_NOTES}",
             "Test Page for the Apache HTTP Server on Red Hat Enterprise Linux"),
        page(f"<h1>Test Page</h1>{SETUP_NOTES}", "Test Page for the Nginx HTTP Server on Fedora"),
        page(f"<header><nav><ul>{VENDOR_MENU}</ul></nav></header><main><p>Domain setup "
             "completed</p><p>The newsroom and its releases will be visible when published.</p>"
             "</main>", "Domain setup Complete"),
    ],
)
def test_server_test_pages_and_setup_notices(candidate: Page) -> None:
    assert looks_parked(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        page(f"<h1>Moving our web server</h1>{PROSE}", "Test page for the new web server layout"
             " and what we learned"),
        page(f"<h1>Load testing</h1>{PROSE}", "Test Page | Example Docs"),
        page(f"<h1>Domain setup complete: how we moved registrars</h1>{PROSE}",
             "Domain setup complete: how we moved registrars | Blog"),
        page(f"<h1>Setting up</h1>{PROSE}", "Shop setup guide | Example"),
    ],
)
def test_articles_about_setup_are_not_placeholders(candidate: Page) -> None:
    assert looks_parked(candidate) is None
