"""How a source article's outbound links changed, confirmed across runs like statuses are.

Pure functions over a small per-link state record (kept in the history database between runs):
a link that appears in, or disappears from, the article counts as added or removed only once
it has been seen so for `confirm_runs` runs in a row. The first successful read of an article
is its baseline: nothing is "added" on day one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

from .models import Link, LinkChange

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING_KEYS = frozenset({"fbclid", "gclid"})


def is_tracking_param(key: str) -> bool:
    """A query parameter that only says where a click came from (`utm_*`, `fbclid`, `gclid`)."""
    key = key.lower()
    return key.startswith("utm_") or key in _TRACKING_KEYS


def normalise_url(url: str) -> str:
    """The form two links are compared in: scheme, `www.`, default port, fragment, trailing
    slash and tracking parameters (`utm_*`, `fbclid`, `gclid`) do not make links different."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower().removeprefix("www.")
    scheme = parts.scheme.lower()
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    query = urlencode([
        (key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(key)
    ])
    return f"{netloc}{path}" + (f"?{query}" if query else "")


@dataclass(frozen=True, slots=True)
class LinkState:
    """What history remembers about one link of one source between runs."""

    url: str  # normalised: the key
    href: str  # as last seen in the article
    text: str  # its anchor text when last seen
    present: bool  # in the article at the last successful read
    since: datetime  # when `present` last flipped
    streak: int  # successful reads in a row with the same `present`
    confirmed: bool | None  # confirmed presence; None: never confirmed either way


@dataclass(frozen=True, slots=True)
class Observation:
    """One successful read of a source, compared with what history knew."""

    states: dict[str, LinkState]  # the states to keep (links gone for good are dropped)
    added: tuple[LinkChange, ...]
    removed: tuple[LinkChange, ...]
    unlinked: tuple[LinkChange, ...]


def _change(state: LinkState, confirmed: bool, news: bool, rid: str | None) -> LinkChange:
    return LinkChange(url=state.href, text=state.text, since=state.since, streak=state.streak,
                      confirmed=confirmed, news=news, resource_id=rid)


def observe(
    known: Mapping[str, LinkState],
    found: Iterable[Link],
    now: datetime,
    confirm_runs: int,
    curated: Mapping[str, str],
    *,
    baseline: bool | None = None,
) -> Observation:
    """Advance every link's state by one successful read that found `found`.

    `curated` maps normalised URLs (a resource's url and where it now lands) to resource ids:
    a curated link that leaves the article is reported as `unlinked` for as long as it stays
    away (it is a standing problem of the list), other links as `removed` until confirmed.
    `baseline` (default: when nothing is known) takes the links as they are, reporting nothing.
    """
    current: dict[str, Link] = {}
    for item in found:
        current.setdefault(normalise_url(item.url), item)
    if baseline is None:
        baseline = not known
    states: dict[str, LinkState] = {}
    added: list[LinkChange] = []
    removed: list[LinkChange] = []
    unlinked: list[LinkChange] = []
    for key in sorted(set(known) | set(current)):
        previous = known.get(key)
        link = current.get(key)
        present = link is not None
        if previous is not None and previous.present == present:
            streak, since = previous.streak + 1, previous.since
        else:
            streak, since = 1, now
        confirmed = previous.confirmed if previous is not None else None
        news = False
        if baseline:
            confirmed = present
        elif streak >= confirm_runs and present != confirmed:
            # An addition is news; a removal only of a link that was confirmed there.
            news = present or confirmed is True
            confirmed = present
        state = LinkState(
            key, link.url if link else previous.href if previous else key,
            link.text if link else previous.text if previous else "",
            present, since, streak, confirmed,
        )
        rid = curated.get(key)
        if present:
            states[key] = state
            if confirmed is not True or news:
                added.append(_change(state, confirmed is True, news, rid))
        elif confirmed is None:
            continue  # came and went before it was ever confirmed: a blip, forget it
        elif rid is not None:
            states[key] = state  # kept while the resource is curated and missing
            unlinked.append(_change(state, confirmed is False, news, rid))
        elif confirmed is True or news:
            states[key] = state
            removed.append(_change(state, confirmed is False, news, None))
        # confirmed absent and reported already: forgotten (it is "added" again if it returns)
    return Observation(states, tuple(added), tuple(removed), tuple(unlinked))
