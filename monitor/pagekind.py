"""What kind of page is this? Error pages served with 200 here, bot walls in `botwall`, parked
domains and suspended hosting in `parking`, sign-in walls in `signin` (re-exported): all read from
the facts `extract` put on a Page.

Pure functions over data. Each returns a short explanation for the curator, or None. They
are tuned against false alarms first: the signals combine what a page says with how it is
built (little content, a password field, few links, a vendor's marker in the markup), so an
article that merely *mentions* "404", "domain for sale" or "captcha" is never caught.
"""

from __future__ import annotations

import re

from .botwall import CHALLENGE_STATUSES, looks_challenge
from .consent import looks_consent
from .firewall import looks_firewall_block
from .models import SHORT_PAGE_CHARS, THIN_CONTENT_CHARS, Page
from .pagehints import (
    article_like,
    article_sized,
    headline,
    headline_title,
    headlined,
    label_match,
    lead,
    title_segments,
)
from .parking import looks_parked
from .samepage import SAME_PAGE_SIMILARITY, fingerprint, same_page
from .signin import login_redirect, looks_login
from .softerror import failure_notice, invalid_link, wrong_address

__all__ = ["CHALLENGE_STATUSES", "SAME_PAGE_SIMILARITY", "error_label", "fingerprint",
           "login_redirect", "looks_challenge", "looks_consent", "looks_firewall_block",
           "looks_login", "looks_parked", "looks_soft_404", "same_page"]


# --- soft-404 ---------------------------------------------------------------------------

_ERROR_TITLE = re.compile(
    r"^(?:error|o{2,}ps|sorry|whoops|uh[\s-]*oh)(?:\s*$|\s*[!:,|(\-–—]|\.(?:\s|$)|\.{2,}|…|\s*\d)"
    # "404 - Page not found", "404 Oops!", not "404 ways to cook an egg"
    r"|^\s*404(?:\s*$|\s*[.:!|(,\-–—]|\s+(?:error|not|page|file|o{2,}ps|sorry)\b)"
    r"|\b404\s+(?:error|page\s+not)\b|\berror\s*:?\s*404\b"
    r"|\bpage\s+not\s+found\b|^not\s+found\b|\bnot\s+found$|\bfile\s+not\s+found\b"
    r"|\b(?:page|content|article)\s+(?:does\s+not|doesn['’]?t)\s+exist\b"
    r"|\bno\s+longer\s+(?:available|exists)\b|\bpage\s+(?:is\s+)?(?:missing|unavailable)\b"
    r"|\b(?:cannot|can\W?t|could\s+not|couldn\W?t)\s+(?:be\s+)?found\b"
    r"|\b(?:cannot|can\W?t|could\s+not|couldn\W?t)\s+find\s+(?:the|this|that|what|your)\b",
    re.IGNORECASE,
)
#: Headings are stricter than titles: "Error messages explained" is an article's heading.
_ERROR_HEADING = re.compile(
    r"^\s*(?:error\s*)?404\b|\b404\s+(?:error|page)\b|\berror\s*:?\s*404\b|^o{2,}ps\b"
    r"|\b(?:page|file)\s+not\s+found\b|^not\s+found\b"
    # a platform's label for the thing asked for: "Profile Not Found", "Repository not found"
    r"|^\W*(?:[\w'’-]+\s+){1,3}not\s+found\W*$"
    r"|\bpage\s+(?:does\s+not|doesn['’]?t)\s+exist\b"
    r"|\b(?:cannot|can\W?t|could\s+not|couldn\W?t)\s+(?:be\s+)?found\b"
    r"|^\W*(?:there['’]?s\s+|there\s+is\s+)?nothing\s+(?:to\s+see\s+)?here\b",
    re.IGNORECASE,
)
#: What a not-found page names: the thing asked for, on any platform.
_THING = (r"(?:page|url|file|document|content|address|resource|link|item|account|image|site"
          r"|website|post|article|blog|shop|store|profile|user|video|product|listing|channel"
          r"|group|event)")
#: ... and what "this X is unavailable" means gone for (a product may be out of stock).
_GONE_THING = (r"(?:page|url|link|account|profile|user|blog|site|website|post|article|video"
               r"|listing|channel|group)")
