"""Sign-in walls: a curated page that now shows only a sign-in form, or a deep link that now
redirects to a sign-in page, can no longer be read anonymously (`blocked`/`login`).

Pure functions over a Page and a fetch's redirect chain, tuned against false alarms: a
page with a login box in its header, or an article about signing in, is not a wall.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from .models import SHORT_PAGE_CHARS, THIN_CONTENT_CHARS, Hop, Page
from .pagehints import BARE_MAX_LINKS, article_like, headline, headlined, title_segments

#: A sign-in page may carry a footer of links, not a site's worth of navigation.
LOGIN_MAX_LINKS = 60
#: How far into a page's own content a members-only notice may start.
_NOTICE_WITHIN = 320

_SIGN_IN = (
    r"(?:sign|log)\s*-?\s*(?:in|on)|login|logon|single\s+sign-?on"
    # the same label in the languages of most of the web
    r"|anmelden|einloggen|se\s+connecter|iniciar\s+sesi[oó]n"
    r"|accedi|inloggen|aanmelden|zaloguj(?:\s+si[eę])?|logowanie|войти"
    r"|авторизация|giri[sş]\s+yap|logga\s+in|p[rř]ihl[aá][sš]en[ií]|kirjaudu|ログイン"
    r"|サインイン|登录|登入|로그인"
)
#: Words that label a sign-in page too, but name a topic as often ("Two-factor
#: authentication", "Orari e accesso", "Perte de connexion", "Zugang und Anmeldung"):
#: they count over a sign-in form, or on a page with next to no text.
_ACCESS = r"authenticat\w*|anmeldung|connexion|acceder|accesso|entrar|вход"


def _label_title(words: str) -> re.Pattern[str]:
    """A title segment that is a sign-in label: "Sign in", "Sign in to X", "Log In or Sign
    Up", "X Sign In", "Single Sign-On"; not a headline that starts with "Login"."""
    return re.compile(rf"^(?:{words})(?:\s+(?:to|with|or)\b.*)?$|^.{{0,40}}\b(?:{words})$",
                      re.IGNORECASE)


_LOGIN_TITLE = _label_title(_SIGN_IN)
_ACCESS_TITLE = _label_title(f"{_SIGN_IN}|{_ACCESS}")
#: "X Login Page", "Login page - X": the same label naming the page; an article's headline
#: may say it too ("Redesigning our login page"), so it counts on a page with no article.
#: "Login page" in the main European languages: one word or a phrase, as the label a
#: platform titles its sign-in page with ("Aanmeldingspagina van X", "Page de connexion X").
_LOGIN_PAGE_INTL = (
    r"aanmeldingspagina|inlogpagina|anmeldeseite|anmeldungsseite|loginseite"
    r"|page\s+de\s+connexion|p[aá]gina\s+de\s+(?:inicio\s+de\s+sesi[oó]n|acceso|login|entrada)"
    r"|pagina\s+di\s+(?:accesso|login)|strona\s+logowania|inloggningssida|p[åa]loggingsside"
    r"|login-?side|kirjautumissivu|oturum\s+a[çc]ma\s+sayfas[ıi]|p[řr]ihla[šs]ovac[ií]\s+str[aá]nka"
)
_LOGIN_PAGE_TITLE = re.compile(
    rf"^(?:{_SIGN_IN})\s+(?:page|portal|screen)$|^.{{0,40}}\b(?:{_SIGN_IN})\s+(?:page|portal"
    rf"|screen)$|^(?:.{{0,40}}\W)?(?:{_LOGIN_PAGE_INTL})(?:\W.{{0,40}})?$", re.IGNORECASE)
_COLON = re.compile(r":\s+")
#: A sign-in label as a page's first words, before any sentence of its own.
_OPENING_LABEL = re.compile(rf"^\W*(?:{_SIGN_IN})\b(?!\s+(?:to|with)\s+(?:comment|reply|post))",
                            re.IGNORECASE)
