"""Command line: the parser, exit codes, and one clear line for each failure (the handlers of
the run and history commands are in commands.py).

Exit codes: 0 all good; 1 a result's status is in --fail-on (accept: a resource was not
accepted); 2 usage or config error; 3 another run holds the lock; 4 the history database cannot
be used; 5 an output (report, JSON, Markdown, JUnit, stdout) cannot be written (the run itself
is recorded); 130 interrupted (Ctrl-C); 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .cli_help import FAIL_ON_HELP, MAIN_EPILOG, STATUSES, global_options, subcommand
from .commands import EXIT_FAIL as EXIT_FAIL  # re-exported: every exit code is importable here
from .commands import (
    EXIT_OK,
    UsageError,
    cmd_accept,
    cmd_baseline,
    cmd_check,
    cmd_merge,
    cmd_report,
)
from .config import NOTIFY_ON, Config, ConfigError, load_config, parse_fail_on
from .console import configure_logging
from .curate import CurateError
from .curate import commands as curate_commands
from .diffcmd import add_parser as add_diff_parser
from .lock import LockedError
from .models import Run
from .pipeline import database_path
from .publish import OutputError, Targets, publish, report_path, silence_stdout
from .shard import ShardError
from .starter import StarterExists, write_example
from .store import Store, StoreError

EXIT_USAGE, EXIT_LOCKED, EXIT_STORE, EXIT_OUTPUT = 2, 3, 4, 5


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
        epilog=MAIN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[global_options(suppress=False)],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def outputs(p: argparse.ArgumentParser) -> None:
        where = p.add_mutually_exclusive_group()
        where.add_argument("--report", metavar="FILE",
                           help="HTML report path (default: 'report' in the config, "
                                "reports/index.html)")
        where.add_argument("--no-report", action="store_true", help="write no HTML report")
        p.add_argument("--json", metavar="FILE",
                       help="write the JSON result document ('-': stdout)")
        p.add_argument("--markdown", metavar="FILE",
                       help="write a Markdown summary ('-': stdout), e.g. $GITHUB_STEP_SUMMARY")
        p.add_argument("--junit", metavar="FILE", help="write JUnit XML ('-': stdout)")

    def loudness(p: argparse.ArgumentParser) -> None:
        loud = p.add_mutually_exclusive_group()
        loud.add_argument("-q", "--quiet", action="store_true",
                          help="print nothing (errors and failed notifications still go to "
                               "stderr)")
        loud.add_argument("-v", "--verbose", action="store_true",
                          help="print every result, even when all is well and stdout is not a "
                               "terminal")

    p = subcommand(sub, "check")
    p.add_argument("--fail-on", type=_fail_on, metavar="STATUSES", help=FAIL_ON_HELP)
    p.add_argument("--confirm-runs", type=_positive_int, metavar="N",
                   help="runs in a row before a status change is confirmed (CI: 1)")
    outputs(p)
    loudness(p)
    p.add_argument("--shard", metavar="I/N",
                   help="check only the hosts shard I of N gets (I from 0; 'auto': I from "
                        "$JOB_COMPLETION_INDEX); history goes to its own database, "
                        "combined later by `monitor merge`")
    p.add_argument("--shards", type=_positive_int, metavar="N",
                   help="N for --shard auto (default: $MONITOR_SHARDS)")
    p.add_argument("--notify-on", choices=NOTIFY_ON, metavar="WHEN",
                   help="cron output: 'problems' (every run while a link is failing, the "
                        "default) or 'change' (only when a confirmed status changes)")
    p.set_defaults(handler=cmd_check)

    p = subcommand(sub, "report")
    outputs(p)
    p.add_argument("--fail-on", type=_fail_on, metavar="STATUSES",
                   help="statuses counted as failures in Markdown and JUnit (default: "
                        f"broken,down; '' = none); any of: {STATUSES}")
    p.set_defaults(handler=cmd_report)

    p = subcommand(sub, "merge")
    p.add_argument("shard_dbs", nargs="+", type=Path, metavar="SHARD_DB")
    p.add_argument("--fail-on", type=_fail_on, metavar="STATUSES", help=FAIL_ON_HELP)
    p.add_argument("--confirm-runs", type=_positive_int, metavar="N",
                   help="runs in a row before a status change is confirmed (CI: 1)")
    outputs(p)
    loudness(p)
    p.set_defaults(handler=cmd_merge)

    p = subcommand(sub, "watch")
    p.add_argument("--grace", type=_seconds, default=30.0, metavar="SECONDS",
                   help="on SIGTERM/SIGINT, how long to let the run in flight finish "
                        "(default: 30)")
    p.set_defaults(handler=cmd_watch)

    p = subcommand(sub, "validate")
    p.set_defaults(handler=cmd_validate)

    p = subcommand(sub, "init")
    p.set_defaults(handler=cmd_init, needs_config=False)

    p = subcommand(sub, "accept")
    p.add_argument("ids", nargs="*", metavar="ID", help="resource ids to accept")
    p.add_argument("--all", action="store_true", help="accept every resource's current title")
    p.add_argument("--force", action="store_true",
                   help="accept even results that are not ok or drifted (error, parked, "
                        "challenge or sign-in pages)")
    p.set_defaults(handler=cmd_accept)

    p = subcommand(sub, "baseline")
    p.set_defaults(handler=cmd_baseline)

    def make(name: str) -> argparse.ArgumentParser:
        return subcommand(sub, name)

    add_diff_parser(make)
    curate_commands.register(make)  # fix, add, import, mute, unmute
    return parser


def after_watch_run(config: Config, run: Run, store: Store) -> None:
    """The daemon's step after each stored run, under its lock: render the HTML report.
    Exceptions are logged by the daemon."""
    try:
        publish(run, config, store, Targets(report=report_path(config, None)),
                config.settings.fail_on)
    except OutputError as exc:
        logging.getLogger("monitor.watch").error("report not written: %s", exc)


def cmd_watch(args: argparse.Namespace, config: Config) -> int:
    from .schedule import Watcher, serve  # apscheduler: only the daemon needs it

    with Store(database_path(config, args.db)):
        pass  # an unusable database is exit 4 now, not an error logged every run
    watcher = Watcher(args.config, config, db=args.db, after_run=after_watch_run)
    return serve(watcher, grace=args.grace)


def cmd_validate(args: argparse.Namespace, config: Config) -> int:
    count, sources = len(config.resources), len(config.sources)
    shown = f", {sources} source{'' if sources == 1 else 's'}" if sources else ""
    print(f"{args.config}: OK, {count} resource{'' if count == 1 else 's'}{shown}")
    return EXIT_OK


def cmd_init(args: argparse.Namespace, config: Config | None) -> int:
    try:
        write_example(args.config)
    except StarterExists as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"{args.config}: cannot write: {exc.strerror}") from None
    where = f" -c {args.config}" if args.config != Path("resources.toml") else ""
    print(f"monitor: wrote {args.config}; edit it, then run `monitor check{where}`")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # `monitor` alone: what can I do?
        parser.print_help()
        return EXIT_USAGE
    args.config = Path(args.config or "resources.toml")
    args.db = Path(args.db) if args.db else None
    configure_logging(daemon=args.command == "watch")
    if sys.stdout is None and "-" in (getattr(args, name, None)
                                      for name in ("report", "json", "markdown", "junit")):
        # `>&-`: known before fetching, like any other output that cannot be written
        print("monitor: error: standard output: closed, so an output '-' cannot be written",
              file=sys.stderr)
        return EXIT_OUTPUT
    previous = None
    if args.command != "watch" and threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)  # the daemon has its own
    try:
        if not getattr(args, "needs_config", True):
            return int(args.handler(args, None))
        config = load_config(args.config)
        return int(args.handler(args, config))
    except ConfigError as exc:
        for message in exc.messages:  # validate lists every problem, one line each
            print(f"monitor: error: {message}", file=sys.stderr)
        if len(exc.messages) > 1:
            print(f"monitor: {len(exc.messages)} errors in {args.config}", file=sys.stderr)
        return EXIT_USAGE
    except (UsageError, ShardError, CurateError) as exc:
        print(f"monitor: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LockedError as exc:
        print(f"monitor: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except StoreError as exc:
        print(f"monitor: error: {exc}", file=sys.stderr)
        return EXIT_STORE
    except OutputError as exc:
        print(f"monitor: error: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    except Terminated:
        print("monitor: terminated; history keeps only completed runs", file=sys.stderr)
        return 128 + signal.SIGTERM
    except BrokenPipeError:  # the summary's reader went away (`monitor check | head -1`)
        silence_stdout()
        print("monitor: error: standard output: the reader went away", file=sys.stderr)
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        print("monitor: interrupted; history keeps only completed runs", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
