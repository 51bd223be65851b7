"""Regenerate docs/report*.png: a mixed run against the loopback web, shot in Chromium.

The demo (tests/demo.py) holds one of every card a curator can meet: broken with an archived
copy, down, drifted title, changed content, moved, blocked, sign-in wall, a changed source
article, a certificate warning and a muted known problem.

    .venv/bin/python docs/make_screenshots.py     (needs Debian's chromium and playwright)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402

from demo import make_demo  # noqa: E402
from loopback import LoopbackWeb  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        web = LoopbackWeb(work).start()
        try:
            make_demo(web, work, runs=4, history=36)
        finally:
            web.stop()
        report = (work / "reports" / "index.html").as_uri()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            shots = [("report.png", 1280, 900, "light"), ("report-dark.png", 1280, 900, "dark"),
                     ("report-mobile.png", 390, 844, "light")]
            for name, width, height, scheme in shots:
                page = browser.new_page(viewport={"width": width, "height": height},
                                        color_scheme=scheme)  # type: ignore[arg-type]
                page.goto(report)
                page.screenshot(path=str(HERE / name), full_page=name != "report-dark.png")
                page.close()
            browser.close()
    print("wrote", ", ".join(name for name, *_ in shots))


if __name__ == "__main__":
    main()
