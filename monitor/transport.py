"""An httpx transport that keeps one small connection pool per origin.

httpcore's pool scans every pooled connection on each request, so a single shared pool sized
for the whole run (say 100 connections) makes CPU per request grow with concurrency. Routing
each origin to its own pool of `per_host` connections keeps that scan tiny and the cost per
request flat, while the client keeps httpx's ordinary API. One SSL context is shared by every
pool so certificates are loaded once per run.
"""

from __future__ import annotations

import ssl

import httpx


class PerHostTransport(httpx.AsyncBaseTransport):
    """Dispatches each request to a lazily created per-origin `AsyncHTTPTransport`."""

    def __init__(
        self,
        *,
        per_host: int,
        ssl_context: ssl.SSLContext,
        keepalive_expiry: float = 5.0,
    ) -> None:
        self._per_host = per_host
        self._ssl_context = ssl_context
        self._keepalive_expiry = keepalive_expiry
        self._pools: dict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = {}

    def _pool_for(self, url: httpx.URL) -> httpx.AsyncHTTPTransport:
        key = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = httpx.AsyncHTTPTransport(
                verify=self._ssl_context,
                limits=httpx.Limits(
                    max_connections=self._per_host,
                    max_keepalive_connections=self._per_host,
                    keepalive_expiry=self._keepalive_expiry,
                ),
                retries=0,
            )
            self._pools[key] = pool
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool_for(request.url).handle_async_request(request)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()
