"""`monitor add URL`: fetch the page once, refuse it unless healthy, append a [[resource]]
whose name and expected_title come from the live title."""

from __future__ import annotations

from ..config import ID_PATTERN, Config
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
)


def added_lines(listfile: ListFile) -> str:
    """The lines an append adds, as they will be in the file."""
    return "".join(line[1:] + "\n" for line in listfile.diff().splitlines()
                   if line.startswith("+") and not line.startswith("+++")).lstrip("\n")


def add(config: Config, listfile: ListFile, url: str, *, rid: str | None = None,
        name: str | None = None, tags: str | None = None, keywords: tuple[str, ...] = (),
        dry_run: bool = False) -> int:
    url = check_http_url(url)
    known = listed(config)
    if same_link_key(url) in known:
        raise CurateError(f"{url} is already listed as {known[same_link_key(url)]!r}")
    ids = listfile.ids()
    if rid is not None:
        if not ID_PATTERN.match(rid):
            raise CurateError(f"invalid id {rid!r}: use lowercase letters, digits and '-'")
        if rid in ids:
            raise CurateError(f"id {rid!r} is already used")
    [result] = probe(config, [url], keywords)
    verdict = judge_candidate(url, result)
    if verdict.url is None:
        raise CurateError(f"not added: {url} is {verdict.problem}")
    if verdict.url != url and same_link_key(verdict.url) in known:
        raise CurateError(f"not added: {url} redirects to {verdict.url}, already listed as "
                          f"{known[same_link_key(verdict.url)]!r}")
    new_id = rid or derive_id(verdict.url, ids)
    listfile.append_resource(resource_values(
        verdict.url, new_id, title=result.title, name=name, keywords=keywords,
        tags=parse_tags(tags)))
    if verdict.note:
        say(f"monitor: {url} {verdict.note}", err=True)
    if dry_run:
        print(shown(added_lines(listfile)), end="")
        say(f"monitor: dry run: {listfile.path} not changed")
        return 0
    listfile.save()
    say(f"monitor: added {new_id!r} ({result.title or 'no title'}) to {listfile.path}")
    return 0
