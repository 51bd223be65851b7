"""resources.toml read one resource table at a time gives exactly what reading it whole gives,
and anything it cannot cut exactly is read whole."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from monitor import config as config_module
from monitor import tomlchunks
from monitor.config import ConfigError, parse_config
from monitor.tomlchunks import Chunks, Unsplittable

PLAIN = """\
# my list
[monitor]
timeout = 5

[[resource]]
id = "a"
url = "https://example.org/a"
tags = ["x", "y"]

  [[ resource ]]   # indented, spaced, commented
id = "b"
url = "https://example.org/b"
keywords = [
  "stenosis",
  "exercise",
]

[[source]]
url = "https://example.org/article"

[[resource]]
id = "c"
url = "https://example.org/c"
"""

# Texts whose table headers cannot all be told apart line by line, and near-misses.
TRICKY = {
    "header inside a multi-line string": '[[resource]]\nid = "a"\nurl = "https://e.org/a"\n'
        'name = """one\n[[resource]]\ntwo"""\n',
    "header inside a literal multi-line string": "[[resource]]\nid = 'a'\n"
        "url = 'https://e.org/a'\nname = '''x\n[monitor]\n'''\n",
    "nested array on its own line": '[[resource]]\nid = "a"\nurl = "https://e.org/a"\n'
        'tags = [\n["x"]\n]\n',
    "sub-table of a resource": '[[resource]]\nid = "a"\nurl = "https://e.org/a"\n'
        '[resource.extra]\nk = 1\n',
    "resource also defined inline": 'resource = [{id = "z", url = "https://e.org/z"}]\n'
        '[[resource]]\nid = "a"\nurl = "https://e.org/a"\n',
    "CRLF line ends": '[[resource]]\r\nid = "a"\r\nurl = "https://e.org/a"\r\n'
        '[[resource]]\r\nid = "b"\r\nurl = "https://e.org/b"\r\n',
    "monitor table after the resources": '[[resource]]\nid = "a"\nurl = "https://e.org/a"\n'
        '[monitor]\ntimeout = 3\n',
    "no resources": '[monitor]\ntimeout = 3\n',
    "broken TOML in a resource": '[[resource]]\nid = "a"\nurl = "https://e.org/a"\n'
        '[[resource]]\nid = "b\n',
}


def _whole(text: str) -> dict[str, object]:
    return tomllib.loads(text)


def _chunked(text: str) -> dict[str, object]:
    chunks = Chunks(text)
    data = dict(chunks.rest)
    resources = list(chunks.resources())
    if resources:
        data["resource"] = resources
    return data


def test_plain_list_reads_as_tomllib_reads_it() -> None:
    assert _chunked(PLAIN) == _whole(PLAIN)
    assert Chunks(PLAIN).count == 3


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_a_cut_is_exact_or_refused(name: str) -> None:
    text = TRICKY[name]
    try:
        got = _chunked(text)
    except Unsplittable:
        return  # read whole by the caller
    assert got == _whole(text)


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_config_is_the_same_either_way(name: str, tmp_path: Path) -> None:
    text = TRICKY[name]
    path = tmp_path / "resources.toml"

    try:
        chunked: object = parse_config(text, path)
    except ConfigError as exc:
        chunked = str(exc)
    try:
        whole: object = config_module._parse(text.removeprefix("\ufeff"), path, chunked=False)
    except ConfigError as exc:
        whole = str(exc)
    assert chunked == whole


def test_a_plain_list_is_never_parsed_whole(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[int] = []
    real = tomllib.loads

    def counting(text: str) -> dict[str, object]:
        sizes.append(len(text))
        return real(text)

    monkeypatch.setattr(tomlchunks.tomllib, "loads", counting)  # the one tomllib module
    config = parse_config(PLAIN, tmp_path / "resources.toml")
    assert [r.id for r in config.resources] == ["a", "b", "c"]
    assert [r.line for r in config.resources] == [5, 10, 21]
    assert len(sizes) == 4  # the rest of the file, then one table at a time
    assert max(sizes) < len(PLAIN) / 2


def test_errors_keep_their_lines_in_a_chunked_read(tmp_path: Path) -> None:
    text = PLAIN.replace('id = "c"', 'id = "c"\ncolour = "red"')
    with pytest.raises(ConfigError) as caught:
        parse_config(text, tmp_path / "resources.toml")
    where = tmp_path / "resources.toml"
    assert f"{where}:23: resource 'c': unknown key 'colour'" in str(caught.value)
