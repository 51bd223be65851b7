"""Mutes end to end on the loopback web (`monitor mute`/`unmute`, muted_until in the file),
and the pure rule of when a mute is in force."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from helpers_modes import serve_hooks

from monitor.cli import main
from monitor.models import Reason, Result, Run, Status
from monitor.mute import settle
from monitor.store_curate import MuteRecord
from monitor.streak import State

from loopback import LoopbackWeb

CONFIG = """\
[monitor]
confirm_runs = 1
retries = 0
timeout = 5

# The dead one.
[[resource]]
id = "dead"
url = "{dead}"
tags = ["site"]

# Fine.
[[resource]]
id = "fine"
url = "{fine}"
"""


def check(path: Path, *extra: str) -> tuple[int, dict[str, object]]:
    out = path.parent / "out.json"
    code = main(["check", "-c", str(path), "--json", str(out), *extra])
    return code, json.loads(out.read_text(encoding="utf-8"))


def result(doc: dict[str, object], rid: str) -> dict[str, object]:
    return next(r for r in doc["results"] if r["id"] == rid)  # type: ignore[attr-defined, union-attr]


def test_mute_silences_exit_code_and_cron_until_the_status_changes(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    web.set_page("/dead", "gone", status=404)
    path = tmp_path / "resources.toml"
    path.write_text(CONFIG.format(dead=web.url("/dead"), fine=web.url("/ok")), encoding="utf-8")
    original = path.read_bytes()
    assert check(path, "--no-report")[0] == 1
    assert "dead: new -> broken" in capsys.readouterr().out  # cron mails the first time

    assert main(["mute", "-c", str(path), "dead", "--until", "2099-12-31",
                 "--note", "site is being rebuilt"]) == 0
    assert "muted dead until 2099-12-31 (now broken)" in capsys.readouterr().out
    assert path.read_bytes() == original.replace(
        b'tags = ["site"]\n', b'tags = ["site"]\nmuted_until = 2099-12-31\n'
                              b'mute_note = "site is being rebuilt"\n')

    md, junit = tmp_path / "s.md", tmp_path / "j.xml"
    code, doc = check(path, "--markdown", str(md), "--junit", str(junit))
    assert code == 0 and capsys.readouterr().out == ""  # out of exit code and cron mail
    dead = result(doc, "dead")
    assert (dead["status"], dead["muted"], dead["muted_until"], dead["mute_note"]) == (
        "broken", True, "2099-12-31", "site is being rebuilt")
    assert result(doc, "fine")["muted"] is False
    assert "muted until 2099-12-31: site is being rebuilt" in md.read_text(encoding="utf-8")
    assert "✅" not in md.read_text(encoding="utf-8").splitlines()[0]
    assert '<skipped message="broken, muted until 2099-12-31' in junit.read_text("utf-8")
    html = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'class="s-broken-edge muted"' in html
    assert "Muted until 2099-12-31: site is being rebuilt" in html
    assert "Nothing new: 1 known problem muted" in html
    assert check(path, "--no-report", "-v")[0] == 0  # verbose cron output still shows it
    assert "~ dead: broken (not-found) HTTP 404 (muted until 2099-12-31: site is being " \
        "rebuilt)" in capsys.readouterr().out

    web.set_page("/dead", "down", status=503)  # the status moves on: the mute lapses
    code, doc = check(path, "--no-report")
    assert code == 1 and result(doc, "dead")["muted"] is False
    assert "dead: broken -> down" in capsys.readouterr().out
    web.set_page("/dead", "gone", status=404)  # and stays lapsed when it comes back
    code, doc = check(path, "--no-report")
    assert code == 1 and result(doc, "dead")["muted"] is False

    assert main(["unmute", "-c", str(path), "dead"]) == 0
    assert path.read_bytes() == original
    capsys.readouterr()
    assert main(["unmute", "-c", str(path), "dead"]) == 2
    assert "dead is not muted" in capsys.readouterr().err


def test_hand_written_mutes_and_expiry(web: LoopbackWeb, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    web.set_page("/dead", "gone", status=404)
    path = tmp_path / "resources.toml"
    text = CONFIG.format(dead=web.url("/dead"), fine=web.url("/ok"))
    path.write_text(text.replace('tags = ["site"]', 'tags = ["site"]\nmuted_until = 2099-01-01'),
                    encoding="utf-8")
    code, doc = check(path, "--no-report")
    assert code == 0 and result(doc, "dead")["muted"] is True  # recorded on first sight
    path.write_text(text.replace('tags = ["site"]', 'tags = ["site"]\nmuted_until = 2020-01-01'),
                    encoding="utf-8")
    code, doc = check(path, "--no-report")
    assert code == 1 and result(doc, "dead")["muted"] is False  # over after the date


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--until", "2099-01-01"], "no resource with id 'nope'"),
        (["dead", "--until", "2001-01-01"], "--until 2001-01-01 is in the past"),
        (["dead", "--until", "soon"], "use a date such as 2026-12-31"),
    ],
)
def test_mute_errors_are_one_line(web: LoopbackWeb, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str], args: list[str],
                                  message: str) -> None:
    path = tmp_path / "resources.toml"
    path.write_text(CONFIG.format(dead=web.url("/dead"), fine=web.url("/ok")), encoding="utf-8")
    before = path.read_bytes()
    assert main(["mute", "-c", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and path.read_bytes() == before


def test_config_rejects_bad_mute_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "resources.toml"
    for bad, message in (('muted_until = "someday"', "'muted_until' must be a date"),
                         ('mute_note = "x"', "'mute_note' without 'muted_until'")):
        path.write_text(f'[[resource]]\nid = "a"\nurl = "https://a.org/"\n{bad}\n',
                        encoding="utf-8")
        assert main(["validate", "-c", str(path)]) == 2
        assert message in capsys.readouterr().err


NOW = datetime(2026, 6, 1, tzinfo=UTC)


def res(status: Status) -> Result:
    return Result(id="a", name="a", url="https://a.org/", status=status, reason=Reason.OK,
                  detail="", http_status=None, final_url="", redirects=(), title=None,
                  expected_title=None, elapsed_ms=0, checked_at=NOW)


@pytest.mark.parametrize(
    ("until", "record", "confirmed", "muted", "saved"),
    [
        (date(2026, 6, 1), None, Status.BROKEN, True, "new"),  # last day still muted
        (date(2026, 5, 31), None, Status.BROKEN, False, "new"),  # the day after: over
        (date(2026, 7, 1), (date(2026, 7, 1), Status.BROKEN, False), Status.BROKEN, True, ""),
        (date(2026, 7, 1), (date(2026, 7, 1), Status.BROKEN, False), Status.DOWN, False,
         "lapsed"),
        (date(2026, 7, 1), (date(2026, 7, 1), Status.BROKEN, True), Status.BROKEN, False, ""),
        (date(2026, 8, 1), (date(2026, 7, 1), Status.BROKEN, True), Status.BROKEN, True, "new"),
    ],
)
def test_when_a_mute_is_in_force(until: date, record: tuple[date, Status, bool] | None,
                                 confirmed: Status, muted: bool, saved: str) -> None:
    from monitor.models import Resource

    resources = [Resource(id="a", name="a", url="https://a.org/", muted_until=until,
                          mute_note="n")]
    records = {} if record is None else {"a": MuteRecord("a", record[0], record[1], NOW,
                                                          record[2])}
    states = {"a": State(confirmed, NOW, 3, confirmed, NOW)}
    settled = settle(resources, Run(NOW, NOW, (res(confirmed),)), states, records, NOW)
    assert settled.run.results[0].muted is muted
    kinds = ["lapsed" if r.lapsed else "new" for r in settled.records]
    assert kinds == ([saved] if saved else [])


def test_a_muted_link_sends_no_notification_until_its_mute_lapses(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    web.set_page("/dead", "gone", status=404)
    web.set_page("/other", "gone", status=404)
    path = tmp_path / "resources.toml"
    with serve_hooks() as hooks:
        text = CONFIG.format(dead=web.url("/dead"), fine=web.url("/other"))
        path.write_text(text.replace('tags = ["site"]', 'tags = ["site"]\nmuted_until = 2099-01-01')
                        + f'\n[[notify]]\nurl = "{hooks.url}"\nretries = 0\n', encoding="utf-8")
        assert check(path, "--no-report")[0] == 1  # "other" is broken and not muted
        assert [[c["id"] for c in h["changes"]] for h in hooks.received] == [["fine"]]
        web.set_page("/dead", "down", status=503)
        assert check(path, "--no-report")[0] == 1
        assert [c["id"] for c in hooks.received[-1]["changes"]] == ["dead"]  # lapsed: news
    capsys.readouterr()
