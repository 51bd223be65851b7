"""The curating subcommands' arguments and handlers; cli.py only registers them here.

Handlers take (args, config) like cli.py's and return an exit code; CurateError becomes one
line and exit code 2 at the CLI.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from ..config import Config
from ..pipeline import database_path
from ..store import Store
from . import fix
from .add import add
from .listfile import CurateError, ListFile
from .muting import mute, unmute

MakeParser = Callable[[str], argparse.ArgumentParser]


def register(make: MakeParser) -> None:
    """Add fix, add, import, mute and unmute; `make(name)` builds a subparser with the
    global options and the help text of cli_help.HELP[name]."""
    p = make("fix")
    p.add_argument("--id", nargs="+", dest="ids", metavar="ID", help="only these resources")
    p.add_argument("--apply", "--yes", action="store_true",
                   help="write the change (default: only show the diff)")
    p.set_defaults(handler=cmd_fix)

    p = make("add")
    p.add_argument("url", metavar="URL")
    p.add_argument("--id", dest="rid", metavar="ID", help="the id (default: derived from the URL)")
    p.add_argument("--name", help="the name shown in reports (default: the page's title)")
    p.add_argument("--tags", metavar="A,B", help="comma-separated tags (default: the site)")
    p.add_argument("--keyword", action="append", default=[], metavar="WORD",
                   help="a word the page must contain (repeatable)")
    p.add_argument("--dry-run", action="store_true", help="print the block, write nothing")
    p.set_defaults(handler=cmd_add)

    p = make("import")
    p.add_argument("source", metavar="SOURCE", help="a .html/.md file or an http(s) URL")
    p.add_argument("--selector", metavar="CSS",
                   help="only links inside the article body, e.g. 'article .entry-content'")
    p.add_argument("--base", metavar="URL",
                   help="the article's own URL, for a saved file without <link rel=canonical>")
    p.add_argument("--tags", metavar="A,B", help="tags added after each link's site")
    p.add_argument("--dry-run", action="store_true", help="print the blocks, write nothing")
    p.set_defaults(handler=cmd_import)

    p = make("mute")
    p.add_argument("rid", metavar="ID")
    p.add_argument("--until", required=True, metavar="DATE",
                   help="last day muted: 2026-12-31, or 30d / 6w from today")
    p.add_argument("--note", metavar="TEXT", help="why; shown in every report")
    p.set_defaults(handler=cmd_mute)

    p = make("unmute")
    p.add_argument("rid", metavar="ID")
    p.set_defaults(handler=cmd_unmute)


def _history(config: Config, db: Path | None) -> Path:
    path = database_path(config, db)
    if not path.exists():
        raise CurateError(f"no run in the history yet ({path} does not exist): "
                          "run `monitor check` first")
    return path


def cmd_fix(args: argparse.Namespace, config: Config) -> int:
    known = {resource.id for resource in config.resources}
    unknown = [rid for rid in args.ids or () if rid not in known]
    if unknown:
        raise CurateError(f"unknown resource id(s): {', '.join(unknown)}")
    listfile = ListFile(args.config)
    with Store(_history(config, args.db)) as store:
        run = store.load_run()
        if run is None or run.run_id is None:
            raise CurateError("no run in the history yet: run `monitor check` first")
        fix.check_based_on(listfile, run, store.config_digest(run.run_id))
        fixes, skips = fix.plan(config, run, store.states(),
                                set(args.ids) if args.ids else None)
    fix.apply_fixes(listfile, fixes)
    if args.apply and fixes:
        listfile.save()
    fix.report(fixes, skips, listfile, applied=args.apply)
    return 0


def cmd_add(args: argparse.Namespace, config: Config) -> int:
    return add(config, ListFile(args.config), args.url, rid=args.rid, name=args.name,
               tags=args.tags, keywords=tuple(args.keyword), dry_run=args.dry_run)


def cmd_import(args: argparse.Namespace, config: Config) -> int:
    from .importer import import_links  # bs4 (~0.09 s): only for `monitor import`

    return import_links(config, ListFile(args.config), args.source, selector=args.selector,
                        base=args.base, tags=args.tags, dry_run=args.dry_run)


def cmd_mute(args: argparse.Namespace, config: Config) -> int:
    return mute(config, args.config, args.db, args.rid, args.until, args.note)


def cmd_unmute(args: argparse.Namespace, config: Config) -> int:
    return unmute(config, args.config, args.db, args.rid)
