"""Strings from pages are text, never markup, in every output; URLs never show credentials."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from monitor.cli import main
from monitor.config import Config, Notifier, Resource, Settings
from monitor.console import Mode, Terminal
from monitor.models import Hop, Reason, Result, Run, Status
from monitor.notify import build_payload, notify
from monitor.outputs.markdown import md_escape
from monitor.pipeline import Outcome
from monitor.safetext import clean_text, display_result, redact_url, redact_urls_in
from monitor.streak import Change

from conftest import write_config
from loopback import LoopbackWeb, article

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
HOSTILE = [
    "[/]",  # rich.errors.MarkupError on the old code
    "[link=http://evil.example/]click me[/link]",  # would become an OSC 8 hyperlink
    "[blink red]blinking[/blink red]",
    "\x1b]8;;http://evil.example/\x1b\\raw osc8\x1b]8;;\x1b\\",
    "\x1b[2J\x1b[31mclear screen\x9b31m",
    "evil \u202egnp.exe",  # right-to-left override
]


def hostile_result(rid: str, text: str) -> Result:
    return Result(
        id=rid, name=rid, url=f"http://127.0.0.1/{rid}", status=Status.BROKEN,
        reason=Reason.NOT_FOUND, detail=f"title {text}", http_status=404,
        final_url=f"http://127.0.0.1/{rid}", redirects=(), title=text, expected_title=None,
        elapsed_ms=3.0, checked_at=T0, since=T0, streak=2,
    )


def hostile_outcome() -> Outcome:
    results = tuple(hostile_result(f"r{i}", text) for i, text in enumerate(HOSTILE))
    run = Run(T0, T0 + timedelta(seconds=1), results, run_id=3)
    return Outcome(run, (Change("r0", Status.OK, Status.BROKEN, T0),), ())


def test_page_text_is_never_markup_on_a_real_terminal() -> None:
    terminal = Terminal(Mode.RICH)
    raw = io.StringIO()
    terminal.console = Console(file=raw, force_terminal=True, record=True, width=250,
                               color_system="truecolor", highlight=False)
    terminal.summary(hostile_outcome(), ("broken",))
    shown = terminal.console.export_text()
    out = raw.getvalue()
    assert "[/]" in shown
    assert "[link=http://evil.example/]click me[/link]" in shown
    assert "[blink red]blinking[/blink red]" in shown
    assert "\x1b]8;" not in out  # no hyperlink, from markup or raw
    assert "\x1b[5m" not in out  # no blink
    assert "\x1b[2J" not in out and "\x9b" not in out and "\u202e" not in out


def test_cron_mail_neutralises_escape_sequences() -> None:
    stream = io.StringIO()
    Terminal(Mode.PLAIN, stream=stream).summary(hostile_outcome(), ("broken",))
    text = stream.getvalue()
    assert "[/]" in text and "clear screen" in text
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text


@pytest.mark.parametrize(("text", "expected"), [
    ("plain title", "plain title"),
    ("caf\u00e9 \u2014 \u65e5\u672c", "caf\u00e9 \u2014 \u65e5\u672c"),  # near-miss: not control
    ("a\x1b[31mb", "a\ufffd[31mb"),
    ("tab\there\nnew", "tab\ufffdhere\ufffdnew"),
    ("c1\x85\x9b", "c1\ufffd\ufffd"),
    ("rtl\u202eoverride\u2066isolate", "rtl\ufffdoverride\ufffdisolate"),
])
def test_clean_text(text: str, expected: str) -> None:
    assert clean_text(text) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("http://user:secret@host/", "http://user:***@host/"),
    ("https://user@host/p", "https://user@host/p"),  # a user name alone is no secret
    ("https://h/x?token=abc&page=2", "https://h/x?token=***&page=2"),
    ("https://h/x?X-Amz-Signature=zz&api-key=1&sig=2", "https://h/x?X-Amz-Signature=***&api-key=***&sig=***"),
    ("https://h/x?access_token=a&client_secret=b", "https://h/x?access_token=***&client_secret=***"),
    # near misses: names that merely contain a secret word
    ("https://h/x?keyboard=1&monkey=2&page=3", "https://h/x?keyboard=1&monkey=2&page=3"),
    ("https://h/user:pass@x?q=1", "https://h/user:pass@x?q=1"),  # '@' in the path, not userinfo
    ("https://h/x?token=", "https://h/x?token="),
    ("http://u:p@[::1/?token=x", "http://u:***@[::1/?token=***"),  # does not even parse
])
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_redact_urls_inside_text() -> None:
    assert (redact_urls_in("301 → use https://a:b@h/?sig=1 now")
            == "301 → use https://a:***@h/?sig=*** now")


def test_display_result_masks_every_url_field() -> None:
    result = display_result(Result(
        id="a", name="A", url="http://u:pw@h/", status=Status.MOVED,
        reason=Reason.PERMANENT_REDIRECT, detail="301 → use http://u:pw@h/new?key=k",
        http_status=200, final_url="http://u:pw@h/new?key=k",
        redirects=(Hop("http://u:pw@h/", 301, "http://u:pw@h/new?key=k"),), title="t",
        expected_title=None, elapsed_ms=1.0, checked_at=T0, warnings=("see http://u:pw@h/",),
    ))
    assert "pw" not in repr(result) and "=k" not in repr(result)


def test_credentials_never_appear_in_any_output(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = web.ports["http"]
    secret_url = f"http://curator:s3cretpw@127.0.0.1:{port}/status/404?token=t0ken99&page=2"
    config = write_config(tmp_path / "resources.toml", [
        {"id": "private", "url": secret_url},
    ])
    outs = {name: tmp_path / name for name in ("r.json", "r.md", "r.xml", "r.html")}
    code = main(["check", "-c", str(config), "--json", str(outs["r.json"]),
                 "--markdown", str(outs["r.md"]), "--junit", str(outs["r.xml"]),
                 "--report", str(outs["r.html"]), "--verbose"])
    captured = capsys.readouterr()
    assert code == 1
    headers = next(h for m, p, h in web.seen if p.startswith("/status/404"))
    assert headers.get("Authorization", "").startswith("Basic ")  # still sent as Basic auth
    texts = {name: path.read_text(encoding="utf-8") for name, path in outs.items()}
    texts["stdout"], texts["stderr"] = captured.out, captured.err
    for name, text in texts.items():
        assert "s3cretpw" not in text, name
        assert "t0ken99" not in text, name
    doc = json.loads(texts["r.json"])
    assert doc["results"][0]["url"] == (
        f"http://curator:***@127.0.0.1:{port}/status/404?token=***&page=2")
    assert "curator:***@" in texts["stdout"]


def test_a_malformed_secret_webhook_url_stays_out_of_the_log(
        caplog: pytest.LogCaptureFixture) -> None:
    config = Config(Settings(), (Resource("a", "A", "http://127.0.0.1/a"),),
                    (Notifier("webhook", url_env="HOOK", retries=0),))
    outcome = Outcome(hostile_outcome().run, hostile_outcome().changes, ())
    for bad in ("https://hooks.example:s3cr3tt0ken/x", "https://[s3cr3tt0ken/x",
                "https://hooks.example/x?token=s3cr3tt0ken\x00"):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="monitor"):
            notify(config, outcome, env={"HOOK": bad},
                   transport=httpx.MockTransport(lambda r: httpx.Response(500)),
                   sleep=lambda s: None)
        assert caplog.records, bad
        assert "s3cr3tt0ken" not in caplog.text, caplog.text


def test_webhook_payload_is_text_without_credentials() -> None:
    result = hostile_result("r0", "\x1b[31mred")
    result = Result(**{**{f: getattr(result, f) for f in result.__slots__},  # type: ignore[attr-defined]
                       "url": "http://u:pw@h/"})
    run = Run(T0, T0, (result,), run_id=1)
    payload = build_payload(Outcome(run, (Change("r0", None, Status.BROKEN, T0),), ()))
    text = json.dumps(payload, ensure_ascii=False)
    assert "pw@" not in text and "\x1b" not in text and "\\u001b" not in text


@pytest.mark.parametrize(("text", "forbidden"), [
    ("Hello @octocat and @github/security", ["@octocat", "@github"]),
    ("log in at https://evil.example/login", ["https://evil"]),
    ("or HTTP://EVIL.EXAMPLE", ["HTTP://EVIL"]),
    ("visit www.evil.example", ["www.evil"]),
    ("mail me@evil.example", ["me@evil"]),
    ("<img src=x onerror=alert(1)> <b>bold</b>", ["<img", "<b>"]),
    ("entity &#64;octocat &lt;b&gt;", ["&#64;", "&lt;"]),
    ("a | b\n| c |", ["a | b", "\n"]),
])
def test_markdown_neutralises_mentions_autolinks_html_and_table_breaks(
        text: str, forbidden: list[str]) -> None:
    escaped = md_escape(text)
    for bad in forbidden:  # absent, or escaped with a backslash
        assert not re.search(r"(?<!\\)" + re.escape(bad), escaped), escaped
    assert "|" not in escaped.replace("\\|", "")


def test_markdown_keeps_ordinary_text_readable() -> None:
    title = "Exercises for Spinal Stenosis - 2024"
    assert md_escape(title) == title


def test_markdown_report_of_a_hostile_title(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    title = "Ping @octocat | see https://evil.example/login <script>x</script>"
    url = web.set_page("/hostile-md", article(title.replace("<", "&lt;")))
    config = write_config(tmp_path / "resources.toml", [
        {"id": "md", "url": url, "expected_title": "Exercises for Spinal Stenosis"}])
    md = tmp_path / "summary.md"
    main(["check", "-c", str(config), "--markdown", str(md), "--no-report"])
    capsys.readouterr()
    text = md.read_text(encoding="utf-8")
    assert "now “" in text
    assert "@octocat" not in text and "https://evil" not in text
    assert not re.search(r"(?<!\\)<script", text)
    row = next(line for line in text.splitlines() if "octocat" in line)
    assert row.replace("\\|", "").count("|") == 6  # five cells, no extra ones
