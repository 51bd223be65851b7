"""Command line: subcommands, exit codes, and where outputs go.

Exit codes: 0 all good; 1 a result's status is in --fail-on; 2 usage or config error;
3 another run holds the lock; 4 the history database cannot be used; 130 interrupted (Ctrl-C);
143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .config import Config, ConfigError, load_config, parse_fail_on
from .console import Terminal, configure_logging
from .lock import LockedError
from .models import Run
from .notify import notify
from .pipeline import database_path, run_once
from .publish import Targets, publish, report_path
from .runner import baseline_for
from .shard import ShardError, merge, parse_shard, select, shard_database, tag
from .store import Store, StoreError

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_LOCKED, EXIT_STORE = 0, 1, 2, 3, 4


class UsageError(Exception):
    """Bad command-line input; reported like a config error."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (kill, cron's timeout, systemd stop): unwinds like Ctrl-C, so the run in flight
    is abandoned cleanly (nothing half-written is committed, worker processes stop)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def _fail_on(text: str) -> tuple[str, ...]:
    try:
        return parse_fail_on(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _number(kind: type[int] | type[float], minimum: float, what: str
            ) -> Callable[[str], float]:
    """An argparse type: a number of `kind`, at least `minimum`."""
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum:g} or more")
        return value
    return parse


_positive_int = _number(int, 1, "a whole number")
_seconds = _number(float, 0, "a number of seconds")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="monitor",
        description="Check that the pages on a curated list are still there and still the same.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("-c", "--config", default="resources.toml", type=Path,
                       help="the curated list (default: ./resources.toml)")
        p.add_argument("--db", type=Path, help="history database (default: from the config)")

    def outputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("--report", metavar="FILE",
                       help="HTML report path (default: 'report' in the config, "
                            "reports/index.html)")
        p.add_argument("--no-report", action="store_true", help="write no HTML report")
        p.add_argument("--markdown", metavar="FILE",
                       help="write a Markdown summary ('-': stdout), e.g. $GITHUB_STEP_SUMMARY")
        p.add_argument("--junit", metavar="FILE", help="write JUnit XML ('-': stdout)")

    p = sub.add_parser("report", help="re-render the reports from history, fetching nothing")
    common(p)
    outputs(p)
    p.add_argument("--fail-on", type=_fail_on, metavar="STATUSES",
                   help="statuses counted as failures in Markdown and JUnit")
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("check", help="fetch every resource, judge, record, report")
    common(p)
    p.add_argument("--json", metavar="FILE", help="write the JSON result document ('-': stdout)")
    p.add_argument("--fail-on", type=_fail_on, metavar="STATUSES",
                   help="comma-separated statuses that make the exit code 1 "
                        "(default: broken,down)")
    p.add_argument("--confirm-runs", type=_positive_int, metavar="N",
                   help="runs in a row before a status change is confirmed (CI: 1)")
    outputs(p)
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print nothing (errors and failed notifications still go to stderr)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print every result, even when all is well and stdout is not a terminal")
    p.add_argument("--shard", metavar="I/N",
                   help="check only the hosts shard I of N gets (I from 0; 'auto': I from "
                        "$JOB_COMPLETION_INDEX); history goes to its own database, "
                        "combined later by `monitor merge`")
    p.add_argument("--shards", type=_positive_int, metavar="N",
                   help="N for --shard auto (default: $MONITOR_SHARDS)")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("merge", help="record the runs of `check --shard` databases as one run, "
                                     "with one report and one exit code")
    common(p)
    p.add_argument("shard_dbs", nargs="+", type=Path, metavar="SHARD_DB")
    p.add_argument("--json", metavar="FILE", help="write the JSON result document ('-': stdout)")
    p.add_argument("--fail-on", type=_fail_on, metavar="STATUSES",
                   help="statuses that make the exit code 1 (default: broken,down)")
    p.add_argument("--confirm-runs", type=_positive_int, metavar="N",
                   help="runs in a row before a status change is confirmed (CI: 1)")
    outputs(p)
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing")
    p.add_argument("-v", "--verbose", action="store_true", help="print every result")
    p.set_defaults(handler=cmd_merge)

    p = sub.add_parser("watch", help="run checks on the schedule in resources.toml (daemon)")
    common(p)
    p.add_argument("--grace", type=_seconds, default=30.0, metavar="SECONDS",
                   help="on SIGTERM/SIGINT, how long to let the run in flight finish "
                        "(default: 30)")
    p.set_defaults(handler=cmd_watch)

    p = sub.add_parser("validate", help="check resources.toml without fetching anything")
    p.add_argument("-c", "--config", default="resources.toml", type=Path)
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("accept", help="take the current titles as the new baseline")
    common(p)
    p.add_argument("ids", nargs="*", metavar="ID", help="resource ids to accept")
    p.add_argument("--all", action="store_true", help="accept every resource's current title")
    p.set_defaults(handler=cmd_accept)

    p = sub.add_parser("baseline", help="list the titles resources are compared against")
    common(p)
    p.set_defaults(handler=cmd_baseline)
    return parser


