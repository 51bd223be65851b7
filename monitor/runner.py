"""One check run: resources -> fetch (deduplicated, interleaved by host) -> judge -> Run.

Cron, the daemon and CI all call `check()`. It touches the database only to read baselines;
storing the run is the caller's next step (`Store.record_run`), keeping data flow one way.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import UTC, datetime
from itertools import chain
from urllib.parse import urlsplit

from .config import Config
from .fetch import Fetcher, FetchOptions
from .judging import Probes, content_reader, judge_one, unjudgeable
from .judging import baseline_for as baseline_for  # re-exported: commands use it
from .models import Reason, Resource, Result, Run, Status
from .probe import PROBE_TIMEOUT, reachable
from .resultseq import map_results
from .store import Baseline
from .store_content import ContentMemory, MarkupReader
from .store_lookup import HistoryLookup
from .store_stage import Stage, StagedResults, StageSink, StageWriter, staged_part
from .urlqueue import interleave_by_host as interleave_by_host  # re-exported
from .urlqueue import shard_by_host, url_batches, url_count
from .workers import LIVE_POOLS, can_spawn, stop_workers, worker_init
from .workers import abandon_workers as abandon_workers  # re-exported: the daemon uses it

log = logging.getLogger(__name__)
AUTO_SHARD_URLS = 2000  # below this, one process finishes in ~2 s: not worth starting more
#: Below this, one process keeps up with the network (c100 of 50 ms loopback pages is about
#: one core, real sites answer slower), and a second costs CPU per URL: its start-up, and
#: each event loop's smaller batches (2 x c50 cost ~15% more CPU per URL than 1 x c100).
AUTO_SHARD_CONCURRENCY = 250
#: From this many URLs a second process pays for itself at any concurrency: its fixed cost
#: (start-up, handing over its part, ~1-2 s of CPU) is a few per cent of the run's, and
#: where the sites answer fast one process is CPU-bound (100,000 URLs at 5 ms: 62 s in one
#: process, 44 s in two, for 3 % more CPU).
AUTO_SHARD_BIG = 20_000
OFFLINE_REASONS = frozenset({Reason.DNS, Reason.CONNECT, Reason.TIMEOUT})
ProgressHook = Callable[[Result], None]
ResultSink = Callable[[Result], None]


def fetch_options(config: Config) -> FetchOptions:
    s = config.settings
    return FetchOptions(
        timeout=s.timeout, concurrency=s.concurrency, per_host=s.per_host, retries=s.retries,
        user_agent=s.user_agent, max_bytes=s.max_bytes, max_redirects=s.max_redirects,
        host_delay=s.host_delay, retry_after_max=s.retry_after_max,
        ca_bundle=str(config.resolve(s.ca_bundle)) if s.ca_bundle else None,
        allow_private=s.allow_private,
    )


def all_unreachable(results: Iterable[Result]) -> bool:
    """Every resource failed at the network level (DNS, connect, timeout)."""
    results = list(results)
    return bool(results) and all(
        r.status in (Status.DOWN, Status.BROKEN) and r.reason in OFFLINE_REASONS
        for r in results
    )


async def _gather(
    config: Config,
    baselines: dict[str, Baseline],
    on_result: ProgressHook | None,
    clock: Callable[[], datetime],
    memory: ContentMemory | None = None,
    put: ResultSink | None = None,
    lookup: HistoryLookup | None = None,
) -> dict[str, Result]:
    """Fetch and judge every resource of `config` in this process. With `put`, each result
    goes there as it is judged instead of into the dict returned (which stays empty).
    Only the URLs of the current batch and those in flight are held (`window`); with
    `lookup`, so are their baselines and content memory, asked of the history per batch."""
    memory = memory or ContentMemory()
    window: dict[str, list[Resource]] = {}
    results: dict[str, Result] = {}
    options, settings = fetch_options(config), config.settings
    markup = MarkupReader(memory.database)

    def needs_text(url: str) -> bool:
        return any(r.keywords for r in window.get(url, ()))

    def taken() -> Iterator[str]:
        for batch in url_batches(config.resources):
            if lookup is not None:
                _recall(lookup, batch, baselines, memory)
            window.update(batch)
            for url, _ in batch:
                yield url

    async with Fetcher(options, full_text=needs_text,
                       content=content_reader(window, memory, markup)) as f:
        probes = Probes(f)
        queue = taken()

        async def worker() -> None:
            for url in queue:
                resources = window[url]
                robots = any(settings.respect_robots if r.respect_robots is None
                             else r.respect_robots for r in resources)
                allow_private = any(settings.allow_private if r.allow_private is None
                                    else r.allow_private for r in resources)
                fetched = await f.fetch(url, respect_robots=robots, allow_private=allow_private)
                now = clock()
                for resource in resources:
                    try:
                        result = await judge_one(resource, fetched, config, baselines, probes,
                                                  now, memory)
                    except Exception as exc:  # nothing about one resource may end the run
                        result = unjudgeable(resource, fetched, now, exc)
                    if put is not None:
                        put(result)
                    else:
                        results[resource.id] = result
                    if on_result is not None:
                        on_result(result)
                if lookup is not None:
                    _forget(resources, baselines, memory)
                del window[url]

        workers = min(options.concurrency, url_count(config.resources))
        try:
            await asyncio.gather(*(worker() for _ in range(workers)))
        finally:
            markup.close()
    return results


def _recall(lookup: HistoryLookup, batch: list[tuple[str, list[Resource]]],
            baselines: dict[str, Baseline], memory: ContentMemory) -> None:
    known, past = lookup.recall([r.id for _, resources in batch for r in resources])
    baselines.update(known)
    memory.snapshots.update(past.snapshots)
    memory.known.update(past.known)


def _forget(resources: list[Resource], baselines: dict[str, Baseline],
            memory: ContentMemory) -> None:
    for resource in resources:
        baselines.pop(resource.id, None)
        memory.snapshots.pop(resource.id, None)
        memory.known.pop(resource.id, None)


def worker_count(config: Config, urls: int) -> int:
    """Processes to use: `workers` from the config, or (0, auto) one per core for runs big
    and parallel enough that one process would be CPU-bound (~0.5 ms of CPU per URL), and
    for any run of AUTO_SHARD_BIG URLs or more."""
    wanted = config.settings.workers
    if wanted == 0:
        parallel = urls >= AUTO_SHARD_URLS and \
            config.settings.concurrency >= AUTO_SHARD_CONCURRENCY
        wanted = min(os.cpu_count() or 1, 4) if parallel or urls >= AUTO_SHARD_BIG else 1
    if wanted > 1 and not can_spawn():
        return 1
    return max(1, min(wanted, urls))


def _check_shard(config: Config, baselines: dict[str, Baseline],
                 memory: ContentMemory, stage: Stage | None = None, part: int = 0,
                 lookup: HistoryLookup | None = None) -> list[Result]:
    """Runs in a worker process: one shard, its own event loop and client. With `stage`,
    its results are staged in the history as they complete and none is returned."""
    writer = StageWriter(stage, part) if stage is not None else None
    try:
        results = asyncio.run(_gather(config, baselines, None, lambda: datetime.now(UTC),
                                      memory, writer, lookup))
    finally:
        if writer is not None:
            writer.close()
    return list(results.values())


async def _gather_sharded(
    config: Config, baselines: dict[str, Baseline], on_result: ProgressHook | None,
    shards: int, memory: ContentMemory, sink: StageSink | None = None,
    lookup: HistoryLookup | None = None,
) -> dict[str, Result]:
    """The first shard is checked here, the others in worker processes: this process would
    otherwise only wait, and each worker costs its start-up (~0.3 s of imports)."""
    parts = shard_by_host(config, shards)
    if len(parts) < 2:  # one host: another process would only add its start-up
        return await _gather(config, baselines, on_result, lambda: datetime.now(UTC), memory,
                             sink, lookup)
    loop = asyncio.get_running_loop()
    # "spawn", not fork: the daemon calls this from a scheduler thread, and forking a
    # threaded process can deadlock.
    context = multiprocessing.get_context("spawn")
    results: dict[str, Result] = {}
    futures: list[asyncio.Future[list[Result]]] = []
    local, remote = parts[0], parts[1:]

    def share(part: Config) -> dict[str, Baseline]:
        if not baselines:  # (a first run: no pass over a big list's resources)
            return {}
        return {r.id: baselines[r.id] for r in part.resources if r.id in baselines}

    async def numbered(part: int, future: asyncio.Future[list[Result]]
                       ) -> tuple[int, list[Result]]:
        return part, await future

    async def collect() -> None:
        for done in asyncio.as_completed([numbered(i, f) for i, f in enumerate(futures, 1)]):
            part, returned = await done
            staged = staged_part(sink.stage, part) if sink is not None else iter(())
            for batch in chain([returned], staged):
                for result in batch:
                    if sink is not None:
                        sink.tally(result)
                    else:
                        results[result.id] = result
                    if on_result is not None:
                        on_result(result)
                # A worker's part is read back a batch at a time while this process's own
                # part is still being checked: its fetches must not wait for all of it.
                await asyncio.sleep(0)

    pool = ProcessPoolExecutor(max_workers=len(remote), mp_context=context,
                               initializer=worker_init, initargs=(os.getpid(),))
    LIVE_POOLS.add(pool)
    here: asyncio.Future[dict[str, Result]] | None = None
    try:
        # A worker that dies (killed, out of memory) breaks the pool: the caller falls back.
        futures += [loop.run_in_executor(pool, _check_shard, part, share(part),
                                         _memory_for(part, memory),
                                         sink.stage if sink is not None else None, index,
                                         lookup)
                    for index, part in enumerate(remote, 1)]
        here = asyncio.ensure_future(_gather(local, share(local), on_result,
                                             lambda: datetime.now(UTC), memory, sink, lookup))
        await collect()
        results.update(await here)
    except BaseException:  # Ctrl-C, SIGTERM, a failure: the workers stop with the run
        for future in futures:
            future.cancel()  # nobody waits for these any more: no "never retrieved" noise
        stop_workers(pool)
        if here is not None and not here.done():
            here.cancel()
            await asyncio.wait([here])
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def _memory_for(config: Config, memory: ContentMemory) -> ContentMemory:
    if not memory.snapshots and not memory.known:
        return ContentMemory(database=memory.database)
    ids = {r.id for r in config.resources}
    return ContentMemory({k: v for k, v in memory.snapshots.items() if k in ids},
                         {k: v for k, v in memory.known.items() if k in ids}, memory.database)


async def check(
    config: Config,
    baselines: dict[str, Baseline] | None = None,
    *,
    on_result: ProgressHook | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    memory: ContentMemory | None = None,
    stage: Stage | None = None,
    lookup: HistoryLookup | None = None,
) -> Run:
    """Fetch and judge every resource; results come back in config order. `memory` is what
    the history knows of past content (snapshots to compare with, bodies already read).
    With `stage`, results are staged in the history as they complete (by every worker
    process) and the run's results read them back from there: none is held in memory.
    With `lookup` (a big list's run), baselines and content memory are asked of the
    history a batch of resources at a time instead (`baselines` and `memory` stay empty)."""
    baselines = baselines or {}
    memory = memory or ContentMemory(database=lookup.database if lookup else None)
    started = clock()
    shards = worker_count(config, url_count(config.resources))
    sink = StageSink(stage, OFFLINE_REASONS) if stage is not None else None
    try:
        if shards > 1:
            try:
                results = await _gather_sharded(config, baselines, on_result, shards, memory,
                                                sink, lookup)
            except BrokenProcessPool as exc:
                log.warning("worker processes failed (%s); checking in one process", exc)
                if sink is not None:
                    sink.restart()
                results = await _gather(config, baselines, on_result, clock, memory, sink,
                                        lookup)
        else:
            results = await _gather(config, baselines, on_result, clock, memory, sink, lookup)
    finally:
        if sink is not None:
            sink.writer.close()
    ordered: Sequence[Result]
    if sink is not None:
        ordered = StagedResults(sink.stage, config.resources, sink.count)
        unreachable = sink.count > 0 and sink.unreachable
        origins = len(sink.origins)
    else:
        ordered = tuple(results[r.id] for r in config.resources)
        unreachable = all_unreachable(ordered)
        origins = len({urlsplit(r.url).netloc for r in ordered})
    probe = config.settings.offline_probe
    offline = unreachable and (
        not await reachable(probe, min(config.settings.timeout, PROBE_TIMEOUT)) if probe
        else origins >= 2)
    if offline:
        # Our own network is down: nothing can be concluded about the links, so none is
        # declared dead ("broken"); they are all unreachable from here ("down").
        ordered = map_results(ordered, _unreachable_from_here)
    return Run(started, clock(), ordered, offline=offline)


def _unreachable_from_here(result: Result) -> Result:
    return replace(result, status=Status.DOWN,
                   detail=f"unreachable from this machine: {result.detail}")
