"""`validate` and `check` agree: every value that would crash a run later is a line-precise
config error now, and harmless oddities (a BOM, an IDN host) are accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import trustme

from monitor.cli import main
from monitor.config import ConfigError, load_config, parse_config

BASE = """\
[monitor]
timeout = 5

[[resource]]
id = "a"
url = "http://example.org/a"
tags = ["site"]
"""


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, Path("resources.toml"))
    return str(info.value)


def with_setting(line: str) -> str:
    return BASE.replace("timeout = 5", line)


def with_resource_key(line: str) -> str:
    return BASE.replace('tags = ["site"]', line)


@pytest.mark.parametrize(("text", "where", "problem"), [
    (with_setting('user_agent = "moniteur-été/1.0"'), ":2: 'user_agent'", "printable ASCII"),
    (with_setting('user_agent = "a\\r\\nX-Evil: 1"'), ":2: 'user_agent'", "printable ASCII"),
    (with_setting("retention_days = 999999999"), ":2: 'retention_days'", "at most 36,500"),
    (with_setting('interval = "99999999999999999999d"'), ":2: 'interval'", "invalid interval"),
    (with_setting('interval = "400d"'), ":2: 'interval'", "at most 366 days"),
    (with_setting('interval = "²m"'), ":2: 'interval'", "invalid interval"),
    (with_setting("timeout = inf"), ":2: 'timeout'", "finite"),
    (with_setting("max_bytes = 100000000000000000000"), ":2: 'max_bytes'", "at most"),
    (with_setting("history_runs = 99999999999999999999"), ":2: 'history_runs'", "at most"),
    (with_setting("fail_on = [1]"), ":2: 'fail_on'", "status names"),
    (with_setting('database = "a\\u0000b.sqlite3"'), ":2: 'database'", "control characters"),
    (with_setting('title = "Links\\u001b[31m"'), ":2: 'title'", "control characters"),
    (BASE.replace("http://example.org/a", "http://[::1/"), ":6: resource 'a': 'url'",
     "not a valid URL"),
    (BASE.replace("http://example.org/a", "http://example.org/" + "a" * 100_000),
     ":6: resource 'a': 'url'", "at most 8,192"),
    (BASE.replace("http://example.org/a", "http://☃.net/"), ":6: resource 'a': 'url'",
     "not a valid internationalised domain name"),
    (with_resource_key('tags = ["bad\\u000bsite"]'), ":7: resource 'a': 'tags'",
     "control characters"),
    (with_resource_key('keywords = ["x\\u0000"]'), ":7: resource 'a': 'keywords'",
     "control characters"),
    (with_resource_key('name = "A\\u0007"'), ":7: resource 'a': 'name'", "control characters"),
    (with_resource_key('expected_title = "T\\u0008"'), ":7: resource 'a': 'expected_title'",
     "control characters"),
])
def test_values_that_would_crash_a_run_are_config_errors(
    text: str, where: str, problem: str
) -> None:
    message = error_of(text)
    assert message.startswith("resources.toml" + where), message
    assert problem in message


@pytest.mark.parametrize("text", [
    with_setting('user_agent = "links-bot/2.0 (+https://example.org/bot; ops@example.org)"'),
    with_setting("retention_days = 36500"),
    with_setting('interval = "366d"'),
    with_setting('interval = "1.5h"'),
    with_setting("max_bytes = 1073741824"),
    BASE.replace("http://example.org/a", "http://[::1]:8080/a"),
    BASE.replace("http://example.org/a", "http://example.org/" + "a" * 8000),
    with_resource_key('tags = ["Spine-health – exercises", "ünïcode"]'),
    with_resource_key('expected_title = "Exercises for Spinal Stenosis | Spine-health"'),
])
def test_near_misses_stay_valid(text: str) -> None:
    parse_config(text, Path("resources.toml"))


def test_idn_host_is_accepted_as_written() -> None:
    config = parse_config(BASE.replace("example.org", "bücher.example"), Path("r.toml"))
    assert config.resources[0].url == "http://bücher.example/a"


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "resources.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert [r.id for r in load_config(path).resources] == ["a"]


def test_ca_bundle_must_exist_and_hold_pem_certificates(tmp_path: Path) -> None:
    path = tmp_path / "resources.toml"

    def load(value: str) -> object:
        path.write_text(with_setting(f'ca_bundle = "{value}"'), encoding="utf-8")
        return load_config(path)

    with pytest.raises(ConfigError, match=r"resources.toml:2: 'ca_bundle' file not found"):
        load("missing.pem")
    (tmp_path / "junk.pem").write_text("not a certificate\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r":2: 'ca_bundle' .*junk.pem holds no PEM"):
        load("junk.pem")
    with pytest.raises(ConfigError, match=r":2: 'ca_bundle' cannot read"):
        load(".")
    trustme.CA().cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    load("ca.pem")  # relative to the config file, like every path in it


def test_validate_itself_no_longer_crashes_on_a_malformed_ipv6_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "resources.toml"
    path.write_text(BASE.replace("http://example.org/a", "http://[::1/"), encoding="utf-8")
    assert main(["validate", "-c", str(path)]) == 2
    assert f"{path}:6: resource 'a': 'url' is not a valid URL" in capsys.readouterr().err


def test_an_idn_resource_is_fetched_by_its_punycode_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "resources.toml"
    settings = "timeout = 5\nretries = 0\nconfirm_runs = 1\noffline_probe = []"
    path.write_text(with_setting(settings).replace(
        "example.org", "bücher.invalid"), encoding="utf-8")
    out = tmp_path / "out.json"
    main(["check", "-c", str(path), "--json", str(out), "--no-report"])
    result = json.loads(out.read_text(encoding="utf-8"))["results"][0]
    assert result["url"] == "http://bücher.invalid/a"
    assert (result["status"], result["reason"]) == ("broken", "dns")
