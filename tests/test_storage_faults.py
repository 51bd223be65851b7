"""Storage faults are one line naming the file and exit 4, before fetching where possible;
a database that is not ours is never written to."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.cli import EXIT_STORE, main
from monitor.dbcheck import APPLICATION_ID
from monitor.lock import LockedError, run_lock
from monitor.store import Store, StoreError

from conftest import write_config
from loopback import LoopbackWeb


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(config: Path, *args: str) -> int:
    return main(["check", "-c", str(config), "--no-report", *args])


def one_line_naming(err: str, path: Path) -> None:
    assert err.count("\n") == 1, err
    assert str(path) in err and "Traceback" not in err


@pytest.fixture
def config(web: LoopbackWeb, tmp_path: Path) -> Path:
    return write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url("/ok")}],
                        database="history.sqlite3")


def test_another_applications_database_is_refused_untouched(
        web: LoopbackWeb, config: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "photos.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
        db.execute("INSERT INTO photos (path) VALUES ('a.jpg')")
    db.close()
    before = digest(other)
    assert check(config, "--db", str(other)) == EXIT_STORE == 4
    one_line_naming(capsys.readouterr().err, other)
    assert digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photos.db", "resources.toml"]
    assert web.hits["/ok"] == 0  # refused before fetching


def test_a_history_from_before_the_application_id_is_still_ours(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA application_id = 0")
    db.close()
    with Store(path) as store:
        assert store.load_run() is None
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.close()


def test_a_damaged_database_fails_before_fetching(
        web: LoopbackWeb, config: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "history.sqlite3"
    for _ in range(3):
        assert check(config) == 0
    capsys.readouterr()
    hits = web.hits["/ok"]
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[2 * page: 3 * page] = b"\xa5" * page  # one b-tree page scribbled over
    db.write_bytes(bytes(data))
    assert check(config) == EXIT_STORE
    err = capsys.readouterr().err
    one_line_naming(err, db)
    assert web.hits["/ok"] == hits


def test_a_read_only_database_fails_before_fetching(
        web: LoopbackWeb, config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "history.sqlite3"
    assert check(config) == 0
    capsys.readouterr()
    if os.geteuid() == 0:  # root writes through chmod: open it the way SQLite opens a 0444 file
        real_connect: Callable[..., sqlite3.Connection] = sqlite3.connect

        def read_only(path: str, **kwargs: object) -> sqlite3.Connection:
            if kwargs.pop("uri", False):  # already a URI (the read-only identity check)
                return real_connect(path, uri=True, **kwargs)
            return real_connect(f"file:{path}?mode=ro", uri=True, **kwargs)

        monkeypatch.setattr("monitor.store.sqlite3.connect", read_only)
    else:  # pragma: no cover - depends on who runs the tests
        db.chmod(0o444)
    hits = web.hits["/ok"]
    assert check(config) == EXIT_STORE
    err = capsys.readouterr().err
    one_line_naming(err, db)
    assert "cannot write" in err
    assert web.hits["/ok"] == hits
    # Re-rendering the report only reads: that still works.
    assert main(["report", "-c", str(config), "--report", str(tmp_path / "r.html")]) == 0


def test_a_full_disk_while_recording_is_one_line_and_exit_4(
        web: LoopbackWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    resources = [{"id": f"r{i}", "url": web.url(f"/ok?{i}")} for i in range(60)]
    config = write_config(tmp_path / "resources.toml", resources, database="history.sqlite3")
    real_migrate = Store._migrate

    def then_full(self: Store) -> None:  # SQLITE_FULL, as on a full disk
        real_migrate(self)
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        self._db.execute(f"PRAGMA max_page_count = {pages + 1}")

    monkeypatch.setattr(Store, "_migrate", then_full)
    assert check(config) == EXIT_STORE
    err = capsys.readouterr().err
    one_line_naming(err, tmp_path / "history.sqlite3")
    assert "full" in err


def test_junk_instead_of_a_database(config: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all " * 100)
    assert check(config, "--db", str(junk)) == EXIT_STORE
    one_line_naming(capsys.readouterr().err, junk)


def test_one_database_through_a_symlink_takes_the_same_lock(tmp_path: Path) -> None:
    real = tmp_path / "data" / "history.sqlite3"
    real.parent.mkdir()
    link = tmp_path / "history.sqlite3"
    link.symlink_to(real)
    with run_lock(real), pytest.raises(LockedError), run_lock(link):
        pass
    with run_lock(link), pytest.raises(LockedError), run_lock(tmp_path / "data" / ".." / "data"
                                                              / "history.sqlite3"):
        pass


def test_store_errors_inside_the_block_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with pytest.raises(StoreError, match=r"h\.sqlite3"), Store(path) as store:
        store._db.execute("SELECT * FROM no_such_table")
