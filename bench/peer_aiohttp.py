#!/usr/bin/env python3
"""The plain-aiohttp floor: GET every URL with one ClientSession, C in flight, P per host.

    python bench/peer_aiohttp.py --limit 100 --per-host 2 URLS_FILE

What the cheapest Python checker does: `aiohttp.TCPConnector(limit=C, limit_per_host=P)`, an
asyncio.Semaphore(C) around each request (so at most C tasks wait at once), the body read in
full. A URL is OK when the status is 2xx and the body has a <title>. No parsing, no judgement,
no storage: this row is the floor for Python, not a competitor. Prints one JSON line:
{"ok": n, "total": n, "errors": {...}}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from pathlib import Path

import aiohttp


async def check_all(urls: list[str], limit: int, per_host: int, timeout: float
                    ) -> tuple[int, Counter[str]]:
    sem = asyncio.Semaphore(limit)
    errors: Counter[str] = Counter()
    ok = 0
    connector = aiohttp.TCPConnector(limit=limit, limit_per_host=per_host)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)
    ) as session:

        async def one(url: str) -> None:
            nonlocal ok
            async with sem:
                try:
                    async with session.get(url) as response:
                        body = await response.read()
                        status = response.status
                except (aiohttp.ClientError, TimeoutError) as exc:
                    errors[type(exc).__name__] += 1
                    return
            if 200 <= status < 300 and b"<title>" in body:
                ok += 1
            else:
                errors[f"HTTP {status}"] += 1

        await asyncio.gather(*(one(url) for url in urls))
    return ok, errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="plain aiohttp ClientSession floor")
    ap.add_argument("urls", type=Path, help="file with one URL a line")
    ap.add_argument("--limit", type=int, default=100, help="connector limit and requests in flight")
    ap.add_argument("--per-host", type=int, default=2, help="connector limit_per_host")
    ap.add_argument("--timeout", type=float, default=30.0)
    args = ap.parse_args(argv)
    urls = [line for line in args.urls.read_text().split() if line]
    ok, errors = asyncio.run(check_all(urls, args.limit, args.per_host, args.timeout))
    print(json.dumps({"ok": ok, "total": len(urls), "errors": dict(errors)}))
    return 0 if ok == len(urls) else 1


if __name__ == "__main__":
    sys.exit(main())
