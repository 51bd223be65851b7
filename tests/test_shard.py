"""Sharding a list across machines: a stable split by host, and merging the shards' runs."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from monitor.cli import main
from monitor.config import load_config
from monitor.shard import Shard, ShardError, parse_shard, select, shard_of

from conftest import write_config

HOSTS = [f"127.0.0.{k}" for k in range(2, 14)]  # 12 hosts: every one of 3 shards gets some


@pytest.mark.parametrize(("text", "env", "expected"), [
    ("0/1", {}, Shard(0, 1)),
    ("3/4", {}, Shard(3, 4)),
    (" 1/2 ", {}, Shard(1, 2)),
    ("auto", {"JOB_COMPLETION_INDEX": "2", "MONITOR_SHARDS": "5"}, Shard(2, 5)),
])
def test_shard_specs(text: str, env: dict[str, str], expected: Shard) -> None:
    assert parse_shard(text, environ=env) == expected


@pytest.mark.parametrize(("text", "env"), [
    ("4/4", {}), ("-1/4", {}), ("1/0", {}), ("1", {}), ("a/b", {}), ("1/2/3", {}),
    ("auto", {}), ("auto", {"JOB_COMPLETION_INDEX": "0"}),
    ("auto", {"JOB_COMPLETION_INDEX": "3", "MONITOR_SHARDS": "3"}),
])
def test_bad_shard_specs_are_refused(text: str, env: dict[str, str]) -> None:
    with pytest.raises(ShardError):
        parse_shard(text, environ=env)


def test_auto_takes_the_total_from_the_flag_before_the_environment() -> None:
    env = {"JOB_COMPLETION_INDEX": "1", "MONITOR_SHARDS": "9"}
    assert parse_shard("auto", 2, environ=env) == Shard(1, 2)


def test_the_split_is_stable_across_processes() -> None:
    # Python's hash() of a str changes with every process; blake2b does not.
    assert shard_of("example.org", 1000) == 461
    code = "from monitor.shard import shard_of; print(shard_of('example.org', 1000))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONHASHSEED": "random"})
    assert out.stdout.strip() == "461"


def test_every_resource_is_in_exactly_one_shard_with_all_of_its_host(tmp_path: Path) -> None:
    resources = [{"id": f"r{i}", "name": f"r{i}",
                  "url": f"http://{HOSTS[i % len(HOSTS)]}:{8000 + i % 3}/p{i}"}
                 for i in range(60)]
    config = load_config(write_config(tmp_path / "r.toml", resources))
    parts = [select(config, Shard(i, 3)) for i in range(3)]
    ids = [r.id for part in parts for r in part.resources]
    assert sorted(ids) == sorted(r["id"] for r in resources)
    hosts = [{r.url.split("/")[2].split(":")[0] for r in part.resources} for part in parts]
    assert all(hosts) and not (hosts[0] & hosts[1] or hosts[1] & hosts[2] or hosts[0] & hosts[2])


class _Site(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        host = self.server.server_address[0]
        if self.path == "/old":
            self.send_response(301)
            self.send_header("Location", "/a")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/a":
            body = (f"<html><head><title>Stretches at {host}</title></head>"
                    f"<body><p>Exercises for the lower back, on {host}.</p></body></html>")
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_error(404)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def sites() -> Iterator[list[str]]:
    servers = [ThreadingHTTPServer((host, 0), _Site) for host in HOSTS]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    yield [f"http://{s.server_address[0]}:{s.server_address[1]}" for s in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


def _results(path: Path) -> dict[str, dict[str, Any]]:
    doc = json.loads(path.read_text())
    keep = ("status", "reason", "detail", "http_status", "final_url", "title", "redirects",
            "warnings", "confirmed")
    return {r["id"]: {k: r.get(k) for k in keep} for r in doc["results"]}


def test_shards_in_separate_processes_merge_into_the_single_run(
    tmp_path: Path, sites: list[str]
) -> None:
    resources = [{"id": f"{kind}-{i}", "name": f"{kind} {i}", "url": f"{base}/{kind}"}
                 for i, base in enumerate(sites) for kind in ("a", "old", "gone")]
    config = write_config(tmp_path / "resources.toml", resources, database="h.sqlite3",
                          workers=1)
    shards = [subprocess.Popen(
        [sys.executable, "-m", "monitor", "check", "-c", str(config), "--shard", f"{i}/3",
         "--no-report", "--quiet"], cwd=tmp_path, stderr=subprocess.PIPE, text=True)
        for i in range(3)]
    errors = [p.communicate(timeout=60)[1] for p in shards]
    codes = [p.returncode for p in shards]
    assert errors == ["", "", ""]
    dbs = sorted(tmp_path.glob("h.shard-*-of-3.sqlite3"))
    assert len(dbs) == 3 and not (tmp_path / "h.sqlite3").exists()
    assert set(codes) == {1}  # every shard has a 404

    merged_code = main(["merge", "-c", str(config), "--db", str(tmp_path / "merged.sqlite3"),
                        "--json", str(tmp_path / "merged.json"), "--no-report", "-q",
                        *map(str, dbs)])
    single_code = main(["check", "-c", str(config), "--db", str(tmp_path / "single.sqlite3"),
                        "--json", str(tmp_path / "single.json"), "--no-report", "-q"])
    merged, single = _results(tmp_path / "merged.json"), _results(tmp_path / "single.json")
    assert list(merged) == [r["id"] for r in resources]
    assert merged == single
    assert merged_code == single_code == 1
    assert {r["status"] for r in merged.values()} == {"ok", "moved", "broken"}

    # One shard missing, or given twice: one clear line, exit 2, nothing recorded.
    assert main(["merge", "-c", str(config), "--db", str(tmp_path / "m2.sqlite3"),
                 "--no-report", str(dbs[0]), str(dbs[1])]) == 2
    assert main(["merge", "-c", str(config), "--db", str(tmp_path / "m3.sqlite3"),
                 "--no-report", str(dbs[0]), str(dbs[0]), str(dbs[1]), str(dbs[2])]) == 2


def test_shard_auto_reads_the_job_index_and_a_bad_spec_is_a_usage_error(
    tmp_path: Path, sites: list[str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    resources = [{"id": f"a-{i}", "name": f"a {i}", "url": f"{base}/a"}
                 for i, base in enumerate(sites)]
    config = write_config(tmp_path / "resources.toml", resources, workers=1)
    monkeypatch.setenv("JOB_COMPLETION_INDEX", "2")
    monkeypatch.setenv("MONITOR_SHARDS", "3")
    assert main(["check", "-c", str(config), "--shard", "auto", "--db",
                 str(tmp_path / "s.sqlite3"), "--json", str(tmp_path / "s.json"),
                 "--no-report", "-q"]) == 0
    checked = {r["url"].split("/")[2].split(":")[0] for r in
               json.loads((tmp_path / "s.json").read_text())["results"]}
    assert checked and {shard_of(host, 3) for host in checked} == {2}
    assert main(["check", "-c", str(config), "--shard", "3/3", "--no-report"]) == 2
    assert "need 0 <= I < N" in capsys.readouterr().err
