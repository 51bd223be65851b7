"""CI use: the example workflow, systemd units, crontab line and docs call commands that
exist; `--confirm-runs 1` confirms at once without history; `monitor validate` for pre-commit.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers_modes import HookSink, run_monitor, serve_hooks, write_config

from monitor import __version__
from monitor.cli import build_parser

from loopback import LoopbackWeb

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "examples" / "github-actions.yml"
ACTION = ROOT / "action.yml"



@pytest.fixture
def hooks() -> Iterator[HookSink]:
    with serve_hooks() as sink:
        yield sink


def parse_monitor_command(line: str) -> Any:
    """Parse `[path/]monitor ARGS` with the real parser: every option must exist."""
    words = shlex.split(line, comments=True)
    start = next(i for i, word in enumerate(words) if Path(word).name == "monitor")
    args, unknown = build_parser().parse_known_args(words[start + 1:])
    assert unknown == [], f"{line!r}: unknown arguments {unknown}"
    return args


def monitor_lines(text: str) -> list[str]:
    """Command lines that invoke monitor (with continuation lines joined)."""
    text = text.replace("\\\n", " ")
    pattern = re.compile(r"(?:^|[\s;&|=])((?:\S*/)?monitor (?:check|watch|validate|accept|"
                         r"baseline|report)\b[^\n;&|]*)")
    return [match.group(1).strip() for match in pattern.finditer(text)]


def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps() -> list[dict[str, Any]]:
    jobs = workflow()["jobs"]
    return [step for job in jobs.values() for step in job["steps"]]


def test_workflow_runs_on_push_and_on_a_schedule() -> None:
    data = workflow()
    triggers = data["on"] if "on" in data else data[True]  # YAML 1.1 reads `on` as true
    assert "push" in triggers
    assert triggers["schedule"][0]["cron"]


def action() -> dict[str, Any]:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_workflow_uses_this_repositorys_action_at_the_current_version() -> None:
    step = next(s for s in steps() if "curated-links/monitor" in s.get("uses", ""))
    assert step["uses"] == f"curated-links/monitor@v{__version__}"
    assert set(step["with"]) <= set(action()["inputs"])
    upload = next(s for s in steps() if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "reports/"


def _run_check_step(tmp_path: Path, **inputs: str) -> list[str]:
    """Run the action's check step with bash, `monitor` replaced by a stub that records
    its arguments; inputs are the action's defaults unless given."""
    spec = action()
    step = next(s for s in spec["runs"]["steps"] if s.get("id") == "check")
    values = {name: str(i.get("default", "")) for name, i in spec["inputs"].items()}
    values.update(inputs)
    env = {key: re.sub(r"\$\{\{ inputs\.([a-z-]+) \}\}", lambda m: values[m.group(1)], value)
           for key, value in step["env"].items()}
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub = bin_dir / "monitor"
    stub.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "$ARGS_OUT"\n'
                    "exit 1\n")
    stub.chmod(0o755)
    out = tmp_path / "github_output"
    args_out = tmp_path / "args"
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], check=False, capture_output=True, text=True,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "GITHUB_OUTPUT": str(out),
             "ARGS_OUT": str(args_out), **env})
    assert done.returncode == 0, done.stderr  # the step records the code, a later one fails
    assert out.read_text() == "exit-code=1\n"
    return args_out.read_text().splitlines()


def test_action_runs_a_real_check_command_from_its_inputs(tmp_path: Path) -> None:
    args = build_parser().parse_args(_run_check_step(tmp_path))
    assert args.command == "check" and args.config == "resources.toml"
    assert args.confirm_runs == 1 and args.fail_on == ("broken", "down")
    assert (args.junit, args.markdown, args.report) == (
        "reports/junit.xml", "reports/summary.md", "reports/index.html")
    assert args.db == ".monitor/history.sqlite3" and args.json is None


def test_action_inputs_turn_outputs_off_and_fail_on_empty_means_never(tmp_path: Path) -> None:
    argv = _run_check_step(tmp_path, report="", junit="", json="out.json", **{"fail-on": ""})
    args = build_parser().parse_args(argv)
    assert args.no_report and args.junit is None and args.json == "out.json"
    assert args.fail_on == ()


