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
  5    an output (report, JSON, Markdown, JUnit) cannot be written; run kept
  130  interrupted (Ctrl-C); history keeps only completed runs
  143  terminated (SIGTERM); history keeps only completed runs"""

MAIN_EPILOG = """\
Start with `monitor init` (a commented resources.toml), then `monitor check`.
Global options (-c, --db) may come before or after the command:
  monitor -c lists/resources.toml check
  monitor check -c lists/resources.toml --fail-on broken

`monitor COMMAND --help` shows each command's options, examples and exit codes."""


# The commands that edit resources.toml (fix, add, import, mute, unmute) share their exit codes.
EDIT_EXIT_CODES = """\
exit codes:
  0    done (or, without --apply / with --dry-run, shown)
  2    usage error, invalid or changed resources.toml, nothing to write
  4    the history database cannot be used"""


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
  0    every named resource was accepted
  1    some were not (no title, or not ok/drifted and no --force)
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
    "merge": Help(
        "record the runs of `check --shard` databases as one run",
        "Combine the latest run of every shard database (`monitor check --shard I/N`) into "
        "one run in the main history, with one report, one notification and one exit code, "
        "as if one machine had checked the whole list.",
        """\
  monitor check --shard 0/3    # on each of 3 machines: 0/3, 1/3, 2/3
  monitor merge monitor.shard-*-of-3.sqlite3 --junit junit.xml""",
    ),
    "diff": Help(
        "show how a page's main text changed since its snapshot",
        "Print the full sentence-level difference between the content snapshot a resource "
        "was curated with and its main text in the latest run, from history (fetches "
        "nothing). Sentences that only moved, or differ only in numbers and dates, are not "
        "shown.",
        """\
  monitor diff webmd-stenosis-exercises
  monitor accept webmd-stenosis-exercises   # if the page is still right""",
        """\
exit codes:
  0    shown
  2    usage error, unknown id, or no run in the history yet
  4    the history database cannot be used""",
    ),
    "fix": Help(
        "rewrite the url of confirmed moved links (shows a diff)",
        "For each resource whose confirmed status is moved, show a unified diff replacing its "
        "url in resources.toml with the permanent-redirect target; --apply writes it, keeping "
        "every comment and the file's style. Never to a home, login or error page.",
        """\
  monitor fix
  monitor fix --apply
  monitor fix --id webmd-stenosis-guide --apply""",
        EDIT_EXIT_CODES,
    ),
    "add": Help(
        "check a page once and append it as a [[resource]]",
        "Fetch the page once with the same checks as `monitor check`, refuse it (with the "
        "verdict) unless it is healthy, and append a [[resource]] named after its live "
        "title, with expected_title set, keeping the file's style.",
        """\
  monitor add https://www.example.org/exercises/stenosis --dry-run
  monitor add https://www.example.org/exercises/stenosis --tags example,exercise""",
        EDIT_EXIT_CODES,
    ),
    "import": Help(
        "append the outbound links of an article (file or URL) as resources",
        "Read an HTML or Markdown file or an http(s) URL, list its outbound links with their "
        "anchor text (navigation, footers, share links, mailto: and duplicates are skipped, "
        "each with its reason), check the new ones and append them like `add` does.",
        """\
  monitor import saved-article.html --dry-run
  monitor import https://www.example.org/blog/article --selector article""",
        EDIT_EXIT_CODES,
    ),
    "mute": Help(
        "acknowledge a known problem until a date",
        "Write muted_until (and mute_note) into the resource: it stays in every report, "
        "greyed with its note, but leaves the exit code, cron mail and notifications until "
        "the date passes or its confirmed status changes.",
        """\
  monitor mute kenai-spine-home --until 2026-12-31 --note "site rebuild"
  monitor mute kenai-spine-home --until 30d""",
        EDIT_EXIT_CODES,
    ),
    "unmute": Help(
        "end a mute now",
        "Remove muted_until and mute_note from the resource in resources.toml.",
        """\
  monitor unmute kenai-spine-home""",
        EDIT_EXIT_CODES,
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
