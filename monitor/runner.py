"""One check run: resources -> fetch (deduplicated, interleaved by host) -> judge -> Run.

Cron, the daemon and CI all call `check()`. It touches the database only to read baselines;
storing the run is the caller's next step (`Store.record_run`), keeping data flow one way.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import secrets
import signal
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from .config import Config
from .fetch import Fetcher, FetchOptions
from .judge import Context, judge
from .models import Fetched, Reason, Resource, Result, Run, Status
from .store import Baseline

log = logging.getLogger(__name__)
AUTO_SHARD_URLS = 2000  # below this, one process finishes in ~2 s: not worth starting more
OFFLINE_REASONS = frozenset({Reason.DNS, Reason.CONNECT, Reason.TIMEOUT})
ProgressHook = Callable[[Result], None]


@dataclass(slots=True)
class _Probes:
    """Once-per-host-per-run catch-all probes: the title a nonexistent path gets."""

    fetcher: Fetcher
    pending: dict[str, asyncio.Task[str | None]] = field(default_factory=dict)

    async def catch_all_title(self, url: str) -> str | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        task = self.pending.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._probe(origin))
            self.pending[origin] = task
        return await task

    async def _probe(self, origin: str) -> str | None:
        fetched = await self.fetcher.fetch(f"{origin}/{secrets.token_hex(12)}-monitor-probe")
        if fetched.error is None and fetched.http_status == 200 and fetched.page.title:
            return fetched.page.title
        return None


def fetch_options(config: Config) -> FetchOptions:
    s = config.settings
    return FetchOptions(
        timeout=s.timeout, concurrency=s.concurrency, per_host=s.per_host, retries=s.retries,
        user_agent=s.user_agent, max_bytes=s.max_bytes, max_redirects=s.max_redirects,
        host_delay=s.host_delay, retry_after_max=s.retry_after_max,
        ca_bundle=str(config.resolve(s.ca_bundle)) if s.ca_bundle else None,
    )


def interleave_by_host(urls: Iterable[str]) -> Iterator[str]:
    """Round-robin across hosts so the workers in flight are spread over many hosts."""
    queues: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        queues[urlsplit(url).netloc.lower()].append(url)
    lists = list(queues.values())
    for index in range(max((len(q) for q in lists), default=0)):
        for queue in lists:
            if index < len(queue):
                yield queue[index]


def baseline_for(resource: Resource, baselines: dict[str, Baseline]) -> tuple[str | None, str]:
    """The title to compare against and where it came from.

    expected_title in the file wins, unless the curator accepted a newer title while the file
    still said the same thing; without expected_title, the learned or accepted baseline is used.
    """
    stored = baselines.get(resource.id)
    if resource.expected_title:
        if stored and stored.source == "accepted" and stored.expected_title == \
                resource.expected_title:
            return stored.title, "accepted"
        return resource.expected_title, "expected_title"
    if stored:
        return stored.title, stored.source
    return None, "none"


def is_offline(results: Iterable[Result]) -> bool:
    """Every resource, on at least two origins, failed at the network level: it is us."""
    results = list(results)
    origins = {urlsplit(r.url).netloc for r in results}
    return len(origins) >= 2 and all(
        r.status in (Status.DOWN, Status.BROKEN) and r.reason in OFFLINE_REASONS
        for r in results
    )


async def _judge_one(
    resource: Resource, fetched: Fetched, config: Config, baselines: dict[str, Baseline],
    probes: _Probes, now: datetime,
) -> Result:
    settings = config.settings
    baseline, source = baseline_for(resource, baselines)
    ctx = Context(
        title_threshold=resource.title_threshold if resource.title_threshold is not None
        else settings.title_threshold,
        baseline_title=baseline, baseline_source=source, tls_warn_days=settings.tls_warn_days,
        now=now,
    )
    verdict = judge(resource, fetched, ctx)
    if verdict.reason is Reason.TITLE_CHANGED or (
        verdict.status is Status.OK and baseline is None and fetched.page.is_html
    ):
        # A changed or never-seen title: is it just what this site says for any missing page?
        catch_all = await probes.catch_all_title(fetched.final_url)
        if catch_all:
            verdict = judge(resource, fetched, replace(ctx, catch_all_title=catch_all))
    tls_days = None
    if fetched.tls_expires_at is not None:
        tls_days = round((fetched.tls_expires_at - now).total_seconds() / 86400, 1)
    return Result(
        id=resource.id, name=resource.name, url=resource.url, status=verdict.status,
        reason=verdict.reason, detail=verdict.detail, http_status=fetched.http_status,
        final_url=fetched.final_url, redirects=fetched.redirects, title=fetched.page.title,
        expected_title=baseline, elapsed_ms=fetched.elapsed_ms, checked_at=now,
        tags=resource.tags, warnings=verdict.warnings, tls_days_left=tls_days,
    )


def _group_by_url(resources: Iterable[Resource]) -> dict[str, list[Resource]]:
    by_url: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        by_url[resource.url].append(resource)
    return by_url


async def _gather(
    config: Config,
    baselines: dict[str, Baseline],
    on_result: ProgressHook | None,
    clock: Callable[[], datetime],
) -> dict[str, Result]:
    """Fetch and judge every resource of `config` in this process."""
    by_url = _group_by_url(config.resources)
    results: dict[str, Result] = {}
    options = fetch_options(config)
    needs_text = {url for url, rs in by_url.items() if any(r.keywords for r in rs)}
    async with Fetcher(options, full_text=needs_text.__contains__) as f:
        probes = _Probes(f)
        queue = iter(interleave_by_host(by_url))

        async def worker() -> None:
            for url in queue:
                robots = any(
                    r.respect_robots if r.respect_robots is not None
                    else config.settings.respect_robots
                    for r in by_url[url]
                )
                fetched = await f.fetch(url, respect_robots=robots)
                now = clock()
                for resource in by_url[url]:
                    result = await _judge_one(resource, fetched, config, baselines, probes, now)
                    results[resource.id] = result
                    if on_result is not None:
                        on_result(result)

        workers = min(options.concurrency, len(by_url))
        await asyncio.gather(*(worker() for _ in range(workers)))
    return results


def worker_count(config: Config, urls: int) -> int:
    """Processes to use: `workers` from the config, or (0, auto) one per core for runs big
    enough that one process would be CPU-bound (measured: ~1 ms of CPU per URL)."""
    wanted = config.settings.workers
    if wanted == 0:
        wanted = min(os.cpu_count() or 1, 4) if urls >= AUTO_SHARD_URLS else 1
    if wanted > 1 and not _can_spawn():
        return 1
    return max(1, min(wanted, urls))


def _can_spawn() -> bool:
    """Spawned workers re-import the main module: impossible when it is stdin or an
    interactive session, so such callers run in one process."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name:
        return True
    path = getattr(main, "__file__", None)
    return isinstance(path, str) and Path(path).is_file()


