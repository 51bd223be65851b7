"""Which reason wins when a page carries two kinds of evidence: a WAF's markup on the site's
own maintenance page, a CDN's reference number on its "Service Unavailable" page, a sign-in
title over a "<thing> Not Found" page; and the markers of Cloudflare's older browser check.
Each with the near-misses that must keep their old verdict."""

from __future__ import annotations

import pytest

from monitor.botwall import looks_challenge
from monitor.extract import extract
from monitor.judge import Context, judge
from monitor.models import Fetched, Page, Reason, Resource, Status
from monitor.pagekind import error_label
from monitor.parking import looks_parked

PROSE = "<p>" + "The council opened two new cycle lanes and a bridge over the river. " \
    * 20 + "</p>"
INCAPSULA = "<script src='/_Incapsula_Resource?SWJIYLWA=719d34d31c8e3a6e6fffd425f7e032f3'>" \
    "</script>"


def page(body: str, title: str = "Example", head: str = "") -> Page:
    html = f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


def verdict(candidate: Page, status: int) -> tuple[Status, Reason]:
    url = "https://example.org/guides/stenosis-exercises"
    fetched = Fetched(url=url, final_url=url, http_status=status, page=candidate)
    found = judge(Resource(id="x", name="x", url=url), fetched, Context())
    return found.status, found.reason


def test_a_maintenance_page_behind_a_waf_is_down_not_a_wall() -> None:
    notice = page(f"{INCAPSULA}<h1>Example</h1><p>Example.org is currently down for "
                  "maintenance. We expect to be up shortly.</p><p>Thank you for your patience."
                  "</p>", "Example - Currently under maintenance")
    assert "incapsula" in notice.marks
    assert looks_challenge(notice, {}, 503) is None
    assert verdict(notice, 503) == (Status.DOWN, Reason.SERVER_ERROR)
    # the vendor's own wall stays a wall
    wall = page(f"{INCAPSULA}<iframe src='/_Incapsula_Resource?CWUDNSAI=9'></iframe>"
                "<p>Request unsuccessful. Incapsula incident ID: 123000450123</p>",
                "Example")
    assert verdict(wall, 200) == (Status.BLOCKED, Reason.CHALLENGE)
    bare_wall = page(INCAPSULA, "")
    assert verdict(bare_wall, 503) == (Status.BLOCKED, Reason.CHALLENGE)


def test_a_cdns_service_unavailable_page_is_a_server_error() -> None:
    failed = page("<h1>Service Unavailable</h1><p>The server is temporarily unable to service "
                  "your request. Please try again later.</p><p>Reference #6.416dcc17."
                  "1507358790.29b6a4b</p>", "Service Unavailable - Fail to connect")
    assert looks_challenge(failed, {}, 503) is None
    assert verdict(failed, 503) == (Status.DOWN, Reason.SERVER_ERROR)
    # the same CDN's refusal is a block
    denied = page("<h1>Access Denied</h1><p>You don't have permission to access this server."
                  "</p><p>Reference #18.7a3b1002.1702031234.5c2d1e</p>", "Access Denied")
    assert verdict(denied, 403)[0] is Status.BLOCKED
    # a reference number on a 503 that names no server error is still read as a wall
    unnamed = page("<p>Please wait while we check your request.</p><p>Reference #18.7a3b1002."
                   "1702031234.5c2d1e</p>", "Example")
    assert looks_challenge(unnamed, {}, 503)


@pytest.mark.parametrize("marker", [
    "<form id='challenge-form' action='/cdn-cgi/l/chk_jschl' method='get'>"
    "<input type='hidden' name='jschl_vc' value='0f1e2d'>"
    "<input type='hidden' id='jschl-answer' name='jschl_answer'></form>",
    "<div class='attack-box'>::IM_UNDER_ATTACK_BOX::</div>",
])
def test_cloudflares_older_browser_check_is_a_challenge(marker: str) -> None:
    wall = page(f"{marker}<p>Please enter the number of the image:</p>", "Example | Please wait")
    assert "cloudflare-challenge" in wall.marks
    assert verdict(wall, 503) == (Status.BLOCKED, Reason.CHALLENGE)


def test_an_article_about_the_browser_check_is_no_wall() -> None:
    post = page(f"<h1>How the old Cloudflare check worked</h1>{PROSE}<p>Its form posted "
                f"jschl_vc and jschl_answer back to the site.</p>{PROSE}",
                "How the old Cloudflare check worked")
    assert post.marks == ()  # markers are read on pages with little content only
    assert verdict(post, 200) == (Status.OK, Reason.OK)


@pytest.mark.parametrize("heading", ["Profile Not Found", "Repository not found",
                                     "User Not Found!", "Project not found."])
def test_a_short_not_found_heading_outranks_a_sign_in_title(heading: str) -> None:
    gone = page(f"<a href='/learn'>Learn more</a><h1>{heading}</h1><p>The profile (jdoe) "
                "doesn't exist or it could have been mistyped. Try again, or "
                "<a href='/join'>register your own profile</a>.</p>",
                "Example - Sign in to your account")
    assert error_label(gone)
    assert verdict(gone, 200) == (Status.BROKEN, Reason.SOFT_404)


