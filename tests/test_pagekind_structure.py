"""Page-kind signals that read how a page is built rather than one site's wording: a title
or heading that is a *label* ("Page not found") against a headline that quotes one, a lone
error number in any language, a lander headed by a bare domain name, a notice addressed to
the site's owner, a consent dialog however long its legal text, vendor marks. Each table
has positives and the near-misses (articles using the same words) that must stay quiet."""

from __future__ import annotations

import pytest

from monitor.extract import extract
from monitor.models import Page
from monitor.pagehints import label_match, lead, title_segments
from monitor.pagekind import (
    looks_challenge,
    looks_consent,
    looks_login,
    looks_parked,
    looks_soft_404,
)

MENU = "".join(f'<li><a href="/s{i}">Section number {i}</a></li>' for i in range(40))
CHROME_HEAD = f"<header><nav><ul>{MENU}</ul></nav></header>"
CHROME_FOOT = "<footer><p>© Example Media · 1 Main Street · 555-0100</p></footer>"
PROSE = ("<p>Walking, cycling and gentle stretches help many people whose spinal canal has "
         "narrowed; a physiotherapist can show which movements ease the legs. </p>") * 12


def page(body: str, title: str = "Example", head: str = "") -> Page:
    html = f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")


def chrome(main: str, title: str = "Example") -> Page:
    return page(f"{CHROME_HEAD}<main>{main}</main>{CHROME_FOOT}", title)


# --- labels and leads ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("title", "segments"),
    [
        ("Page not found | Example", ["Page not found", "Example"]),
        ("Exercises - Spine-health", ["Exercises", "Spine-health"]),
        ("Home » Blog » Stretching", ["Home", "Blog", "Stretching"]),
        ("Well-being and pain", ["Well-being and pain"]),  # a hyphen inside a word
    ],
)
def test_title_segments(title: str, segments: list[str]) -> None:
    assert title_segments(title) == segments


@pytest.mark.parametrize(
    ("text", "labelled"),
    [
        ("Page not found", True),
        ("Oops - Page not found | Example News", True),
        ("Why millions saw 'page not found' on a government site this week", False),
        ("How to fix the page not found error in WordPress for good", False),
        ("The seven best ways to tell your readers that a page was not found", False),
    ],
)
def test_label_or_headline(text: str, labelled: bool) -> None:
    pattern = __import__("re").compile(r"page\s+(?:was\s+)?not\s+found", __import__("re").I)
    assert (label_match(pattern, text) is not None) is labelled


def test_lead_is_the_opening_of_a_page_without_headings() -> None:
    assert lead(page(PROSE)).startswith("Walking, cycling")
    # A page with a headline says what it is there, not in its first sentence.
    assert lead(chrome(f"<h1>A long headline about spinal stenosis</h1>{PROSE}")) == ""


# --- soft-404: lone error numbers, other languages, gone headings ---------------------

@pytest.mark.parametrize(
    "candidate",
    [
        page("<h1>404</h1><p>Zurück zur Startseite</p>", title="Fehler 404"),
        page("<p>Wróć na stronę główną</p>", title="Błąd 404 | Sklep"),
        page("<h1>404</h1><p>トップページへ戻る</p>", title="エラー"),
        page("<p>x</p>", title="Seite nicht gefunden – Beispiel GmbH"),
        page("<p>x</p>", title="Página no encontrada"),
        page("<p>x</p>", title="Page introuvable | Exemple"),
        chrome("<h2>This content is no longer available</h2><p>Try our search.</p>"),
        page("<p>x</p>", title="Application Error"),
    ],
)
def test_error_pages_in_any_language_are_soft_404s(candidate: Page) -> None:
    assert looks_soft_404(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        page("<p>Results for this thread.</p>", title="Page 404 of 1,200 - Forum"),
        page("<p>Scenic drive notes.</p>", title="Route 404 Hikes"),
        page("<p>Our newsletter.</p>", title="Issue 404 | Weekly"),
        page("<p>The standard.</p>", title="RFC 404"),
        chrome(f"<h1>Error 404 explained</h1>{PROSE}", title="What 404 means for your site"),
        chrome(f"<h1>Page not found? Seven fixes</h1>{PROSE}",
               title="Why your page was not found and seven ways to fix it for good | Blog"),
        chrome(f"<h1>Seite nicht gefunden: was tun?</h1>{PROSE}",
               title="Wenn die Seite nicht gefunden wird: Ratgeber für Webseitenbetreiber "
                     "und Redaktionen"),
    ],
)
def test_articles_and_numbered_titles_are_not_soft_404s(candidate: Page) -> None:
    assert looks_soft_404(candidate) is None