def _problems(run: Run, fail_on: Sequence[str]) -> list[str]:
    return [r.id for r in run.results if r.status.value in fail_on]


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    fail_on = args.fail_on or config.settings.fail_on
    confirm_runs = args.confirm_runs or config.settings.confirm_runs
    stdout_is_data = _stdout_documents(args) > 0  # stdout carries a document
    targets = _targets(args, config)
    terminal = Terminal.for_check(quiet=args.quiet, verbose=args.verbose,
                                  stdout_is_data=stdout_is_data)
    shard, db = None, args.db
    if args.shard:
        shard = parse_shard(args.shard, args.shards)
        config, db = select(config, shard), shard_database(config, shard, args.db)

    def after(run: Run, store: Store) -> None:
        if shard is not None:
            tag(store, shard)
        publish(run, config, store, targets, fail_on)

    with terminal.progress(len(config.resources)) as on_result:
        outcome = run_once(config, db=db, confirm_runs=confirm_runs, on_result=on_result,
                           after=after)
    run = outcome.run
    terminal.summary(outcome, fail_on)
    if shard is None:  # shards leave notifications to `monitor merge`, which sees them all
        notify(config, outcome)  # logs its own failures; never changes the exit code
    return EXIT_FAIL if _problems(run, fail_on) else EXIT_OK


def cmd_merge(args: argparse.Namespace, config: Config) -> int:
    fail_on = args.fail_on or config.settings.fail_on
    targets = _targets(args, config)
    terminal = Terminal.for_check(quiet=args.quiet, verbose=args.verbose,
                                  stdout_is_data=_stdout_documents(args) > 0)
    outcome = merge(config, args.shard_dbs, db=args.db, confirm_runs=args.confirm_runs,
                    after=lambda run, store: publish(run, config, store, targets, fail_on))
    terminal.summary(outcome, fail_on)
    notify(config, outcome)
    return EXIT_FAIL if _problems(outcome.run, fail_on) else EXIT_OK


def after_watch_run(config: Config, run: Run, store: Store) -> None:
    """The daemon's step after each stored run, under its lock: render the HTML report.
    Exceptions are logged by the daemon."""
    publish(run, config, store, Targets(report=report_path(config, None)),
            config.settings.fail_on)


def cmd_watch(args: argparse.Namespace, config: Config) -> int:
    from .schedule import Watcher, serve  # apscheduler: only the daemon needs it

    with Store(database_path(config, args.db)):
        pass  # an unusable database is exit 4 now, not an error logged every run
    watcher = Watcher(args.config, config, db=args.db, after_run=after_watch_run)
    return serve(watcher, grace=args.grace)


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
    fail_on = args.fail_on or config.settings.fail_on
    _stdout_documents(args)
    db = database_path(config, args.db)
    if not db.exists():  # opening it would create an empty database
        raise UsageError(f"no run in the history yet ({db} does not exist): "
                         "run `monitor check` first")
    with Store(db) as store:
        run = _latest_run(store)
        targets = _targets(args, config)
        publish(run, config, store, targets, fail_on)
    if targets.report and "-" not in (targets.report, targets.markdown, targets.junit):
        print(f"monitor: wrote {targets.report} from run #{run.run_id}")
    return EXIT_OK


def _latest_run(store: Store) -> Run:
    run = store.load_run()
    if run is None:
        raise UsageError("no run in the history yet: run `monitor check` first")
    return run


def cmd_validate(args: argparse.Namespace, config: Config) -> int:
    print(f"{args.config}: OK, {len(config.resources)} resources")
    return EXIT_OK


def cmd_accept(args: argparse.Namespace, config: Config) -> int:
    if not args.ids and not args.all:
        raise UsageError("name resource ids to accept, or --all")
    known = {r.id: r for r in config.resources}
    unknown = [rid for rid in args.ids if rid not in known]
    if unknown:
        raise UsageError(f"unknown resource id(s): {', '.join(unknown)}")
    wanted = list(known) if args.all else args.ids
    with Store(database_path(config, args.db)) as store:
        current = {r.id: r for r in _latest_run(store).results}
        titles: dict[str, tuple[str, str | None]] = {}
        for rid in wanted:
            result = current.get(rid)
            if result is None or not result.title:
                print(f"{rid}: no title in the latest run, not accepted", file=sys.stderr)
                continue
            titles[rid] = (result.title, known[rid].expected_title)
        store.accept(titles, datetime.now(UTC))
    for rid, (title, _) in titles.items():
        print(f"{rid}: accepted {title!r}")
    return EXIT_OK if titles else EXIT_FAIL


def cmd_baseline(args: argparse.Namespace, config: Config) -> int:
    with Store(database_path(config, args.db)) as store:
        stored = store.baselines()
    for resource in config.resources:
        title, source = baseline_for(resource, stored)
        shown = repr(title) if title else "(none yet: learned on the first good check)"
        print(f"{resource.id}\t{source}\t{shown}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(daemon=args.command == "watch")
    previous = None
    if args.command != "watch" and threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)  # the daemon has its own
    try:
        config = load_config(args.config)
        return int(args.handler(args, config))
    except (ConfigError, UsageError, ShardError) as exc:
        print(f"monitor: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LockedError as exc:
        print(f"monitor: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except StoreError as exc:
        print(f"monitor: error: {exc}", file=sys.stderr)
        return EXIT_STORE
    except Terminated:
        print("monitor: terminated; history keeps only completed runs", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("monitor: interrupted; history keeps only completed runs", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
