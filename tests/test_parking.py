"""Platforms' and registrars' pages in a site's place: a workspace or site deleted, a project
that never published a page, a default app page, a domain not set up. Positives are small
synthetic pages built like those templates; near-misses are pages that use the words."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.models import Page
from monitor.parking import looks_parked

LINKS = "".join(f'<a href="https://platform.example/p{i}">Product {i}</a> ' for i in range(8))
PROSE = "<p>" + "The platform team shipped a new editor and faster search. " * 30 + "</p>"


def page(body: str, title: str = "Platform") -> Page:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


@pytest.mark.parametrize(
    ("candidate", "says"),
    [
        (page(f"<nav>{LINKS}</nav><p>This workspace has been deleted.</p>", "Team Deleted"),
         "workspace has been deleted"),
        (page(f"<h1>blog.example.net is no longer available.</h1><p>The authors have deleted "
              f"this site.</p><footer>{LINKS}</footer>", "Platform"), "no longer available"),
        (page("<h1>Welcome to http://proj.example.net/</h1><p>We're sorry but this project "
              "hasn't yet uploaded their personal webpage. Check back soon.</p>", "Welcome"),
         "uploaded their personal webpage"),
        (page("<p>:-| Your Functions 3.0 app is up and running. Serverless compute.</p>",
              "Your Function App is up and running."), "up and running"),
        (page(f"<h1>Sorry, this shop is currently unavailable.</h1><h2>Only one step left! To "
              f"finish setting up your new web address, go to your domain settings.</h2>{LINKS}",
              "Create an online store"), "setting up your new web address"),
        (page("<div id=root></div>", "Platform - Domain Not Claimed"), "Domain Not Claimed"),
        (page("<div id=app></div>", "Registrant WHOIS contact information verification | Reg"),
         "verification"),
    ],
)
def test_platform_and_registrar_pages_in_the_sites_place(candidate: Page, says: str) -> None:
    detail = looks_parked(candidate)
    assert detail and says.lower() in detail.lower()


@pytest.mark.parametrize(
    "candidate",
    [
        # articles and docs that use the same words
        page("<h1>Why we deleted this site's old forum</h1>" + PROSE
             + "<p>The community has been closed and the workspace has been deleted.</p>",
             "Why we deleted this site's old forum | Blog"),
        page("<h1>Is your app up and running? A checklist</h1>" + PROSE, "Deploy checklist"),
        page("<h1>How to verify your domain</h1>" + PROSE,
             "Domain not verified? How to verify your domain | Docs"),
        page("<div id=root></div>", "Domain Names, Website Builder, Web Hosting | Registrar"),
        page("<p>To set up your store, sign in and pick a theme. It takes five minutes and "
             "our guides walk you through shipping, taxes and payments.</p>" + PROSE,
             "Start selling online"),
    ],
)
def test_pages_about_platforms_and_domains_are_not_parked(candidate: Page) -> None:
    assert looks_parked(candidate) is None