_LOGIN_TITLE_CHARS = 1500
_TINY_CHARS = 300  # a page with hardly any text says what it is in its heading alone
#: A sign-in page says little besides its form: a welcome line, a notice, a line of legal
#: text. A landing page with a sign-up or sign-in form in it says what the product is.
#: Measured on real pages: sign-in pages leave under 500 characters of their own content
#: outside the form, product landing pages with an embedded form 520 and more.
LOGIN_BESIDE_FORM_CHARS = 500
_LOGIN_CONTENT_CHARS = 1000  # a members-only notice stands in for the content
#: What a members-only page says instead of its content.
_LOGIN_NEEDED = re.compile(
    r"\byou\s+(?:must|need\s+to|have\s+to)\s+(?:be\s+)?(?:log(?:ged)?|sign(?:ed)?)\s*-?\s*in\b"
    r"(?!\s+to\s+(?:comment|reply|post|vote|like))"
    r"|\bplease\s+(?:log|sign)\s*-?\s*in\s+(?:to\s+)?(?:continue|view|access|see|read)\b"
    r"|\b(?:log|sign)\s*-?\s*in\s+(?:required|to\s+(?:continue|view\s+this|access\s+this))\b"
    # "This page ... can only be viewed by team members. To see this page, sign in"
    r"|\bto\s+(?:see|view|access|read)\s+this\s+(?:page|content|site),?\s+(?:please\s+)?"
    r"(?:sign|log)\s*-?\s*in\b|\bcan\s+only\s+be\s+(?:viewed|accessed|seen)\s+by\s+"
    r"(?:\w+\s+)?members\b"
    # a sign-in service that cannot proceed: "We can't sign you in. Your browser is set to
    # block cookies"
    r"|\b(?:we\s+)?(?:can['’]?t|cannot|could\s*n['’]?t|are\s+unable\s+to)\s+sign\s+you\s+in\b",
    re.IGNORECASE,
)
_LOGIN_PATH = re.compile(
    r"(?:^|/)(?:log[-_]?in|sign[-_]?in|log[-_]?on|sign[-_]?on|auth|authenticate|sso|saml"
    r"|oauth2?|cas|idp|account/login|users/sign_in)(?:\.\w+)?(?:/|$)",
    re.IGNORECASE,
)
_LOGIN_HOSTS = ("accounts.", "account.", "login.", "signin.", "auth.", "sso.", "id.", "idp.")
_RETURN_KEYS = frozenset({
    "returnurl", "return_url", "returnto", "return_to", "redirect_uri", "redirect_url",
    "redirecturl", "redirect", "continue", "next", "goto", "destination", "service", "target",
    "referer", "came_from", "backurl", "fromuri",
})


#: A sign-in word anywhere in a short title segment, in any of its forms: "Admin Console
#: Logins", "Signing in...", "ATT Login Redirect", "OneLogin", "Вход в личный кабинет",
#: "Aanmeldingspagina": what an app shell is titled whose sign-in form is drawn by script.
_SIGN_IN_WORD = re.compile(
    r"\b(?:(?:sign(?:ing|ed)?|log(?:ging|ged)?)\s*-?\s*(?:in|on)s?|log[-_]?ins?|logon)\b"
    r"|\b(?:anmeld|einlogg|inlogg|aanmeld|войти|вход|авториз|connexion\b|iniciar\s+sesi)"
    r"|ログイン|サインイン|登录|登入|로그인",
    re.IGNORECASE)
_CAMEL_SIGN_IN = re.compile(r"[a-z](?:Log[Ii]n|Sign[Ii]n|Sign[Oo]n|Log[Oo]n)s?\b")
#: A shell says next to nothing until its script runs: a line such as "Sign up now!".
SHELL_CHARS = 100
_SHELL_BESIDE_HEADING = 20
#: A segment this long, or one that asks or explains, is a headline, not a label.
_SHELL_LABEL_WORDS = 6


