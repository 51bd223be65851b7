"""The commands that check links and read the history: check, merge, report, accept and
baseline; cli.py parses their arguments and registers them here.

A handler takes (args, config) and returns EXIT_OK or EXIT_FAIL; every other failure is an
exception (UsageError, StoreError, OutputError, ...) that cli.py turns into one line and its
documented exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from .config import Config
from .console import Terminal
from .models import Run, Status
from .mute import settle_with_store
from .notify import notify
from .pipeline import Outcome, database_path, run_once
from .publish import OutputError, Targets, check_targets, publish, report_path
from .resultseq import select as select_stored
from .runner import baseline_for
from .shard import merge, parse_shard, select, shard_database, tag
from .store import Baseline, Store

EXIT_OK, EXIT_FAIL = 0, 1  # the codes a command decides; cli.py documents them all
#: `monitor accept` takes only these without --force: anything else is not the curated page.
ACCEPTABLE = frozenset({Status.OK, Status.DRIFTED})


class UsageError(Exception):
    """Bad command-line input; reported like a config error."""


def _failing(run: Run, fail_on: Sequence[str]) -> bool:
    """Whether a result that is not muted has a status in `fail_on` (asked of the history
    when no mapping hides a mute: no pass over a big run's results)."""
    if not fail_on:
        return False
    rows = select_stored(run.results, "resource_id",
                  f"status IN ({','.join('?' * len(fail_on))})", tuple(fail_on))
    if rows is not None:
        return next(iter(rows), None) is not None
    return any(r.status.value in fail_on and not r.muted for r in run.results)


def _fail_on_for(args: argparse.Namespace, config: Config) -> tuple[str, ...]:
    """--fail-on wins over the config even when empty: `--fail-on ''` means never fail."""
    return tuple(args.fail_on) if args.fail_on is not None else config.settings.fail_on


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    fail_on = _fail_on_for(args, config)
    confirm_runs = args.confirm_runs or config.settings.confirm_runs
    stdout_is_data = _stdout_documents(args) > 0  # stdout carries a document
    targets = _targets(args, config)
    check_targets(targets)  # an output that cannot be written is known before fetching
    terminal = Terminal.for_check(quiet=args.quiet, verbose=args.verbose,
                                  stdout_is_data=stdout_is_data,
                                  notify_on=args.notify_on or config.settings.notify_on)
    shard, db = None, args.db
    if args.shard:
        shard = parse_shard(args.shard, args.shards)
        config, db = select(config, shard), shard_database(config, shard, args.db)
    unwritten: list[OutputError] = []

    def write_outputs(run: Run, store: Store) -> None:
        if shard is not None:
            tag(store, shard)
        try:
            publish(run, config, store, targets, fail_on)
        except OutputError as exc:  # the run is recorded: still summarise and notify
            unwritten.append(exc)

    def deliver(outcome: Outcome, store: Store) -> None:
        # Shards leave notifications to `monitor merge`, which sees them all. notify() logs
        # its own failures and keeps what it could not send for the next run.
        if shard is None:
            notify(config, outcome, store=store)

    with terminal.progress(len(config.resources)) as on_result:
        outcome = run_once(config, db=db, confirm_runs=confirm_runs, on_result=on_result,
                           after=write_outputs, deliver=deliver)
    run = outcome.run
    terminal.summary(outcome, fail_on)
    if unwritten:
        raise unwritten[0]
    return EXIT_FAIL if _failing(run, fail_on) else EXIT_OK


def cmd_merge(args: argparse.Namespace, config: Config) -> int:
    fail_on = _fail_on_for(args, config)
    targets = _targets(args, config)
    terminal = Terminal.for_check(quiet=args.quiet, verbose=args.verbose,
                                  stdout_is_data=_stdout_documents(args) > 0)
    outcome = merge(config, args.shard_dbs, db=args.db, confirm_runs=args.confirm_runs,
                    after=lambda run, store: publish(run, config, store, targets, fail_on),
                    deliver=lambda outcome, store: notify(config, outcome, store=store))
    terminal.summary(outcome, fail_on)
    return EXIT_FAIL if _failing(outcome.run, fail_on) else EXIT_OK


def _targets(args: argparse.Namespace, config: Config) -> Targets:
    return Targets(report=report_path(config, args.report, args.no_report),
                   markdown=args.markdown, junit=args.junit, json=getattr(args, "json", None))


def _stdout_documents(args: argparse.Namespace) -> int:
    """How many outputs go to stdout ('-'): at most one, or they would interleave."""
    count = [getattr(args, "json", None), args.markdown, args.junit, args.report].count("-")
    if count > 1:
        raise UsageError("only one output can be '-' (stdout)")
    return count


def cmd_report(args: argparse.Namespace, config: Config) -> int:
    fail_on = _fail_on_for(args, config)
    _stdout_documents(args)
    with Store(_history(config, args), writable=False) as store:
        run = settle_with_store(config.resources, _latest_run(store), store,
                                datetime.now(UTC), save=False).run
        targets = _targets(args, config)
        publish(run, config, store, targets, fail_on)
    if targets.report and "-" not in (targets.report, targets.markdown, targets.junit,
                                      targets.json):
        print(f"monitor: wrote {targets.report} from run #{run.run_id}")
    return EXIT_OK


def _latest_run(store: Store) -> Run:
    run = store.load_run()
    if run is None:
        raise UsageError("no run in the history yet: run `monitor check` first")
    return run


def cmd_accept(args: argparse.Namespace, config: Config) -> int:
    if not args.ids and not args.all:
        raise UsageError("name resource ids to accept, or --all")
    known = {r.id: r for r in config.resources}
    unknown = [rid for rid in args.ids if rid not in known]
    if unknown:
        raise UsageError(f"unknown resource id(s): {', '.join(unknown)}")
    wanted = list(known) if args.all else args.ids
    with Store(_history(config, args)) as store:
        current = {r.id: r for r in _latest_run(store).results}
        titles: dict[str, tuple[str, str | None]] = {}
        for rid in wanted:
            result = current.get(rid)
            if result is None or not result.title:
                print(f"{rid}: no title in the latest run, not accepted", file=sys.stderr)
                continue
            if result.status not in ACCEPTABLE and not args.force:
                print(f"{rid}: not accepted: the latest check found {result.status.value} "
                      f"({result.reason.value}: {result.detail}), not the page itself; "
                      "fix the link, or use --force to take this title anyway",
                      file=sys.stderr)
                continue
            titles[rid] = (result.title, known[rid].expected_title)
        store.accept(titles, datetime.now(UTC))
        contents = store.accept_content(wanted, datetime.now(UTC))  # the page as it is now
    for rid, (title, _) in titles.items():
        print(f"{rid}: accepted {title!r}")
    for rid in contents:
        print(f"{rid}: accepted the current content as its snapshot")
    return EXIT_OK if len(titles) == len(wanted) else EXIT_FAIL


def cmd_baseline(args: argparse.Namespace, config: Config) -> int:
    stored: dict[str, Baseline] = {}
    snapshots: dict[str, tuple[datetime, str]] = {}
    db = database_path(config, args.db)
    if db.exists():  # a fresh folder has no learned titles yet; do not create an empty database
        with Store(db, writable=False) as store:
            stored = store.baselines()
            snapshots = store.snapshot_times()
    for resource in config.resources:
        title, source = baseline_for(resource, stored)
        shown = repr(title) if title else "(none yet: learned on the first good check)"
        taken = snapshots.get(resource.id)
        content = (f"content {taken[1]} {taken[0].strftime('%Y-%m-%d %H:%M UTC')}" if taken
                   else "content: no snapshot yet")
        print(f"{resource.id}\t{source}\t{shown}\t{content}")
    return EXIT_OK


def _history(config: Config, args: argparse.Namespace) -> Path:
    """The database a reading command needs; it must exist (opening one would create it)."""
    db = database_path(config, args.db)
    if not db.exists():
        raise UsageError(f"no run in the history yet ({db} does not exist): "
                         "run `monitor check` first")
    return db
