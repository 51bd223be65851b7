"""A server's own error page served with 200 is judged by the status it is labelled with;
articles about status codes, prices and numbered things are not status pages."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.judge import Context, judge
from monitor.models import Fetched, Page, Reason, Resource, Status
from monitor.statuspage import embedded_status

RES = Resource(id="r", name="R", url="https://example.org/guides/walking")
PROSE = "<p>" + "Status codes tell a client what happened to its request, and why. " * 30 + "</p>"


def page(body: str, title: str) -> Page:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


@pytest.mark.parametrize(
    ("candidate", "code"),
    [
        (page("<h1>403 Forbidden</h1><hr><center>nginx</center>", "403 Forbidden"), 403),
        (page("<h1>Forbidden</h1><p>You don't have permission to access this resource.</p>",
              "Forbidden"), 403),
        (page("<p>Error 403 (Forbidden)</p>", "Error 403 (Forbidden)!!1"), 403),
        (page("<h1>HTTP Status 406 - Not Acceptable</h1><p>Type Status Report</p>",
              "HTTP Status 406 - Not Acceptable"), 406),
        (page("<h1>Bad gateway</h1><p>The web server reported a bad gateway error.</p>",
              "shop.example | 502: Bad gateway"), 502),
        (page("<p>(0) connecting to origin.example</p>", "Server Error: Gateway Timeout"), 504),
        (page("<h1>503 Service Temporarily Unavailable</h1>", "Site"), 503),
        (page("<h1>429 Too Many Requests</h1>", "429 Too Many Requests"), 429),
        (page("<h1>HTTP Status 404 - /robots.txt</h1><p>The requested resource is not "
              "available.</p>", "Apache Tomcat/9.0 - Error report"), 404),
        (page("<h1>403</h1><p>Keine Berechtigung.</p>", "403 - Keine Berechtigung"), 403),
        (page("<h1>Error 503 Backend is unhealthy</h1><p>Guru Mediation: Varnish cache "
              "server</p>", "Error 503 Backend is unhealthy"), 503),
        # IIS's sub-status codes
        (page("<h1>HTTP Error 500.37 - ANCM Failed to Start Within Startup Time Limit</h1>"
              "<h2>Common solutions to this issue:</h2>",
              "HTTP Error 500.37 - ANCM Failed to Start Within Startup Time Limit"), 500),
        (page("<h1>HTTP Error 404.0 - Not Found</h1>", "IIS 10.0 Detailed Error - 404.0"), 404),
        (page("<h1>HTTP Error 403.14 - Forbidden</h1>", "HTTP Error 403.14 - Forbidden"), 403),
    ],
)
def test_status_pages_are_read_by_their_label(candidate: Page, code: int) -> None:
    found = embedded_status(candidate)
    assert found is not None and found[0] == code


@pytest.mark.parametrize(
    "candidate",
    [
        page("<h1>403 Forbidden</h1>" + PROSE, "403 Forbidden - HTTP | Web docs"),
        page("<h1>What does 502 Bad Gateway mean?</h1><p>A proxy got a bad answer.</p>",
             "What does 502 Bad Gateway mean? | Hosting blog"),
        page("<h1>Tip jar</h1><p>Thank you!</p>", "Tip jar ￥500 - Shop"),
        page("<h1>Room 503</h1><p>Seminar on gateways.</p>", "Room 503 - Campus"),
        page("<h1>Forbidden Planet</h1><p>A 1956 film.</p>", "Forbidden Planet (1956)"),
        page("<h1>Route 500</h1><p>Scenic drive.</p>", "Route 500"),
        page("<h1>Price list</h1><p>Wheels 500.37 each.</p>", "Spares 500.37 - Shop"),
        page(f"<h1>Fixing HTTP Error 500.19 on IIS</h1>{PROSE}", "Fixing HTTP Error 500.19 on IIS"),
    ],
)
def test_articles_and_numbers_are_not_status_pages(candidate: Page) -> None:
    assert embedded_status(candidate) is None


@pytest.mark.parametrize(
    ("title", "body", "status", "reason"),
    [
        ("403 Forbidden", "<h1>403 Forbidden</h1>", Status.BLOCKED, Reason.FORBIDDEN),
        ("site.example | 502: Bad gateway", "<h1>Bad gateway</h1>", Status.DOWN,
         Reason.SERVER_ERROR),
        ("429 Too Many Requests", "<h1>429 Too Many Requests</h1>", Status.BLOCKED,
         Reason.RATE_LIMITED),
        ("400 Bad Request", "<h1>Bad Request</h1>", Status.BROKEN, Reason.HTTP_ERROR),
        ("Error report", "<h1>HTTP Status 404 - /x</h1>", Status.BROKEN, Reason.SOFT_404),
    ],
)
def test_a_200_carrying_a_status_page_is_judged_by_that_status(
        title: str, body: str, status: Status, reason: Reason) -> None:
    fetched = Fetched(url=RES.url, final_url=RES.url, http_status=200,
                      page=page(body, title))
    verdict = judge(RES, fetched, Context())
    assert (verdict.status, verdict.reason) == (status, reason), verdict.detail