_LOOKING_FOR = (
    rf"(?:(?:the\s+|this\s+)?{_THING}(?:/url)?\s+(?:that\s+)?|whatever\s+|what\s+)"
    r"(?:you\s*(?:are|were|'re|’re)?\s+(?:looking\s+(?:for|at)|trying\s+to\s+(?:reach|access))"
    r"|you\s+requested|requested)"
    rf"|the\s+requested\s+{_THING}"
)
_NOT_THERE = (
    r"(?:(?:could|can)\s*not\s+be\s+(?:found|located)|can['’]?t\s+be\s+found"
    r"|(?:was|is)\s+not\s+found|wasn['’]?t\s+found|isn['’]?t\s+(?:here|available)"
    r"|does\s*(?:n['’]?t|\s+not)\s+(?:currently\s+|seem\s+to\s+|appear\s+to\s+)?exist"
    r"|(?:is\s+)?no\s+longer\s+(?:available|exists|here)"
    r"|(?:may|might)\s+(?:have\s+been|be)\s+(?:moved|removed|deleted|renamed|unavailable)"
    r"|has\s+been\s+(?:moved|removed|deleted)|(?:is|was)\s+(?:removed|deleted)"
    r"|(?:is|are)\s+(?:currently\s+|temporarily\s+)?unavailable"
    r"|(?:cannot|can['’]?t|could\s*not)\s+be\s+reached|(?:may|might)\s+not\s+(?:have\s+)?exist(?:ed)?"
    r"|does\s*(?:n['’]?t|\s+not)\s+contain\s+(?:any\s+)?content)"
)
_ERROR_TEXT = re.compile(  # no leading \b: minified markup runs texts together
    r"(?:(?<![\w(#.$-])404\W{0,3}(?:error\b|errorsorry|page\s+(?:error|not)|(?:file\s+)?not\s+found"
    r"|o{2,}ps|sorry|the\s+page|page/url)"
    r"|error\s*(?:code|page)?\s*:?\s*404\b|page\s+not\s+found"
    r"|the\s+requested\s+(?:page|url|resource|document|file)\s+(?:was\s+not|wasn['’]t|is\s+not"
    r"|isn['’]t|could\s*not\s+be|cannot\s+be|can['’]t\s+be)\s+(?:found|located)"
    rf"|(?:{_LOOKING_FOR})\s+{_NOT_THERE}|(?:this|that)\s+{_GONE_THING}\s+{_NOT_THERE}"
    r"|nothing\s+(?:was\s+)?found\s+(?:at|here)"
    r"|we\s+(?:couldn['’]?t|could\s+not|can['’]?t|cannot)\s+(?:seem\s+to\s+)?find\s+"
    r"(?:the|that|this|what|any)"
    r"\s+(?:page|you)"
    r"|the\s+(?:requested\s+)?(?:page|url)\s+(?:could\s*not|cannot|can['’]?t)\s+be\s+found)",
    re.IGNORECASE,
)


#: A bare "404" (not a phone area code, suite or part of a number) beside an error word.
_NOT_A_CODE = r"(?<![\w(#.$-])(?<!suite )(?<!room )(?<!unit )(?<!route )(?<!box )"
_BARE_404 = re.compile(
    rf"{_NOT_A_CODE}404(?![\w)-]|[.,]\d)(?=.{{0,60}}?\b(?:page|error|not\s+found|missing)\b)"
    rf"|\b(?:o{{2,}}ps|uh[\s-]*oh|whoops|sorry)\b.{{0,60}}?{_NOT_A_CODE}404(?![\w)-]|[.,]\d)",
    re.IGNORECASE | re.DOTALL,
)


