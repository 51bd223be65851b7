"""Sign-in walls told from pages that merely hold a form, by how much the page says besides
its sign-in box: a sign-in page is its form (a welcome line, a notice, a line of legal text);
a product or landing page with a sign-up or sign-in form in it says what the product is.
Synthetic pages that keep the structure of real ones; positives and near-misses."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.formbox import SIGNIN_BOX_CHARS
from monitor.models import Page
from monitor.signin import LOGIN_BESIDE_FORM_CHARS, beside_form, looks_login

MENU = "".join(f'<li><a href="/m{i}">Menu entry {i}</a></li>' for i in range(90))
FORM = ('<form action="/session" method="post"><label>Email<input type="email" name="e">'
        '</label><label>Password<input type="password" name="p"></label>'
        '<label><input type="checkbox"> Remember me</label><button>Sign in</button>'
        '<a href="/forgot">Forgot password?</a></form>')
SIGNUP = ('<form action="/signup" method="post"><label>Email address<input type="email">'
          '</label><label>Password<input type="password"></label><label>Your store name'
          '<input name="shop"></label><button>Create your store</button></form>')
#: ~180 characters: what a product section says.
SECTION = ("You have complete control over the look and feel of your website, from its layout "
           "to content and colours, and prices start low whatever you sell and wherever. ")
PROSE = ("<p>Walking, cycling and gentle stretches help many people whose spinal canal has "
         "narrowed; a physiotherapist can show which movements ease the legs. </p>") * 12


def page(body: str, title: str) -> Page:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


def landing(form: str, sections: int, title: str, nav: str = "") -> Page:
    parts = "".join(f"<section><h2>Feature number {n}</h2><p>{SECTION}</p></section>"
                    for n in range(sections))
    return page(f"{nav}<div class=hero><h1>Sell online with Example</h1>"
                f"<div class=signup>{form}</div></div>{parts}", title)


# --- the measure --------------------------------------------------------------------------

def test_the_sign_in_box_is_the_form_and_the_rest_is_what_the_page_says_besides() -> None:
    built = page(f"<p>Hello and welcome.</p>{FORM}", "Example")
    assert built.password_fields == 1
    assert beside_form(built) == len("Hello and welcome.")


def test_a_form_wrapping_the_whole_page_is_no_box_the_block_around_the_field_is() -> None:
    # ASP.NET wraps the whole body in one <form>: the box is the block around the field.
    built = page("<form id=aspnetForm><div class=copy>" + "<p>" + SECTION * 6 + "</p></div>"
                 "<div class=login><p>Member sign in</p><input name=u>"
                 "<input type=password name=p></div></form>", "Example")
    assert len(SECTION * 6) > SIGNIN_BOX_CHARS
    assert beside_form(built) >= len(SECTION * 6) - 2
    assert built.signin_box_chars == len("Member sign in")


def test_no_password_field_no_box() -> None:
    built = page("<p>Just words.</p>", "Example")
    assert built.signin_box_chars == 0 and beside_form(built) == len("Just words.")


# --- sign-in pages ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "candidate",
    [
        # a bare sign-in page titled by its site only
        page(f"<img alt=''><h1>Welcome back</h1>{FORM}<p>© Example Ltd. Terms.</p>",
             "Example Portal"),
        # ... with a notice and a help paragraph beside the form
        page(f"<h1>Example Learning</h1>{FORM}<h2>Help</h2><p>Pupils use the code they got "
             "from their mentor; parents the code in the letter. Forgotten it? Use the "
             "reset link or call the school office between eight and five.</p>",
             "Example Learning"),
        # a big site's menus around the form, titled and headed "Log in"
        page(f"<nav><ul>{MENU}</ul></nav><h1>Log In to Example Bank</h1>{FORM}"
             "<p>Don't have an account? Find financial support.</p>",
             "Log in - Free Credit Score & Reports | Example Bank"),
        # a form wrapping the whole page (ASP.NET), the box inside it
        page("<form id=aspnetForm><div><h1>Example Portal</h1></div><div class=login>"
             "<p>User name</p><input name=u><p>Password</p><input type=password name=p>"
             "</div><p>Authorised users only.</p></form>", "Example Portal"),
        # titled "... login page" over a long notice
        page(f"<h1>Anna School</h1>{FORM}<p>" + SECTION * 5 + "</p>",
             "Example Learning login page"),
    ],
)
def test_sign_in_pages_are_walls(candidate: Page) -> None:
    assert looks_login(candidate)


# --- pages that hold a form and say what they are ---------------------------------------

@pytest.mark.parametrize(
    "candidate",
    [
        # a product landing page with a sign-up form (email, password, store name)
        landing(SIGNUP, 4, "Create your online store today with Example"),
        # an exchange's landing page: menus, a sign-in box, its products
        landing(FORM, 4, "Bitcoin Futures and Options Exchange | Example",
                nav=f"<nav><ul>{MENU[:2000]}</ul></nav>"),
        # an application hub: a welcome, the programmes, and a sign-in box
        page("<h1>Welcome to the Example Application Hub</h1><p>You can apply to the "
             f"following programmes:</p><p>{SECTION}</p><p>{SECTION}</p><p>{SECTION}</p>"
             f"<h2>Sign In</h2>{FORM}", "Welcome to Example Apply system"),
        # an article about a login page, with a comment form that asks for a password
        page(f"<h1>Redesigning our login page</h1>{PROSE}{FORM}",
             "Redesigning our login page | Example Blog"),
    ],
)
def test_pages_that_hold_a_form_but_say_what_they_are_are_not_walls(candidate: Page) -> None:
    assert beside_form(candidate) > LOGIN_BESIDE_FORM_CHARS
    assert looks_login(candidate) is None


# --- titled "Sign in": the page itself, or an article about signing in -------------------

TERMS = "<p>" + "This is an official system for authorized use only. " * 40 + "</p>"


def test_a_sign_in_page_headed_sign_in_over_long_terms_is_a_wall() -> None:
    assert looks_login(page(f"<h1>Sign In</h1>{TERMS}<div id=form></div>",
                            "Example Agency: My Access: Sign In"))


@pytest.mark.parametrize("title", ["Log in to Example | Example Help Center",
                                   "Sign in to Example - Computer - Example Help"])
def test_a_help_article_titled_like_a_sign_in_page_is_not_a_wall(title: str) -> None:
    article = page(f"<h1>{title.split(' | ')[0].split(' - ')[0]}</h1>"
                   f"<h2>Before you start</h2>{PROSE}<h2>Trouble signing in?</h2>{PROSE}",
                   title)
    assert looks_login(article) is None


def test_a_page_with_next_to_no_text_headed_as_a_sign_in_is_a_wall() -> None:
    assert looks_login(page("<h1>Admin Console Login</h1><a href='/okta'>sign in with okta</a>",
                            "Example Admin Console Logins"))


@pytest.mark.parametrize("form", ["", FORM])
def test_a_post_headlined_sign_in_with_is_an_article_about_signing_in(form: str) -> None:
    headline = "Sign in with Apple: what developers need to know"
    post = page(f"<nav><ul>{MENU[:1500]}</ul></nav><article><h1>{headline}</h1>{PROSE}</article>"
                f"{form}", f"{headline} | Example Blog")
    assert looks_login(post) is None


def test_a_tiny_page_headed_by_a_headline_about_login_is_not_a_wall() -> None:
    assert looks_login(page("<h1>Why login fails</h1><p>Soon.</p>", "Example")) is None


# --- words that are a sign-in label in one place and a topic in another -------------------

DOC = ("<p>Turn it on under Settings, then confirm with the code the app shows. Keep the "
       "recovery codes somewhere safe; each one works once.</p>") * 4


@pytest.mark.parametrize(
    "candidate",
    [
        page(f"<h1>Two-factor authentication</h1>{DOC}", "Two-factor authentication | Docs"),
        page(f"<h1>Authentication</h1>{DOC}", "Authentication - Example REST API"),
        page(f"<h1>Orari e accesso</h1>{DOC}", "Orari e accesso | Museo Civico"),
        page(f"<h1>Perte de connexion</h1>{DOC}", "Perte de connexion | Aide Example"),
        page(f"<h1>Zugang und Anmeldung</h1>{DOC}", "Zugang und Anmeldung - Stadtbibliothek"),
    ],
)
def test_a_short_page_on_access_or_authentication_is_not_a_wall(candidate: Page) -> None:
    assert looks_login(candidate) is None


@pytest.mark.parametrize(
    "candidate",
    [
        page("<div id=app></div>", "Example - Authentication"),
        page(f"<h1>Connexion</h1>{FORM}", "Connexion | Example"),
        page(f"{FORM}<p>{SECTION}</p>", "Accesso - Example"),
    ],
)
def test_the_same_words_over_a_sign_in_form_or_an_empty_shell_are_a_wall(
        candidate: Page) -> None:
    assert looks_login(candidate)


def test_a_members_only_notice_is_a_wall_and_a_news_item_quoting_it_is_not() -> None:
    assert looks_login(page(f"<nav><ul>{MENU[:1500]}</ul></nav><main><p>You must be logged "
                            "in to view this page.</p></main>", "Members area"))
    headline = "Council tip booking now needs an account, residents complain"
    item = page(f"<nav><ul>{MENU[:1500]}</ul></nav><article><h1>{headline}</h1><p>You must "
                "be logged in to book a slot at the tip from Monday, the council said. "
                + SECTION + "</p></article>", f"{headline} | Valley Times")
    assert looks_login(item) is None


WARNING = ("<p>You are accessing an official government application for authorised use only. "
           "Use may be monitored and audited; unauthorised attempts to change information are "
           "prohibited and may be punished under the law. </p>") * 4


def test_a_sign_in_box_over_a_long_warning_without_sections_is_a_wall() -> None:
    assert looks_login(page(f"<p>Please enter your login information below.</p>{FORM}"
                            f"{WARNING}", "FDMS"))


def test_a_sign_in_page_with_steps_and_a_name_field_is_a_wall() -> None:
    steps = "".join(f"<h2>Step {n}: use your card</h2><p>{SECTION}</p>" for n in range(3))
    assert looks_login(page(f"<h1>Sign In</h1>{steps}<form><input type=email name=e>"
                            "<button>Next</button></form>",
                            "Example Department: My Access: Sign In"))
