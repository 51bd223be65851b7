#!/usr/bin/env python3
"""One-command benchmark: `monitor check` beside its peers, on the same loopback pages.

    python bench/run.py --n 10000 --hosts 100 --latency 0.05 --concurrency 100 --per-host 2 \
        --repeat 3 --peers monitor,httpx100,httpx10,linkinator,linkchecker

Starts bench/server.py (a loopback page farm on `--hosts` ports), then runs each checker as a
child process on the same N URLs and measures, per run: wall time (perf_counter around the
child), CPU time and peak RSS of the child and its reaped descendants (os.wait4 rusage), the
server's CPU time over the run (/proc), and how many URLs the checker reported OK. Prints one
Markdown table of the medians over `--repeat` runs (runs are interleaved across checkers).
Only the standard library is needed here; peers that are not installed are skipped with a
line saying how to install them (bench/setup.sh installs them all).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BENCH_VENV = BENCH / ".venv"
PEERS_PREFIX = BENCH / ".peers"
ALL_PEERS = ("monitor", "aiohttp", "httpx100", "httpx10", "linkinator", "linkchecker")
SETUP_HINT = "run `bash bench/setup.sh`"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------------
# what a checker is


@dataclass
class Context:
    args: argparse.Namespace
    urls: list[str]
    urls_file: Path
    list_url: str
    root: Path


@dataclass
class Plan:
    """How to run one checker: argv for a run folder, and how to count its OK URLs."""

    name: str
    label: str
    argv: Callable[[Path], list[str]]
    count_ok: Callable[[Path], tuple[int, str]]  # run folder -> (ok, detail)
    env: dict[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass
class RunResult:
    checker: str
    repeat: int
    n: int
    wall_s: float
    cpu_s: float
    user_s: float
    sys_s: float
    peak_rss_mb: float
    server_cpu_s: float
    server_requests: int
    server_connections: int
    server_peak_inflight: int
    server_peak_open: int
    other_cpu_s: float  # CPU used on the machine by neither the checker nor the server
    exit_code: int | None
    timed_out: bool
    ok: int | None
    detail: str = ""
    error: str = ""


def _python_with(module: str, candidates: list[Path | str], extra_path: str = "") -> str | None:
    """The first interpreter of `candidates` that can import `module`."""
    env = dict(os.environ)
    if extra_path:
        env["PYTHONPATH"] = extra_path + os.pathsep + env.get("PYTHONPATH", "")
    for cand in candidates:
        exe = str(cand)
        if not Path(exe).exists():
            continue
        try:
            done = subprocess.run([exe, "-c", f"import {module}"], env=env, cwd=REPO,
                                  capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return exe
    return None


def _toml_str(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid TOML basic string


# ---- monitor --------------------------------------------------------------------------------


def plan_monitor(ctx: Context) -> Plan | str:
    a = ctx.args
    env: dict[str, str] = {}
    cmd: list[str] | None = None
    if a.monitor_cmd:
        cmd = shlex.split(a.monitor_cmd)
    else:
        exe = _python_with("monitor.cli", [sys.executable, REPO / ".venv/bin/python"],
                           extra_path=str(REPO))
        if exe:
            cmd = [exe, "-m", "monitor"]
            env["PYTHONPATH"] = str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")
        elif shutil.which("monitor"):
            cmd = [str(shutil.which("monitor"))]
    if cmd is None:
        return ("skipped: the `monitor` package is not importable yet "
                "(install it with `pip install -e .` in the repo, or pass --monitor-cmd)")
    try:
        helped = subprocess.run([*cmd, "check", "--help"], capture_output=True, text=True,
                                timeout=60, env={**os.environ, **env}, cwd=ctx.root)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"skipped: `{shlex.join(cmd)} check --help` failed: {exc}"
    if helped.returncode != 0 or "--json" not in helped.stdout:
        tail = (helped.stderr or helped.stdout).strip().splitlines()[-1:] or ["?"]
        return f"skipped: `{shlex.join(cmd)} check --help` does not work yet: {tail[0]}"
    has_report = "--report" in helped.stdout
    note = "" if has_report else "this monitor has no --report flag yet: ran without it"

    lines = [
        "[monitor]",
        f"timeout = {a.client_timeout:g}",
        f"concurrency = {a.concurrency}",
        f"per_host = {a.per_host}",
        "retries = 0",
    ]
    for i, url in enumerate(ctx.urls):
        lines += ["", "[[resource]]", f'id = "p-{i}"', f'name = "Page {i}"',
                  f"url = {_toml_str(url)}"]
    config = ctx.root / "resources.toml"
    config.write_text("\n".join(lines) + "\n")

    def argv(run_dir: Path) -> list[str]:
        out = [*cmd, "check", "-c", str(config), "--db", str(run_dir / "h.sqlite3"),
               "--json", str(run_dir / "out.json")]
        if has_report:
            out += ["--report", str(run_dir / "index.html")]
        return [*out, "--quiet"]

    def count_ok(run_dir: Path) -> tuple[int, str]:
        doc = json.loads((run_dir / "out.json").read_text())
        summary = doc.get("summary", {})
        detail = ", ".join(f"{k}={v}" for k, v in summary.items() if v and k != "ok")
        return int(summary.get("ok", 0)), detail

    return Plan("monitor", "monitor", argv, count_ok, env=env, note=note)


# ---- plain httpx ----------------------------------------------------------------------------


def plan_httpx(ctx: Context, pool: int) -> Plan | str:
    exe = _python_with("httpx", [BENCH_VENV / "bin/python", sys.executable,
                                 REPO / ".venv/bin/python"])
    if exe is None:
        return f"skipped: no Python with httpx found ({SETUP_HINT}, or `pip install httpx`)"
    script = BENCH / "peer_httpx.py"

    def argv(run_dir: Path) -> list[str]:
        return [exe, str(script), "--pool", str(pool), "--timeout",
                f"{ctx.args.client_timeout:g}", str(ctx.urls_file)]

    return Plan(f"httpx{pool}", f"httpx pool {pool}", argv, _count_peer_json)


def _count_peer_json(run_dir: Path) -> tuple[int, str]:
    """The last stdout line of a peer_*.py script: {"ok": n, "errors": {...}}."""
    lines = (run_dir / "stdout").read_text().strip().splitlines()
    doc = json.loads(lines[-1])
    detail = ", ".join(f"{k}={v}" for k, v in doc.get("errors", {}).items())
    return int(doc["ok"]), detail


# ---- plain aiohttp (the floor for Python) ---------------------------------------------------


def plan_aiohttp(ctx: Context) -> Plan | str:
    exe = _python_with("aiohttp", [REPO / ".venv/bin/python", BENCH_VENV / "bin/python",
                                   sys.executable])
    if exe is None:
        return "skipped: no Python with aiohttp found (the repo's .venv has it)"
    script = BENCH / "peer_aiohttp.py"
    a = ctx.args

    def argv(run_dir: Path) -> list[str]:
        return [exe, str(script), "--limit", str(a.concurrency), "--per-host", str(a.per_host),
                "--timeout", f"{a.client_timeout:g}", str(ctx.urls_file)]

    return Plan("aiohttp", f"aiohttp {a.concurrency}/{a.per_host} per host",
                argv, _count_peer_json, note="GET + read body only: the floor for Python")


# ---- linkinator -----------------------------------------------------------------------------


def plan_linkinator(ctx: Context) -> Plan | str:
    local = PEERS_PREFIX / "node_modules/.bin/linkinator"
    exe = str(local) if local.exists() else shutil.which("linkinator")
    if exe is None:
        return (f"skipped: linkinator not installed ({SETUP_HINT}, or "
                "`npm install --prefix bench/.peers linkinator@7.6.1`)")
    if shutil.which("node") is None:
        return "skipped: node not found (apt-get install nodejs)"
    version = ""
    pkg = PEERS_PREFIX / "node_modules/linkinator/package.json"
    if local.exists() and pkg.exists():
        version = " " + str(json.loads(pkg.read_text()).get("version", ""))

    def argv(run_dir: Path) -> list[str]:
        # Not recursive by default: it fetches the list page and checks every link on it.
        return [exe, ctx.list_url, "--concurrency", str(ctx.args.concurrency),
                "--format", "json", "--timeout", str(int(ctx.args.client_timeout * 1000)),
                "--verbosity", "info"]

    def count_ok(run_dir: Path) -> tuple[int, str]:
        doc = json.loads((run_dir / "stdout").read_text())
        states: Counter[str] = Counter()
        ok = 0
        for link in doc.get("links", []):
            if "/p/" not in str(link.get("url", "")):
                continue
            states[f"{link.get('state')}:{link.get('status')}"] += 1
            if link.get("state") == "OK":
                ok += 1
        detail = ", ".join(f"{k}={v}" for k, v in states.items() if not k.startswith("OK:"))
        return ok, detail

    return Plan("linkinator", f"linkinator{version}", argv, count_ok,
                note="HEAD requests only (GET only when HEAD fails)")


# ---- LinkChecker ----------------------------------------------------------------------------


def plan_linkchecker(ctx: Context) -> Plan | str:
    local = BENCH_VENV / "bin/linkchecker"
    exe = str(local) if local.exists() else shutil.which("linkchecker")
    if exe is None:
        return (f"skipped: LinkChecker not installed ({SETUP_HINT}, or "
                "`pip install linkchecker==10.6.0` into a venv)")
    a = ctx.args
    rc = ctx.root / "linkcheckerrc"
    rc.write_text(
        "[checking]\n"
        f"threads={a.concurrency}\n"
        f"timeout={max(1, int(a.client_timeout))}\n"
        "recursionlevel=1\n"
        # LinkChecker sleeps 1/rps..6/rps between requests to a host (holding a global lock)
        # even when the server sends the `LinkChecker` header; make that sleep negligible.
        f"maxrequestspersecond={a.linkchecker_rps:g}\n"
        "robotstxt=1\n"
        "[filtering]\n"
        "checkextern=1\n"
        "[output]\n"
        "status=0\n"
        "warnings=0\n"
    )

    def argv(run_dir: Path) -> list[str]:
        return [exe, "-f", str(rc), "--check-extern", "-r", "1", "-t", str(a.concurrency),
                "--no-status", "--no-warnings", "--verbose", "-o", "none",
                "-F", f"csv/utf-8/{run_dir / 'out.csv'}", ctx.list_url]

    def count_ok(run_dir: Path) -> tuple[int, str]:
        rows = [line for line in (run_dir / "out.csv").read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#")]
        reader = csv.DictReader(rows, delimiter=";")
        ok = 0
        bad: Counter[str] = Counter()
        seen: set[str] = set()
        for row in reader:
            url = row.get("url") or row.get("urlname") or ""
            if "/p/" not in url or url in seen:
                continue
            seen.add(url)
            if row.get("valid", "").strip().lower() == "true":
                ok += 1
            else:
                bad[(row.get("result") or "?")[:60]] += 1
        return ok, ", ".join(f"{k}={v}" for k, v in bad.items())

    return Plan("linkchecker", "LinkChecker 10.6.0", argv, count_ok,
                env={"XDG_CONFIG_HOME": str(ctx.root / "xdg-config"),
                     "XDG_DATA_HOME": str(ctx.root / "xdg-data")},
                note=f"maxrequestspersecond={a.linkchecker_rps:g}, robots.txt on")


def make_plan(name: str, ctx: Context) -> Plan | str:
    if name == "monitor":
        return plan_monitor(ctx)
    if name.startswith("httpx") and name[5:].isdigit():
        return plan_httpx(ctx, int(name[5:]))
    if name == "aiohttp":
        return plan_aiohttp(ctx)
    if name == "linkinator":
        return plan_linkinator(ctx)
    if name == "linkchecker":
        return plan_linkchecker(ctx)
    return f"skipped: unknown checker {name!r} (known: {', '.join(ALL_PEERS)}, httpxK)"


# --------------------------------------------------------------------------------------------
# measuring


def _proc_cpu(pids: list[int]) -> float:
    """utime+stime (seconds) of live processes, from /proc; 0 for any that is gone."""
    total = 0
    for pid in pids:
        try:
            data = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        rest = data[data.rindex(")") + 2:].split()
        total += int(rest[11]) + int(rest[12])
    return total / CLK_TCK


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy (all cores), from /proc/stat; 0 if unreadable."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
    except OSError:
        return 0.0
    # cpu user nice system idle iowait irq softirq steal ...
    busy = sum(int(v) for i, v in enumerate(fields[1:9]) if i not in (3, 4))
    return busy / CLK_TCK


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def server_stats(stats_urls: list[str], reset: bool) -> dict[str, int]:
    """Sum of the server processes' counters (peaks are summed too: an upper bound when K > 1)."""
    total: dict[str, int] = {}
    for url in stats_urls:
        with _NO_PROXY.open(url + ("?reset=1" if reset else ""), timeout=10) as response:
            for key, value in json.loads(response.read()).items():
                total[key] = total.get(key, 0) + int(value)
    return total


