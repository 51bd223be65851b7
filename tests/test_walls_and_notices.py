"""More wordings of walls and notices, each with the articles that quote it: a captcha's own
instruction, a server's "You are not authorized to access this page", a members-only notice,
a page "not available" until service resumes, a host's "your hosting is active" and a
"nothing to see here yet" placeholder."""

from __future__ import annotations

import pytest

from monitor.botwall import looks_challenge
from monitor.extract import extract
from monitor.firewall import looks_firewall_block
from monitor.models import Page
from monitor.parking import looks_parked
from monitor.signin import looks_login
from monitor.softerror import out_of_service

PROSE = "<p>" + "The library extended its opening hours and added study rooms this spring. " \
    * 20 + "</p>"


def page(body: str, title: str = "Example") -> Page:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


def test_a_captcha_instruction_is_a_challenge() -> None:
    wall = page("<h4>Our servers are busy.</h4><p>Type the characters you see in this image:"
                "</p><img src='/captcha.jpg'><form><input name='field-keywords'></form>",
                "Server Busy")
    assert looks_challenge(wall, {}, 200)
    article = page(f"<h1>Why captchas annoy readers</h1>{PROSE}<p>One asks you to type the "
                   "characters you see in a blurry image.</p>", "Why captchas annoy readers")
    assert looks_challenge(article, {}, 200) is None


def test_not_authorized_is_a_refusal() -> None:
    assert looks_firewall_block(page("<p>You are not authorized to access this page.</p>"))
    article = page(f"<h1>Permissions explained</h1>{PROSE}<p>Editors who see 'you are not "
                   "authorized to access this page' should ask an admin.</p>" + PROSE,
                   "Permissions explained | Help")
    assert looks_firewall_block(article) is None


@pytest.mark.parametrize(
    "body",
    [
        "<p>This page is currently inactive and can only be viewed by team members. To see "
        "this page, sign in or request an account.</p>",
        "<p>To view this page, please log in.</p>",
        "<h2>We can't sign you in</h2><p>Your browser is currently set to block cookies. You "
        "need to allow cookies to use this service.</p>",
    ],
)
def test_members_only_notices_are_walls(body: str) -> None:
    assert looks_login(page(body, "Status - Page Inactive"))


def test_an_article_quoting_a_sign_in_error_is_no_wall() -> None:
    post = page(f"<h1>Outage at the identity provider</h1>{PROSE}<p>Staff saw 'we can't sign "
                "you in' all morning.</p>", "Outage at the identity provider | IT News")
    assert looks_login(post) is None


def test_an_article_about_members_is_no_wall() -> None:
    post = page(f"<h1>Members evening</h1>{PROSE}<p>The gallery can only be viewed by "
                "members on Thursdays.</p>", "Members evening | Gallery News")
    assert looks_login(post) is None


def test_a_page_not_available_until_service_resumes_is_down() -> None:
    notice = page("<h1>Page not available</h1><p>Certain components of online banking are "
                  "currently not available. The service will be resumed as soon as possible."
                  "</p>", "Bank")
    assert out_of_service(notice)
    gone = page("<h1>Page not available</h1><p>Return to the home page.</p>", "Bank")
    assert out_of_service(gone) is None  # no word that it is for now: a soft-404's business


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("<p>Retrouvez les identifiants de votre hébergement sur votre espace membre.</p>",
         "Example Host - Votre hébergement est actif!"),
        ("<h1>Your hosting is active!</h1><p>Upload your files to get started.</p>", "Host"),
        ("<h1>Hi there, welcome. there's nothing to see here yet.</h1>", "me.example.io"),
    ],
)
def test_new_hosting_placeholders(body: str, title: str) -> None:
    assert looks_parked(page(body, title))


def test_an_article_about_hosting_is_no_placeholder() -> None:
    post = page(f"<h1>Moving our site</h1>{PROSE}<p>The host wrote: your hosting is active.</p>",
                "Moving our site | Blog")
    assert looks_parked(post) is None
