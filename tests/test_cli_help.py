"""The CLI explains itself: command list, per-command help with examples and exit codes,
global options before the command, `monitor init`, every validation error at once, and
options that mean what they say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.cli import build_parser, main
from monitor.cli_help import HELP

from conftest import write_config
from loopback import LoopbackWeb, article


def test_monitor_alone_lists_the_commands_and_exits_2(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    assert main([]) == 2
    out = capsys.readouterr().out
    for name in HELP:
        assert name in out
    assert "monitor init" in out


@pytest.mark.parametrize("name", sorted(HELP))
def test_every_command_help_has_a_description_examples_and_exit_codes(
        name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert HELP[name].description.split()[0] in out
    assert "examples:" in out and "exit codes:" in out and "-c FILE" in out


def test_fail_on_help_lists_every_status_and_watch_help_names_the_schedule_keys(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    check = " ".join(capsys.readouterr().out.split())
    assert "ok, moved, drifted, blocked, down, broken" in check
    with pytest.raises(SystemExit):
        main(["watch", "--help"])
    watch = capsys.readouterr().out
    assert "interval" in watch and "schedule" in watch


def test_global_options_work_before_and_after_the_command(tmp_path: Path) -> None:
    parser = build_parser()
    before = parser.parse_args(["-c", "x.toml", "--db", "h.db", "check"])
    after = parser.parse_args(["check", "-c", "x.toml", "--db", "h.db"])
    neither = parser.parse_args(["check"])
    assert (before.config, before.db) == (after.config, after.db) == ("x.toml", "h.db")
    assert (neither.config, neither.db) == (None, None)


def test_missing_config_says_where_it_looked_and_how_to_start(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere" / "resources.toml"
    assert main(["-c", str(missing), "check"]) == 2
    err = capsys.readouterr().err
    assert str(missing.resolve()) in err and "monitor init" in err


def test_init_writes_a_valid_commented_example_and_never_overwrites(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "lists" / "resources.toml"
    assert main(["init", "-c", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert text.count("\n#") > 10
    assert main(["validate", "-c", str(target)]) == 0
    target.write_text("# mine\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["init", "-c", str(target)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "# mine\n"


def test_validate_reports_every_error_each_with_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'colour = "red"\n'          # 1: unknown top-level key
        "[monitor]\n"
        "timeot = 3\n"              # 3: unknown key
        'retries = "x"\n'           # 4: wrong type
        "[[resource]]\n"
        'id = "A"\n'               # 6: bad id
        'url = "ftp://x"\n'         # 7: bad URL, in the same resource
        "[[resource]]\n"
        'id = "b"\n'
        'url = "http://x"\n'
        "tgas = []\n",              # 11: unknown key
        encoding="utf-8")
    assert main(["validate", "-c", str(bad)]) == 2
    lines = capsys.readouterr().err.splitlines()
    located = [line for line in lines if line.startswith(f"monitor: error: {bad}:")]
    prefix = f"monitor: error: {bad}:"
    assert [int(line[len(prefix):].split(":")[0]) for line in located] == [1, 3, 4, 6, 7, 11]
    assert lines[-1] == f"monitor: 6 errors in {bad}"


def test_a_list_without_resources_is_an_error_with_a_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("[monitor]\n", encoding="utf-8")
    assert main(["validate", "-c", str(empty)]) == 2
    assert f"{empty}:1: no [[resource]] entries" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["-q", "-v"], ["--no-report", "--report", "x.html"]])
def test_contradictory_options_are_usage_errors(args: list[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["check", *args])
    assert done.value.code == 2


def test_fail_on_empty_means_never_fail(web: LoopbackWeb, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "resources.toml",
                          [{"id": "gone", "url": web.url("/nothing-here")}])
    assert main(["check", "-c", str(config), "--no-report", "-q"]) == 1
    assert main(["check", "-c", str(config), "--no-report", "-q", "--fail-on", ""]) == 0


@pytest.mark.parametrize("command", [["baseline"], ["accept", "--all"]])
def test_reading_commands_in_a_fresh_folder_create_no_database(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "resources.toml",
                          [{"id": "a", "url": "http://127.0.0.1:9/a"}])
    main([*command, "-c", str(config)])
    assert list(tmp_path.iterdir()) == [config]


def test_report_writes_json_from_history(web: LoopbackWeb, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "resources.toml",
                          [{"id": "a", "url": web.set_page("/a", article("Alpha"))}])
    assert main(["check", "-c", str(config), "--no-report", "-q"]) == 0
    capsys.readouterr()
    assert main(["report", "-c", str(config), "--no-report", "--json", "-"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in doc["results"]] == ["a"]


@pytest.mark.parametrize("name", ["", *sorted(HELP)])
def test_help_fits_an_80_column_terminal(name: str, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit):
        main([name, "--help"] if name else ["--help"])
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) <= 80
