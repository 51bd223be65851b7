"""A tiny page whose first words are a sign-in label is a sign-in page, even without a
heading element or a password field (a two-step form drawn by script); a short page that
merely starts with the words is judged by what follows."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.models import Page
from monitor.signin import looks_login


def page(body: str, title: str) -> Page:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


@pytest.mark.parametrize(
    "candidate",
    [
        page("<div>Sign In</div><form><input name=email placeholder='Email or mobile number'>"
             "<button>Next</button></form><div>Don't have an account? <a href='/s'>Sign up</a>"
             "</div>", "Rides"),
        page("<span>Log in</span><div>Continue with Google</div>", "App"),
    ],
)
def test_tiny_pages_that_open_with_a_sign_in_label(candidate: Page) -> None:
    assert looks_login(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        page("<h1>Login troubles</h1><p>Some readers could not log in on Monday.</p>",
             "Login troubles fixed | News"),
        page("<div>Sign in to comment</div><p>Great walk along the river today.</p>", "Blog"),
        page("<p>Logistics of the town fair: stalls open at nine.</p>", "Fair"),
    ],
)
def test_short_pages_that_start_with_the_words_are_not_walls(candidate: Page) -> None:
    assert looks_login(candidate) is None
