"""`monitor diff ID`: what a page's main text says now that it did not when it was curated.

Prints the full sentence-level diff between the resource's content snapshot and the main text
of the latest run, from history (nothing is fetched). Page text is cleaned of control and
bidi characters, and of credentials in any URL it quotes, before it reaches the terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime

from .config import Config
from .content import clean, compare, diff, shingles
from .pipeline import database_path
from .safetext import redact_urls_in
from .store import Store


def add_parser(make: Callable[[str], argparse.ArgumentParser]) -> None:
    p = make("diff")
    p.add_argument("id", metavar="ID", help="resource id")
    p.set_defaults(handler=cmd_diff)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "never"


def render(resource_id: str, store: Store) -> tuple[list[str], bool]:
    """The lines to print, and whether there was anything to compare."""
    pair = store.text_pair(resource_id)
    if pair is None:
        return [f"{resource_id}: no content snapshot yet (taken on the first good check)"], False
    head = [f"{resource_id}: snapshot {pair.source} {_when(pair.taken_at)}, "
            f"latest check {_when(pair.checked_at)}"]
    if pair.checked_at is None:
        return [*head, "no content from a later check yet"], False
    if pair.same_body:
        return [*head, "unchanged: the page shows the same words as its snapshot"], True
    if not pair.is_html:
        return [*head, "the file differs from the snapshot (content hash changed)"], True
    change = compare(shingles(pair.snapshot), shingles(pair.latest))
    changes = diff(pair.snapshot, pair.latest)
    lines = [*head, change.describe() if changes else
             "no change in the main text (only numbers, dates or boilerplate differ)"]
    lines += [f"- {redact_urls_in(clean(s))}" for s in changes.removed]
    lines += [f"+ {redact_urls_in(clean(s))}" for s in changes.added]
    return lines, True


def cmd_diff(args: argparse.Namespace, config: Config) -> int:
    if args.id not in {r.id for r in config.resources}:
        print(f"monitor: error: unknown resource id: {args.id}", file=sys.stderr)
        return 2  # a usage error, like cli.EXIT_USAGE
    with Store(database_path(config, args.db)) as store:
        lines, found = render(args.id, store)
    print("\n".join(lines))
    return 0 if found else 1