def shard_by_host(config: Config, shards: int) -> list[Config]:
    """Split the resources into `shards` configs with disjoint hosts, balanced by URL count,
    each with its share of the global concurrency. Per-host limits stay exact because a host
    lives in exactly one shard."""
    by_host: dict[str, list[Resource]] = defaultdict(list)
    for resource in config.resources:
        by_host[urlsplit(resource.url).netloc.lower()].append(resource)
    loads = [0] * shards
    parts: list[list[Resource]] = [[] for _ in range(shards)]
    for host_resources in sorted(by_host.values(), key=len, reverse=True):
        lightest = loads.index(min(loads))
        parts[lightest].extend(host_resources)
        loads[lightest] += len(host_resources)
    parts = [part for part in parts if part]
    settings = replace(config.settings,
                       concurrency=max(1, config.settings.concurrency // max(1, len(parts))))
    return [replace(config, resources=tuple(part), settings=settings) for part in parts]


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _watch_parent(parent: int) -> None:
    """Without a parent-death signal (not Linux): notice the parent's death by polling."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _worker_init(parent: int) -> None:
    """First thing in each worker process: die with the parent, whatever kills it (kill -9,
    the OOM killer, cron's timeout), so no worker fetches on without the run's lock; and
    leave Ctrl-C to the parent, which stops the workers itself (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    armed = False
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's processes now: shutdown() alone would wait for their shards."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        if process.is_alive():
            process.kill()


def _check_shard(config: Config, baselines: dict[str, Baseline]) -> list[Result]:
    """Runs in a worker process: one shard, its own event loop and client."""
    results = asyncio.run(_gather(config, baselines, None, lambda: datetime.now(UTC)))
    return list(results.values())


async def _gather_sharded(
    config: Config, baselines: dict[str, Baseline], on_result: ProgressHook | None,
    shards: int,
) -> dict[str, Result]:
    """The first shard is checked here, the others in worker processes: this process would
    otherwise only wait, and each worker costs its start-up (~0.3 s of imports)."""
    parts = shard_by_host(config, shards)
    if len(parts) < 2:  # one host: another process would only add its start-up
        return await _gather(config, baselines, on_result, lambda: datetime.now(UTC))
    loop = asyncio.get_running_loop()
    # "spawn", not fork: the daemon calls this from a scheduler thread, and forking a
    # threaded process can deadlock.
    context = multiprocessing.get_context("spawn")
    results: dict[str, Result] = {}
    futures: list[asyncio.Future[list[Result]]] = []
    local, remote = parts[0], parts[1:]

    def share(part: Config) -> dict[str, Baseline]:
        return {r.id: baselines[r.id] for r in part.resources if r.id in baselines}

    async def collect() -> None:
        for done in asyncio.as_completed(futures):
            for result in await done:
                results[result.id] = result
                if on_result is not None:
                    on_result(result)

    pool = ProcessPoolExecutor(max_workers=len(remote), mp_context=context,
                               initializer=_worker_init, initargs=(os.getpid(),))
    here: asyncio.Future[dict[str, Result]] | None = None
    try:
        # A worker that dies (killed, out of memory) breaks the pool: the caller falls back.
        futures += [loop.run_in_executor(pool, _check_shard, part, share(part))
                    for part in remote]
        here = asyncio.ensure_future(
            _gather(local, share(local), on_result, lambda: datetime.now(UTC)))
        await collect()
        results.update(await here)
    except BaseException:  # Ctrl-C, SIGTERM, a failure: the workers stop with the run
        for future in futures:
            future.cancel()  # nobody waits for these any more: no "never retrieved" noise
        _stop_workers(pool)
        if here is not None and not here.done():
            here.cancel()
            await asyncio.wait([here])
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


async def check(
    config: Config,
    baselines: dict[str, Baseline] | None = None,
    *,
    on_result: ProgressHook | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Run:
    """Fetch and judge every resource; results come back in config order."""
    baselines = baselines or {}
    started = clock()
    urls = len({resource.url for resource in config.resources})
    shards = worker_count(config, urls)
    if shards > 1:
        try:
            results = await _gather_sharded(config, baselines, on_result, shards)
        except BrokenProcessPool as exc:
            log.warning("worker processes failed (%s); checking in one process", exc)
            results = await _gather(config, baselines, on_result, clock)
    else:
        results = await _gather(config, baselines, on_result, clock)
    ordered = tuple(results[r.id] for r in config.resources)
    offline = is_offline(ordered)
    if offline:
        # Our own network is down: nothing can be concluded about the links, so none is
        # declared dead ("broken"); they are all unreachable from here ("down").
        ordered = tuple(
            replace(r, status=Status.DOWN, detail=f"unreachable from this machine: {r.detail}")
            for r in ordered
        )
    return Run(started, clock(), ordered, offline=offline)