def sign_in_shell(page: Page) -> str | None:
    """An app shell titled as a sign-in page, its form drawn by script: next to no text (a
    "Signing In" heading at most), a handful of links, and a sign-in word in a short title
    segment that is no headline ("How to log in", "Login problems after the update at our
    bank" are articles; "Example Admin Console Logins" is the console's door). An ordinary
    app shell is titled by its product ("Dashboard | Example")."""
    if len(page.text) > SHELL_CHARS or page.links > BARE_MAX_LINKS \
            or any(headline(heading) for heading in page.headings):
        return None
    # A heading over a line of prose is a news item ("Login troubles": "Some readers could
    # not log in"); a shell's heading, if any, is all it says.
    if page.headings and len(page.text) - sum(map(len, page.headings)) > _SHELL_BESIDE_HEADING:
        return None
    title = page.title or ""
    for segment in title_segments(title) or [title]:
        if len(segment.split()) > _SHELL_LABEL_WORDS or headline(segment):
            continue
        if _SIGN_IN_WORD.search(segment) or _CAMEL_SIGN_IN.search(segment):
            return f"a sign-in app shell titled {title!r} (its form drawn by script): not " \
                   f"readable anonymously"
    return None


def _restated(page: Page, parts: list[str]) -> bool:
    """Whether the page's first heading restates a part of its title: an article's headline
    ("Redesigning our login page"), not a sign-in page's school or system name."""
    first = " ".join(page.headings[0].casefold().split()) if page.headings else ""
    return bool(first) and any(" ".join(part.casefold().split()) == first for part in parts)


def beside_form(page: Page) -> int:
    """How much of the page's own content is outside its sign-in box (see formbox)."""
    return max(0, len(page.content_text) - page.signin_box_chars)


def looks_login(page: Page) -> str | None:
    """A sign-in form where content was: a password field on a page with little else, or a
    page titled "Sign in" with hardly any text (forms drawn by JavaScript)."""
    title = page.title or ""
    # "Agency: My Access: Sign In" ends in a label too (colons join a site's names).
    parts = [part for seg in title_segments(title) for part in _COLON.split(seg)]
    # A post headlined "Sign in with Apple: what developers need to know" (its heading
    # restates its title) is an article about signing in, whatever its title starts with.
    titled = not headlined(page) and (any(_LOGIN_TITLE.search(part) for part in parts) or (
        (not article_like(page) or (page.password_fields > 0 and not _restated(page, parts)))
        and any(_LOGIN_PAGE_TITLE.search(part) for part in parts)))
    # "Connexion", "Authentication": a label over a sign-in form or an empty shell
    access = titled or (not headlined(page) and any(_ACCESS_TITLE.search(p) for p in parts))
    # The form is the page: little of the page's own content is outside it, or no more than
    # a notice without sections (a government system's warning under its sign-in box); a
    # landing page with a form has sections saying what it offers.
    form_page = page.password_fields > 0 and (
        beside_form(page) <= LOGIN_BESIDE_FORM_CHARS
        or (len(page.content_text) <= _LOGIN_CONTENT_CHARS and len(page.headings) <= 1))
    if (
        page.password_fields and page.links <= LOGIN_MAX_LINKS
        and len(page.text) <= SHORT_PAGE_CHARS and (access or form_page)
    ):
        return "a sign-in form (password field) and little else: not readable anonymously"
    if (titled and len(page.text) <= _LOGIN_TITLE_CHARS) or (
            access and len(page.text) <= _TINY_CHARS):
        return f"a sign-in page titled {title!r}: not readable anonymously"
    # Titled and headed "Sign in", or titled so over a password field: a sign-in page however
    # long its terms of use run. A help article titled "Log in to Example" has sections of
    # its own under its heading ("Before you start", "Trouble signing in?") and no field to
    # type into; a sign-in page has a field for the user's name, or no other heading. (A big
    # site's menus are chrome: with the form as its own content, any link count.)
    headed = bool(page.headings) and bool(_LOGIN_TITLE.search(page.headings[0])) and (
        len(page.headings) == 1 or page.name_fields > 0)
    # (or headed so, as its only heading, over a password field: "Example - Employee Login")
    labelled = titled or (page.password_fields > 0 and (access or (
        headed and len(page.headings) == 1 and not headlined(page)
        and len(page.headings[0].split()) <= _SHELL_LABEL_WORDS)))
    if labelled and not headline(title) and (
            page.links <= LOGIN_MAX_LINKS or form_page) and (page.password_fields or headed):
        named = f"titled {title!r}" if titled or access else f"headed {page.headings[0]!r}"
        return f"a sign-in page {named}: not readable anonymously"
    # Next to no text at all: a heading "Admin Console Login" says what the page is, and so
    # do its first words when no element marks them as one ("Sign In  Email or mobile number
    # Next", a two-step form drawn by script, without a password field yet).
    if len(page.text) <= _TINY_CHARS and any(_ACCESS_TITLE.search(h) for h in page.headings[:1]):
        return f"a sign-in page headed {page.headings[0]!r}: not readable anonymously"
    signed = _titled_over_field(page, title)
    if signed:
        return signed
    shell = sign_in_shell(page)
    if shell:
        return shell
    opening = _OPENING_LABEL.match(page.content_text)
    if len(page.text) <= _TINY_CHARS and not page.headings and opening:
        return f"a sign-in page that opens with {opening.group(0).strip()!r}: not readable " \
               f"anonymously"
    # (a short news item headlined by its title may open with the same words)
    if len(page.content_text) <= _LOGIN_CONTENT_CHARS and not headlined(page):
        match = _LOGIN_NEEDED.search(page.content_text[:_NOTICE_WITHIN])
        if match:
            return f"page says {match.group(0)!r}: not readable anonymously"
    return None


