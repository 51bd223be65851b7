"""The words of `monitor --help` and each `monitor COMMAND --help`: one place for them.

A new command adds its entry to HELP (one line for the command list, a description, and an
epilog with examples); `cli.py` builds its subparser with `subcommand(sub, name)`, which also
adds the global options and the exit codes.
"""

from __future__ import annotations

import argparse
import textwrap
from dataclasses import dataclass

from .models import Status

STATUSES = ", ".join(status.value for status in Status)

EXIT_CODES = """\
exit codes:
  0    no result has a status in --fail-on
  1    at least one result has such a status
  2    usage or configuration error (the message names file, line and resource)
  3    another run holds the lock on this history database
  4    the history database cannot be used
  130  interrupted (Ctrl-C); history keeps only completed runs"""

MAIN_EPILOG = """\
Start with `monitor init` (a commented resources.toml), then `monitor check`.
Global options (-c, --db) may come before or after the command:
  monitor -c lists/resources.toml check
  monitor check -c lists/resources.toml --fail-on broken

`monitor COMMAND --help` shows each command's options, examples and exit codes."""


@dataclass(frozen=True, slots=True)
class Help:
    summary: str  # one line in `monitor --help`
    description: str
    examples: str = ""
    exit_codes: str = EXIT_CODES


HELP: dict[str, Help] = {
    "check": Help(
        "fetch every resource, judge, record, report",
        "Fetch every link in the list, judge it (ok, moved, drifted, blocked, down, broken), "
        "record the run in the history database and write the reports. Silent under cron "
        "when all is well; a table on a terminal.",
        """\
  monitor check                     # ./resources.toml -> reports/index.html
  monitor check -v                  # every result, also under cron
  monitor check --fail-on broken    # only dead links fail (exit 1)
  monitor check --fail-on ''        # never exit 1
  monitor check --confirm-runs 1 --junit j.xml --markdown "$GITHUB_STEP_SUMMARY"
  monitor check --json - --no-report | jq .summary""",
    ),
    "report": Help(
        "re-render the reports from history, fetching nothing",
        "Write the HTML report (and any of JSON, Markdown, JUnit) again from the latest "
        "stored run, without fetching anything.",
        """\
  monitor report                    # reports/index.html from the last run
  monitor report --no-report --markdown -   # a PR comment body on stdout
  monitor report --no-report --json status.json""",
        """\
exit codes:
  0    the reports were written
  2    usage or configuration error, or no run in the history yet
  4    the history database cannot be used""",
    ),
    "watch": Help(
        "run checks on the schedule in resources.toml (daemon)",
        "Run checks forever on the schedule set in [monitor]: `interval = \"30m\"` (the "
        "default; also \"90s\", \"6h\", \"1d\") or a crontab `schedule = \"*/30 * * * *\"`. "
        "Re-reads resources.toml before each run, logs one line per run, re-renders the "
        "report, and never starts a run while one is still going.",
        """\
  monitor watch                     # schedule from ./resources.toml
  monitor watch -c /srv/links/resources.toml --grace 60
  (a systemd unit is in examples/monitor.service)""",
        """\
exit codes:
  0    stopped by SIGINT/SIGTERM
  2    usage or configuration error
  4    the history database cannot be used""",
    ),
    "validate": Help(
        "check resources.toml without fetching anything",
        "Check the list for mistakes (unknown keys, wrong types, duplicate ids, bad URLs) "
        "and report every one of them with its file and line. Fetches nothing.",
        """\
  monitor validate
  monitor validate -c lists/resources.toml   # e.g. as a pre-commit hook""",
        """\
exit codes:
  0    the file is valid
  2    the file has errors (each printed as FILE:LINE: message)""",
    ),
    "init": Help(
        "write a commented example resources.toml to start from",
        "Write a commented example resources.toml (every setting explained) to the path "
        "given with -c, ./resources.toml by default. An existing file is never overwritten.",
        """\
  monitor init && monitor check
  monitor init -c lists/resources.toml""",
        """\
exit codes:
  0    the file was written
  2    the file already exists, or cannot be written""",
    ),
    "accept": Help(
        "take the current titles as the new baseline",
        "After reviewing a drifted page, take its title from the latest run as the new "
        "baseline it is compared against (title-changed only; a missing keyword is fixed by "
        "editing `keywords` in resources.toml).",
        """\
  monitor accept webmd-stenosis-exercises
  monitor accept --all""",
        """\
exit codes:
  0    at least one title was accepted
  1    none of the named resources had a title in the latest run
  2    usage error, unknown id, or no run in the history yet
  4    the history database cannot be used""",
    ),
    "baseline": Help(
        "list the titles resources are compared against",
        "For each resource: where its title baseline comes from (expected_title, learned, "
        "accepted, or none yet) and the title itself, tab-separated.",
        """\
  monitor baseline
  monitor baseline | grep -v expected_title""",
        """\
exit codes:
  0    listed
  2    usage or configuration error
  4    the history database cannot be used""",
    ),
}

FAIL_ON_HELP = (f"comma-separated statuses that make the exit code 1 (default: broken,down; "
                f"'' = never); any of: {STATUSES}")


def global_options(*, suppress: bool) -> argparse.ArgumentParser:
    """-c/--config and --db, accepted before the command and after it.

    Subcommands get them with SUPPRESS defaults, so a value given before the command is not
    overwritten by the subcommand's default."""
    parent = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if suppress else None
    parent.add_argument("-c", "--config", default=default, metavar="FILE",
                        help="the curated list (default: ./resources.toml)")
    parent.add_argument("--db", default=default, metavar="FILE",
                        help="history database (default: 'database' in the config)")
    return parent


def subcommand(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
               name: str) -> argparse.ArgumentParser:
    """A subparser with the global options, description, examples and exit codes of `name`."""
    entry = HELP[name]
    epilog = (f"examples:\n{entry.examples}\n\n" if entry.examples else "") + entry.exit_codes
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=entry.summary, description=textwrap.fill(entry.description, 78),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[global_options(suppress=True)],
    )
    return parser
