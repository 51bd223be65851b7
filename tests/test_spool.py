"""Flat memory at a million links: a big list's resources are kept on disk (monitor.spool),
read line by line, validated like a small one, and given to the runner in host-interleaved
batches; everything checked from it equals what the list read whole gives."""

from __future__ import annotations

import gc
import os
import pickle
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from monitor import config as config_module
from monitor import spool, urlqueue
from monitor.config import ConfigError, load_config
from monitor.shard import parse_shard, select
from monitor.spool import SpooledResources
from monitor.store_lookup import HistoryLookup
from monitor.urlqueue import interleave_by_host, shard_by_host, url_batches, url_count

import content_pages as pages
from conftest import write_config
from loopback import LoopbackWeb, article

VARIED: list[dict[str, Any]] = [
    {"id": "a", "url": "http://one.example/a", "name": "A", "tags": ["x", "y"]},
    {"id": "b", "url": "http://two.example/b", "keywords": ["kw"], "expected_title": "B"},
    {"id": "c", "url": "http://one.example/c", "title_threshold": 0.5,
     "respect_robots": False, "allow_private": True, "content_threshold": 0.25},
    {"id": "d", "url": "http://one.example/a", "muted_until": "2099-01-01",
     "mute_note": "known"},
    {"id": "e", "url": "http://three.example/e"},
    {"id": "f", "url": "http://TWO.example/f"},
]


def _both(path: Path) -> tuple[Any, Any]:
    return load_config(path), load_config(path, spool_bytes=0)


def test_a_big_list_is_spooled_and_reads_back_as_the_same_resources(tmp_path: Path) -> None:
    small, big = _both(write_config(tmp_path / "r.toml", VARIED))
    assert isinstance(small.resources, tuple)
    assert isinstance(big.resources, SpooledResources)
    assert list(big.resources) == list(small.resources)
    assert big.resources == small.resources and len(big.resources) == 6
    assert big.resources[1] == small.resources[1] and big.resources[-1] == small.resources[-1]
    assert tuple(big.resources[2:5]) == small.resources[2:5]
    assert (big.settings, big.digest, big.sources) == (small.settings, small.digest,
                                                       small.sources)


def test_a_spooled_list_gives_the_runner_the_same_urls_in_the_same_order(
        tmp_path: Path) -> None:
    resources = [{"id": f"r{i}", "url": f"http://h{i % 3}.example/{i % 7}"} for i in range(40)]
    small, big = _both(write_config(tmp_path / "r.toml", resources))
    assert url_count(big.resources) == url_count(small.resources) == 21
    expected = [(url, [r.id for r in rs]) for b in url_batches(small.resources) for url, rs in b]
    got = [(url, [r.id for r in rs]) for b in big.resources.batches(size=4) for url, rs in b]
    assert got == expected
    assert [u for u, _ in got] == list(interleave_by_host(dict.fromkeys(
        r.url for r in small.resources)))


def test_a_spooled_list_is_split_between_processes_as_a_list_in_memory(
        tmp_path: Path) -> None:
    resources = [{"id": f"r{h}-{i}", "url": f"http://host{h}.example/{i}"}
                 for h in range(5) for i in range(h + 1)]
    small, big = _both(write_config(tmp_path / "r.toml", resources, concurrency=10))
    expected = [sorted(r.id for r in part.resources) for part in shard_by_host(small, 2)]
    parts = shard_by_host(big, 2)  # each part in file order: the runner interleaves it
    assert [sorted(r.id for r in part.resources) for part in parts] == expected
    assert [len(part.resources) for part in parts] == [len(ids) for ids in expected]
    assert all(part.settings.concurrency == 5 for part in parts)
    hosts = [{urlsplit(r.url).netloc for r in part.resources} for part in parts]
    assert hosts[0].isdisjoint(hosts[1])
    copy = pickle.loads(pickle.dumps(parts[1].resources))  # as a worker process gets it
    assert [r.id for r in copy] == [r.id for r in parts[1].resources]
    assert copy[0] == parts[1].resources[0] and sorted(r.id for r in copy) == expected[1]


