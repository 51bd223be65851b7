"""Core data types shared by every stage: config -> fetch -> judge -> store -> outputs.

Everything here is a plain frozen dataclass or an enum with no I/O, so each stage can be
tested on its own and results can be rendered by any output format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
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
    CONTENT_CHANGED = "content-changed"
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
    PRIVATE_ADDRESS = "private-address"
    LOGIN = "login"


#: Plain-language wording of each reason, for people reading reports.
REASON_TEXT: dict[Reason, str] = {
    Reason.OK: "Reachable and as curated",
    Reason.PERMANENT_REDIRECT: "Permanently redirected: update the link",
    Reason.TITLE_CHANGED: "Page title changed since it was curated",
    Reason.KEYWORD_MISSING: "Expected keywords no longer on the page",
    Reason.CONTENT_CHANGED: "The page's main text changed since it was curated",
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
    Reason.PRIVATE_ADDRESS: "Redirects into a private network: not followed",
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
    PRIVATE_ADDRESS = "private-address"


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
    allow_private: bool | None = None
    content_threshold: float | None = None
    muted_until: date | None = None  # a known problem: out of exit code and mail until then
    mute_note: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """An article the list was curated from (`[[source]]`): its outbound links are watched."""

    id: str
    name: str
    url: str
    selector: str | None = None  # CSS selector of the article body; None = the whole page
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The newest archived copy of a page (Internet Archive's Wayback Machine)."""

    url: str
    taken_at: datetime


@dataclass(frozen=True, slots=True)
class Link:
    """One outbound link of a source article, as found there."""

    url: str  # absolute, as written (resolved against the page)
    text: str = ""  # anchor text


@dataclass(frozen=True, slots=True)
class LinkChange:
    """A link that appeared in or went from a source article, or a curated resource the article
    no longer links to. Confirmed like statuses: seen `confirm_runs` runs in a row."""

    url: str
    text: str
    since: datetime
    streak: int
    confirmed: bool
    news: bool = False  # confirmed in this very run: cron and notifications say so once
    resource_id: str | None = None  # the curated resource this link is, if any


@dataclass(frozen=True, slots=True)
class SourceReport:
    """One source article in one run: did its fetch work, and how did its links change."""

    id: str
    name: str
    url: str
    status: Status  # ok, or down/broken when the article itself could not be read
    detail: str = ""
    http_status: int | None = None
    links: int | None = None  # outbound links found (None when the fetch failed)
    added: tuple[LinkChange, ...] = ()
    removed: tuple[LinkChange, ...] = ()
    unlinked: tuple[LinkChange, ...] = ()  # curated resources the article no longer links to
    found: tuple[Link, ...] = ()  # this run's links; used to record the run, never stored
    selector: str | None = None  # as configured: a new selector starts a new baseline
    since: datetime | None = None
    streak: int = 1
    confirmed: bool = True
    news: bool = False  # the article's own status change was confirmed in this run

    @property
    def needs_attention(self) -> bool:
        return self.status is not Status.OK or bool(self.added or self.removed or self.unlinked)

    @property
    def has_news(self) -> bool:
        """A change about this article confirmed in this very run (said once, like a change)."""
        return self.news or any(c.news for c in (*self.added, *self.removed, *self.unlinked))


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
    #: Characters of `content_text` inside the sign-in box (formbox) around the first own password
    #: field (its <form>, or the largest element around it with a box's worth of text);
    #: 0 without one. What is left is what the page says besides the form.
    signin_box_chars: int = 0
    #: Text and e-mail <input>s of the page's own content (a user name, an address), counted
    #: where password fields are, on pages without one.
    name_fields: int = 0
    #: Vendor markers found in the markup of a page with thin content (bot-protection and parking
    #: vendors), e.g. "incapsula", "datadome", "parking-lander"; see vendormarks.VENDOR_MARKS.
    marks: tuple[str, ...] = ()
    #: Hosts the links of a short page lead to ("" for the site's own relative links), see
    #: extract.link_hosts; empty when not counted.
    link_hosts: tuple[str, ...] = ()
    #: extract.words_key of the visible text: content.read reuses it (one parse per page).
    words_key: str = ""
    #: The language the page declares on its <html> element (`lang`, `xml:lang`), lower case;
    #: "" when it declares none.
    lang: str = ""


@dataclass(frozen=True, slots=True)
class Content:
    """What a successful body said, in a form cheap to compare across runs (see content.py)."""

    body_hash: str  # digest of the body as fetched
    is_html: bool
    fingerprint: bytes = b""  # packed hashes of the main text's shingles; empty for files
    text_z: bytes | None = None  # compressed main text, when it was extracted this run
    text_key: str = ""  # digest of the visible words (content.text_key); "" when not read
    # Extraction is deferred until there is something to compare: until then a page keeps
    # its compressed markup, and `extracted` is False.
    markup_z: bytes | None = None
    extracted: bool = True
    # Snapshots of the resources at this URL that were extracted this run (deferred until now)
    completed: tuple[tuple[str, Content], ...] = ()


@dataclass(frozen=True, slots=True)
class TextDiff:
    """Sentences added to and removed from a page's main text since its snapshot."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


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
    content: Content | None = None  # 2xx bodies only
    body: bytes = b""  # the (capped) body, only when the Fetcher was asked to keep it

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
    content: Content | None = field(default=None, compare=False, repr=False)  # until stored
    content_diff: TextDiff | None = None  # the first sentences added/removed (content-changed)
    archived: Snapshot | None = None  # for broken links: the newest archived copy
    muted_until: date | None = None  # set while a mute is in force (see monitor/mute.py)
    mute_note: str | None = None

    @property
    def muted(self) -> bool:
        return self.muted_until is not None


@dataclass(frozen=True, slots=True)
class Run:
    """A whole check run."""

    started_at: datetime
    finished_at: datetime
    # A tuple, or a lazy view of results in the history (monitor.resultseq): iterate it,
    # do not hold it whole.
    results: Sequence[Result]
    offline: bool = False
    run_id: int | None = None
    sources: tuple[SourceReport, ...] = ()

    def summary(self) -> dict[str, int]:
        known = getattr(self.results, "counts", None)  # a stored run's, without a pass
        if known is not None:
            return dict(known)
        counts = {status.value: 0 for status in Status}
        for result in self.results:
            counts[result.status.value] += 1
        counts["total"] = len(self.results)
        return counts