def test_action_summarises_caches_history_and_fails_last() -> None:
    action_steps = action()["runs"]["steps"]
    summary = next(s for s in action_steps if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert summary["if"].startswith("always()")
    restore = next(s for s in action_steps
                   if s.get("uses", "").startswith("actions/cache/restore"))
    save = next(s for s in action_steps if s.get("uses", "").startswith("actions/cache/save"))
    assert save["if"].startswith("always()")
    assert restore["with"]["path"] == save["with"]["path"] == "${{ inputs.history }}"
    assert restore["with"]["key"] == save["with"]["key"]
    assert "run_id" in save["with"]["key"]  # cache entries are immutable: a new key per run
    assert "exit-code" in action_steps[-1]["env"]["CODE"]
    for step in action_steps:  # inputs reach shells through env only, never pasted in
        assert "${{" not in step.get("run", "")


def test_pre_commit_recipes_name_the_current_version() -> None:
    texts = [(ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"),
             (ROOT / "docs" / "run-modes.md").read_text(encoding="utf-8")]
    revs = [rev for text in texts for rev in re.findall(r"rev: (\S+)", text)]
    assert revs and set(revs) == {f"v{__version__}"}


@pytest.mark.parametrize("name", ["monitor.service", "monitor-check.service"])
def test_systemd_units_start_real_commands(name: str) -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read_string((ROOT / "examples" / name).read_text(encoding="utf-8"))
    args = parse_monitor_command(unit["Service"]["ExecStart"])
    assert args.command == ("watch" if name == "monitor.service" else "check")


def test_crontab_and_docs_commands_parse() -> None:
    crontab = (ROOT / "examples" / "crontab").read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "run-modes.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|crontab|ini|yaml)\n(.*?)```", docs, re.DOTALL)
    lines = monitor_lines(crontab) + [line for block in blocks for line in monitor_lines(block)]
    assert len(lines) >= 6
    for line in lines:
        parse_monitor_command(line)


def test_pre_commit_hook_validates_without_filenames() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "monitor-validate")
    assert hook["entry"] == "monitor validate" and hook["pass_filenames"] is False
    assert re.search(hook["files"], "lists/resources.toml")
    assert parse_monitor_command(hook["entry"]).command == "validate"


# -- behaviour CI relies on -----------------------------------------------------------------

def test_validate_exits_0_on_a_good_file_and_2_with_file_and_line_on_a_bad_one(
        tmp_path: Path) -> None:
    write_config(tmp_path / "resources.toml", [("a", "https://example.org/a")])
    good = run_monitor("validate", cwd=tmp_path)
    assert (good.returncode, good.stdout) == (0, "resources.toml: OK, 1 resource\n")

    bad = tmp_path / "bad.toml"
    write_config(bad, [("a", "https://example.org/a"), ("b", "ftp://example.org/b")])
    done = run_monitor("validate", "-c", "bad.toml", cwd=tmp_path)
    assert done.returncode == 2
    assert re.match(r"monitor: error: bad\.toml:\d+: resource 'b': 'url' must be an http",
                    done.stderr), done.stderr
    assert not (tmp_path / "history.sqlite3").exists()  # nothing fetched, nothing stored


def test_confirm_runs_1_confirms_on_the_first_run_without_history(
        web: LoopbackWeb, hooks: HookSink, tmp_path: Path) -> None:
    write_config(tmp_path / "resources.toml",
                 [("a", web.url("/ok")), ("gone", web.url("/status/404"))],
                 notify=f'[[notify]]\nurl = "{hooks.url}"\nretries = 0\n')
    done = run_monitor("check", "--confirm-runs", "1", "--fail-on", "broken,down",
                       "--json", "out.json", cwd=tmp_path)
    assert done.returncode == 1
    assert "gone: new -> broken" in done.stdout
    results = {r["id"]: r for r in json.loads((tmp_path / "out.json").read_text())["results"]}
    assert results["gone"]["confirmed"] and results["a"]["confirmed"]
    assert results["gone"]["streak"] == 1
    assert hooks.changed_ids() == ["gone"]

    relaxed = run_monitor("check", "--confirm-runs", "1", "--fail-on", "down", cwd=tmp_path)
    assert (relaxed.returncode, relaxed.stdout) == (0, "")  # nothing new, nothing in fail-on
