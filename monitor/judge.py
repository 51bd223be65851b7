"""(resource, fetched facts, context) -> Verdict. Pure: no network, no clock, no database.

The order of the rules matters and is the policy:
1. transport failures (DNS, TLS, timeouts, redirect problems);
2. bot challenges, whatever their status code (a challenge is never "drifted" or "broken");
3. HTTP status classes (404/410, other 4xx, 401/403/429, 5xx), also when a 200 carries a
   server's own error page ("403 Forbidden", "502: Bad gateway": `statuspage`), a firewall's
   block or a maintenance notice;
4. sign-in walls: a redirect to a login page, or a sign-in form where content was;
5. a 200 that is not the page any more: homepage redirect, parked domain or suspended
   hosting, soft-404 (by its wording, or by matching the site's page for a nonexistent URL);
6. drift: title changed beyond the threshold or to another topic, keywords missing;
7. a permanent redirect of the curated URL (works, but the link should be updated);
8. ok.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .content import DEFAULT_THRESHOLD as DEFAULT_CONTENT_THRESHOLD
from .content import content_drift
from .homeurl import is_home_url
from .models import Content, Fetched, FetchError, Hop, Page, Reason, Resource, Status, Verdict
from .pagekind import (
    SAME_PAGE_SIMILARITY,
    error_label,
    login_redirect,
    looks_challenge,
    looks_firewall_block,
    looks_login,
    looks_parked,
    looks_soft_404,
    same_page,
)
from .signals import missing_keywords, replaced_words, title_similarity
from .signin import sign_in_shell
from .softerror import maintenance_notice, out_of_service
from .statuspage import embedded_status

_ERRORS: dict[FetchError, tuple[Status, Reason]] = {
    FetchError.DNS: (Status.BROKEN, Reason.DNS),
    FetchError.REDIRECT_LOOP: (Status.BROKEN, Reason.REDIRECT_LOOP),
    FetchError.TOO_MANY_REDIRECTS: (Status.BROKEN, Reason.TOO_MANY_REDIRECTS),
    FetchError.BAD_REDIRECT: (Status.BROKEN, Reason.BAD_REDIRECT),
    FetchError.TIMEOUT: (Status.DOWN, Reason.TIMEOUT),
    FetchError.CONNECT: (Status.DOWN, Reason.CONNECT),
    FetchError.TLS: (Status.DOWN, Reason.TLS),
    FetchError.PROTOCOL: (Status.DOWN, Reason.PROTOCOL),
    FetchError.ROBOTS: (Status.BLOCKED, Reason.ROBOTS),
    FetchError.PRIVATE_ADDRESS: (Status.BLOCKED, Reason.PRIVATE_ADDRESS),
}
PERMANENT = frozenset({301, 308})
#: Never an answer to our plain GET (Accept: */* at the end, no preconditions): what
#: mod_security (406) and hosting firewalls (412, 418) say when they refuse a client.
_FIREWALL_CODES = frozenset({406, 412, 418})
_PAYMENT_REQUIRED = 402
_NOT_FOUND = frozenset({404, 410})  # a not-found page served with 200 is a soft-404


@dataclass(frozen=True, slots=True)
class Context:
    """What the judge needs besides the fetch: thresholds and what history knows."""

    title_threshold: float = 0.6
    baseline_title: str | None = None  # expected_title, or the learned baseline
    baseline_source: str = "expected_title"
    tls_warn_days: int = 14
    now: datetime | None = None
    catch_all: Page | None = None  # what a random (nonexistent) path on this host gets
    snapshot: Content | None = None  # the page's content when it was curated
    content_threshold: float = DEFAULT_CONTENT_THRESHOLD


def _status_verdict(code: int) -> Verdict | None:
    if code in (404, 410):
        return Verdict(Status.BROKEN, Reason.NOT_FOUND, f"HTTP {code}")
    if code in (401, 403):
        return Verdict(Status.BLOCKED, Reason.FORBIDDEN, f"HTTP {code}: the site refused us")
    if code in _FIREWALL_CODES:
        return Verdict(Status.BLOCKED, Reason.FORBIDDEN,
                       f"HTTP {code}: refused, as web application firewalls refuse requests "
                       f"they distrust (the request was an ordinary GET)")
    if code == 429:
        return Verdict(Status.BLOCKED, Reason.RATE_LIMITED, "HTTP 429 Too Many Requests")
    if code >= 500:
        return Verdict(Status.DOWN, Reason.SERVER_ERROR, f"HTTP {code}")
    if code >= 400 or code < 200 or code >= 300:
        return Verdict(Status.BROKEN, Reason.HTTP_ERROR, f"HTTP {code}")
    return None


def _is_deep(url: str) -> bool:
    """Anything but a site's home page (`/`, `/index.html`, `/en/`, `/?lang=de`)."""
    return not is_home_url(url)


