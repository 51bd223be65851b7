"""Content signals read from a page: title similarity, soft-404s, parking pages, bot challenges.

Pure functions over strings, each tuned to avoid false alarms: a curated page that merely
changed its site-name suffix, punctuation or year is not "drifted", and the word "error" in an
article title does not make it a soft-404.
"""

from __future__ import annotations

import html
import re
import unicodedata

from rapidfuzz import fuzz

from .models import SHORT_PAGE_CHARS

# " | WebMD", "Spine-health - ", " — Kenai Spine", " :: ", " · "
_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]+\s+|\s*[|·•»]\s*")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalise_title(title: str) -> str:
    """Entities, NFKC, case, years, punctuation and whitespace folded away."""
    text = unicodedata.normalize("NFKC", html.unescape(title)).casefold()
    text = _YEAR.sub(" ", text)
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def title_segments(title: str) -> list[str]:
    """A title split at site-name separators, each segment normalised, empties dropped."""
    parts = _SEPARATORS.split(unicodedata.normalize("NFKC", html.unescape(title)))
    return [seg for seg in (normalise_title(part) for part in parts) if seg]


def title_similarity(expected: str, current: str) -> float:
    """0..1: how much `current` is still the page titled `expected`.

    The whole titles are compared, and so is every pair of segments, so that adding, dropping
    or renaming a site prefix/suffix (" | WebMD") keeps the score high while a different
    article scores low.
    """
    full_a, full_b = normalise_title(expected), normalise_title(current)
    if not full_a and not full_b:
        return 1.0
    if not full_a or not full_b:
        return 0.0
    best = fuzz.token_sort_ratio(full_a, full_b)
    segs_a, segs_b = title_segments(expected) or [full_a], title_segments(current) or [full_b]
    main_a = max(segs_a, key=len)
    main_b = max(segs_b, key=len)
    best = max(best, fuzz.token_sort_ratio(main_a, main_b))
    for seg_a in segs_a:
        for seg_b in segs_b:
            # Short segments (a site name) must not carry the whole score on their own.
            if min(len(seg_a), len(seg_b)) >= 0.5 * max(len(main_a), len(main_b)):
                best = max(best, fuzz.token_sort_ratio(seg_a, seg_b))
    return round(best / 100.0, 3)


_SOFT404_TITLE = re.compile(
    r"^(?:error|oops|sorry)\b|^\s*404\b|\b404\s+(?:error|page\s+not)\b|\berror\s*:?\s*404\b"
    r"|\bpage\s+not\s+found\b|^not\s+found\b|\bnot\s+found$"
    r"|\b(?:page|content|article)\s+(?:does\s+not|doesn['’]?t)\s+exist\b"
    r"|\bno\s+longer\s+(?:available|exists)\b|\bpage\s+(?:is\s+)?(?:missing|unavailable)\b"
    r"|\b(?:cannot|can['’]?t|could\s+not|couldn['’]?t)\s+(?:be\s+)?f(?:ou|i)nd\b",
    re.IGNORECASE,
)
_SOFT404_TEXT = re.compile(
    r"\b(?:404\s*(?:error|-|–|:)?\s*(?:page\s+)?not\s+found"
    r"|the\s+page\s+you\s+(?:are|were|'re)\s+looking\s+for\s+(?:could\s+not\s+be\s+found|cannot"
    r"\s+be\s+found|can['’]?t\s+be\s+found|does\s+not\s+exist|doesn['’]?t\s+exist|is\s+no\s+longer"
    r"|has\s+been\s+(?:moved|removed|deleted)|was\s+not\s+found|might\s+have\s+been\s+removed)"
    r"|the\s+(?:requested\s+)?page\s+(?:could\s+not|cannot)\s+be\s+found"
    r"|we\s+(?:couldn['’]?t|could\s+not|can['’]?t)\s+find\s+(?:the|that|this)\s+page)",
    re.IGNORECASE,
)
_PARKED = re.compile(
    r"\b(?:this\s+domain\s+(?:name\s+)?(?:is|may\s+be)\s+(?:for\s+sale|available)"
    r"|(?:the\s+)?domain\s+(?:name\s+)?[\w.-]*\s*(?:is|may\s+be)\s+for\s+sale"
    r"|buy\s+this\s+domain|(?:domain|website)\s+(?:is\s+)?parked|parked\s+(?:free|domain)"
    r"|make\s+an\s+offer\s+on\s+this\s+domain|inquire\s+about\s+this\s+domain"
    r"|sedoparking|parkingcrew|bodis\.com|hugedomains|afternic|domain\s+parking"
    r"|this\s+web\s+page\s+is\s+parked)",
    re.IGNORECASE,
)
_CHALLENGE_TITLE = re.compile(
    r"^(?:just\s+a\s+moment|attention\s+required|access\s+denied|please\s+wait"
    r"|checking\s+your\s+browser|ddos-guard|security\s+check|are\s+you\s+a\s+(?:robot|human)"
    r"|human\s+verification|verify(?:ing)?\s+you\s+are\s+(?:a\s+)?human|pardon\s+our\s+interruption"
    r"|one\s+more\s+step)",
    re.IGNORECASE,
)
_CHALLENGE_TEXT = re.compile(
    r"\b(?:checking\s+(?:if\s+the\s+site\s+connection\s+is\s+secure|your\s+browser\s+before)"
    r"|enable\s+javascript\s+and\s+cookies\s+to\s+continue|verify\s+you\s+are\s+(?:a\s+)?human"
    r"|complete\s+the\s+security\s+check|are\s+you\s+a\s+robot|captcha"
    r"|ray\s+id:\s*[0-9a-f]{8,})",
    re.IGNORECASE,
)


def looks_soft_404(title: str | None, text: str) -> str | None:
    """A short explanation when a 200 page is really an error page, else None."""
    if title and _SOFT404_TITLE.search(title):
        return f"title {title!r} reads like an error page"
    if len(text) <= SHORT_PAGE_CHARS:
        match = _SOFT404_TEXT.search(text)
        if match:
            return f"page says {match.group(0)!r}"
    return None


def looks_parked(title: str | None, text: str) -> str | None:
    """Registrar parking and for-sale pages. They are short; long articles are not scanned
    (an article about buying domains is not a parked page, and scanning costs CPU)."""
    haystack = f"{title or ''} {text}" if len(text) <= SHORT_PAGE_CHARS else (title or "")
    match = _PARKED.search(haystack)
    return f"page says {match.group(0)!r}" if match else None


def looks_challenge(
    title: str | None, text: str, headers: dict[str, str], http_status: int | None
) -> str | None:
    """Bot-protection interstitials (Cloudflare and the like), whatever status they carry."""
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return "Cloudflare challenge (cf-mitigated header)"
    if (
        title and _CHALLENGE_TITLE.search(title.strip())
        and (http_status in (403, 429, 503) or len(text) <= SHORT_PAGE_CHARS)
    ):
        return f"challenge page titled {title!r}"
    if http_status in (403, 429, 503) and len(text) <= SHORT_PAGE_CHARS:
        match = _CHALLENGE_TEXT.search(text)
        if match:
            return f"challenge page: {match.group(0)!r}"
    return None


def missing_keywords(keywords: tuple[str, ...], text: str) -> list[str]:
    """Keywords (case- and Unicode-insensitive) absent from the visible text."""
    if not keywords:
        return []
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _SPACES.sub(" ", folded)
    return [
        word for word in keywords
        if _SPACES.sub(" ", unicodedata.normalize("NFKC", word).casefold().strip()) not in folded
    ]
