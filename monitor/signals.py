"""Content signals about the curated page itself: title similarity, topic change, keywords.

Pure functions over strings, each tuned to avoid false alarms: a curated page that merely
changed its site-name suffix, punctuation, year or word order is not "drifted". What kind of
page it has become (error, parking, challenge, sign-in) is `pagekind`'s question.
"""

from __future__ import annotations

import html
import re
import unicodedata

from rapidfuzz import fuzz

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


def split_title(title: str) -> list[str]:
    """A title split where sites join a page's name to their own ("X | Site", "X - Site",
    "Home » Blog"), segments stripped, empties dropped; a hyphen inside a word stays."""
    return [seg.strip() for seg in _SEPARATORS.split(title) if seg.strip()]


def title_segments(title: str) -> list[str]:
    """A title split at site-name separators, each segment normalised, empties dropped."""
    parts = split_title(unicodedata.normalize("NFKC", html.unescape(title)))
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


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
#: Words that carry no topic: their coming and going never makes a title "another topic".
_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "in", "into", "is",
    "it", "its", "of", "on", "or", "our", "the", "this", "to", "vs", "what", "when", "where",
    "which", "who", "why", "with", "your", "you", "new", "best", "top", "guide",
})
#: Two spellings of one word (plural, -ing, British/American) share at least this ratio.
_SAME_WORD = 80


def _topic_words(title: str) -> list[str]:
    words = _WORD.findall(normalise_title(title))
    return [w for w in words if w not in _STOPWORDS and not w.isdigit() and len(w) > 1]


def _has_word(word: str, words: list[str]) -> bool:
    return any(
        w == word or (min(len(w), len(word)) >= 4 and fuzz.ratio(w, word) >= _SAME_WORD)
        or (min(len(w), len(word)) >= 5 and (w.startswith(word) or word.startswith(w)))
        for w in words
    )


def replaced_words(expected: str, current: str) -> tuple[list[str], list[str]] | None:
    """(curated words gone, new words in their place) when `current` is about another topic.

    Only the curated title's main segment counts (not a site name), and a word counts as
    replaced only when the current main segment also brings a word of its own: adding words,
    a site suffix, a year, punctuation or another word order is not a topic change, and
    dropping a word alone is left to the similarity score.
    """
    segs_a, segs_b = title_segments(expected), title_segments(current)
    if not segs_a or not segs_b:
        return None
    main_a = _topic_words(max(segs_a, key=len))
    main_b = _topic_words(max(segs_b, key=len))
    every_b = _topic_words(current)
    every_a = _topic_words(expected)
    gone = [w for w in main_a if not _has_word(w, every_b)]
    new = [w for w in main_b if not _has_word(w, every_a)]
    if gone and new:
        return gone, new
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
