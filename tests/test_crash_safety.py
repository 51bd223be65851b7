"""A run killed half-way never corrupts history or leaves a half-written output."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from monitor.cli import main

from conftest import write_config
from loopback import LoopbackWeb


def test_killed_run_leaves_history_and_outputs_intact(web: LoopbackWeb, tmp_path: Path) -> None:
    config = write_config(tmp_path / "resources.toml", [
        {"id": "ok", "url": web.url("/ok")},
    ])
    out = tmp_path / "out.json"
    assert main(["check", "-c", str(config), "--json", str(out), "-q"]) == 0
    before = out.read_bytes()

    slow = write_config(tmp_path / "slow.toml", [
        {"id": "ok", "url": web.url("/ok")},
        *({"id": f"slow-{i}", "url": web.url(f"/slow?delay=20&i={i}")} for i in range(3)),
    ], timeout=30)
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "check", "-c", str(slow), "--json", str(out), "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while web.hits["/slow"] < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert web.hits["/slow"] == 2, "the run never got going"  # per_host = 2 in flight
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    assert out.read_bytes() == before  # the old document, whole
    json.loads(before)
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT COUNT(*) FROM runs").fetchone() == (1,)
        assert db.execute("SELECT COUNT(*) FROM results").fetchone() == (1,)
    # and the next run works on that history
    assert main(["check", "-c", str(config), "--json", str(out), "-q"]) == 0
    assert json.loads(out.read_text())["run_id"] == 2
