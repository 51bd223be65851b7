#!/usr/bin/env python3
"""The plain-httpx baseline: GET every URL with one AsyncClient, K requests in flight.

    python bench/peer_httpx.py --pool 100 URLS_FILE

Exactly what a naive checker does: `httpx.AsyncClient(limits=httpx.Limits(max_connections=K))`
(httpx's other limits left at their defaults, so at most 20 idle keep-alive connections),
an asyncio.Semaphore(K) around each request, the body read in full. A URL is OK when the status
is 2xx and the body has a <title>. Prints one JSON line: {"ok": n, "total": n, "errors": {...}}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from pathlib import Path

import httpx


async def check_all(urls: list[str], pool: int, timeout: float) -> tuple[int, Counter[str]]:
    limits = httpx.Limits(max_connections=pool)
    sem = asyncio.Semaphore(pool)
    errors: Counter[str] = Counter()
    ok = 0

    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:

        async def one(url: str) -> None:
            nonlocal ok
            async with sem:
                try:
                    response = await client.get(url)
                    body = response.content
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] += 1
                    return
            if 200 <= response.status_code < 300 and b"<title>" in body:
                ok += 1
            else:
                errors[f"HTTP {response.status_code}"] += 1

        await asyncio.gather(*(one(url) for url in urls))
    return ok, errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="plain httpx AsyncClient baseline")
    ap.add_argument("urls", type=Path, help="file with one URL a line")
    ap.add_argument("--pool", type=int, default=100, help="max_connections and requests in flight")
    ap.add_argument("--timeout", type=float, default=30.0)
    args = ap.parse_args(argv)
    urls = [line for line in args.urls.read_text().split() if line]
    ok, errors = asyncio.run(check_all(urls, args.pool, args.timeout))
    print(json.dumps({"ok": ok, "total": len(urls), "errors": dict(errors)}))
    return 0 if ok == len(urls) else 1


if __name__ == "__main__":
    sys.exit(main())