# --- parked, suspended, no site -------------------------------------------------------

@pytest.mark.parametrize(
    ("candidate", "says"),
    [
        (page("<h1>example-shop.net</h1><p>Make an offer</p><p>Price: USD 2,500</p>"),
         "for sale"),
        (page("<h1>www.photos-of-lakes.com</h1><p>This domain was recently registered at "
              "a registrar.</p>"), "registered"),
        (page("<p>Are you the store owner? Log in to manage your store.</p>",
              title="Store unavailable"), "owner"),
        (page("<p>If you are the owner of this website, please contact your hosting "
              "provider.</p>"), "owner"),
        (page("<p>example.org doesn't exist yet.</p>"), "no site"),
        (page("<p>This site has been archived or deleted.</p>"), "no site"),
        (page("<p>x</p>", title="Account Suspended"), "suspended"),
    ],
)
def test_landers_and_owner_notices_are_parked(candidate: Page, says: str) -> None:
    found = looks_parked(candidate)
    assert found and says in found


@pytest.mark.parametrize(
    "candidate",
    [
        chrome(f"<h1>example.com</h1>{PROSE}<p>Make an offer on our spring range.</p>"),
        chrome(f"<h1>Is this your site? How to claim a listing</h1>{PROSE}"),
        chrome(f"<h1>Hosting news</h1><p>The account has been suspended, the host said.</p>"
               f"{PROSE}"),
        chrome(f"<h1>When a blog has been deleted</h1>{PROSE}"),
        page("<h1>Buy now</h1><p>Price: USD 25. A back-support cushion.</p>",
             title="Lumbar cushion | Shop"),
    ],
)
def test_articles_about_domains_owners_and_suspensions_are_not_parked(candidate: Page) -> None:
    assert looks_parked(candidate) is None


# --- consent dialogs and challenges ---------------------------------------------------

def test_a_long_consent_dialog_is_a_wall() -> None:
    legal = ("<p>We and our partners use cookies and similar tracking technologies on your "
             "device to store and access personal data for advertising and to measure "
             "preferences. You can change your consent and privacy choices at any time.</p>")
    dialog = page(f"{legal * 3}<button>Accept all</button><button>Reject all</button>",
                  title="Example")
    assert looks_consent(dialog)


def test_an_article_about_cookies_is_not_a_consent_wall() -> None:
    article = chrome(f"<h1>Cookies and your privacy</h1>{PROSE}<p>Accept all cookies? "
                     "Think first.</p>")
    assert looks_consent(article) is None


@pytest.mark.parametrize("status", [200, 403])
def test_a_wall_quoted_inside_an_article_is_not_a_challenge(status: int) -> None:
    article = chrome(f"<h1>Why sites check your browser</h1>{PROSE}<p>The page said "
                     "'Checking your browser before accessing' and then loaded.</p>"
                     f"{PROSE}")
    assert looks_challenge(article, {}, status) is None


@pytest.mark.parametrize(
    "candidate",
    [
        page("<p>The requested URL was rejected. Please consult with your administrator."
             "</p><p>Your support ID is: 1234567890</p>", title="Request Rejected"),
        page('<script src="/149e9513-01fa-4fb0-aad4-566afd725d1b/2d206a39-8ed7-437e-a3be-'
             '862e0f06eea3/ips.js?KP_UIDz=abc"></script><script>window.KPSDK={};</script>',
             title=""),
    ],
)
def test_request_rejected_and_kasada_walls(candidate: Page) -> None:
    assert looks_challenge(candidate, {}, 200) or looks_challenge(candidate, {}, 429)


def test_expired_domain_redirected_to_parking_subid_is_marked() -> None:
    lander = page('<script>window.location.href="/?subid1=20240101-abcd";</script>', title="")
    assert "parking-lander" in lander.marks
    assert looks_parked(lander)


# --- not found in any language; an error stated before the site's headings ------------

