"""`monitor import` end to end: the saved article re-creates the shipped list, and a copy of
it whose links point at the loopback web is imported, checked once per link, byte for byte."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config import load_config

from loopback import LoopbackWeb, article

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = Path(__file__).parent.parent / "resources.toml"
HOSTS = re.compile(r"https://www\.(spineuniverse|spine-health|webmd|kenaispine)\.com/")


@pytest.mark.parametrize("name", ["lss-article.html", "lss-article.md"])
def test_the_shipped_list_is_importable_from_the_article(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    listed = tmp_path / "resources.toml"
    shutil.copyfile(SHIPPED, listed)
    assert main(["import", "-c", str(listed), str(FIXTURES / name)]) == 0
    out = capsys.readouterr().out
    assert out.count("already listed as") == 11 and "nothing new to import" in out
    assert listed.read_bytes() == SHIPPED.read_bytes()


def loopback_article(web: LoopbackWeb, tmp_path: Path) -> tuple[Path, list[str]]:
    """The article with every recommended site moved onto the loopback web."""
    html = (FIXTURES / "lss-article.html").read_text(encoding="utf-8")
    html = HOSTS.sub(lambda m: web.url(f"/{m.group(1)}/"), html)
    paths = sorted({m.split("#")[0] for m in re.findall(
        rf'href="{re.escape(web.url(""))}([^"]+)"', html)})
    for number, path in enumerate(paths):
        web.set_page(path, article(f"Page {number} | {path.split('/')[1]}"))
    source = tmp_path / "article.html"
    source.write_text(html, encoding="utf-8")
    return source, paths


MINIMAL = """\
# A fresh list.
[monitor]
retries = 0
timeout = 5

[[resource]]
id = "already"
url = "{url}"
"""


def test_import_checks_each_link_once_and_appends_the_healthy_ones(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, paths = loopback_article(web, tmp_path)
    assert len(paths) == 11
    web.set_page(paths[0], "gone", status=404)  # one recommended page died
    listed = tmp_path / "resources.toml"
    listed.write_text(MINIMAL.format(url=web.url(paths[1])), encoding="utf-8")
    before = listed.read_bytes()

    assert main(["import", "-c", str(listed), str(source), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert listed.read_bytes() == before and "9 resource(s) would be added" in out
    assert "skipped (social): https://twitter.com/intent/tweet" in out
    assert "skipped (scheme, mailto: link): mailto:info@balancedback.com 'Write to us'" in out
    assert "skipped (navigation): https://webagency.example.org/" in out
    assert f"already listed as already: {web.url(paths[1])}" in out
    assert f"not added: {web.url(paths[0])} is broken (not-found): HTTP 404" in out
    web.hits.clear()

    assert main(["import", "-c", str(listed), str(source), "--tags", "exercise"]) == 0
    assert "added 9 resource(s)" in capsys.readouterr().out
    assert all(web.hits[path] == 1 for path in paths[2:])  # one fetch each
    text = listed.read_text(encoding="utf-8")
    assert text.startswith(before.decode()) and text.count("[[resource]]") == 10
    assert "# Imported from" in text and '(link text: "gentle yoga pose")' in text
    config = load_config(listed)
    new = config.resources[1:]
    assert all(r.tags == ("127-0-0-1", "exercise") for r in new)
    assert all(r.name == r.expected_title and r.name.startswith("Page ") for r in new)
    assert len({r.id for r in config.resources}) == 10

    assert main(["import", "-c", str(listed), str(source)]) == 0  # again: nothing new
    assert listed.read_text(encoding="utf-8") == text


def test_import_from_a_url_with_a_body_selector(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, paths = loopback_article(web, tmp_path)
    html = source.read_text(encoding="utf-8")
    web.set_page("/blog/post", html.replace('<link rel="canonical"', '<link rel="x"')
                 .replace('property="og:url"', 'property="x"'))
    listed = tmp_path / "resources.toml"
    listed.write_text(MINIMAL.format(url=web.url(paths[1])).replace(
        "timeout = 5", f'timeout = 5\nca_bundle = "{web.ca_path}"'), encoding="utf-8")
    url = web.tls_url("/blog/post")  # localhost: a different site from 127.0.0.1
    assert main(["import", "-c", str(listed), url, "--selector", ".entry-content",
                 "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "10 resource(s) would be added" in out
    assert "skipped (social)" not in out  # the share bar is outside the selected body
    assert "skipped (internal" in out  # relative links resolved against the URL


@pytest.mark.parametrize(
    ("source", "extra", "message"),
    [
        ("missing.html", [], "missing.html: file not found"),
        ("ARTICLE", ["--selector", "div["], "invalid CSS selector"),
        ("ARTICLE", ["--selector", "table.none"], "no link inside elements matching"),
        ("URL404", [], "cannot read"),
        ("ARTICLE", ["--base", "mailto:x"], "not an http(s) URL"),
    ],
)
def test_import_errors_are_one_line(web: LoopbackWeb, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str], source: str,
                                    extra: list[str], message: str) -> None:
    listed = tmp_path / "resources.toml"
    listed.write_text(MINIMAL.format(url=web.url("/ok")), encoding="utf-8")
    source = {"ARTICLE": str(FIXTURES / "lss-article.html"),
              "URL404": web.url("/status/404")}.get(source, str(tmp_path / source))
    assert main(["import", "-c", str(listed), source, *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_an_import_that_adds_nothing_says_why_and_leaves_the_file_alone(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gone, moved = web.url("/gone/one"), web.url("/redirect/301?to=/ok")
    web.set_page("/gone/one", "gone", status=404)
    source = tmp_path / "article.md"
    source.write_text(f"# Picks\n\n[Gone]({gone}), [moved]({moved}) and [ok]({web.url('/ok')}).\n",
                      encoding="utf-8")
    listed = tmp_path / "resources.toml"
    listed.write_text(MINIMAL.format(url=web.url("/ok")), encoding="utf-8")
    before = listed.read_bytes()

    assert main(["import", "-c", str(listed), str(source), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.endswith("monitor: dry run: nothing would be added (1 link not healthy, "
                        f"2 links already listed); {listed} not changed\n")
    assert "[[resource]]" not in out and "would be added;" not in out
    assert main(["import", "-c", str(listed), str(source)]) == 0
    out = capsys.readouterr().out
    assert "added 0" not in out and out.endswith(
        f"monitor: nothing added to {listed}: 1 link not healthy, 2 links already listed "
        "(see above)\n")
    assert listed.read_bytes() == before

    only_listed = tmp_path / "listed.md"
    only_listed.write_text(f"[ok]({web.url('/ok')})\n", encoding="utf-8")
    assert main(["import", "-c", str(listed), str(only_listed)]) == 0
    assert capsys.readouterr().out.endswith(
        f"monitor: nothing new to import: 1 link already listed in {listed}\n")
