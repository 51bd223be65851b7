"""Checking one list on several machines: `check --shard I/N` and `merge`.

A host's every URL goes to the same shard, chosen by a stable hash of the host name (blake2b,
not Python's per-process `hash()`), so per-host politeness holds across machines and every
machine computes the same split without talking to the others. Each shard records its run in
its own history database, tagged with its `I/N`; `merge` takes the latest run of each shard
database, checks that the N shards are all there exactly once, and records them as one run in
the main history — streaks, confirmations, baselines and reports then work as for any run.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from .config import Config
from .lock import run_lock
from .models import Result, Run
from .pipeline import Outcome, database_path, hand_over, record
from .spool import SpooledResources
from .store import Store

SHARD_META_KEY = "shard"
INDEX_ENV = "JOB_COMPLETION_INDEX"  # set by a Kubernetes Indexed Job
TOTAL_ENV = "MONITOR_SHARDS"


class ShardError(ValueError):
    """A bad --shard value, or shard databases that do not add up to one run."""


@dataclass(frozen=True, slots=True)
class Shard:
    index: int  # 0-based, as GitHub's matrix and JOB_COMPLETION_INDEX count
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


def parse_shard(text: str, total: int | None = None,
                environ: Mapping[str, str] = os.environ) -> Shard:
    """`I/N`, or `auto`: I from $JOB_COMPLETION_INDEX, N from `total` or $MONITOR_SHARDS."""
    text = text.strip()
    if text == "auto":
        index_text = environ.get(INDEX_ENV)
        if index_text is None:
            raise ShardError(f"--shard auto needs ${INDEX_ENV} (set by a Kubernetes "
                             "Indexed Job)")
        total_text = str(total) if total is not None else environ.get(TOTAL_ENV)
        if total_text is None:
            raise ShardError(f"--shard auto needs the number of shards: --shards N or "
                             f"${TOTAL_ENV}")
        text = f"{index_text}/{total_text}"
    index_text, slash, total_text = text.partition("/")
    try:
        shard = Shard(int(index_text), int(total_text))
    except ValueError:
        raise ShardError(f"--shard {text!r}: expected I/N, e.g. 0/4 (I counts from 0)"
                         ) from None
    if not slash or shard.total < 1 or not 0 <= shard.index < shard.total:
        raise ShardError(f"--shard {text!r}: need 0 <= I < N")
    return shard


def host_of(url: str) -> str:
    """The host a URL's politeness is counted against (any port of it)."""
    return (urlsplit(url).hostname or "").lower()


def shard_of(host: str, total: int) -> int:
    """Which of `total` shards checks `host`: the same answer on every machine, every run."""
    digest = hashlib.blake2b(host.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % total


def select(config: Config, shard: Shard) -> Config:
    """The part of `config` that `shard` checks (possibly nothing), without notifiers:
    `merge` announces what the shards found, so nothing is queued in a shard's history."""
    cache: dict[str, int] = {}

    def mine(url: str) -> bool:
        host = host_of(url)
        if host not in cache:
            cache[host] = shard_of(host, shard.total)
        return cache[host] == shard.index

    if isinstance(config.resources, SpooledResources):  # a big list: copied spool to spool
        return replace(config, resources=config.resources.subset(
            lambda netloc: mine(f"//{netloc}")), notifiers=())
    return replace(config, resources=tuple(r for r in config.resources if mine(r.url)),
                   notifiers=())


def shard_database(config: Config, shard: Shard, override: Path | None) -> Path:
    """`--db`, or the configured database with `.shard-I-of-N` before its suffix, so a shard
    run on the machine that keeps the main history never writes into it."""
    if override is not None:
        return override
    path = database_path(config)
    return path.with_name(f"{path.stem}.shard-{shard.index}-of-{shard.total}{path.suffix}")


def tag(store: Store, shard: Shard) -> None:
    """Mark a database as holding shard I/N's runs (merge checks the set is complete)."""
    store.set_meta(SHARD_META_KEY, str(shard))


def _latest(path: Path) -> tuple[Shard | None, Run]:
    if not path.is_file():
        raise ShardError(f"{path}: no such shard database")
    with Store(path) as store:
        run = store.load_run()
        spec = store.meta(SHARD_META_KEY)
    if run is None:
        raise ShardError(f"{path}: holds no run yet")
    return (parse_shard(spec) if spec else None), run


def combine(config: Config, paths: Sequence[Path]) -> Run:
    """The latest run of every shard database as one run, results in config order.

    Offline means every shard found itself offline; a shard that was offline alone keeps its
    results (all `down`, marked unreachable from its machine)."""
    shards: dict[Shard, Path] = {}
    results: dict[str, Result] = {}
    runs: list[Run] = []
    for path in paths:
        shard, run = _latest(path)
        if shard is not None:
            if shard in shards:
                raise ShardError(f"{path} and {shards[shard]} are both shard {shard}")
            shards[shard] = path
        for result in run.results:
            if result.id in results:
                raise ShardError(f"{path}: resource {result.id!r} is in two shard databases")
            results[result.id] = result
        runs.append(run)
    totals = {shard.total for shard in shards}
    if len(totals) > 1:
        raise ShardError(f"shard databases come from different splits: {sorted(totals)}")
    if totals:
        total = totals.pop()
        missing = sorted(set(range(total)) - {shard.index for shard in shards})
        if missing:
            raise ShardError(f"shard(s) {', '.join(f'{i}/{total}' for i in missing)} missing")
    unchecked = [r.id for r in config.resources if r.id not in results]
    if unchecked:
        raise ShardError(f"{len(unchecked)} resource(s) of {config.path} checked by no shard "
                         f"(first: {unchecked[0]!r}); was the list edited between runs?")
    known = {r.id for r in config.resources}
    ordered = [results[r.id] for r in config.resources] + [
        result for rid, result in results.items() if rid not in known]
    return Run(
        started_at=min(run.started_at for run in runs),
        finished_at=max(run.finished_at for run in runs),
        results=tuple(ordered),
        offline=all(run.offline for run in runs),
    )


def merge(
    config: Config, paths: Sequence[Path], *, db: Path | None = None,
    confirm_runs: int | None = None, after: Callable[[Run, Store], None] | None = None,
    deliver: Callable[[Outcome, Store], object] | None = None,
) -> Outcome:
    """Record the shards' runs as one run in the main history, like `pipeline.run_once`
    records a run it checked itself (same lock, streaks, mutes, baselines, pruning, and the
    same outbox: `deliver(outcome, store)` sends what is queued, and what it cannot send
    stays queued for the next merge or check)."""
    run = combine(config, paths)
    path = database_path(config, db)
    if any(p.resolve() == path.resolve() for p in paths if path.exists()):
        raise ShardError(f"{path} is one of the shard databases; merge into another file")
    with run_lock(path), Store(path) as store:
        outcome = record(config, run, store, confirm_runs or config.settings.confirm_runs,
                         content=False)
        hand_over(outcome, store, after, deliver)
    return outcome
