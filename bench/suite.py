#!/usr/bin/env python3
"""Every benchmark the README quotes, in one invocation: each scenario is one `bench/run.py`
run (its own page farm), then a verdict line per target.

    python bench/suite.py [--quick] [--json suite.json]

Scenarios (see SCENARIOS): many hosts at per_host 2 (the bound, CPU against the plain-aiohttp
floor, the peers); one host at per_host 100 (CPU per URL must not grow with connections);
concurrency 1,000 (wall against linkinator); N = 100,000 at 5 ms (peak memory); and a 10-link
list (start-up, with `-X importtime`). `--quick` runs each once instead of three times.
Standard library only, like run.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent

SCENARIOS: list[tuple[str, str, list[str]]] = [
    ("many", "10,000 URLs on 100 hosts, concurrency 100, per_host 2",
     ["--n", "10000", "--hosts", "100", "--latency", "0.05", "--concurrency", "100",
      "--per-host", "2", "--peers", "monitor,aiohttp,linkinator,linkchecker"]),
    ("onehost", "2,000 URLs on 1 host, concurrency 100, per_host 100",
     ["--n", "2000", "--hosts", "1", "--latency", "0.05", "--concurrency", "100",
      "--per-host", "100", "--peers", "monitor,aiohttp"]),
    ("wide", "10,000 URLs on 100 hosts, concurrency 1000, per_host 32",
     ["--n", "10000", "--hosts", "100", "--latency", "0.05", "--concurrency", "1000",
      "--per-host", "32", "--peers", "monitor,aiohttp,linkinator"]),
    ("big", "100,000 URLs on 100 hosts, 5 ms, concurrency 100, per_host 2 (memory)",
     ["--n", "100000", "--hosts", "100", "--latency", "0.005", "--concurrency", "100",
      "--per-host", "2", "--peers", "monitor", "--repeat", "1", "--timeout", "900"]),
    ("startup", "a 10-link list (start-up)",
     ["--n", "10", "--hosts", "10", "--latency", "0.05", "--concurrency", "100",
      "--per-host", "2", "--peers", "monitor", "--repeat", "5", "--importtime"]),
]


def _row(doc: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((r for r in doc.get("summary", []) if r["name"] == name), None)


def verdicts(docs: dict[str, dict[str, Any]]) -> list[str]:
    """One line per target of issue 11, from the scenarios that ran."""
    out: list[str] = []
    many, one = docs.get("many", {}), docs.get("onehost", {})
    m, a = _row(many, "monitor"), _row(many, "aiohttp")
    if m:
        ratio = m["ratio_to_bound"]
        out.append(f"- many hosts: wall {m['wall_s']:.2f} s = {ratio:.2f}x the bound "
                   f"(target <= 1.2x): {'met' if ratio <= 1.2 else 'NOT met'}")
    if m and a:
        ratio = m["cpu_ms_per_url"] / a["cpu_ms_per_url"]
        out.append(f"- many hosts: monitor {m['cpu_ms_per_url']:.3f} ms/URL = {ratio:.1f}x the "
                   f"plain-aiohttp floor (target <= 2.5x): {'met' if ratio <= 2.5 else 'NOT met'}")
    o = _row(one, "monitor")
    if o and m:
        ratio = o["cpu_ms_per_url"] / m["cpu_ms_per_url"]
        out.append(f"- one host at per_host 100: {o['cpu_ms_per_url']:.3f} ms/URL = {ratio:.2f}x "
                   f"the many-hosts figure (target <= 1.5x): "
                   f"{'met' if ratio <= 1.5 else 'NOT met'}")
    wide = docs.get("wide", {})
    w, lk = _row(wide, "monitor"), _row(wide, "linkinator")
    if w and lk:
        beaten = "beaten" if w["wall_s"] < lk["wall_s"] else "NOT beaten"
        out.append(f"- concurrency 1000: monitor {w['wall_s']:.2f} s, linkinator "
                   f"{lk['wall_s']:.2f} s: {beaten}")
    b = _row(docs.get("big", {}), "monitor")
    if b:
        out.append(f"- N = 100,000: wall {b['wall_s']:.1f} s, {b['cpu_ms_per_url']:.3f} ms/URL, "
                   f"peak RSS {b['peak_rss_mb']:.0f} MB")
    s = _row(docs.get("startup", {}), "monitor")
    if s:
        total = docs["startup"].get("imports_ms", {}).get("(total)")
        out.append(f"- 10-link list: wall {s['wall_s']:.2f} s, CPU {s['cpu_s']:.2f} s"
                   + (f", imports {total:.0f} ms" if total else ""))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="all of the README's benchmarks in one go")
    ap.add_argument("--quick", action="store_true", help="one run per checker, not three")
    ap.add_argument("--only", help="comma-separated scenario names "
                                   f"({', '.join(s[0] for s in SCENARIOS)})")
    ap.add_argument("--json", type=Path, help="save every scenario's figures here")
    args = ap.parse_args(argv)
    wanted = set(args.only.split(",")) if args.only else {s[0] for s in SCENARIOS}
    docs: dict[str, dict[str, Any]] = {}
    code = 0
    with tempfile.TemporaryDirectory(prefix="monitor-suite-") as scratch:
        for name, title, flags in SCENARIOS:
            if name not in wanted:
                continue
            if "--repeat" not in flags:
                flags = [*flags, "--repeat", "1" if args.quick else "3"]
            out = Path(scratch) / f"{name}.json"
            print(f"\n## {title}\n", flush=True)
            print(f"`python bench/run.py {' '.join(flags)}`\n", flush=True)
            done = subprocess.run([sys.executable, str(BENCH / "run.py"), *flags,
                                   "--json", str(out)], text=True, stdout=subprocess.PIPE)
            print(done.stdout.replace(f"Raw figures: {out}\n", ""), flush=True)
            code = code or done.returncode
            if out.exists():
                docs[name] = json.loads(out.read_text())
    print("\n## Targets\n")
    print("\n".join(verdicts(docs)))
    if args.json:
        args.json.write_text(json.dumps(docs, indent=2) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
