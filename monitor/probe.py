"""Is it us? A reachability probe for runs in which every resource failed at the network level.

When every link fails with a DNS, connect or timeout error, either every site is down or this
machine is offline. The list's shape cannot tell (all links may live on one host), so we try
to open a TCP connection (name lookup included) to the `offline_probe` URLs of `[monitor]`:
if none answers, the run is offline. Only called in that rare case; nothing is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from urllib.parse import urlsplit

#: Well-known, highly available hosts; reached by name, so a broken resolver counts as offline.
DEFAULT_PROBES = ("https://one.one.one.one/", "https://dns.google/")
PROBE_TIMEOUT = 5.0


def probe_address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname or "", port


async def _connects(url: str, timeout: float) -> bool:
    host, port = probe_address(url)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError, UnicodeError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


async def reachable(urls: Sequence[str], timeout: float = PROBE_TIMEOUT) -> bool:
    """True when at least one probe URL accepts a TCP connection within `timeout`."""
    if not urls:
        return False
    answers = await asyncio.gather(*(_connects(url, timeout) for url in urls))
    return any(answers)
