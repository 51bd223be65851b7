"""Strings we did not write, made safe to show: page text and URLs for every output.

Titles, details and redirect targets come from hostile servers; URLs from the curator may carry
credentials. Two pure functions cover every output (terminal, cron mail, logs, HTML, JSON,
Markdown, JUnit, webhooks):

- `clean_text`: control characters (C0, DEL, C1, so ESC and every terminal escape sequence)
  and bidirectional overrides (which reorder what a reader sees) become U+FFFD, visibly.
- `redact_url` / `redact_urls_in`: `user:secret@` becomes `user:***@`, and the values of
  secret-looking query parameters (token, key, sig, password...) become `***`.

`display_run` applies both to every display field of a run, once, at the edge; page text
that can quote a URL (titles, the content diff of a drifted page, anchor texts of a source's
links) gets both, since a page may well quote its own address, credentials included.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import SplitResult, urlsplit, urlunsplit

from .models import Hop, LinkChange, Result, Run, Snapshot, SourceReport, TextDiff
from .resultseq import LazyResults, map_results

REPLACEMENT = "\ufffd"
# C0 (tab and newline included: every field we show is one line), DEL, C1; bidi embeddings,
# overrides and isolates (U+202A-E, U+2066-9) and the Arabic letter mark.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u061c]")
MASK = "***"
#: Query parameters whose values are secrets (compared lower-case, `-` read as `_`).
SECRET_PARAMS = frozenset({
    "token", "key", "secret", "password", "passwd", "pass", "pwd", "sig", "signature",
    "auth", "access_token", "api_key", "apikey", "client_secret", "refresh_token",
    "id_token", "sessionid", "private_token", "x_amz_signature", "x_goog_signature",
})
_SECRET_SUFFIXES = ("_token", "_key", "_secret", "_password", "_signature", "_sig")
# Words in a query that might name a secret parameter (a superset of _is_secret's, so that
# most URLs are passed without being parsed).
_SECRET_WORDS = ("token", "key", "secret", "pass", "pwd", "sig", "auth", "session")
_URL_IN_TEXT = re.compile(r"""https?://[^\s<>"'`]+""", re.IGNORECASE)


def clean_text(text: str) -> str:
    """Control characters and bidi overrides -> U+FFFD; everything else as it was."""
    return text if _safe_chars(text) else _UNSAFE.sub(REPLACEMENT, text)


def clean_optional(text: str | None) -> str | None:
    return None if text is None else clean_text(text)


def _is_secret(name: str) -> bool:
    key = name.strip().lower().replace("-", "_")
    return key in SECRET_PARAMS or key.endswith(_SECRET_SUFFIXES)


def _redact_query(query: str) -> str:
    parts = []
    for item in query.split("&"):
        name, sep, value = item.partition("=")
        parts.append(f"{name}={MASK}" if sep and value and _is_secret(name) else item)
    return "&".join(parts)


