"""What `add` and `import` share: check candidate URLs once through the runner, decide which
are healthy enough to curate, and turn them into `[[resource]]` values with unique ids."""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from ..config import Config
from ..judge import moved_to_url
from ..linkdiff import normalise_url
from ..models import Resource, Result, Status
from ..runner import check
from .landing import landing_problem, redirect_problem
from .listfile import CurateError

MAX_ID_CHARS = 60
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_PAGE_SUFFIX = re.compile(r"\.(?:s?html?|php|aspx?|jsp|cfm)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A candidate after its one fetch: the URL to curate, or why not."""

    asked: str  # the URL we were given
    result: Result
    url: str | None  # what goes into the list (the new address of a moved page), or None
    problem: str = ""  # why it is not curated
    note: str = ""  # worth telling the curator (e.g. listed under its new address)


def check_http_url(url: str) -> str:
    url = url.strip()
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        raise CurateError(f"not a valid URL: {url!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CurateError(f"not an http(s) URL: {url!r}")
    return url


def same_link_key(url: str) -> str:
    """Two URLs a curator would call the same link have one key: scheme, `www.`, case of the
    host, default port, fragment, trailing slash and tracking parameters (`utm_*`, `fbclid`,
    `gclid`) ignored, as when a source article's links are compared (linkdiff)."""
    return normalise_url(url)


def listed(config: Config) -> dict[str, str]:
    """same_link_key -> id, for every resource already in the list."""
    return {same_link_key(resource.url): resource.id for resource in config.resources}


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


def site_slug(url: str) -> str:
    """'https://www.spine-health.com/x' -> 'spine-health': a first tag and an id prefix."""
    host = (urlsplit(url).hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    try:
        ip_address(host)
        return slug(host) or "site"
    except ValueError:
        pass
    labels = host.split(".")
    return slug("-".join(labels[:-1] if len(labels) > 1 else labels)) or "site"


def derive_id(url: str, taken: set[str]) -> str:
    """A readable, unique id from the site and the last path segment: 'webmd-spinal-stenosis'."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    last = _PAGE_SUFFIX.sub("", segments[-1]) if segments else "home"
    base = slug(f"{site_slug(url)}-{last}") or "link"
    if len(base) > MAX_ID_CHARS:
        base = base[:MAX_ID_CHARS].rsplit("-", 1)[0]
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def probe(config: Config, urls: Sequence[str], keywords: tuple[str, ...] = ()
          ) -> list[Result]:
    """One fetch and verdict per URL, concurrently and politely (the list's [monitor]
    settings), through the same runner as `monitor check`. Nothing is recorded."""
    resources = tuple(
        Resource(id=f"candidate-{index}", name=url, url=url, keywords=keywords)
        for index, url in enumerate(urls)
    )
    run = asyncio.run(check(replace(config, resources=resources)))
    if run.offline:
        raise CurateError("this machine looks offline: every link failed at the network "
                          "level; nothing added")
    return list(run.results)


def judge_candidate(asked: str, result: Result) -> Verdict:
    """Healthy pages are curated; a permanently moved one under its new address."""
    if result.status is Status.OK:
        problem = redirect_problem(result)
        if problem:
            return Verdict(asked, result, None, problem=problem)
        return Verdict(asked, result, asked)
    if result.status is Status.MOVED:
        new_url = moved_to_url(result.redirects, result.url)
        problem = landing_problem(result, new_url) if new_url else "no redirect target"
        if new_url and not problem:
            return Verdict(asked, result, new_url,
                           note=f"permanently redirects: listed as {new_url}")
        return Verdict(asked, result, None, problem=f"moved, but {problem}")
    detail = f": {result.detail}" if result.detail else ""
    return Verdict(asked, result, None,
                   problem=f"{result.status.value} ({result.reason.value}){detail}")


def resource_values(url: str, rid: str, *, title: str | None, name: str | None = None,
                    keywords: Iterable[str] = (), tags: Iterable[str] = ()) -> dict[str, Any]:
    """The keys of a new [[resource]], in the order the shipped list uses."""
    values: dict[str, Any] = {"id": rid, "name": name or title or rid, "url": url}
    if title:
        values["expected_title"] = title
    keywords = list(keywords)
    if keywords:
        values["keywords"] = keywords
    values["tags"] = list(tags) or [site_slug(url)]
    return values


def parse_tags(text: str | None) -> list[str]:
    return [tag.strip() for tag in (text or "").split(",") if tag.strip()]
