"""The site's page for a nonexistent URL against the page a link now serves: a bounded
fingerprint of each page's own content, compared by text similarity (the random-path probe).

Pure functions over Page facts.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from .models import Page

#: Two pages with at least this similarity of their own content are the same page.
SAME_PAGE_SIMILARITY = 0.9
FINGERPRINT_CHARS = 2000
_MIN_FINGERPRINT_CHARS = 40


def fingerprint(page: Page) -> str:
    """A bounded excerpt of the page's own content, for comparing two pages of one site.
    Paths are left out: error pages often echo the URL they were asked for."""
    words = page.content_text[:FINGERPRINT_CHARS].split()
    return " ".join(w for w in words if "/" not in w and "monitor-probe" not in w)


def same_page(page: Page, other: Page) -> float | None:
    """0..1 similarity of two pages' own content, or None when either has too little text to
    tell (a JavaScript shell that every URL of a site serves cannot be told apart)."""
    mine, theirs = fingerprint(page), fingerprint(other)
    if min(len(mine), len(theirs)) < _MIN_FINGERPRINT_CHARS:
        return None
    return round(fuzz.ratio(mine, theirs) / 100.0, 3)