#: "Page not found" in the languages curated lists are most often in: the same rule reads
#: the title and headings of a German, French, Spanish, Italian, Portuguese or Dutch site.
#: "Not found" / "does not exist" in the languages of most of the web (no page noun: "Weblog
#: niet gevonden", "お探しのページは見つかりませんでした"). Read in labels and in the opening of
#: thin pages only: an article's headline may say that a person or thing was not found.
_NOT_FOUND_INTL = (
    r"nicht\s+gefunden|existiert\s+(?:leider\s+)?nicht(?:\s+mehr)?|introuvable"
    r"|n['’]existe\s+(?:pas|plus)|non\s+trouv[ée]e?|no\s+(?:se\s+)?(?:ha\s+)?encontr[aó]d?[ao]?"
    r"|no\s+existe|non\s+(?:trovat[ao]|esiste)|n[ãa]o\s+(?:foi\s+)?(?:encontrad[ao]|existe)"
    r"|n[ãa]o\s+(?:conseguimos\s+)?encontr(?:amos|ei)|kunde\s+inte\s+hittas|ble\s+ikke\s+funnet"
    r"|niet\s+gevonden|bestaat\s+niet|nie\s+znaleziono|nie\s+istnieje|не\s+найден[аоы]?"
    r"|не\s+существует|bulunamad[ıi]|hittades\s+inte|finns\s+inte|ikke\s+fundet"
    r"|ikke\s+funnet|finnes\s+ikke|ei\s+löytynyt|nenalezen[ao]?|neexistuje|nem\s+található"
    r"|δεν\s+βρέθηκε|không\s+tìm\s+thấy|tidak\s+ditemukan|見つかりません|存在しません"
    r"|找不到|不存在|찾을\s*수\s*없|존재하지\s*않"
)
_PAGE_NOUNS = r"seite|page|p[aá]gina|inhalt|contenu|contenido|conte[uú]do|artikel|article|strona"
_ERROR_NUMBER_WORDS = r"fehler|erreur|errore|erro|fout|błąd|ошибка|hata|fel|chyba|virhe|feil"
#: "Error message" as one word ("Foutmelding", "Fehlermeldung", "Felmeddelande").
_ERROR_MESSAGE_WORDS = r"foutmelding|fehlermeldung|felmeddelande|feilmelding|fejlmeddelelse"
#: The same with a page noun ("Die aufgerufene Seite existiert nicht"), or an error number
#: named in another language ("Fehler 404"): labels of article-sized pages too.
_ERROR_INTL = re.compile(
    rf"\b(?:{_PAGE_NOUNS})\b.{{0,40}}?(?:{_NOT_FOUND_INTL})"
    rf"|^\s*(?:{_ERROR_NUMBER_WORDS})\s*:?\s*404\b",
    re.IGNORECASE,
)
_NOT_FOUND_ANY = re.compile(_NOT_FOUND_INTL, re.IGNORECASE)
#: Title segments that are nothing but an error label (a platform's error shell).
_ERROR_LABEL = re.compile(
    r"^(?:error\s+(?:page|message)|application\s+error|site\s+not\s+found|no\s+such\s+app|content\s+unavailable"
    r"|(?:page|content|article|post|video|item|product|listing|profile|channel)\s+(?:is\s+)?"
    r"(?:missing|unavailable|gone|removed|not\s+available))[.!]?$",
    re.IGNORECASE,
)
#: ... and the word "error" alone, in the languages of the web ("Fehler", "错误"): see
#: `_error_word`, a short word such as "hata", "fel" or "erro" is a name too.
_ERROR_WORD = re.compile(
    rf"^\s*(?:error|{_ERROR_NUMBER_WORDS}|{_ERROR_MESSAGE_WORDS}|错误|エラー|오류)[.!]?\s*$",
    re.IGNORECASE)


#: The languages each word is "error" in (primary subtags of a page's <html lang>); the
#: English word is read on any page.
_ERROR_WORD_LANGS: dict[str, tuple[str, ...]] = {
    "fehler": ("de",), "erreur": ("fr",), "errore": ("it",), "erro": ("pt", "gl"),
    "fout": ("nl",), "błąd": ("pl",), "ошибка": ("ru", "uk", "be", "bg", "kk"),
    "hata": ("tr", "az"), "fel": ("sv",), "chyba": ("cs", "sk"), "virhe": ("fi",),
    "feil": ("no", "nb", "nn", "da"), "错误": ("zh",), "エラー": ("ja",), "오류": ("ko",),
    "foutmelding": ("nl",), "fehlermeldung": ("de",), "felmeddelande": ("sv",),
    "feilmelding": ("no", "nb", "nn"), "fejlmeddelelse": ("da",),
}


def _in_its_language(word: str, page: Page) -> bool:
    """Whether a page may be named by `word` in its own language: it declares none, or one
    the word is "error" in ("Fel" on a page that says it is English is a name)."""
    langs = _ERROR_WORD_LANGS.get(word.casefold())
    return not page.lang or langs is None or page.lang.split("-")[0] in langs