def test_the_spool_file_goes_with_the_config(tmp_path: Path) -> None:
    big = load_config(write_config(tmp_path / "r.toml", VARIED), spool_bytes=0)
    path = big.resources.path
    assert os.path.exists(path)
    del big
    gc.collect()
    assert not os.path.exists(path)


@pytest.mark.parametrize("resources", [
    [{"id": "a", "url": "http://x/"}, {"id": "b", "url": "http://y/"},
     {"id": "a", "url": "http://z/"}],  # a duplicate id
    [{"id": "a", "url": "ftp://x/"}, {"id": "b", "url": "http://y/", "tags": "t"}],
    [{"id": "a", "url": "http://x/", "colour": "red"}],  # an unknown key
    [{"url": "http://x/"}],  # no id
])
def test_a_spooled_list_reports_the_same_errors_with_file_and_line(
        tmp_path: Path, resources: list[dict[str, Any]]) -> None:
    path = write_config(tmp_path / "r.toml", resources)
    with pytest.raises(ConfigError) as small:
        load_config(path)
    with pytest.raises(ConfigError) as big:
        load_config(path, spool_bytes=0)
    assert big.value.messages == small.value.messages
    assert all(m.startswith(f"{path}:") for m in big.value.messages)


def test_a_spooled_list_that_is_not_utf8_or_not_toml_says_so(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_bytes(b'[[resource]]\nid = "a"\nurl = "http://x/\xff"\n')
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(byte 38\)") as small:
        load_config(path)
    with pytest.raises(ConfigError) as big:
        load_config(path, spool_bytes=0)
    assert str(big.value) == str(small.value)
    path.write_text('[[resource]]\nid = "a"\nurl = "http://x/\n')
    with pytest.raises(ConfigError) as small:
        load_config(path)
    with pytest.raises(ConfigError) as big:
        load_config(path, spool_bytes=0)
    assert str(big.value) == str(small.value)


def test_a_list_that_cannot_be_cut_at_its_headers_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"  # a sub-table of a resource: tomllib reads it, whole
    path.write_text('[[resource]]\nid = "a"\nurl = "http://x/"\n[resource.extra]\nk = 1\n'
                    '[[resource]]\nid = "b"\nurl = "http://y/"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as small:
        load_config(path)
    with pytest.raises(ConfigError) as big:
        load_config(path, spool_bytes=0)
    assert big.value.messages == small.value.messages
    assert "unknown key 'extra'" in str(big.value)


def test_a_check_of_a_spooled_list_equals_a_check_of_the_list_read_whole(
        web: LoopbackWeb, run_check: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    web.set_page("/a", article("Page A"))
    resources = [
        {"id": "a", "url": web.url("/a")},
        {"id": "again", "url": web.url("/a"), "keywords": ["Page"]},
        {"id": "gone", "url": web.url("/status/404")},
        {"id": "moved", "url": web.url("/redirect/301?to=/a")},
        {"id": "tls", "url": web.tls_url("/ok")},
        {"id": "closed", "url": web.raw_url("closed", "/x")},
    ]
    single = run_check(resources, ca_bundle=str(web.ca_path), workers=1)
    monkeypatch.setattr(config_module, "SPOOL_BYTES", 0)
    spooled = run_check(resources, ca_bundle=str(web.ca_path), workers=1)
    sharded = run_check(resources, ca_bundle=str(web.ca_path), workers=2)

    def verdicts(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
        return [(r["id"], r["status"], r["reason"]) for r in doc["results"]]

    assert verdicts(spooled.doc) == verdicts(sharded.doc) == verdicts(single.doc)
    assert verdicts(single.doc)[:3] == [("a", "ok", "ok"), ("again", "ok", "ok"),
                                        ("gone", "broken", "not-found")]
    assert spooled.code == single.code and spooled.doc["summary"] == single.doc["summary"]


def test_the_runner_holds_only_a_batch_of_a_spooled_list(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    resources = [{"id": f"r{i}", "url": f"http://h{i % 5}.example/{i}"} for i in range(25)]
    big = load_config(write_config(tmp_path / "r.toml", resources), spool_bytes=0)
    monkeypatch.setattr(spool, "BATCH", 4)
    sizes = [len(batch) for batch in urlqueue.url_batches(big.resources)]
    assert sizes == [4] * 6 + [1]


def test_a_spooled_list_asks_the_history_for_baselines_and_content_a_batch_at_a_time(
        web: LoopbackWeb, run_check: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config_module, "SPOOL_BYTES", 0)
    monkeypatch.setattr(spool, "BATCH", 2)  # several batches, each recalled and forgotten
    asked: list[int] = []
    recall = HistoryLookup.recall

    def counted(self: HistoryLookup, ids: Any) -> Any:
        asked.append(len(ids))
        return recall(self, ids)

    monkeypatch.setattr(HistoryLookup, "recall", counted)
    resources = [{"id": f"p{i}", "url": web.set_page(f"/b/{i}", pages.curated())}
                 for i in range(5)]
    resources.append({"id": "t", "url": web.set_page("/b/t", article("Old Title"))})
    assert run_check(resources, workers=1).code == 0
    web.set_page("/b/2", pages.body_replaced())
    web.set_page("/b/t", article("Something Else Entirely"))
    second = run_check(resources, workers=1)
    assert asked and max(asked) <= 2 and sum(asked) == 12  # two runs, batch by batch
    assert second.result("p2")["reason"] == "content-changed"
    assert second.result("t")["reason"] == "title-changed"
    assert [second.result(f"p{i}")["status"] for i in (0, 1, 3, 4)] == ["ok"] * 4


def test_a_shard_of_a_spooled_list_has_the_same_resources_as_of_the_list_read_whole(
        tmp_path: Path) -> None:
    resources = [{"id": f"r{i}", "url": f"http://h{i % 9}.example:{8000 + i % 2}/{i}"}
                 for i in range(60)]
    small, big = _both(write_config(tmp_path / "r.toml", resources))
    for index in (0, 1, 2):
        shard = parse_shard(f"{index}/3")
        mine, ours = select(small, shard), select(big, shard)
        assert isinstance(ours.resources, SpooledResources)
        assert list(ours.resources) == list(mine.resources) and ours.notifiers == ()
        assert [r.id for r in ours.resources[1:3]] == [r.id for r in mine.resources[1:3]]
        assert ours.resources.path != big.resources.path


def test_a_spool_that_cannot_be_written_leaves_no_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: str) -> Any:
        raise spool.sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(spool, "_connect", refuse)
    with pytest.raises(spool.sqlite3.OperationalError):
        spool.Spool(str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_big_list_whose_spool_cannot_be_written_is_one_clear_config_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spool.tempfile, "tempdir", str(tmp_path / "missing"))  # as $TMPDIR
    path = write_config(tmp_path / "r.toml", VARIED)
    with pytest.raises(ConfigError, match=r"temp folder .* cannot take it.*set TMPDIR"):
        load_config(path, spool_bytes=0)


# --- a killed run's spool -------------------------------------------------------------------

def _aged(path: Path) -> None:
    old = os.stat(path).st_mtime - 2 * spool.STALE_AFTER_S
    os.utime(path, (old, old))


def test_a_spool_left_by_a_killed_run_is_removed_by_the_next_one(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    with subprocess.Popen(
            [sys.executable, "-c",
             "import sys; from monitor.spool import Spool; s = Spool(sys.argv[1]); "
             "print(s.path, flush=True); sys.stdin.read()", str(tmp_path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        left = Path(child.stdout.readline().strip())
        assert left.exists()
        _aged(left)
        assert spool.sweep_stale(str(tmp_path)) == []  # its run is alive: kept however old
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert left.exists()  # kill -9: nothing of the run could remove it
    fresh = spool.Spool(str(tmp_path))
    try:
        assert not left.exists()
        assert Path(fresh.path).exists()
    finally:
        fresh.discard()
    assert list(tmp_path.iterdir()) == []


def test_a_young_or_held_spool_and_other_files_are_never_swept(tmp_path: Path) -> None:
    young = tmp_path / "monitor-spool-young.sqlite3"
    young.write_bytes(b"")
    other = tmp_path / "notes.sqlite3"
    other.write_bytes(b"")
    _aged(other)
    held = spool.Spool(str(tmp_path))
    _aged(Path(held.path))
    try:
        assert spool.sweep_stale(str(tmp_path)) == []
        assert young.exists() and other.exists() and Path(held.path).exists()
    finally:
        held.discard()
    assert not Path(held.path).exists()
