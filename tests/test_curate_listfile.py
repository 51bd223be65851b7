"""The resources.toml writer: edits change only their own lines, byte for byte."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from monitor.curate.listfile import CurateError, ListFile

FILE = """\
[monitor]
timeout = 5

[[resource]]
id = "a"
url = 'https://a.org/'  # keep me

# --- next section ---

[[resource]]
id = "b"
url = "https://b.org/"

[[notify]]
url_env = "X"
"""
EDITED = """\
[monitor]
timeout = 5

[[resource]]
id = "a"
url = 'https://a2.org/'  # keep me
muted_until = 2026-01-01
mute_note = "n"

# --- next section ---

[[resource]]
id = "b"
url = "https://b.org/"

[[resource]]
# hello
id = "c"
url = "https://c.org/"
tags = ["x"]

[[notify]]
url_env = "X"
"""


def edit(path: Path) -> ListFile:
    listfile = ListFile(path)
    listfile.set_url("a", "https://a2.org/")
    listfile.set_keys("a", {"muted_until": date(2026, 1, 1), "mute_note": "n"})
    listfile.append_resource({"id": "c", "url": "https://c.org/", "tags": ["x"]},
                             comment="hello")
    return listfile


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_edits_touch_only_their_lines(tmp_path: Path, newline: str) -> None:
    path = tmp_path / "resources.toml"
    path.write_bytes(FILE.replace("\n", newline).encode())
    listfile = edit(path)
    listfile.save()
    assert path.read_bytes() == EDITED.replace("\n", newline).encode()
    again = ListFile(path)
    assert again.remove_keys("a", ["muted_until", "mute_note"]) == ["muted_until", "mute_note"]
    again.set_url("a", "https://a.org/")
    again.save()
    assert path.read_bytes().startswith(FILE.split("[[notify]]")[0].replace("\n", newline)
                                        .encode())


def test_append_at_the_end_of_the_file_adds_one_blank_line(tmp_path: Path) -> None:
    path = tmp_path / "resources.toml"
    path.write_text('[[resource]]\nid = "a"\nurl = "https://a.org/"\n', encoding="utf-8")
    listfile = ListFile(path)
    listfile.append_resource({"id": "b", "url": "https://b.org/"})
    listfile.save()
    assert path.read_text(encoding="utf-8") == (
        '[[resource]]\nid = "a"\nurl = "https://a.org/"\n\n'
        '[[resource]]\nid = "b"\nurl = "https://b.org/"\n')


def test_save_refuses_a_file_changed_meanwhile_or_an_invalid_result(tmp_path: Path) -> None:
    path = tmp_path / "resources.toml"
    path.write_text(FILE, encoding="utf-8")
    listfile = edit(path)
    path.write_text(FILE + "# someone else\n", encoding="utf-8")
    with pytest.raises(CurateError, match="changed while we were editing"):
        listfile.save()
    assert path.read_text(encoding="utf-8") == FILE + "# someone else\n"
    broken = ListFile(path)
    broken.set_keys("b", {"tags": [""]})
    with pytest.raises(CurateError, match="would be invalid"):
        broken.save()
    with pytest.raises(CurateError, match="no resource with id 'zz'"):
        broken.resource("zz")
