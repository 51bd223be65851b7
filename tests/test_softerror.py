"""Error pages that never say "404": failure notices and not-found advice, and the wordings
of not-found pages the soft-404 rule reads. Positives are built the way such templates are
(a site's menu and footer around a sentence or two); near-misses are articles and short
pages that use the same words."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.models import Page
from monitor.pagekind import looks_soft_404
from monitor.softerror import failure_notice, maintenance_notice, wrong_address

MENU = "".join(f'<li><a href="/s{i}">Section number {i}</a></li>' for i in range(80))
PROSE = "<p>" + "The council approved the new budget for parks and libraries today. " * 30 + "</p>"


def page(body: str, title: str = "Example Town") -> Page:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


def chrome(main: str, title: str = "Example Town") -> Page:
    return page(f"<header><nav><ul>{MENU}</ul></nav></header><main>{main}</main>"
                "<footer><p>© Example · 1 Main Street</p></footer>", title)


@pytest.mark.parametrize(
    "candidate",
    [
        chrome("<p>An error occurred while processing your request.</p>", title="Example - Error"),
        chrome("<p>There was an error encountered on the requested page.</p>"),
        chrome("<h1>There’s been a glitch…</h1><p>We’re not quite sure what went wrong.</p>"),
        page("<p>Something went wrong. Please try again later.</p>", title="Portal"),
        chrome("<p>We have encountered an unexpected error.</p>"),
        page("<p>Sorry, you've encountered an error. Please try again.</p>", title="Bank"),
    ],
)
def test_failure_notices_in_place_of_content(candidate: Page) -> None:
    assert failure_notice(candidate)
    assert looks_soft_404(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        chrome("<p>This is a page you get in case of error. Most likely you have typed a wrong "
               "address.</p>"),
        page("<p>The account you asked for is not here. You may have mistyped the address.</p>",
             title="Hosting"),
        page("<h1>Zoinks! You've taken a wrong turn.</h1><p>Try the gallery.</p>", title="Pics"),
        chrome("<p>The link you followed may be broken. Go back to the home page.</p>"),
        chrome("<p>Please check the URL for proper spelling and capitalization.</p>"),
    ],
)
def test_not_found_advice_about_the_address(candidate: Page) -> None:
    assert wrong_address(candidate)
    assert looks_soft_404(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        # articles that quote both wordings further down
        page("<h1>Council approves budget for parks and libraries</h1>" + PROSE
             + "<p>An error occurred while processing the vote, the clerk said; something went "
               "wrong with the microphones, and a councillor had taken a wrong turn.</p>",
             title="Council approves budget for parks and libraries | Gazette"),
        # a short how-to whose headline asks
        page("<h1>What to do when something went wrong?</h1><p>Breathe, then try again.</p>",
             title="What to do when something went wrong? | Blog"),
        # a short page whose labels merely contain the words
        page("<h1>Error handling in Bash</h1><p>A debugger with improved error support.</p>",
             title="BASH with Debugger and Improved Error Handling"),
        chrome("<p>Check the schedule for the pool. The library has new hours.</p>"),
        # a small shop page whose form carries the builder's hidden messages
        page("<h2>Territories</h2><p>Various Artists, 12-inch record, 14 tracks, shipped in "
             "a sleeve.</p><h2>Innervisible EP</h2><p>A.M. Architect, four tracks.</p>"
             "<form><div>Thank you! Your submission has been received!</div><div>Oops! "
             "Something went wrong, try again.</div></form>", title="Shop"),
        page("<p>Type your address to find your polling place.</p>", title="Elections"),
        page("<h1>Troubleshooting</h1><h2>Check the URL</h2><p>Then clear the cache and retry. "
             "Still stuck? Write to support with a screenshot.</p>" * 3, title="Help"),
    ],
)
def test_pages_that_use_the_words_are_not_error_pages(candidate: Page) -> None:
    assert failure_notice(candidate) is None
    assert wrong_address(candidate) is None
    assert looks_soft_404(candidate) is None


@pytest.mark.parametrize(
    "candidate",
    [
        # the error code opens a title that its first heading repeats
        chrome("<h1>404. The page/URL requested wasn't found on this page.</h1>"
               "<p>Share this page on your favourite social network. Copy this code into your "
               "website to link here. Share it with your friends and family.</p>" * 2,
               title="404. The page/URL requested wasn't found on this page."),
        chrome("<p>error page 404. The requested URL wasn't found on this website.</p>"),
        chrome("<p>Sorry the page that you are looking at does not contain content.</p>"),
        chrome("<p>The resource you are looking for is currently unavailable.</p>"),
        page("<p>The address you were looking for doesn't exist.</p>", title="Hosting"),
        page("<p>x</p>", title="Uh Oh...-City of Example"),
        page("<p>Sorry, the blog you were looking for does not exist.</p>", title="Blogs"),
        page("<h1>There's nothing here.</h1><p>Whatever you were looking for doesn't "
             "currently exist at this address.</p>", title="Blogs"),
        page("<p>This account doesn't exist. Try searching for another.</p>", title="Social"),
        page("<p>The requested page is no longer available.</p>", title="Example"),
        chrome("<p>Please use the menu.</p>", title="Example Rescue System - Error"),
        page("<p>Please try again.</p>", title="Bank - Error message"),
        page("<p>错误码: 1000</p>", title="错误"),
        chrome("<p>Bitte versuchen Sie es erneut.</p>", title="Fehler | Beispiel GmbH"),
    ],
)
def test_not_found_wordings_without_the_usual_words(candidate: Page) -> None:
    assert looks_soft_404(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        page("<p>x</p>", title="Error Handling - Example Docs"),
        page("<p>Lists every error message the tool prints.</p>", title="Error messages - Docs"),
        page("<h1>Uh-oh: the Fed raised rates again and markets fell sharply</h1>" + PROSE,
             title="Uh-oh: the Fed raised rates again and markets fell sharply"),
        page("<h1>404 ways to cook an egg</h1>" + PROSE, title="404 ways to cook an egg"),
        chrome("<p>The report you requested is attached below.</p>"),
        page("<h1>Walking boots</h1><p>This product is currently unavailable in size 44. "
             "Leather upper, rubber sole, waterproof lining.</p>", title="Walking boots | Shop"),
    ],
)
def test_near_miss_titles_and_texts_stay_ok(candidate: Page) -> None:
    assert looks_soft_404(candidate) is None


@pytest.mark.parametrize(
    "candidate",
    [
        page("<h1>We&rsquo;ll be back soon!</h1><p>Sorry for the inconvenience but we&rsquo;re "
             "performing some maintenance at the moment.</p>", title="Site Maintenance"),
        chrome("<p>Our website is currently undergoing scheduled maintenance.</p>"),
        page("<p>Maintenance mode is on</p>", title="Example"),
    ],
)
def test_maintenance_pages(candidate: Page) -> None:
    assert maintenance_notice(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        page("<h1>Bridge closed for scheduled maintenance this weekend</h1>" + PROSE,
             title="Bridge closed for scheduled maintenance this weekend | Gazette"),
        page("<h1>Lawn care</h1><p>Mowing and edging keep a lawn healthy; we'll be back with "
             "tips on watering next week.</p>" + PROSE, title="Lawn care basics"),
        chrome("<p>The pool opens in May; the library has new hours.</p>"),
        page("<h2>Plans</h2><p>Updates, backups and security checks for your site, monthly.</p>",
             title="Website Maintenance - Acme Web Design"),
    ],
)
def test_pages_that_mention_maintenance_are_not_maintenance_pages(candidate: Page) -> None:
    assert maintenance_notice(candidate) is None