def _homepage_redirect(fetched: Fetched) -> str | None:
    if not fetched.redirects or not _is_deep(fetched.url):
        return None
    if _is_deep(fetched.final_url):
        return None
    return f"{fetched.url} now redirects to the home page {fetched.final_url}"


def moved_to_url(redirects: tuple[Hop, ...], url: str) -> str | None:
    """The URL a link permanently moved to: the end of its leading 301/308 hops."""
    target = None
    for hop in redirects:
        if hop.status not in PERMANENT:
            break
        target = hop.target
    if target is None or target.rstrip("/") == url.rstrip("/"):
        return None
    return target


def moved_to(fetched: Fetched) -> str | None:
    return moved_to_url(fetched.redirects, fetched.url)


def _warnings(fetched: Fetched, ctx: Context) -> tuple[str, ...]:
    warnings: list[str] = []
    if fetched.tls_expires_at is not None and ctx.now is not None:
        days = (fetched.tls_expires_at - ctx.now).total_seconds() / 86400
        if days < ctx.tls_warn_days:
            warnings.append(f"TLS certificate expires in {days:.1f} days")
    if fetched.truncated:
        warnings.append(f"body cut at {fetched.bytes_read} bytes")
    return tuple(warnings)


def judge(resource: Resource, fetched: Fetched, ctx: Context) -> Verdict:
    """One verdict per fetch; never raises."""
    warnings = _warnings(fetched, ctx)
    verdict = _judge(resource, fetched, ctx)
    if verdict.status is Status.OK and fetched.redirects and \
            fetched.redirects[0].status in PERMANENT:
        warnings += (f"permanently redirects to {fetched.final_url} (same page)",)
    if warnings:
        return Verdict(verdict.status, verdict.reason, verdict.detail, warnings)
    return verdict


def _judge(resource: Resource, fetched: Fetched, ctx: Context) -> Verdict:
    if fetched.error is not None:
        status, reason = _ERRORS[fetched.error]
        return Verdict(status, reason, fetched.error_detail)
    code = fetched.http_status or 0
    page = fetched.page
    headers = dict(fetched.headers)
    challenge = looks_challenge(page, headers, code) if page.is_html else None
    if challenge:
        return Verdict(Status.BLOCKED, Reason.CHALLENGE, challenge)
    if code == _PAYMENT_REQUIRED and page.is_html:
        unpaid = looks_parked(page, fetched.final_url)
        if unpaid:  # what platforms answer for a store or site whose plan is unpaid
            return Verdict(Status.BROKEN, Reason.PARKED, f"HTTP 402: {unpaid}")
    by_status = _status_verdict(code)
    if by_status is not None:
        return by_status
    refusal = looks_firewall_block(page) if page.is_html else None
    if refusal:  # a firewall's refusal served with 200
        return Verdict(Status.BLOCKED, Reason.FORBIDDEN, f"HTTP {code}, but {refusal}")
    maintenance = maintenance_notice(page) if page.is_html else None
    if maintenance:  # a maintenance page served with 200: down for now, like a 503
        return Verdict(Status.DOWN, Reason.SERVER_ERROR,
                       f"HTTP {code}, but a maintenance page: {maintenance!r}")
    outage = out_of_service(page) if page.is_html else None
    # "This application is currently unavailable": a platform's 503 in words, unless the
    # host's notice is suspended hosting ("... If you're the owner, contact us"): parked
    if outage and not looks_parked(page, fetched.final_url):
        return Verdict(Status.DOWN, Reason.SERVER_ERROR,
                       f"HTTP {code}, but the platform says {outage!r}")
    embedded = embedded_status(page) if page.is_html else None
    if embedded is not None and embedded[0] not in _NOT_FOUND:
        labelled = _status_verdict(embedded[0])
        if labelled is not None:  # a server's own error page, served with 200
            return Verdict(labelled.status, labelled.reason,
                           f"HTTP {code}, but the page is a server's HTTP {embedded[0]} error "
                           f"page ({embedded[1]!r})")
    login = login_redirect(fetched.url, fetched.redirects, fetched.final_url) or (
        looks_login(page) if page.is_html else None)
    if login and login == sign_in_shell(page) and _curated_title(page, ctx):
        login = None  # an app shell still titled as curated: a page about signing in
    if login:
        # A not-found page that carries the site's login module is named an error page
        named = _soft_404(page, ctx, deep=_is_deep(fetched.final_url), names_only=True) \
            if page.is_html else None
        if named:
            return Verdict(Status.BROKEN, Reason.SOFT_404, named)
        return Verdict(Status.BLOCKED, Reason.LOGIN, login)

    home = _homepage_redirect(fetched)
    if home:
        return Verdict(Status.BROKEN, Reason.HOMEPAGE_REDIRECT, home)
    parked = looks_parked(page, fetched.final_url) if page.is_html else None
    if parked:
        return Verdict(Status.BROKEN, Reason.PARKED, parked)
    if page.is_html:
        soft = _soft_404(page, ctx, deep=_is_deep(fetched.final_url), embedded=embedded)
        if soft:
            return Verdict(Status.BROKEN, Reason.SOFT_404, soft)

    drift = _drift(resource, fetched, ctx)
    if drift is not None:
        return drift

    new_url = moved_to(fetched)
    if new_url:
        first = fetched.redirects[0].status
        return Verdict(Status.MOVED, Reason.PERMANENT_REDIRECT, f"{first} → use {new_url}")
    return Verdict(Status.OK, Reason.OK, f"HTTP {code}")