def redact_url(url: str) -> str:
    """`http://user:secret@host/?token=abc&page=2` -> `http://user:***@host/?token=***&page=2`.

    A string that does not parse as a URL is returned with any `user:pass@` masked anyway."""
    try:
        parts = urlsplit(url)
    except ValueError:  # not parseable (say `http://[::1/?token=x`): mask what we can see
        masked = re.sub(r"(//[^/@:\s]*):[^/@\s]*@", rf"\1:{MASK}@", url)
        head, sep, query = masked.partition("?")
        return head + sep + _redact_query(query) if sep else masked
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user, colon, _password = userinfo.partition(":")
        netloc = f"{user}:{MASK}@{hostport}" if colon else f"{user}@{hostport}"
    query = _redact_query(parts.query) if parts.query else parts.query
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit(SplitResult(parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_urls_in(text: str) -> str:
    """Every http(s) URL inside free text (a detail line, an error message) redacted."""
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)


def display_text(text: str) -> str:
    """Free text from a page or an error: one line, no control characters, no secrets."""
    return redact_urls_in(clean_text(text))


def display_url(url: str) -> str:
    return redact_url(clean_text(url))


def _safe_chars(text: str) -> bool:
    return text.isprintable() or not _UNSAFE.search(text)  # isprintable: the fast common case


def _maybe_secret(text: str) -> bool:
    lower = text.lower()
    return any(word in lower for word in _SECRET_WORDS)


def _url_is_clean(url: str) -> bool:
    """Cheap test that `display_url` would change nothing (the common case, by far)."""
    if "@" in url or not _safe_chars(url):
        return False
    query = url.find("?")
    return query == -1 or not _maybe_secret(url[query:])


def _text_is_clean(text: str) -> bool:
    if not _safe_chars(text):
        return False
    return "://" not in text or not ("@" in text or _maybe_secret(text))


def display_result(result: Result) -> Result:
    """The result with every string a reader sees made safe (see the module docstring)."""
    changes = result.content_diff or TextDiff()
    blob = "".join((result.url, result.final_url, result.name, result.title or "",
                    result.expected_title or "", result.detail, *result.warnings, *result.tags,
                    *(h.url + h.target for h in result.redirects),
                    result.archived.url if result.archived else "",
                    *changes.added, *changes.removed))
    if blob.isprintable() and "@" not in blob and not _maybe_secret(blob):
        return result  # nearly every result: one C-speed pass, nothing to change
    changed: dict[str, object] = {}
    for name in ("url", "final_url"):
        value = getattr(result, name)
        if not _url_is_clean(value):
            changed[name] = display_url(value)
    for name in ("name", "title", "expected_title"):
        value = getattr(result, name)
        if value and not _text_is_clean(value):
            changed[name] = display_text(value)
    if not all(map(_text_is_clean, (*changes.added, *changes.removed))):
        changed["content_diff"] = TextDiff(tuple(map(display_text, changes.added)),
                                           tuple(map(display_text, changes.removed)))
    if not _text_is_clean(result.detail):
        changed["detail"] = display_text(result.detail)
    if not all(_text_is_clean(w) for w in result.warnings):
        changed["warnings"] = tuple(display_text(w) for w in result.warnings)
    if not all(_safe_chars(t) for t in result.tags):
        changed["tags"] = tuple(clean_text(t) for t in result.tags)
    if result.archived and not _url_is_clean(result.archived.url):
        changed["archived"] = Snapshot(display_url(result.archived.url), result.archived.taken_at)
    if not all(_url_is_clean(h.url) and _url_is_clean(h.target) for h in result.redirects):
        changed["redirects"] = tuple(Hop(display_url(h.url), h.status, display_url(h.target))
                                     for h in result.redirects)
    return replace(result, **changed) if changed else result  # type: ignore[arg-type]


def _display_change(change: LinkChange) -> LinkChange:
    return replace(change, url=display_url(change.url), text=display_text(change.text))


def display_source(source: SourceReport) -> SourceReport:
    """A source article's report with its anchor texts and URLs (page text) made safe; an
    anchor text is often the bare URL, credentials and all."""
    return replace(
        source, name=clean_text(source.name), url=display_url(source.url),
        detail=display_text(source.detail),
        added=tuple(map(_display_change, source.added)),
        removed=tuple(map(_display_change, source.removed)),
        unlinked=tuple(map(_display_change, source.unlinked)),
    )


def display_run(run: Run) -> Run:
    """`display_result` on every result; the run itself is otherwise unchanged."""
    sources = tuple(display_source(s) for s in run.sources)
    if isinstance(run.results, LazyResults):  # a big run: made safe as it is read
        return replace(run, results=map_results(run.results, display_result,
                                                 keeps_status=True), sources=sources)
    results = tuple(display_result(r) for r in run.results)
    if all(a is b for a, b in zip(results, run.results, strict=True)) and sources == run.sources:
        return run
    return replace(run, results=results, sources=sources)
