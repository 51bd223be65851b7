"""Measure content-drift scores on real pages, to choose `content_threshold`.

Reads the real articles of ../shared/corpus (never copied into this project), perturbs each
the way pages change without changing what they say (noise) and the ways they really change,
and prints the score (max of "share of the text new" and "share of the curated text gone")
that `monitor` would compare with `content_threshold`:

    .venv/bin/python bench/content_threshold.py [CORPUS_DIR]
"""

from __future__ import annotations

import itertools
import random
import re
import statistics
import sys
from pathlib import Path

from monitor.content import compare, main_text, shingles

CORPUS = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parents[2] / "shared/corpus")
_TEXT = re.compile(r">([^<]+)<")
_CODE = re.compile(r"(<(?:script|style)\b.*?</(?:script|style)>)", re.I | re.S)
_BODY = re.compile(r"<body[^>]*>", re.IGNORECASE)
_PARA = re.compile(r"(<p[ >].*?</p>)", re.IGNORECASE | re.DOTALL)
FILLER = ("The new section explains how physiotherapists adapt each exercise for older "
          "patients, which movements to avoid after surgery, and when to stop and call a doctor. "
          "It also lists simple equipment that helps at home and describes a weekly plan.")
NOISE = (
    '<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. '
    'By continuing you accept our cookie policy. <button>Accept all</button></div>'
    '<div class="ad advertisement">Advertisement: Buy the best mattress of 2026 now, 40% off!'
    '</div><aside class="sidebar related"><h3>Related articles</h3><ul>'
    + "".join(f'<li><a href="/a{i}">Story number {i} everyone is reading today</a></li>'
              for i in range(7)) + "</ul></aside>"
)


def renumber(html: str, rng: random.Random) -> str:
    """Every number in the text (not in scripts or styles) changes: dates, view counts."""
    parts = _CODE.split(html)
    for i in range(0, len(parts), 2):
        parts[i] = _TEXT.sub(lambda m: ">" + re.sub(r"\d", lambda _: str(rng.randint(0, 9)),
                                                    m.group(1)) + "<", parts[i])
    return "".join(parts)


def add_noise(html: str, rng: random.Random) -> str:
    return _BODY.sub(lambda m: m.group(0) + NOISE, renumber(html, rng), count=1)


def add_paragraph(html: str) -> str:
    paras = _PARA.findall(html)
    if not paras:
        return html
    middle = paras[len(paras) // 2]
    return html.replace(middle, middle + f"<p>{FILLER}</p>", 1)


def rewrite_half(html: str, other_text: str) -> str:
    """Every second paragraph replaced by text from another article."""
    words = other_text.split()
    count = itertools.count()

    def swap(match: re.Match[str]) -> str:
        if next(count) % 2:
            return match.group(0)
        n = max(8, len(re.sub(r"<[^>]+>", " ", match.group(0)).split()))
        start = next(count) * 13 % max(1, len(words) - n)
        return "<p>" + " ".join(words[start:start + n]) + "</p>"

    return _PARA.sub(swap, html)


def score(a: str, b: str) -> float:
    return compare(shingles(a), shingles(b)).score


def main() -> None:
    files = sorted((CORPUS / "ok_article").glob("*.html"))
    pages = {f.name: f.read_text("utf-8", "replace") for f in files}
    texts = {name: main_text(html) for name, html in pages.items()}
    rows: dict[str, list[float]] = {"noise": [], "paragraph added": [],
                                    "half rewritten": [], "other article": []}
    rng = random.Random(13)
    names = [n for n in pages if len(texts[n].split()) >= 80]  # articles, not stubs
    print(f"{len(names)} of {len(pages)} ok_article pages have >= 80 words of main text")
    for i, name in enumerate(names):
        html, text = pages[name], texts[name]
        other = texts[names[(i + 1) % len(names)]]
        cases = {
            "noise": main_text(add_noise(html, rng)),
            "paragraph added": main_text(add_paragraph(html)),
            "half rewritten": main_text(rewrite_half(html, other)),
        }
        shown = []
        for case, new_text in cases.items():
            rows[case].append(score(text, new_text))
            shown.append(f"{case} {rows[case][-1]:.2f}")
        print(f"  {name[:40]:40} {len(text.split()):5} words  " + "  ".join(shown))
    for a, b in itertools.combinations(names, 2):
        rows["other article"].append(score(texts[a], texts[b]))
    print("\ncase               n   min   median  max")
    for case, values in rows.items():
        if values:
            print(f"{case:16} {len(values):3}  {min(values):.2f}  {statistics.median(values):.2f}"
                  f"    {max(values):.2f}")


if __name__ == "__main__":
    main()