@pytest.mark.parametrize(
    "candidate",
    [
        page("<h1>Weblog niet gevonden</h1><p>Je probeert een niet bestaand weblog te "
             "bekijken.</p>", title="Weblog niet gevonden - Tweakblogs"),
        page("<p>お探しのページは見つかりませんでした。</p><a href='/'>トップへ</a>",
             title="アルバイト・求人情報ならサイト"),
        page("<p>Nie znaleziono strony</p><p>© 2020 Bank S.A. Infolinia 801 601 607</p>",
             title="Transakcja 3D Secure"),
        page("<p>Страница не найдена. Вернуться на главную.</p>", title="Магазин"),
        chrome(f"{PROSE}", title="Die von Ihnen aufgerufene Seite existiert nicht - Gruppe"),
        # The message opens the site's own content; section headings come after it.
        chrome(f"<p>404 The requested page cannot be found. Please use the links above.</p>"
               f"{PROSE}<h2>How to Join</h2><h2>Prior Service</h2>", title="Air Reserve"),
    ],
)
def test_not_found_in_other_languages_and_opening_statements(candidate: Page) -> None:
    assert looks_soft_404(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        # An article's headline may say that someone or something was not found.
        chrome(f"<h1>Vermisster Wanderer nicht gefunden</h1>{PROSE}",
               title="Vermisster Wanderer nicht gefunden | Zeitung"),
        chrome(f"<h1>Пропавший турист не найден</h1>{PROSE}", title="Новости"),
        # ... or quote a missing page further down; a page that opens with its headline
        # is the article the headline names.
        chrome(f"<h1>Hosting news</h1><p>404 The requested page cannot be found, the site "
               f"said for a week.</p>{PROSE}"),
        chrome(f"{PROSE}<p>Die Seite existiert nicht mehr, sagte der Betreiber.</p>{PROSE}",
               title="Betreiber schließt Forum nach zwanzig Jahren"),
    ],
)
def test_articles_saying_not_found_are_not_soft_404s(candidate: Page) -> None:
    assert looks_soft_404(candidate) is None


# --- sign-in pages with long terms of use, no password field or another language ------

TERMS = "<p>" + "This is an official system for authorized use only. " * 100 + "</p>"


@pytest.mark.parametrize(
    "candidate",
    [
        page(f"<h1>Sign In</h1>{TERMS}<form><input name=u><input type=password></form>",
             title="USA Staffing - Sign In"),
        page(f"<h1>Sign In</h1>{TERMS}<form><input type=email name=email></form>",
             title="U.S. Department of Example: My Access: Sign In"),
        page("<div id=app></div><p>Почта</p>", title="Авторизация"),
        page("<form><input type=text><input type=password></form>", title="Anmelden"),
        page("<div id=root></div>", title="ログイン | サービス"),
    ],
)
def test_sign_in_pages_in_any_language_and_under_long_terms(candidate: Page) -> None:
    assert looks_login(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        # An article about signing in, with a members' box in the sidebar.
        chrome(f"<h1>Sign in</h1>{PROSE}{PROSE}{PROSE}<form><input type=password></form>",
               title="Why we dropped the password login"),
        chrome(f"<h1>Anmelden beim Arzt</h1>{PROSE}{PROSE}{PROSE}",
               title="So klappt das Anmelden beim Facharzt"),
        # A long article whose title ends in "Login" but no form nor sign-in heading.
        chrome(f"<h1>The day the login broke</h1>{PROSE}{PROSE}{PROSE}",
               title="Outage report: Login"),
    ],
)
def test_articles_about_signing_in_are_not_sign_in_pages(candidate: Page) -> None:
    assert looks_login(candidate) is None


# --- registry notices and placeholders with upsell links -------------------------------

@pytest.mark.parametrize(
    "candidate",
    [
        page("<p>This domain has been reserved from registration. Copyright 2011 Registry"
             "</p>", title="Reserved from Registration"),
        page("<h1>Future home of... example-lakes.com</h1>" + "".join(
            f"<a href='https://registrar.example/{n}'>{'Build a website in minutes. ' * 5}</a>"
            for n in range(4)), title="Future home of example-lakes.com"),
    ],
)
def test_registry_notices_and_placeholders_with_upsell_links(candidate: Page) -> None:
    assert looks_parked(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        chrome(f"<h1>Coming soon: gentle exercises</h1>{PROSE}",
               title="Coming soon: gentle exercises for the lower back"),
        chrome(f"<h1>Choosing a domain name</h1><p>The domain name is the address of your "
               f"site.</p>{PROSE}", title="Choosing a domain name"),
    ],
)
def test_articles_about_domains_and_launches_are_not_placeholders(candidate: Page) -> None:
    assert looks_parked(candidate) is None
