"""Core data types shared by every stage: config -> fetch -> judge -> store -> outputs.

Everything here is a plain frozen dataclass or an enum with no I/O, so each stage can be
tested on its own and results can be rendered by any output format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    """The one verdict each resource gets per run, ordered from good to bad below."""

    OK = "ok"
    MOVED = "moved"
    DRIFTED = "drifted"
    BLOCKED = "blocked"
    DOWN = "down"
    BROKEN = "broken"


#: Error, parking and challenge pages are short. Pages with more visible text than this are
#: never judged by their body text (an article that mentions "404" is not an error page).
SHORT_PAGE_CHARS = 4000
#: A page whose own content (outside links, menus, header and footer) is at most this long
#: is "thin": error, parking, challenge and sign-in pages are; most articles are not.
THIN_CONTENT_CHARS = 2000

#: Display / attention order: worst first.
SEVERITY: dict[Status, int] = {
    Status.BROKEN: 0,
    Status.DOWN: 1,
    Status.DRIFTED: 2,
    Status.MOVED: 3,
    Status.BLOCKED: 4,
    Status.OK: 5,
}


class Reason(StrEnum):
    """Why a resource got its status. Stable strings: they appear in JSON and history."""

    OK = "ok"
    # moved
    PERMANENT_REDIRECT = "permanent-redirect"
    # drifted
    TITLE_CHANGED = "title-changed"
    KEYWORD_MISSING = "keyword-missing"
    # broken
    NOT_FOUND = "not-found"
    HTTP_ERROR = "http-error"
    DNS = "dns"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    BAD_REDIRECT = "bad-redirect"
    SOFT_404 = "soft-404"
    PARKED = "parked"
    HOMEPAGE_REDIRECT = "homepage-redirect"
    # down
    TIMEOUT = "timeout"
    CONNECT = "connect"
    TLS = "tls"
    SERVER_ERROR = "server-error"
    PROTOCOL = "protocol"
    # blocked
    FORBIDDEN = "forbidden"
    RATE_LIMITED = "rate-limited"
    CHALLENGE = "challenge"
    ROBOTS = "robots-disallowed"
    LOGIN = "login"


#: Plain-language wording of each reason, for people reading reports.
REASON_TEXT: dict[Reason, str] = {
    Reason.OK: "Reachable and as curated",
    Reason.PERMANENT_REDIRECT: "Permanently redirected: update the link",
    Reason.TITLE_CHANGED: "Page title changed since it was curated",
    Reason.KEYWORD_MISSING: "Expected keywords no longer on the page",
    Reason.NOT_FOUND: "Page not found (404/410)",
    Reason.HTTP_ERROR: "The server refused the request (4xx)",
    Reason.DNS: "Domain name does not resolve",
    Reason.REDIRECT_LOOP: "Redirects go round in a loop",
    Reason.TOO_MANY_REDIRECTS: "Too many redirects",
    Reason.BAD_REDIRECT: "Redirect without a usable Location",
    Reason.SOFT_404: "Answers 200 but shows an error page",
    Reason.PARKED: "Domain parked or for sale, or hosting suspended/expired",
    Reason.HOMEPAGE_REDIRECT: "Deep link now lands on the home page",
    Reason.TIMEOUT: "No answer within the deadline",
    Reason.CONNECT: "Could not connect",
    Reason.TLS: "TLS/certificate error",
    Reason.SERVER_ERROR: "Server error (5xx)",
    Reason.PROTOCOL: "The server answered with something that is not valid HTTP",
    Reason.FORBIDDEN: "Access forbidden to the monitor (401/403)",
    Reason.RATE_LIMITED: "Rate limited (429)",
    Reason.CHALLENGE: "Bot challenge page: cannot judge",
    Reason.ROBOTS: "robots.txt forbids checking this URL",
    Reason.LOGIN: "Sign-in wall: no longer readable without an account",
}


class FetchError(StrEnum):
    """Transport-level failures, before any HTTP status could be judged."""

    DNS = "dns"
    CONNECT = "connect"
    TIMEOUT = "timeout"
    TLS = "tls"
    PROTOCOL = "protocol"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    BAD_REDIRECT = "bad-redirect"
    ROBOTS = "robots-disallowed"


@dataclass(frozen=True, slots=True)
class Resource:
    """One curated link, as written in resources.toml."""

    id: str
    name: str
    url: str
    expected_title: str | None = None
    keywords: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    title_threshold: float | None = None
    respect_robots: bool | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Hop:
    """One redirect response: the URL asked for, its status, and where it pointed."""

    url: str
    status: int
    target: str = ""


@dataclass(frozen=True, slots=True)
class Page:
    """What the extractor learned from a (capped) body. No raw bytes are kept."""

    title: str | None = None
    text: str = ""
    is_html: bool = False
    charset: str | None = None
    #: Visible text outside links, navigation, headers, footers and asides: the page's own
    #: content without the site's chrome, at most THIN_CONTENT_CHARS + 1 characters.
    #: Soft-404s and the catch-all probe read this, so a menu every page shares does not count.
    content_text: str = ""
    headings: tuple[str, ...] = ()  # the first few <h1>/<h2> texts, short
    #: <input type=password> and <a href> elements; counted on short pages only (walls).
    password_fields: int = 0
    links: int = 0
    #: Vendor markers found in the markup of a page with thin content (bot-protection and parking
    #: vendors), e.g. "incapsula", "datadome", "parking-lander"; see extract.VENDOR_MARKS.
    marks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Fetched:
    """Facts about one fetch: what the network said, before any judgement."""

    url: str
    final_url: str
    http_status: int | None = None
    redirects: tuple[Hop, ...] = ()
    error: FetchError | None = None
    error_detail: str = ""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    page: Page = field(default_factory=Page)
    bytes_read: int = 0
    truncated: bool = False
    elapsed_ms: float = 0.0
    attempts: int = 1
    tls_expires_at: datetime | None = None

    def header(self, name: str) -> str | None:
        """Case-insensitive header lookup on the final response."""
        lname = name.lower()
        for key, value in self.headers:
            if key == lname:
                return value
        return None


@dataclass(frozen=True, slots=True)
class Verdict:
    """The judge's pure output."""

    status: Status
    reason: Reason
    detail: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Result:
    """One resource's outcome in one run: everything every output format needs."""

    id: str
    name: str
    url: str
    status: Status
    reason: Reason
    detail: str
    http_status: int | None
    final_url: str
    redirects: tuple[Hop, ...]
    title: str | None
    expected_title: str | None
    elapsed_ms: float
    checked_at: datetime
    tags: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    tls_days_left: float | None = None
    since: datetime | None = None
    streak: int = 1
    confirmed: bool = True
    previous_status: Status | None = None


@dataclass(frozen=True, slots=True)
class Run:
    """A whole check run."""

    started_at: datetime
    finished_at: datetime
    results: tuple[Result, ...]
    offline: bool = False
    run_id: int | None = None

    def summary(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Status}
        for result in self.results:
            counts[result.status.value] += 1
        counts["total"] = len(self.results)
        return counts
