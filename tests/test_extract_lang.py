"""Page.lang: the language a page declares on its <html> element, for rules that read a
word as a label only in its own language."""

from __future__ import annotations

import pytest

from monitor.extract import extract


@pytest.mark.parametrize(
    ("markup", "lang"),
    [
        (b'<html lang="pt-BR"><head><title>x</title></head><body><p>oi</p></body></html>', "pt-br"),
        (b'<html xml:lang="sv"><head><title>x</title></head><body><p>hej</p></body></html>', "sv"),
        (b'<html lang=" de "><head><title>x</title></head><body><p>hallo</p></body></html>', "de"),
        (b"<title>x</title><p>no html element written out</p>", ""),
        (b'<html lang="a very long attribute value that is no tag"><body><p>x</p></body></html>',
         "a very long attr"),
    ],
)
def test_declared_language(markup: bytes, lang: str) -> None:
    assert extract(markup, "text/html").lang == lang