def _curated_title(page: Page, ctx: Context) -> bool:
    """Whether the page still carries the curated title (expected or learned baseline)."""
    baseline = ctx.baseline_title
    return bool(baseline and page.title and
                title_similarity(baseline, page.title) >= ctx.title_threshold)


def _soft_404(page: Page, ctx: Context, *, deep: bool, names_only: bool = False,
              embedded: tuple[int, str] | None = None) -> str | None:
    """Why the page is a soft-404, or None. `names_only`: only what the page is named
    (`error_label`), for a page that also holds a sign-in box; `embedded`: the server's
    error page it carries (`statuspage.embedded_status`), read once by the caller."""
    baseline = ctx.baseline_title
    if baseline and page.title and (
        title_similarity(baseline, page.title) >= ctx.title_threshold
    ):
        return None  # the curated page itself may be about errors; it has not changed
    if ctx.catch_all is not None and deep:  # a home page is never "a missing page"
        score = same_page(page, ctx.catch_all)
        if score is not None and score >= SAME_PAGE_SIMILARITY:
            return (f"same content as this site's answer for a nonexistent URL "
                    f"(similarity {score:.2f})")
    found = error_label(page) if names_only else looks_soft_404(page)
    if found or names_only:
        return found
    if embedded is not None and embedded[0] in _NOT_FOUND:
        return f"a server's HTTP {embedded[0]} error page ({embedded[1]!r})"
    return None


def _drift(resource: Resource, fetched: Fetched, ctx: Context) -> Verdict | None:
    page = fetched.page
    if not page.is_html:  # PDFs and other files: judged by status (and a replaced file)
        return _content_drift(fetched, ctx)
    baseline = ctx.baseline_title
    if baseline:
        current = page.title or ""
        score = title_similarity(baseline, current)
        what = "expected" if ctx.baseline_source == "expected_title" else "baseline"
        if score < ctx.title_threshold:
            shown = repr(page.title) if page.title else "no title"
            return Verdict(
                Status.DRIFTED, Reason.TITLE_CHANGED,
                f"{what} {baseline!r}, now {shown} (similarity {score:.2f} < "
                f"{ctx.title_threshold:.2f})",
            )
        swapped = replaced_words(baseline, current)
        if swapped:
            gone, new = swapped
            return Verdict(
                Status.DRIFTED, Reason.TITLE_CHANGED,
                f"{what} {baseline!r}, now {current!r}: another topic "
                f"({', '.join(gone)} → {', '.join(new)})",
            )
    missing = missing_keywords(resource.keywords, page.text)
    if missing:
        return Verdict(
            Status.DRIFTED, Reason.KEYWORD_MISSING,
            "missing keyword" + ("s " if len(missing) > 1 else " ")
            + ", ".join(repr(word) for word in missing),
        )
    return _content_drift(fetched, ctx)


def _content_drift(fetched: Fetched, ctx: Context) -> Verdict | None:
    if ctx.snapshot is None or fetched.content is None:
        return None
    change = content_drift(ctx.snapshot, fetched.content, ctx.content_threshold)
    return Verdict(Status.DRIFTED, Reason.CONTENT_CHANGED, change) if change else None
