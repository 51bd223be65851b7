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
        page("<h1>Testing 123..</h1><p>This page is used to test the proper operation of the "
             "HTTP server after it has been installed.</p>",
             "Apache HTTP Server Test Page powered by ExampleOS"),
        page("<h1>Hosting Setup Complete</h1><p>You're seeing this because you've successfully "
             "setup Example Hosting.</p>", "Welcome to Example Hosting"),
        page("<h1>Welcome to your new app!</h1><p>Refer to the documentation.</p>",
             "Example Cloud | Welcome to your new app!"),
        page("<p>The owner of this web site has not put up any web pages yet.</p>", "Welcome"),
        page('<a href="https://go.vendor.example/"><img src="welcome.png" alt="IIS7"></a>', "IIS7"),
        page("<div><p>This sub-domain is used for link redirection and static content hosting."
             "</p></div>", "Technical subdomain"),
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
        page(f"<h1>Deploying to the cloud</h1><p>The tutorial opens on a page that says "
             f"'Welcome to your new app!' and then</p>{PROSE}", "Deploying to the cloud | Blog"),
        page(f"<h1>How web servers are tested</h1><p>The default page is used to test the "
             f"proper operation of the server.</p>{PROSE}", "How web servers are tested"),
        page(f"<h1>Our e-mail links</h1><p>This domain is used for link tracking in our "
             f"newsletters, as our privacy notice explains.</p>{PROSE}", "Privacy | Example"),
        page("<h1>Technical subdomains explained</h1><p>A technical subdomain serves links.</p>"
             + PROSE, "Technical subdomains explained | Docs"),
    ],
)
def test_articles_about_setup_are_not_placeholders(candidate: Page) -> None:
    assert looks_parked(candidate) is None
