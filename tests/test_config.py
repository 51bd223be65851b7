"""resources.toml validation: every mistake names the file, the line and the resource."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config import ConfigError, load_config, parse_config, parse_interval

GOOD = """\
[monitor]
timeout = 5
per_host = 1

[[resource]]
id = "spine-health-lss"
name = "Exercises for lumbar spinal stenosis"
url = "https://www.spine-health.com/x"
keywords = ["stenosis"]
tags = ["spine-health"]

[[resource]]
id = "webmd-stenosis"
url = "http://www.webmd.com/y"
"""


def parse(text: str) -> object:
    return parse_config(text, Path("resources.toml"))


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse(text)
    return str(info.value)


def test_valid_file_gives_settings_and_resources_in_order() -> None:
    config = parse_config(GOOD, Path("/srv/list/resources.toml"))
    assert config.settings.timeout == 5.0
    assert config.settings.per_host == 1
    assert config.settings.concurrency == 32  # default
    assert [r.id for r in config.resources] == ["spine-health-lss", "webmd-stenosis"]
    assert config.resources[0].keywords == ("stenosis",)
    assert config.resources[1].name == "webmd-stenosis"  # name defaults to id
    assert config.resources[0].line == 5
    assert config.resolve("h.sqlite3") == Path("/srv/list/h.sqlite3")


def test_unknown_resource_key_names_line_resource_and_suggestion() -> None:
    message = error_of(GOOD.replace('tags = ["spine-health"]', 'tgas = ["x"]'))
    assert message.startswith("resources.toml:10: resource 'spine-health-lss': ")
    assert "unknown key 'tgas'" in message
    assert "did you mean 'tags'" in message


def test_unknown_setting_names_its_line() -> None:
    message = error_of(GOOD.replace("per_host = 1", "perhost = 1"))
    assert message.startswith("resources.toml:3: ")
    assert "unknown key 'perhost' in [monitor]" in message


def test_duplicate_id_points_at_second_definition_and_first() -> None:
    text = GOOD.replace('id = "webmd-stenosis"', 'id = "spine-health-lss"')
    message = error_of(text)
    assert message.startswith("resources.toml:13: resource 'spine-health-lss': ")
    assert "duplicate id (first defined on line 5)" in message


@pytest.mark.parametrize("url", ["ftp://example.org/x", "example.org/x", "https:///nohost",
                                 "https://exa mple.org/"])
def test_non_http_url_is_rejected(url: str) -> None:
    message = error_of(GOOD.replace("http://www.webmd.com/y", url))
    assert "resources.toml:14: resource 'webmd-stenosis': 'url'" in message


def test_wrong_type_says_what_was_expected() -> None:
    message = error_of(GOOD.replace('keywords = ["stenosis"]', 'keywords = "stenosis"'))
    assert "resources.toml:9: resource 'spine-health-lss': 'keywords' must be a list" in message
    message = error_of(GOOD.replace("timeout = 5", 'timeout = "5"'))
    assert "resources.toml:2: 'timeout' must be an integer or a number, not a string" in message


def test_bad_id_and_missing_url() -> None:
    assert "must be lowercase" in error_of(GOOD.replace('"webmd-stenosis"', '"WebMD"'))
    message = error_of(GOOD.replace('url = "http://www.webmd.com/y"\n', ""))
    assert "resource 'webmd-stenosis': missing required key 'url'" in message


def test_toml_syntax_error_keeps_tomllib_line() -> None:
    message = error_of(GOOD.replace('name = "Exercises', 'name = Exercises'))
    assert message.startswith("resources.toml: invalid TOML:")
    assert "line 7" in message


def test_empty_list_is_an_error() -> None:
    assert "no [[resource]] entries" in error_of("[monitor]\ntimeout = 3\n")


def test_schedule_and_interval_are_validated() -> None:
    assert "crontab" in error_of(GOOD.replace("per_host = 1", 'schedule = "every day"'))
    assert "interval" in error_of(GOOD.replace("per_host = 1", 'interval = "soon"'))
    assert parse_interval("30m") == 1800
    assert parse_interval("90") == 90


def test_notify_needs_exactly_one_url_source() -> None:
    text = GOOD + '\n[[notify]]\ntype = "webhook"\n'
    assert "needs exactly one of 'url' or 'url_env'" in error_of(text)
    config = parse_config(GOOD + '\n[[notify]]\nurl_env = "HOOK"\n', Path("r.toml"))
    assert config.notifiers[0].url_env == "HOOK"


def test_missing_file_and_cli_exit_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "resources.toml"
    bad.write_text(GOOD.replace("tags =", "tagz ="), encoding="utf-8")
    assert main(["check", "-c", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:10: resource 'spine-health-lss': unknown key 'tagz'" in err
    assert main(["validate", "-c", str(bad)]) == 2


def test_shipped_resources_toml_is_valid() -> None:
    shipped = Path(__file__).resolve().parent.parent / "resources.toml"
    config = load_config(shipped)
    assert len(config.resources) >= 4
    sites = {r.tags[0] for r in config.resources if r.tags}
    assert len(sites) >= 4
