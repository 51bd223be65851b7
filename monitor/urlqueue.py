"""The order a run takes its URLs in, and their split between worker processes: each
distinct URL once with all its resources, round-robin across hosts so the requests in
flight are spread over many of them; a host in exactly one process, so per-host limits stay
exact. A spooled list (`monitor.spool`) is ordered and split in its spool, a batch at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from .config import Config
from .models import Resource
from .spool import SpooledResources, netloc_of


def interleave_by_host(urls: Iterable[str]) -> Iterator[str]:
    """Round-robin across hosts so the workers in flight are spread over many hosts."""
    queues: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        queues[netloc_of(url)].append(url)
    lists = list(queues.values())
    for index in range(max((len(q) for q in lists), default=0)):
        for queue in lists:
            if index < len(queue):
                yield queue[index]


def _group_by_url(resources: Iterable[Resource]) -> dict[str, list[Resource]]:
    by_url: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        by_url[resource.url].append(resource)
    return by_url


def url_batches(resources: Sequence[Resource]) -> Iterator[list[tuple[str, list[Resource]]]]:
    """Each distinct URL with its resources, interleaved by host; a spooled list's a
    batch at a time, read from its spool, a list in memory's in one batch."""
    if isinstance(resources, SpooledResources):
        yield from resources.batches()
        return
    by_url = _group_by_url(resources)
    yield [(url, by_url[url]) for url in interleave_by_host(by_url)]


def url_count(resources: Sequence[Resource]) -> int:
    if isinstance(resources, SpooledResources):
        return resources.url_count()
    return len({resource.url for resource in resources})


def shard_by_host(config: Config, shards: int) -> list[Config]:
    """Split the resources into `shards` configs with disjoint hosts, balanced by URL count,
    each with its share of the global concurrency. Per-host limits stay exact because a host
    lives in exactly one shard. A spooled list is split in its spool."""
    if isinstance(config.resources, SpooledResources):
        spooled = config.resources.split_by_host(shards)
        settings = replace(config.settings, concurrency=max(
            1, config.settings.concurrency // max(1, len(spooled))))
        return [replace(config, resources=part, settings=settings) for part in spooled]
    by_host: dict[str, list[Resource]] = defaultdict(list)
    for resource in config.resources:
        by_host[netloc_of(resource.url)].append(resource)
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
