"""Start-up: heavy libraries stay unimported until a run needs them (each process, worker
processes included, pays for every import at start)."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import json, sys
import monitor.cli, monitor.pipeline
from monitor.extract import extract
loaded = {"start": "bs4" in sys.modules}
page = extract(b"<html><title>Exercises</title><p>text</p></html>", "text/html; charset=utf-8")
loaded["declared"] = "bs4" in sys.modules
loaded["title"] = page.title
page = extract("<title>Caf\\u00e9</title><p>d\\u00e9j\\u00e0</p>".encode("latin-1"), "text/html")
loaded["sniffed"] = "bs4" in sys.modules
loaded["sniffed_title"] = page.title
print(json.dumps(loaded))
"""


def test_bs4_is_imported_only_for_a_page_that_needs_it() -> None:
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                         check=True).stdout
    loaded = json.loads(out)
    assert loaded["start"] is False  # the CLI and a whole check's modules, without bs4
    assert loaded["declared"] is False  # a page with a charset header needs no sniffing
    assert loaded["title"] == "Exercises"
    assert loaded["sniffed"] is True  # no charset: UnicodeDammit decides, as before
    assert loaded["sniffed_title"] == "Café"
