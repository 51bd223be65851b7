"""What a new user sees first: warnings in every output (and cron says a new one once), an
offline run that leads with it, one-host lists classified by a probe, a table that fits 80
columns."""

from __future__ import annotations

import io
import json
import socket
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from monitor.cli import main
from monitor.config import ConfigError, parse_config
from monitor.console import Mode, Terminal, render_table
from monitor.models import Reason, Result, Run, Status
from monitor.notices import new_warnings, warning_kind
from monitor.pipeline import Outcome
from monitor.termtable import ago

from conftest import write_config
from loopback import LoopbackWeb

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- warnings ---------------------------------------------------------------------------------

def test_a_warning_is_new_once_whatever_its_numbers() -> None:
    assert warning_kind("TLS certificate expires in 4.9 days") == \
        warning_kind("TLS certificate expires in 5.0 days")
    result = _result("t", Status.OK, warnings=("TLS certificate expires in 4.9 days",))
    assert new_warnings([result], None) == (("t", result.warnings[0]),)
    assert new_warnings([result], {"t": ("TLS certificate expires in 5.0 days",)}) == ()
    assert new_warnings([result], {"t": ("body cut at 10 bytes",)}) == \
        (("t", result.warnings[0]),)


def test_certificate_warning_reaches_every_output_and_cron_says_it_once(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "resources.toml",
                          [{"id": "t", "url": web.tls_url("/ok", "expiring")}],
                          ca_bundle=str(web.ca_path))
    md, junit = tmp_path / "s.md", tmp_path / "j.xml"
    args = ["check", "-c", str(config), "--markdown", str(md), "--junit", str(junit)]
    assert main(args) == 0
    cron = capsys.readouterr().out
    assert "New warnings:" in cron and "t: TLS certificate expires in" in cron
    assert "TLS certificate expires in" in md.read_text(encoding="utf-8")
    case = ET.parse(junit).getroot().find(".//testcase")
    assert case is not None
    props = [p.get("value", "") for p in case.iterfind("properties/property")
             if p.get("name") == "warning"]
    assert props and props[0].startswith("TLS certificate expires in")
    assert "warning: TLS certificate" in (case.findtext("system-out") or "")

    assert main(args) == 0  # same warning again: cron stays silent
    assert capsys.readouterr().out == ""
    assert main([*args, "-v"]) == 0  # but -v shows it
    assert "warning: TLS certificate expires in" in capsys.readouterr().out


# -- offline ----------------------------------------------------------------------------------

def _one_host_down(tmp_path: Path, probe: list[str]) -> dict[str, Any]:
    port = closed_port()
    config = write_config(
        tmp_path / "resources.toml",
        [{"id": f"r{i}", "url": f"http://127.0.0.1:{port}/{i}"} for i in range(3)],
        offline_probe=probe)
    out = tmp_path / "out.json"
    main(["check", "-c", str(config), "--json", str(out), "--no-report", "-q"])
    doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return doc


def test_a_one_host_list_is_offline_when_the_probe_fails_too(tmp_path: Path) -> None:
    doc = _one_host_down(tmp_path, [f"http://127.0.0.1:{closed_port()}/"])
    assert doc["offline"] is True


def test_a_one_host_list_is_down_not_offline_when_the_probe_answers(
        web: LoopbackWeb, tmp_path: Path) -> None:
    doc = _one_host_down(tmp_path, [web.url("/")])
    assert doc["offline"] is False
    assert {r["reason"] for r in doc["results"]} == {"connect"}


def test_without_a_probe_one_host_is_never_called_offline(tmp_path: Path) -> None:
    assert _one_host_down(tmp_path, [])["offline"] is False


# -- terminal table ---------------------------------------------------------------------------

def _result(rid: str, status: Status, reason: Reason = Reason.OK, detail: str = "",
            warnings: tuple[str, ...] = ()) -> Result:
    return Result(
        id=rid, name=rid, url=f"https://example.org/{rid}", status=status, reason=reason,
        detail=detail, http_status=404 if status is Status.BROKEN else 200,
        final_url=f"https://example.org/{rid}", redirects=(), title=None, expected_title=None,
        elapsed_ms=120.0, checked_at=NOW, warnings=warnings, since=NOW - timedelta(hours=3),
        streak=4, confirmed=True,
    )


def test_table_at_80_columns_stacks_rows_and_truncates_nothing() -> None:
    long_id = "spine-health-lumbar-spinal-stenosis-exercises-gone-page"
    results = (
        _result(long_id, Status.BROKEN, Reason.HOMEPAGE_REDIRECT,
                "deep link now lands on the home page https://www.example.org/"),
        _result("kenai", Status.OK, warnings=("TLS certificate expires in 4.9 days",)),
        _result("fine", Status.OK),
    )
    outcome = Outcome(Run(NOW - timedelta(seconds=3), NOW, results, run_id=3), (), ())
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(render_table(outcome, ("broken",), width=80, now=NOW))
    text = console.export_text()
    assert "…" not in text
    assert long_id in text and "homepage-redirect" in text
    assert "3 h ago" in text and "2026-" not in text  # relative, not a 17-column ISO time
    assert "warning: TLS certificate expires in 4.9 days" in text
    assert "fine" not in text.split("\n", 1)[1].replace("1 ok resource", "")
    assert max(len(line) for line in text.splitlines()) <= 80


def test_table_on_a_wide_terminal_has_columns() -> None:
    outcome = Outcome(Run(NOW, NOW, (_result("gone", Status.BROKEN, Reason.NOT_FOUND),),
                          run_id=1), (), ())
    console = Console(width=160, record=True, file=io.StringIO())
    console.print(render_table(outcome, ("broken",), width=160, now=NOW))
    header = console.export_text().splitlines()[1]
    assert header.split() == ["resource", "status", "reason", "HTTP", "ms", "since", "detail"]


@pytest.mark.parametrize(("seconds", "text"), [
    (5, "just now"), (59, "just now"), (60, "1 min ago"), (3599, "59 min ago"),
    (3600, "1 h ago"), (86399, "23 h ago"), (86400, "1 d ago"), (-30, "just now"),
])
def test_relative_times(seconds: int, text: str) -> None:
    assert ago(NOW - timedelta(seconds=seconds), NOW) == text


@pytest.mark.parametrize(("value", "problem"), [
    ('["https://one.one.one.one/"]', None),
    ("[]", None),
    ('["ftp://example.org/"]', "must be an http:// or https:// URL"),
    ('["", "https://x/"]', "non-empty strings"),
    ('"https://x/"', "must be a list"),
])
def test_offline_probe_setting_is_validated(value: str, problem: str | None) -> None:
    text = f'[monitor]\noffline_probe = {value}\n[[resource]]\nid = "a"\nurl = "https://a/"\n'
    if problem is None:
        assert isinstance(parse_config(text, Path("r.toml")).settings.offline_probe, tuple)
        return
    with pytest.raises(ConfigError, match=problem) as caught:
        parse_config(text, Path("r.toml"))
    assert str(caught.value).startswith("r.toml:2:")


def test_terminal_offline_run_leads_with_it_and_lists_nothing_as_a_problem() -> None:
    down = tuple(_result(f"r{i}", Status.DOWN, Reason.CONNECT) for i in range(11))
    outcome = Outcome(Run(NOW, NOW, down, offline=True, run_id=2), (), ())
    stream = io.StringIO()
    Terminal(Mode.RICH, stream=stream).summary(outcome, ("down",))
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("OFFLINE: this machine looks offline")
    assert "11 resources not reached" in stream.getvalue()
    assert "down !" not in stream.getvalue()