@pytest.mark.parametrize("heading", [
    "Why the missing hiker was not found for days",  # a headline, not a label
    "The hiker who went missing was not found",  # a sentence ending so
])
def test_headings_that_say_not_found_in_a_sentence_are_no_label(heading: str) -> None:
    post = page(f"<h1>{heading}</h1><p>Rescuers searched the valley for three days before "
                "the weather cleared.</p>", "Local news")
    assert error_label(post) is None


def test_a_sign_in_page_without_a_not_found_heading_stays_a_wall() -> None:
    wall = page("<h1>Sign in</h1><form><input name='user'><input type='password' name='pw'>"
                "</form>", "Example - Sign in to your account")
    assert verdict(wall, 200) == (Status.BLOCKED, Reason.LOGIN)


@pytest.mark.parametrize(("title", "body"), [
    ("Host - Pages » Site Suspended",
     "<nav><a href='/'>Overview</a><a href='/pricing'>Pricing</a></nav><h1>Site Suspended</h1>"
     "<p>The website you are looking for is not available, sorry. It usually means the "
     "hosting account ran out.</p>"),
    ("Dominio suspendido", "<p>El dominio está suspendido por orden judicial.</p>"),
    ("Example", "<h2>Domaine suspendu</h2><p>Contactez votre hébergeur.</p>"),
    ("Example", "<h1>Domain suspended</h1><p>This domain is suspended by the registrar.</p>"),
])
def test_a_suspension_label_is_suspended_hosting(title: str, body: str) -> None:
    notice = page(body, title)
    assert looks_parked(notice)
    assert verdict(notice, 200) == (Status.BROKEN, Reason.PARKED)


def test_an_article_about_a_suspended_site_is_not_parked() -> None:
    post = page(f"<h1>Why a court had the site suspended</h1>{PROSE}<p>Visitors saw a page "
                f"titled 'Dominio suspendido' for a week.</p>{PROSE}",
                "Why a court had the site suspended | News")
    assert looks_parked(post) is None
    assert verdict(post, 200) == (Status.OK, Reason.OK)


MENUS = "<nav>" + "".join(f"<a href='/section/{i}'>Section {i}</a>" for i in range(70)) + \
    "</nav>"
PASSWORD = "<form><input type='password' name='pw'><button>Go</button></form>"
NOTICES = "<h2>Security tips</h2>" + "<p>Never share your one-time code with anyone who calls " \
    "you; we will never ask for it by phone or by email.</p>" * 12


@pytest.mark.parametrize(("title", "body"), [
    # a bank's sign-in page inside its whole site's menus, with its notices beside the form
    ("Example Bank | Log In", f"{MENUS}<h1>Secure Log In to Example Bank</h1>{PASSWORD}"
     f"{NOTICES}"),
    # a two-step form: the user name first, no password field yet
    ("Example Card Services | Log In", "<h1>Welcome to account management</h1><form>"
     f"<input type='text' name='username'></form>{NOTICES}{NOTICES}"),
    # the heading restates the title
    ("Log in - Example Bank S.A.", f"{MENUS}<h1>Log in - Example Bank S.A.</h1><h2>Log in</h2>"
     f"{PASSWORD}{NOTICES}"),
    # headed so over a password field, with other sections beside it
    ("Example Vendor Portal", f"<h2>Login</h2>{PASSWORD}<h2>Contact</h2><p>Call us.</p>"
     f"{NOTICES}"),
])
def test_a_sign_in_page_inside_a_sites_chrome_is_a_wall(title: str, body: str) -> None:
    assert verdict(page(body, title), 200) == (Status.BLOCKED, Reason.LOGIN)


def test_a_story_under_the_sites_sign_in_box_is_no_wall() -> None:
    story = page(f"<div class='modal'><h2>Log In</h2>{PASSWORD}</div>"
                 f"<h1>Council opens two new cycle lanes</h1>{PROSE}{PROSE}",
                 "Council opens two new cycle lanes – Example Observer")
    assert verdict(story, 200) == (Status.OK, Reason.OK)


def test_a_help_article_titled_log_in_has_no_field_and_is_no_wall() -> None:
    help_page = page(f"<h1>Log in</h1><h2>Before you start</h2>{PROSE}<h2>Trouble signing in?"
                     f"</h2>{PROSE}", "Help Center | Log in")
    assert verdict(help_page, 200) == (Status.OK, Reason.OK)


@pytest.mark.parametrize("title", ["Example Science - Please Sign In to Access Example Science",
                                   "Log in to continue | Example", "Sign in to view this page"])
def test_a_title_asking_to_sign_in_first_over_a_field_is_a_wall(title: str) -> None:
    wall = page(f"{MENUS}<h1>Example Science</h1><h2>Registered users</h2>{PASSWORD}{NOTICES}",
                title)
    assert verdict(wall, 200) == (Status.BLOCKED, Reason.LOGIN)


def test_a_post_titled_how_to_sign_in_to_access_is_no_wall() -> None:
    post = page(f"{MENUS}<h1>How to sign in to access your account</h1>{PASSWORD}{PROSE}"
                f"{PROSE}", "How to sign in to access your account | Example Help")
    assert verdict(post, 200) == (Status.OK, Reason.OK)
