"""A login box in the site's header or footer written as a <div> (`<div id="header">`) is
chrome, as one in <header> is: a bug tracker's or a betting site's front page with a header
login form is the app's own page, not a sign-in wall. A sign-in page keeps its form in its
content, and one titled "Sign in" is a wall wherever its form sits."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.models import Page
from monitor.signin import looks_login

MINI_LOGIN = ('<form action="/index.cgi" method="post" class="mini_login"><input name="login">'
              '<input type="password" name="password"><input type="submit" value="Log in">'
              "</form>")
ACTIONS = "".join(f'<li><a href="/{name}">{name.title()}</a></li>'
                  for name in ("new", "browse", "search", "reports", "requests"))


def page(body: str, title: str) -> Page:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


@pytest.mark.parametrize(
    "candidate",
    [
        page(f'<div id="header"><ul class="links">{ACTIONS}<li>{MINI_LOGIN}</li></ul></div>'
             f"<h1>Welcome to Example Tracker</h1><ul><li><a href='/new'>File a Bug</a></li>"
             f"<li><a href='/search'>Search</a></li></ul>"
             f'<div id="footer"><ul class="links">{ACTIONS}<li>{MINI_LOGIN}</li></ul></div>',
             "Example Tracker Main Page"),
        page(f'<div class="Navbar top">{MINI_LOGIN}</div><div class="menu"><ul>{ACTIONS}</ul>'
             "</div><p>Live odds on tonight's matches.</p>", "Online betting | Example"),
    ],
)
def test_a_login_box_in_the_site_header_is_chrome(candidate: Page) -> None:
    assert candidate.password_fields == 0
    assert looks_login(candidate) is None


@pytest.mark.parametrize(
    "candidate",
    [
        # the header holds the logo; the form is the page's content
        page(f'<div id="header"><img src="/logo.png" alt="Example"></div><main><h1>Welcome'
             f"</h1>{MINI_LOGIN}<p>Forgot your password?</p></main>", "Example Portal"),
        # titled as a sign-in page: a wall wherever its form sits
        page(f'<div id="header">{MINI_LOGIN}</div><p>Use your staff account.</p>', "Sign in"),
        # a class that merely contains the word is no header ("header-logo" beside the form)
        page(f'<div class="login-header-logo"></div><div class="box">{MINI_LOGIN}</div>',
             "Example Portal"),
    ],
)
def test_sign_in_pages_keep_their_form(candidate: Page) -> None:
    assert looks_login(candidate)
