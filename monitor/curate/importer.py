"""`monitor import SOURCE`: the outbound links of an article (HTML or Markdown file, or an
http(s) URL) become resources, each checked once like `monitor add` does.

What links.py skips is reported with its reason; URLs already in the list (also after a
permanent redirect) are left alone, so importing the same article again adds nothing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from ..config import Config
from ..extract import header_charset
from ..fetch import Fetcher
from ..links import Extraction, extract_links, sniff_kind
from ..models import Fetched
from ..runner import fetch_options
from .add import added_lines
from .listfile import CurateError, ListFile, say, shown
from .newlinks import (
    check_http_url,
    derive_id,
    judge_candidate,
    listed,
    parse_tags,
    probe,
    resource_values,
    same_link_key,
    site_slug,
)

MAX_ANCHOR_IN_COMMENT = 80


async def _fetch_document(config: Config, url: str) -> Fetched:
    async with Fetcher(fetch_options(config), keep_body=True) as fetcher:
        return await fetcher.fetch(url)


def read_source(config: Config, source: str) -> tuple[str, str, str | None]:
    """(text, "html" | "markdown", the article's own URL if known)."""
    if source.startswith(("http://", "https://")):
        url = check_http_url(source)
        fetched = asyncio.run(_fetch_document(config, url))
        if fetched.error is not None:
            raise CurateError(f"cannot read {url}: {fetched.error.value}: "
                              f"{fetched.error_detail}")
        if fetched.http_status != 200:
            raise CurateError(f"cannot read {url}: HTTP {fetched.http_status}")
        charset = header_charset(fetched.content_type) or "utf-8"
        try:
            text = fetched.body.decode(charset, "replace")
        except LookupError:
            text = fetched.body.decode("utf-8", "replace")
        return text, sniff_kind(url, fetched.content_type, text), fetched.final_url
    path = Path(source)
    try:
        text = path.read_bytes().decode("utf-8", "replace")
    except FileNotFoundError:
        raise CurateError(f"{source}: file not found") from None
    except OSError as exc:
        raise CurateError(f"{source}: cannot read: {exc.strerror}") from None
    return text, sniff_kind(path.name, None, text), None


def _extract(text: str, kind: str, base: str | None, selector: str | None) -> Extraction:
    try:
        found = extract_links(text, kind=kind, base_url=base, selector=selector)
    except ValueError as exc:
        raise CurateError(str(exc)) from None
    if selector and not found.links and not found.skipped:
        raise CurateError(f"no link inside elements matching {selector!r}")
    return found


def _print_skipped(found: Extraction) -> None:
    for skip in found.skipped:
        why = skip.reason.value + (f", {skip.detail}" if skip.detail else "")
        label = f" {skip.text!r}" if skip.text else ""
        say(f"  skipped ({why}): {skip.href or '(no href)'}{label}")


def _count(number: int, what: str) -> str:
    return f"{number} link{'s' if number != 1 else ''} {what}"


def import_links(config: Config, listfile: ListFile, source: str, *,
                 selector: str | None = None, base: str | None = None,
                 tags: str | None = None, dry_run: bool = False) -> int:
    text, kind, own_url = read_source(config, source)
    found = _extract(text, kind, check_http_url(base) if base else own_url, selector)
    say(f"{source}: {len(found.links)} outbound link(s), {len(found.skipped)} skipped")
    _print_skipped(found)
    known = listed(config)
    fresh = []
    already = 0
    for link in found.links:
        if same_link_key(link.url) in known:
            already += 1
            say(f"  already listed as {known[same_link_key(link.url)]}: {link.url}")
        else:
            fresh.append(link)
    if not fresh:
        say("monitor: nothing new to import: " + (
            f"{_count(already, 'already listed')} in {listfile.path}" if already
            else f"no outbound link in {source}"))
        return 0
    ids = listfile.ids()
    extra = parse_tags(tags)
    added: list[str] = []
    refused = 0
    for link, result in zip(fresh, probe(config, [link.url for link in fresh]), strict=True):
        verdict = judge_candidate(link.url, result)
        if verdict.url is None:
            refused += 1
            say(f"  not added: {link.url} is {verdict.problem}")
            continue
        key = same_link_key(verdict.url)
        if key in known:
            already += 1
            say(f"  already listed as {known[key]}: {link.url} (redirects to {verdict.url})")
            continue
        rid = derive_id(verdict.url, ids)
        ids.add(rid)
        known[key] = rid
        site = site_slug(verdict.url)
        anchor = link.text[:MAX_ANCHOR_IN_COMMENT] + ("…" if len(link.text) >
                                                      MAX_ANCHOR_IN_COMMENT else "")
        listfile.append_resource(
            resource_values(verdict.url, rid, title=result.title, name=result.title or link.text,
                            tags=[site, *(tag for tag in extra if tag != site)]),
            # the source's password stays out of the comment (the screen and the file)
            comment=shown(f"Imported from {source}" +
                          (f' (link text: "{anchor}")' if anchor else "")),
        )
        added.append(rid)
        if verdict.note:
            say(f"  {rid}: {verdict.note}")
    why_not = ", ".join(part for part in (
        _count(refused, "not healthy") if refused else "",
        _count(already, "already listed") if already else "") if part)
    if dry_run:
        if added:
            print(shown(added_lines(listfile)), end="")
        would = f"{len(added)} resource(s) would be added" if added else \
            f"nothing would be added ({why_not})"
        say(f"monitor: dry run: {would}; {listfile.path} not changed")
        return 0
    if not added:
        say(f"monitor: nothing added to {listfile.path}: {why_not} (see above)")
        return 0
    listfile.save()
    say(f"monitor: added {len(added)} resource(s) to {listfile.path}: {', '.join(added)}")
    return 0