class HighWater:
    """The largest VmHWM of a child and its descendants, read from /proc every 0.1 s.

    `ru_maxrss` from wait4 is no good for this: Linux folds the high-water mark of the
    memory a process had before exec into its own, and a child forked from this script
    starts with this script's memory (a million URLs and the list made from them: ~580 MB),
    so the child's ru_maxrss is at least this script's size. VmHWM belongs to the exec'd
    process's own memory. Without /proc (not Linux), ru_maxrss is used."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._peaks: dict[int, int] = {}  # pid -> VmHWM, KB
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        if Path(f"/proc/{self._pid}/status").exists():
            self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def peak_mb(self, fallback_mb: float) -> float:
        return max(self._peaks.values()) / 1024 if self._peaks else fallback_mb

    def _watch(self) -> None:
        while not self._done.wait(0.1):
            pending, seen = [self._pid], set()
            while pending:
                pid = pending.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                kb = _vm_hwm_kb(pid)
                if kb is not None:
                    self._peaks[pid] = max(kb, self._peaks.get(pid, 0))
                for task in Path(f"/proc/{pid}/task").glob("*/children"):
                    with contextlib.suppress(OSError, ValueError):
                        pending += [int(c) for c in task.read_text().split()]


def _vm_hwm_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra)
    return env


def run_once(plan: Plan, ctx: Context, repeat: int, server_pids: list[int],
             stats_urls: list[str]) -> RunResult:
    run_dir = ctx.root / f"{plan.name}-{repeat}"
    run_dir.mkdir(parents=True, exist_ok=True)
    # LinkChecker run as root drops privileges to `nobody`: it must be able to write here.
    run_dir.chmod(0o777)
    argv = plan.argv(run_dir)
    (run_dir / "argv").write_text(shlex.join(argv) + "\n")
    timeout = ctx.args.timeout
    timed_out = threading.Event()
    with open(run_dir / "stdout", "wb") as out, open(run_dir / "stderr", "wb") as err:
        server_stats(stats_urls, reset=True)
        server_before = _proc_cpu(server_pids)
        busy_before = _machine_busy()
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                cwd=run_dir, env=_clean_env(plan.env), start_new_session=True)

        def _kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, _kill)
        timer.start()
        hwm = HighWater(proc.pid)
        hwm.start()
        try:
            while True:
                try:
                    _, status, usage = os.wait4(proc.pid, 0)
                    break
                except InterruptedError:
                    continue
        finally:
            timer.cancel()
            hwm.stop()
        wall = time.perf_counter() - start
        server_cpu = _proc_cpu(server_pids) - server_before
        busy = _machine_busy() - busy_before
        counters = server_stats(stats_urls, reset=False)
        proc.returncode = os.waitstatus_to_exitcode(status)
    # Leftover grandchildren (a crawler's helpers) must not outlive the run.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)

    result = RunResult(
        checker=plan.name, repeat=repeat, n=len(ctx.urls), wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime, user_s=usage.ru_utime, sys_s=usage.ru_stime,
        peak_rss_mb=hwm.peak_mb(usage.ru_maxrss / 1024), server_cpu_s=server_cpu,
        server_requests=counters.get("requests", 0),
        server_connections=counters.get("connections", 0),
        server_peak_inflight=counters.get("peak_inflight", 0),
        server_peak_open=counters.get("peak_open", 0),
        other_cpu_s=max(0.0, busy - usage.ru_utime - usage.ru_stime - server_cpu),
        exit_code=proc.returncode, timed_out=timed_out.is_set(), ok=None,
    )
    if result.timed_out:
        result.error = f"killed after the {timeout:g} s timeout"
    elif proc.returncode not in (0, 1):
        tail = (run_dir / "stderr").read_text(errors="replace").strip().splitlines()[-3:]
        result.error = f"exit {proc.returncode}: " + " | ".join(tail)
    if not result.timed_out:
        try:
            result.ok, result.detail = plan.count_ok(run_dir)
        except (OSError, ValueError, KeyError, IndexError) as exc:
            result.error = (result.error + "; " if result.error else "") + (
                f"could not read its output: {type(exc).__name__}: {exc}")
    return result


# --------------------------------------------------------------------------------------------
# server


def start_server(
    args: argparse.Namespace, root: Path
) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    py = BENCH_VENV / "bin/python"
    exe = str(py) if py.exists() else sys.executable
    ready = root / "server.ready"
    argv = [exe, str(BENCH / "server.py"), "--hosts", str(args.hosts), "--latency",
            f"{args.latency:g}", "--page-kb", f"{args.page_kb:g}", "--workers",
            str(args.server_workers), "--ready-file", str(ready), "--exit-with-parent"]
    if args.no_uvloop:
        argv.append("--no-uvloop")
    log = open(root / "server.log", "wb")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while not ready.exists():
        if proc.poll() is not None:
            raise SystemExit(f"bench: server exited early:\n{(root / 'server.log').read_text()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise SystemExit("bench: server not ready after 60 s")
        time.sleep(0.02)
    return proc, json.loads(ready.read_text())


def stop_server(proc: subprocess.Popen[bytes]) -> float:
    """Stop the server; returns its total CPU time (with its reaped workers), from wait4."""
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)

    def _kill() -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(10, _kill)
    timer.start()
    try:
        _, _, usage = os.wait4(proc.pid, 0)
    except ChildProcessError:
        return float("nan")
    finally:
        timer.cancel()
    proc.returncode = 0
    return usage.ru_utime + usage.ru_stime


def import_times(plan: Plan, ctx: Context) -> dict[str, float] | None:
    """One more monitor run under `-X importtime`: milliseconds of import by top-level
    package (self times summed), plus "(total)"; None when monitor is not run by Python."""
    run_dir = ctx.root / "importtime"
    run_dir.mkdir(exist_ok=True)
    argv = plan.argv(run_dir)
    if "-m" not in argv:
        return None
    argv = [argv[0], "-X", "importtime", *argv[1:]]
    done = subprocess.run(argv, cwd=run_dir, env=_clean_env(plan.env), capture_output=True,
                          text=True, timeout=ctx.args.timeout)
    by_package: Counter[str] = Counter()
    total = 0.0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        self_us, _, name = (part.strip() for part in line[len("import time:"):].split("|"))
        if not self_us.isdigit():
            continue  # the header line
        by_package[name.split(".")[0]] += int(self_us) / 1000
        total += int(self_us) / 1000
    result = dict(by_package.most_common(12))
    result["(total)"] = total
    return result


def imports_table(imports: dict[str, float]) -> str:
    lines = ["| imported during `monitor check` (top-level package) | ms (self, summed) |",
             "|---|---:|"]
    lines += [f"| {name} | {ms:.0f} |" for name, ms in imports.items()]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# table


def _fmt(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def summarize(results: list[RunResult], plans: dict[str, Plan], n: int,
              bound: float) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name, plan in plans.items():
        runs = [r for r in results if r.checker == name]
        good = [r for r in runs if not r.timed_out and not r.error]
        use = good or runs
        if not use:
            continue
        oks = [r.ok for r in runs]
        wall = statistics.median(r.wall_s for r in use)
        cpu = statistics.median(r.cpu_s for r in use)
        rows.append({
            "checker": plan.label, "name": name, "n": n, "runs": len(runs),
            "failed_runs": len(runs) - len(good),
            "wall_s": wall, "cpu_s": cpu, "cpu_ms_per_url": cpu / n * 1000,
            "peak_rss_mb": statistics.median(r.peak_rss_mb for r in use),
            "urls_per_s": n / wall if wall else 0.0,
            "ok_min": min((o for o in oks if o is not None), default=None),
            "ok_all": all(o == n for o in oks),
            "ratio_to_bound": wall / bound if bound else float("nan"),
            "server_cpu_s": statistics.median(r.server_cpu_s for r in use),
            "peak_in_flight": max(r.server_peak_inflight for r in use),
            "requests": round(statistics.median(r.server_requests for r in use)),
            "connections": round(statistics.median(r.server_connections for r in use)),
            "other_cpu_s": statistics.median(r.other_cpu_s for r in use),
        })
    return rows


def markdown_table(rows: list[dict[str, Any]]) -> str:
    head = ["checker", "N", "wall s", "CPU s", "CPU ms/URL", "peak RSS MB", "URLs/s", "ok",
            "× bound", "server CPU s", "peak in flight", "requests", "conns"]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    for row in rows:
        ok = "—" if row["ok_min"] is None else str(row["ok_min"])
        if not row["ok_all"]:
            ok = f"**{ok}** ⚠"
        if row["failed_runs"]:
            ok += f" ({row['failed_runs']}/{row['runs']} runs failed)"
        lines.append("| " + " | ".join([
            row["checker"], str(row["n"]), _fmt(row["wall_s"]), _fmt(row["cpu_s"]),
            _fmt(row["cpu_ms_per_url"], 3), _fmt(row["peak_rss_mb"], 0),
            _fmt(row["urls_per_s"], 0), ok, _fmt(row["ratio_to_bound"]),
            _fmt(row["server_cpu_s"]), str(row["peak_in_flight"]), str(row["requests"]),
            str(row["connections"]),
        ]) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Benchmark `monitor check` beside its peers on a loopback page farm.")
    ap.add_argument("--n", type=int, default=2000, help="URLs to check (default 2000)")
    ap.add_argument("--hosts", type=int, default=100, help="loopback ports = hosts (default 100)")
    ap.add_argument("--latency", type=float, default=0.05,
                    help="server delay per page, seconds (default 0.05)")
    ap.add_argument("--page-kb", type=float, default=20.0, help="page size, KB (default 20)")
    ap.add_argument("--concurrency", type=int, default=100,
                    help="requests in flight for monitor/linkinator/LinkChecker (default 100)")
    ap.add_argument("--per-host", type=int, default=2, help="monitor's per_host (default 2)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per checker; median shown")
    ap.add_argument("--peers", default=",".join(ALL_PEERS),
                    help=f"comma-separated checkers (default {','.join(ALL_PEERS)}; "
                         "httpxK = plain httpx with pool K)")
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="kill a checker run after this many seconds (default 300)")
    ap.add_argument("--client-timeout", type=float, default=30.0,
                    help="per-request timeout given to the checkers (default 30)")
    ap.add_argument("--linkchecker-rps", type=float, default=100000.0,
                    help="LinkChecker maxrequestspersecond (default 100000)")
    ap.add_argument("--server-workers", type=int, default=1,
                    help="server processes (they split the ports; default 1)")
    ap.add_argument("--no-uvloop", action="store_true", help="server on plain asyncio")
    ap.add_argument("--monitor-cmd", help="how to start monitor (default: python -m monitor)")
    ap.add_argument("--importtime", action="store_true",
                    help="after the runs, run monitor once more under `python -X importtime` "
                         "and print where its start-up goes, by top-level package")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also save every figure here")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder (printed)")
    args = ap.parse_args(argv)
    if args.n < 1 or args.hosts < 1 or args.repeat < 1 or args.concurrency < 1:
        ap.error("--n, --hosts, --repeat and --concurrency must be 1 or more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    root = Path(tempfile.mkdtemp(prefix="monitor-bench-"))
    root.chmod(0o755)  # see run_once: LinkChecker may run as `nobody`
    names = [p.strip() for p in args.peers.split(",") if p.strip()]
    bound = args.n * args.latency / args.concurrency
    server, info = start_server(args, root)
    server_total = float("nan")
    results: list[RunResult] = []
    plans: dict[str, Plan] = {}
    try:
        bases: list[str] = info["bases"]
        urls = [f"{bases[i % len(bases)]}/p/{i}" for i in range(args.n)]
        urls_file = root / "urls.txt"
        urls_file.write_text("\n".join(urls) + "\n")
        ctx = Context(args, urls, urls_file, f"{bases[0]}/links/{args.n}", root)
        server_pids = [info["pid"], *info.get("workers", [])]
        stats_urls = [f"{base}/_stats" for base in bases[:max(1, len(info.get("workers", [])))]]

        print(f"# monitor benchmark: N={args.n}, {args.hosts} hosts (loopback ports), "
              f"{args.page_kb:g} KB pages, latency {args.latency * 1000:g} ms, "
              f"concurrency {args.concurrency}, per_host {args.per_host}, "
              f"repeat {args.repeat} (median)")
        load = os.getloadavg()[0]
        print(f"# machine: {os.cpu_count()} cores, load {load:.2f}, "
              f"Python {platform.python_version()}; "
              f"server: {'uvloop' if info.get('uvloop') else 'asyncio'}, "
              f"{max(1, len(info.get('workers', [])))} process(es); scratch {root}")
        if args.hosts * args.per_host < args.concurrency:
            print(f"# note: hosts × per_host = {args.hosts * args.per_host} < concurrency: "
                  "monitor cannot reach the bound")
        for name in names:
            plan = make_plan(name, ctx)
            if isinstance(plan, str):
                print(f"- {name}: {plan}")
            else:
                plans[name] = plan
                if plan.note:
                    print(f"- {name}: {plan.note}")
        sys.stdout.flush()

        for r in range(args.repeat):
            for plan in plans.values():
                res = run_once(plan, ctx, r, server_pids, stats_urls)
                results.append(res)
                flag = "" if res.ok == args.n and not res.error else "  <-- " + (
                    res.error or f"only {res.ok} OK" + (f" ({res.detail})" if res.detail else ""))
                print(f"  run {r + 1}/{args.repeat} {plan.label}: wall {res.wall_s:.2f} s, "
                      f"cpu {res.cpu_s:.2f} s, rss {res.peak_rss_mb:.0f} MB, ok {res.ok}, "
                      f"server cpu {res.server_cpu_s:.2f} s, peak in flight "
                      f"{res.server_peak_inflight}, {res.server_requests} requests on "
                      f"{res.server_connections} connections, other cpu "
                      f"{res.other_cpu_s:.2f} s{flag}", file=sys.stderr, flush=True)
        imports = None
        if args.importtime and "monitor" in plans:
            imports = import_times(plans["monitor"], ctx)
    finally:
        server_total = stop_server(server)

    rows = summarize(results, plans, args.n, bound)
    print()
    print(markdown_table(rows))
    print()
    print(f"Bound = N × latency / concurrency = {bound:.2f} s; "
          f"server CPU over the whole invocation {server_total:.2f} s.")
    for row in rows:
        if row["other_cpu_s"] > 0.05 * row["wall_s"] + 0.2:
            print(f"- ⚠ {row['checker']}: {row['other_cpu_s']:.2f} s of CPU went to other "
                  "processes during its runs (median): something else is loading the machine")
    shorts = [r for r in results if r.ok != args.n or r.error]
    for res in shorts:
        what = res.error or f"{res.ok}/{res.n} OK"
        print(f"- ⚠ {res.checker} run {res.repeat + 1}: {what}"
              + (f" [{res.detail}]" if res.detail else "") + f" (logs: {root}/{res.checker}-"
              f"{res.repeat})")

    if imports:
        print()
        print(imports_table(imports))
    if args.json:
        doc = {
            "imports_ms": imports,
            "params": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
            "bound_s": bound,
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform()},
            "server": {"uvloop": info.get("uvloop"), "workers": len(info.get("workers", [])),
                       "cpu_s_total": server_total},
            "summary": rows,
            "runs": [asdict(r) for r in results],
        }
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"Raw figures: {args.json}")
    if not args.keep and not shorts:
        shutil.rmtree(root, ignore_errors=True)
    elif shorts:
        print(f"Scratch kept for the flagged runs: {root}")
    return 0 if not shorts else 1


if __name__ == "__main__":
    sys.exit(main())
