"""Strings we did not write, made safe to show: page text and URLs for every output.

Titles, details and redirect targets come from hostile servers; URLs from the curator may carry
credentials. Two pure functions cover every output (terminal, cron mail, logs, HTML, JSON,
Markdown, JUnit, webhooks):

- `clean_text`: control characters (C0, DEL, C1, so ESC and every terminal escape sequence)
  and bidirectional overrides (which reorder what a reader sees) become U+FFFD, visibly.
- `redact_url` / `redact_urls_in`: `user:secret@` becomes `user:***@`, and the values of
  secret-looking query parameters (token, key, sig, password...) become `***`.

`display_run` applies both to every display field of a run, once, at the edge.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import SplitResult, urlsplit, urlunsplit

from .models import Hop, LinkChange, Result, Run, Snapshot, SourceReport

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
_URL_IN_TEXT = re.compile(r"""https?://[^\s<>"'`]+""", re.IGNORECASE)


def clean_text(text: str) -> str:
    """Control characters and bidi overrides -> U+FFFD; everything else as it was."""
    return _UNSAFE.sub(REPLACEMENT, text) if _UNSAFE.search(text) else text


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


def display_result(result: Result) -> Result:
    """The result with every string a reader sees made safe (see the module docstring)."""
    fields = {
        "name": clean_text(result.name),
        "url": display_url(result.url),
        "detail": display_text(result.detail),
        "final_url": display_url(result.final_url),
        "title": clean_optional(result.title),
        "expected_title": clean_optional(result.expected_title),
        "warnings": tuple(display_text(w) for w in result.warnings),
        "tags": tuple(clean_text(t) for t in result.tags),
        "redirects": tuple(Hop(display_url(h.url), h.status, display_url(h.target))
                           for h in result.redirects),
        "archived": Snapshot(display_url(result.archived.url), result.archived.taken_at)
        if result.archived else None,
    }
    changed = {k: v for k, v in fields.items() if v != getattr(result, k)}
    return replace(result, **changed) if changed else result  # type: ignore[arg-type]


def _display_change(change: LinkChange) -> LinkChange:
    return replace(change, url=display_url(change.url), text=clean_text(change.text))


def display_source(source: SourceReport) -> SourceReport:
    """A source article's report with its anchor texts and URLs (page text) made safe."""
    return replace(
        source, name=clean_text(source.name), url=display_url(source.url),
        detail=display_text(source.detail),
        added=tuple(map(_display_change, source.added)),
        removed=tuple(map(_display_change, source.removed)),
        unlinked=tuple(map(_display_change, source.unlinked)),
    )


def display_run(run: Run) -> Run:
    """`display_result` on every result; the run itself is otherwise unchanged."""
    results = tuple(display_result(r) for r in run.results)
    sources = tuple(display_source(s) for s in run.sources)
    if all(a is b for a, b in zip(results, run.results, strict=True)) and sources == run.sources:
        return run
    return replace(run, results=results, sources=sources)
