"""Shared fixtures: one loopback web per test session, and a helper to run `monitor check`."""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from monitor.cli import main

from loopback import LoopbackWeb

_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def pytest_configure(config: pytest.Config) -> None:
    """Compiled report templates go to a scratch folder, never the user's ~/.cache; CLI
    runs in subprocesses inherit it."""
    os.environ["MONITOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="monitor-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = os.environ.pop("MONITOR_CACHE_DIR", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to 127.0.0.1 only: any other name fails to resolve, as it would offline,
    so a test that would reach the internet (archive.org, a real site) cannot pass by luck."""
    real = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and str(name).lower() not in _LOOPBACK_HOSTS:
            raise socket.gaierror(socket.EAI_NONAME, f"tests stay on loopback: {name}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackWeb]:
    server = LoopbackWeb(tmp_path_factory.mktemp("web")).start()
    yield server
    server.stop()


@pytest.fixture
def web(web_server: LoopbackWeb) -> Iterator[LoopbackWeb]:
    """The session's loopback web with fresh pages and counters for this test."""
    web_server.reset()
    yield web_server
    web_server.reset()


def toml_value(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()  # a TOML date, e.g. muted_until
    return json.dumps(value) if not isinstance(value, bool) else str(value).lower()


def write_config(path: Path, resources: Sequence[dict[str, Any]], **settings: Any) -> Path:
    """Write a resources.toml: fast defaults for tests (no retries, short timeout)."""
    # archive = false: a broken link must never send a test to archive.org (tests that look
    # archived copies up point archive_endpoint at the loopback web).
    # offline_probe = []: no probe of the internet; offline needs failures on 2 hosts.
    merged = {"timeout": 5, "retries": 0, "confirm_runs": 1, "archive": False,
              "offline_probe": [], **settings}
    lines = ["[monitor]"] + [f"{k} = {toml_value(v)}" for k, v in merged.items()] + [""]
    for resource in resources:
        lines.append("[[resource]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in resource.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@dataclass
class CheckRun:
    code: int
    doc: dict[str, Any]
    out: str
    err: str

    def result(self, rid: str) -> dict[str, Any]:
        return next(r for r in self.doc["results"] if r["id"] == rid)


@pytest.fixture
def run_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """run_check(resources, *args, **settings) -> CheckRun, through the real CLI entry point."""

    def run(resources: Sequence[dict[str, Any]], *args: str, **settings: Any) -> CheckRun:
        config = write_config(tmp_path / "resources.toml", resources, **settings)
        out_json = tmp_path / "out.json"
        code = main(["check", "-c", str(config), "--json", str(out_json), *args])
        captured = capsys.readouterr()
        doc = json.loads(out_json.read_text(encoding="utf-8"))
        return CheckRun(code, doc, captured.out, captured.err)

    return run