def _error_word(page: Page, title: str) -> str | None:
    """A title segment that is the word "error" alone, written the way a label is written
    (`fehler`, `Fehler`, `FEHLER`; a brand writes itself `HaTa`), on a page that declares no
    language or the word's own (`_in_its_language`). On a page with an article's
    worth of its own text the word must head the page too: a shop or a magazine named "Fel"
    or "Hata" has content of its own, an error page says nothing else."""
    for segment in title_segments(title) or [title]:
        if not _ERROR_WORD.match(segment):
            continue
        word = segment.strip().rstrip(".!")
        if word not in (word.lower(), word.upper(), word.capitalize()) \
                or not _in_its_language(word, page):
            continue
        if article_sized(page) and not any(
                heading.strip().rstrip(".!").casefold() == word.casefold()
                for heading in page.headings):
            continue
        return segment
    return None


#: A heading saying the content is gone ("This content is no longer available").
_GONE_HEADING = re.compile(
    r"\b(?:page|content|article|post|story|item|app|application)\s+(?:is\s+)?no\s+longer\s+"
    r"(?:available|exists)"
    r"|\b(?:page|content|article|post)\s+(?:is\s+)?(?:unavailable|missing)\b",
    re.IGNORECASE,
)
#: A standalone 404 in a short title segment or a heading, on a page with hardly any text
#: of its own, is an error page in any language ("Fehler 404", "404 | Site", "<h1>404</h1>").
_LONE_404 = re.compile(rf"{_NOT_A_CODE}404(?![\w)-]|[.,]\d)(?!\s+of\b)")
#: A 404 that numbers something ("Page 404 of 1,200", "Route 404", "Issue 404"), not an error.
_NUMBERED_404 = re.compile(
    r"\b(?:page|p\.|pg\.?|no\.?|number|nr\.?|part|chapter|ch\.|issue|episode|ep\.?|vol\.?"
    r"|volume|step|day|week|exit|model|flight|highway|hwy\.?|line|bus|psalm|section|sec\.|article"
    r"|rfc|suite|room|unit|route|box|lot|level|track|item|post|comment)\s*#?\s*404\b",
    re.IGNORECASE)
_LONE_404_WORDS = 4
_LONE_404_CONTENT = 600
#: How far into a page's own content its error message may start.
_ERROR_TEXT_WITHIN = 320
#: ... and, said without a page noun in another language, how far into a thin page.
_INTL_TEXT_WITHIN = 120


def _lone_404(page: Page) -> str | None:
    if len(page.content_text) > _LONE_404_CONTENT:
        return None
    for text in (*title_segments(page.title or ""), *page.headings):
        if len(text.split()) <= _LONE_404_WORDS and _LONE_404.search(text) \
                and not _NUMBERED_404.search(text):
            return f"{text!r} on a page with almost no text of its own"
    return None


_APOLOGY = re.compile(r"^\W*(?:o{2,}ps|sorry|whoops|uh[\s-]*oh|error)\b\W", re.IGNORECASE)
#: A title that opens with the error code ("404. The page/URL requested wasn't found", "404:
#: Not here") is an error's label however long it runs: no headline starts so.
_CODE_FIRST = re.compile(rf"^\W*(?:error\s*)?{_NOT_A_CODE}404(?:\s*[.:!|\-–—]|\s+error\b)",
                         re.IGNORECASE)


def _error_title(title: str, page: Page) -> re.Match[str] | None:
    """The error wording of a title. A short page built as an article (`headlined`) is
    named by its headline: there the wording counts as a label, or where an error message
    ends ("Sorry, the page you requested cannot be found"), not in the middle of a headline
    ("Outage leaves customers staring at page not found errors")."""
    if not headlined(page):  # the whole title, or one of its segments as a label ("X - Error")
        return _ERROR_TITLE.search(title) or label_match(_ERROR_TITLE, title)
    for segment in title_segments(title) or [title]:
        if headline(segment):
            continue
        matches = list(_ERROR_TITLE.finditer(segment))
        if matches and _CODE_FIRST.match(segment) and not _NUMBERED_404.search(segment):
            return matches[0]
        if any(not segment[m.end():].strip(" .!?)") for m in matches):
            return matches[-1]
        # "Oops! We can't find the page you're looking for": an apology, then the error
        if len(matches) >= 2 and _APOLOGY.match(segment):
            return matches[-1]
    return label_match(_ERROR_TITLE, title)


