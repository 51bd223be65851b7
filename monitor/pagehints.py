"""Shared reading aids for `pagekind` and `parking`: how much of a page is its own prose,
whether a title segment or heading is a *label* ("Page not found") rather than a headline
that quotes one, and a pattern search skipped cheaply when none of its trigger words occur.

Pure functions over a Page's facts. The one idea behind them: error, parking, wall and
sign-in pages say what they are in their title or headings, or open with it; an article that
quotes such words has a headline of its own and paragraphs of prose around the quote.
"""

from __future__ import annotations

import re

from .models import SHORT_PAGE_CHARS, THIN_CONTENT_CHARS, Page
from .signals import split_title

#: A page with at least this much text of its own (outside links, menus, header, footer)
#: reads as an article: its body text alone never makes it an error, parking or wall page.
#: Measured: the walls and error pages of the corpus carry under 900 characters of their own
#: unless a title or heading says what they are; the shortest real news items, 1,100+.
ARTICLE_CONTENT_CHARS = 1000
#: How far into an article-sized page's own content its message may start and still count:
#: the page opens with it, before any headline or prose.
LEAD_CHARS = 60
#: A heading or title segment is a label when it has at most this many words, or when at most
#: LABEL_EXTRA_WORDS remain once the matched words are taken out, and it is no headline.
#: A title carries a headline of its own when a segment is longer than HEADLINE_WORDS.
LABEL_WORDS = 6
LABEL_EXTRA_WORDS = 4
HEADLINE_WORDS = 4
#: Walls and landers are bare: thin content and a handful of links.
BARE_MAX_LINKS = 15

#: A title split where sites join a page's name to their own (one definition, in signals).
title_segments = split_title


def article_sized(page: Page) -> bool:
    """Whether the page has an article's worth of its own text."""
    return len(page.content_text) >= ARTICLE_CONTENT_CHARS


def bare(page: Page) -> bool:
    """Thin content, few links and a short text: how walls and landers are built."""
    return len(page.content_text) <= THIN_CONTENT_CHARS and page.links <= BARE_MAX_LINKS \
        and len(page.text) <= SHORT_PAGE_CHARS


#: A headline asks or explains ("Why the page was not found", "When a blog has been
#: deleted", "Page not found? Seven fixes"); a label states.
_HEADLINE_START = re.compile(
    r"^\W*(?:how|why|what|when|where|who|which|if|can|could|should|does|do|did|is|are|will"
    r"|wenn|warum|wie|was|pourquoi|comment|quand|por\s+qu[eé]|c[oó]mo|cuando|perch[eé]|come)\b",
    re.IGNORECASE)
_QUESTION_THEN_WORDS = re.compile(r"\?\s*\w")


def headline(text: str) -> bool:
    """Whether a title segment or heading reads as a headline (a question, an explanation)."""
    return bool(_HEADLINE_START.search(text) or _QUESTION_THEN_WORDS.search(text))


def _is_label(segment: str, match: re.Match[str]) -> bool:
    if headline(segment):
        return False
    words = len(segment.split())
    rest = len((segment[: match.start()] + " " + segment[match.end():]).split())
    return words <= LABEL_WORDS or rest <= LABEL_EXTRA_WORDS


def headline_title(title: str) -> bool:
    """Whether a page's title names an article of its own ("What 404 means for your site |
    Blog"), rather than only a site or a label ("Example News", "404 | Example")."""
    return any(len(seg.split()) > HEADLINE_WORDS or headline(seg) for seg in title_segments(title))


def label_match(pattern: re.Pattern[str], *texts: str) -> re.Match[str] | None:
    """The first match of `pattern` in a title segment or heading that is a label, not a
    headline quoting the words ("Page not found" is; "Site shows 'page not found' to
    thousands" is not)."""
    for text in texts:
        for segment in title_segments(text) or [text]:
            match = pattern.search(segment)
            if match and _is_label(segment, match):
                return match
    return None


def lead(page: Page) -> str:
    """The opening of the page's own content unless a heading opens it: where an article-sized
    page may still say what it is, as an error's or a wall's message before the site's
    boilerplate does. A page that opens with a heading says what it is there (an article
    opening with "The account has been suspended, the host said" has a headline of its own)."""
    content = page.content_text.lstrip()
    if any(content.startswith(heading) for heading in page.headings):
        return ""  # an article's own header may have gone with the chrome: any heading counts
    return content[:LEAD_CHARS]


#: A page's own headline: its first heading restates its title's main segment in at least
#: this many words.
HEADLINED_WORDS = 6
#: ... with at least this much text of its own after it: a short news item, not a notice.
HEADLINED_CONTENT_CHARS = 250


def _folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def headlined(page: Page) -> bool:
    """Whether the page is built as an article, however short: a site's navigation around
    it, its first heading repeating a headline-length segment of its title ("Library to drop
    CAPTCHA from catalogue after complaints | Gazette"), and some prose of its own. Error,
    parking, wall and sign-in pages are labelled ("Page not found", "Account suspended") or
    bare; their body text, not an article's, says what they are."""
    if bare(page) or not page.headings or len(page.content_text) < HEADLINED_CONTENT_CHARS:
        return False
    heading = _folded(page.headings[0])
    if len(heading.split()) < HEADLINED_WORDS:
        return False
    return any(_folded(segment) == heading for segment in [page.title or "",
                                                           *title_segments(page.title or "")])


def article_like(page: Page) -> bool:
    """An article's worth of own text, or a shorter page built as an article (`headlined`):
    what its body says in passing never makes it an error, parking or wall page."""
    return article_sized(page) or headlined(page)


def search_if(pattern: re.Pattern[str], text: str, triggers: tuple[str, ...]) -> \
        re.Match[str] | None:
    """pattern.search(text), skipped when none of the trigger words occurs: a big alternation
    costs ~0.1 ms per 1,000 characters, a lower-cased `in` almost nothing."""
    if not text:
        return None
    low = text.lower()
    if not any(word in low for word in triggers):
        return None
    return pattern.search(text)