def _is_login_url(url: str, original: str) -> bool:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if _LOGIN_PATH.search(parts.path) or host.startswith(_LOGIN_HOSTS):
        return True
    wanted = urlsplit(original).path.rstrip("/")
    if len(wanted) < 2:
        return False
    return any(
        key.lower() in _RETURN_KEYS and wanted in unquote(value)
        for key, value in parse_qsl(parts.query)
    )


def login_redirect(url: str, redirects: tuple[Hop, ...], final_url: str) -> str | None:
    """A deep link that now redirects to a sign-in page (/login, accounts.*, ?returnUrl=)."""
    if not redirects or _is_login_url(url, "/"):
        return None
    for hop in redirects:
        if hop.target and _is_login_url(hop.target, url):
            return f"redirects to a sign-in page {hop.target}"
    if _is_login_url(final_url, url):
        return f"redirects to a sign-in page {final_url}"
    return None


#: A title segment that asks the visitor to sign in first: "Please Sign In to Access X",
#: "Log in to continue", "Sign in to view this page" (a label, not a headline: no more).
_SIGN_IN_TO_ACCESS = re.compile(
    rf"^(?:please\s+)?(?:{_SIGN_IN})\s+to\s+(?:access|continue|view|see)\b(?:\s+\S+){{0,5}}\W*$",
    re.IGNORECASE)


def _titled_over_field(page: Page, title: str) -> str | None:
    """Named a sign-in page over a field to sign in with, inside a big site's chrome (a
    bank's 70 links of menus, a heading that restates the title): titled with a sign-in
    label ("FIA Card Services | Log In", "Log in - Example Bank") over a password or user
    name field, or headed with one ("Login", "Log in to Example") over a password field.
    A help article about signing in has no field to type into; a post headlined "Log in
    with your passkey" is a headline, not a label."""
    if not (page.password_fields or page.name_fields) or headline(title):
        return None
    # Whole segments, short ones: "Sign in with Apple: what developers need to know" is a
    # post's headline even where colons split it into a label and the rest.
    segments = title_segments(title)
    if any(_LOGIN_TITLE.search(seg) for seg in segments
           if len(seg.split()) <= _SHELL_LABEL_WORDS) \
            or any(_SIGN_IN_TO_ACCESS.match(seg) for seg in segments):
        return f"a sign-in page titled {title!r} over its sign-in field: not readable " \
               f"anonymously"
    first = page.headings[0] if page.headings else ""
    # (a heading only on a page with no article of its own: a news site's sign-in box comes
    # first in its markup, "Log In" over its password field, and the story after it)
    if page.password_fields and _LOGIN_TITLE.search(first) and not headline(first) \
            and len(first.split()) <= _SHELL_LABEL_WORDS \
            and len(page.content_text) <= THIN_CONTENT_CHARS:
        return f"a sign-in page headed {first!r} over a password field: not readable " \
               f"anonymously"
    return None