#: What may open and close a title that is nothing but a not-found sentence ("Sorry, the
#: page you requested was not found on our site."): a headline quoting the words says more
#: ("... : what a 404 means", "Why the page you requested was not found").
_SENTENCE_OPENING = re.compile(
    r"\W*(?:(?:we\s+are\s+|we['’]re\s+)?sorry|o{2,}ps|whoops|uh[\s-]*oh)?\W*(?:but\s+)?",
    re.IGNORECASE)
_SENTENCE_CLOSING = re.compile(
    r"\s*(?:(?:on|at|in|from)\s+(?:our|this|the)\s+(?:web\s*)?(?:site|server|portal)"
    r"|here|any\s*more)?\s*[.!]*\s*", re.IGNORECASE)


def error_sentence_title(title: str) -> re.Match[str] | None:
    """A title segment that is one not-found sentence, whatever the page's size: a template
    that names its error page so ("The page you requested was not found on our site")."""
    for segment in title_segments(title) or [title]:
        match = _ERROR_TEXT.search(segment)
        if match and _SENTENCE_OPENING.fullmatch(segment[:match.start()]) \
                and _SENTENCE_CLOSING.fullmatch(segment[match.end():]):
            return match
    return None


def looks_soft_404(page: Page) -> str | None:
    """A 200 page that is really an error page: its title, an error heading on a page with
    little content of its own, or the wording of its (short) text. On a page with an
    article's worth of text, only a title or heading that is an error *label* counts, or a
    message the page opens with: a headline may quote "page not found"."""
    return error_label(page) or _error_wording(page)


def error_label(page: Page) -> str | None:
    """The part of `looks_soft_404` that reads what the page is named: its title, an error
    heading over little content of its own, a lone error number. It outranks a sign-in box
    in the page ("404 Article not found" over a site's login module)."""
    title = page.title or ""
    article = article_sized(page)
    match = (label_match(_ERROR_TITLE, title) if article else _error_title(title, page)) \
        or label_match(_ERROR_INTL, title) or label_match(_ERROR_LABEL, title) \
        or _error_word(page, title) \
        or (None if article else label_match(_NOT_FOUND_ANY, title)) \
        or error_sentence_title(title)
    if match:
        return f"title {title!r} reads like an error page"
    thin = len(page.content_text) <= THIN_CONTENT_CHARS
    # Built as an article (long, or headlined by its title): body text and headings that
    # quote an error are the article's own.
    shaped = article_like(page)
    # An article-sized page whose title is a headline of its own is the article its title
    # names: a heading that says "Error 404" is one of its sections.
    if thin and not (shaped and headline_title(title)):
        for heading in page.headings:
            found = label_match(_ERROR_HEADING, heading) if shaped else \
                _ERROR_HEADING.search(heading)
            if found or label_match(_ERROR_INTL, heading) or label_match(_GONE_HEADING, heading) \
                    or (not shaped and label_match(_NOT_FOUND_ANY, heading)):
                return f"heading {heading!r} reads like an error page"
    lone = _lone_404(page)
    return f"error number {lone}" if lone else None


def _error_wording(page: Page) -> str | None:
    shaped = article_like(page)
    thin = len(page.content_text) <= THIN_CONTENT_CHARS
    # An error page says so first; an article that mentions "404 Not Found" says it later.
    if shaped:
        haystacks = [lead(page)]
    else:
        haystacks = [page.content_text[:_ERROR_TEXT_WITHIN]] if thin else []
        if len(page.text) <= SHORT_PAGE_CHARS:
            haystacks.append(page.text[:_ERROR_TEXT_WITHIN])
    for text in haystacks:
        found = _ERROR_TEXT.search(text) or _BARE_404.search(text) or (
            _NOT_FOUND_ANY.search(text[:_INTL_TEXT_WITHIN]) if thin else None)
        if found:
            return f"page says {found.group(0)!r}"
    notice = failure_notice(page) or wrong_address(page) or invalid_link(page)
    return f"page says {notice!r} in place of content" if notice else None
