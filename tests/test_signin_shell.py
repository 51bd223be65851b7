"""Sign-in app shells: a page titled as a sign-in page whose form is drawn by script, with
next to no text in the markup, is a sign-in wall; an app shell titled by its product, and an
article about logging in, are not."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.judge import Context, judge
from monitor.models import Fetched, Page, Reason, Resource, Status
from monitor.signin import looks_login, sign_in_shell

PROSE = "<p>" + "Passkeys replace passwords with a key kept on the phone. " * 30 + "</p>"
APP = '<div id="root"></div><script src="/static/app.js"></script>'


def page(body: str, title: str) -> Page:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


@pytest.mark.parametrize(
    "candidate",
    [
        page(APP, "Example Admin Console Logins"),
        page(APP, "OneLogin"),
        page(APP, "ACME Login Redirect"),
        page(f"<h1>Signing In</h1>{APP}", "Example Hub - Signing in..."),
        page(f'<p><a href="/signup">Not yet a customer? Sign up now!</a></p>{APP}',
             "Example - Вход в личный кабинет"),
        page(APP, "Aanmeldingspagina van Example"),
        page(APP, "My Sign-Ins"),
    ],
)
def test_sign_in_shells(candidate: Page) -> None:
    assert sign_in_shell(candidate)
    assert looks_login(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        page(APP, "Dashboard | Example"),  # an app shell titled by its product
        page(APP, "Account | Example"),
        page(APP, "Blog | Example"),
        page(APP, "Catalog Online - Example"),
        page(APP, "How to log in to your account | Help"),  # a help article, drawn by script
        page(APP, "Login problems after the bank's big update this week | News"),
        page(f"<h1>Why we redesigned the login page</h1>{APP}", "Login Design | Example"),
        page("<h1>Login troubles</h1><p>Some readers could not log in.</p>", "Login troubles"),
        page(f"<h1>Log in with passkeys</h1>{PROSE}", "Log in with passkeys | Example Blog"),
    ],
)
def test_not_sign_in_shells(candidate: Page) -> None:
    assert sign_in_shell(candidate) is None



def test_a_shell_still_titled_as_curated_is_the_curated_page() -> None:
    shell = page(APP, "Single Sign-On Explained | Docs")
    url = "https://docs.example/guides/sso"
    fetched = Fetched(url=url, final_url=url, http_status=200, page=shell)
    resource = Resource(id="sso", name="sso", url=url)
    first = judge(resource, fetched, Context())
    assert (first.status, first.reason) == (Status.BLOCKED, Reason.LOGIN)
    curated = judge(resource, fetched, Context(baseline_title="Single Sign-On Explained"))
    assert (curated.status, curated.reason) == (Status.OK, Reason.OK)
    moved = judge(resource, fetched, Context(baseline_title="Walking for back pain"))
    assert moved.reason is Reason.LOGIN  # another page now: a sign-in shell in its place


NOTICE = "<p>" + "This system requires cookies. Your operating system has reached end of " \
    "support; contact the help desk. " * 12 + "</p>"
FORM = '<form><input name="user"><input type="password" name="pw"><button>Go</button></form>'


def test_a_page_headed_as_a_sign_in_page_over_a_password_field() -> None:
    # the title is a system's name; its only heading says what the page is
    wall = page(f"<h1>Example.GS - Employee Login</h1>{FORM}{NOTICE}", "Example.GS")
    assert looks_login(wall) == "a sign-in page headed 'Example.GS - Employee Login': not " \
                                "readable anonymously"


@pytest.mark.parametrize(
    "candidate",
    [
        # a help article headed so has sections of its own
        page(f"<h1>Employee Login</h1>{NOTICE}<h2>Before you start</h2>{NOTICE}"
             f"<h2>Trouble signing in?</h2>{NOTICE}{FORM}", "Help Centre"),
        # no password field: a page about the login, not the form
        page(f"<h1>Example.GS - Employee Login</h1>{NOTICE}", "Example.GS"),
    ],
)
def test_headed_pages_that_are_no_walls(candidate: Page) -> None:
    assert looks_login(candidate) is None


HELP = "<p>" + "Use the code your mentor gave you at the start of the year; if it no longer " \
    "works, reset your password from the form. " * 12 + "</p>"


@pytest.mark.parametrize(
    "title",
    ["Aanmeldingspagina van Example", "Page de connexion Example", "Example login page",
     "Example oturum açma sayfası", "Examples inloggningssida"],
)
def test_a_login_page_label_over_a_password_field_and_help_text(title: str) -> None:
    assert looks_login(page(f"<h2>Example College</h2>{FORM}<h2>Information</h2>{HELP}", title))


@pytest.mark.parametrize(
    "candidate",
    [
        # no form: an article about a login page, however it is titled
        page(f"<h2>What changed</h2>{HELP}<h2>Feedback</h2>{HELP}", "Redesigning our login page"),
        page(f"<h2>Wat is er veranderd</h2>{HELP}", "Nieuwe aanmeldingspagina | Blog"),
    ],
)
def test_login_page_labels_without_a_form_on_an_article(candidate: Page) -> None:
    assert looks_login(candidate) is None


def test_an_article_headlined_with_a_login_page_label_and_a_comment_form() -> None:
    post = page(f"<h1>Nieuwe aanmeldingspagina</h1>{HELP}{FORM}",
                "Nieuwe aanmeldingspagina | Blog")
    assert looks_login(post) is None
