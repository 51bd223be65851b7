"""Run orchestration: host interleaving, sharding across processes, offline detection."""

from __future__ import annotations

import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from monitor import runner
from monitor.config import load_config
from monitor.runner import interleave_by_host, shard_by_host, worker_count

from conftest import write_config
from loopback import LoopbackWeb, article


def test_interleave_spreads_hosts() -> None:
    urls = [f"http://a/{i}" for i in range(3)] + [f"http://b/{i}" for i in range(2)]
    assert list(interleave_by_host(urls)) == [
        "http://a/0", "http://b/0", "http://a/1", "http://b/1", "http://a/2"]


def test_shards_have_disjoint_hosts_balanced_load_and_split_concurrency(tmp_path: Path) -> None:
    resources = [{"id": f"r{h}-{i}", "url": f"http://host{h}.example/{i}"}
                 for h in range(5) for i in range(h + 1)]
    config = load_config(write_config(tmp_path / "r.toml", resources, concurrency=10))
    shards = shard_by_host(config, 2)
    hosts = [{urlsplit(r.url).netloc for r in shard.resources} for shard in shards]
    assert hosts[0].isdisjoint(hosts[1])
    assert sorted(len(s.resources) for s in shards) == [7, 8]
    assert all(s.settings.concurrency == 5 for s in shards)
    assert sum(len(s.resources) for s in shards) == len(resources)


def test_worker_count_is_automatic_only_for_big_runs(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "r.toml", [{"id": "a", "url": "http://x/"}]))
    assert worker_count(config, 10) == 1
    assert worker_count(config, 50_000) >= 1
    forced = load_config(write_config(tmp_path / "r.toml", [{"id": "a", "url": "http://x/"}],
                                      workers=3))
    assert worker_count(forced, 10) == 3 and worker_count(forced, 2) == 2


def test_automatic_workers_only_for_runs_parallel_enough_to_be_cpu_bound(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
    resources = [{"id": "a", "url": "http://x/"}]
    modest = load_config(write_config(tmp_path / "r.toml", resources, concurrency=100))
    assert worker_count(modest, 10_000) == 1  # one process keeps up with the network
    # ...but a second pays for itself on a big list, where fast sites make one CPU-bound
    assert worker_count(modest, runner.AUTO_SHARD_BIG) == 2
    wide = load_config(write_config(tmp_path / "r.toml", resources, concurrency=1000))
    assert worker_count(wide, 10_000) == 2 and worker_count(wide, 100) == 1


def test_sharded_run_matches_single_process_run(web: LoopbackWeb, run_check: Any) -> None:
    web.set_page("/a", article("Page A"))
    resources = [
        {"id": "a", "url": web.url("/a")},
        {"id": "gone", "url": web.url("/status/404")},
        {"id": "moved", "url": web.url("/redirect/301?to=/a")},
        {"id": "tls", "url": web.tls_url("/ok")},
        {"id": "closed", "url": web.raw_url("closed", "/x")},
    ]
    single = run_check(resources, ca_bundle=str(web.ca_path), workers=1)
    sharded = run_check(resources, ca_bundle=str(web.ca_path), workers=2)

    def verdicts(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
        return [(r["id"], r["status"], r["reason"]) for r in doc["results"]]

    assert verdicts(sharded.doc) == verdicts(single.doc)
    assert verdicts(single.doc) == [
        ("a", "ok", "ok"), ("gone", "broken", "not-found"),
        ("moved", "moved", "permanent-redirect"), ("tls", "ok", "ok"),
        ("closed", "down", "connect")]


def test_no_sharding_when_workers_cannot_import_main(
    tmp_path: Path, monkeypatch: Any
) -> None:
    import types

    forced = load_config(write_config(tmp_path / "r.toml", [{"id": "a", "url": "http://x/"}],
                                      workers=2))
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))  # like stdin
    assert worker_count(forced, 100) == 1


def test_broken_worker_pool_falls_back_to_one_process(
    web: LoopbackWeb, run_check: Any, monkeypatch: Any
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise BrokenProcessPool("a worker died")

    monkeypatch.setattr(runner, "_gather_sharded", broken)
    run = run_check([{"id": "a", "url": web.url("/ok")}, {"id": "b", "url": web.url("/ok")}],
                    workers=2)
    assert [r["status"] for r in run.doc["results"]] == ["ok", "ok"]


def _die(*args: Any) -> Any:
    """Stands in for a worker's shard: the process dies as if killed."""
    import os
    os._exit(3)


def test_a_dying_worker_falls_back_to_one_process_without_losing_results(
    web: LoopbackWeb, run_check: Any, monkeypatch: Any
) -> None:
    # The first shard runs in this process and the second in a worker that dies: the run
    # is redone in one process and nothing is counted twice or lost.
    monkeypatch.setattr(runner, "_check_shard", _die)
    resources = [{"id": "a", "url": web.url("/ok")}, {"id": "t", "url": web.tls_url("/ok")}]
    run = run_check(resources, ca_bundle=str(web.ca_path), workers=2)
    assert [(r["id"], r["status"]) for r in run.doc["results"]] == [("a", "ok"), ("t", "ok")]
    assert "checking in one process" in run.err
