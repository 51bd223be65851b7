"""The word "error" alone as a title segment, in the languages of the web: an error page's
label ("Fehler | Beispiel", "Hata - Site"), but also a name ("HaTa - BOOTH", a magazine named
"Fel"). Written as a label is written, and over a page with no article of its own."""

from __future__ import annotations

import pytest
from pages import page

from monitor.models import Page
from monitor.pagekind import looks_soft_404

SHOP = "".join(f'<li><a href="/items/{i}">Hand-made item number {i}</a></li>' for i in range(40))
PROSE = "<p>" + "Our spring collection of hand-dyed wool scarves is in the shop now. " * 20 + \
    "</p>"


@pytest.mark.parametrize(
    "candidate",
    [
        page("<p>Bitte versuchen Sie es erneut.</p>", "Fehler | Beispiel GmbH"),
        page("<p>Bir sorun oluştu.</p>", "Hata - Örnek"),
        page("<p>Något gick fel.</p>", "FEL - Exempel"),
        page("<p>Ocorreu um problema.</p>", "erro"),
        page("<p>错误码: 1000</p>", "错误"),
        page("<p>Bir sorun oluştu.</p>", "Hata - Örnek", lang="tr"),
        page("<p>Något gick fel.</p>", "Fel | Exempel", lang="sv-SE"),
        page("<p>Please try again.</p>", "Error | Example", lang="en"),  # English: any page
        # an article's worth of text under a heading that is the word itself
        page(f"<h1>Fehler</h1>{PROSE}", "Fehler | Beispiel GmbH"),
    ],
)
def test_error_word_labels(candidate: Page) -> None:
    assert looks_soft_404(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        # a shop named "HaTa": a brand's own casing, a shop's worth of links
        page(f"<nav><ul>{SHOP}</ul></nav><p>New items every week.</p>", "HaTa - BOOTH"),
        page("<p>x</p>", "FeHler - Band"),
        # a magazine named "Fel" with an article's worth of its own text
        page(f"<h1>Spring collection</h1>{PROSE}", "Fel | Magazine"),
        page(f"<h1>Spring collection</h1>{PROSE}", "Hata - BOOTH"),
        # a name in a page that declares another language than the word's
        page("<p>New items every week.</p>", "Hata - BOOTH", lang="ja"),
        page("<p>Tickets for the spring tour.</p>", "Fel | Band", lang="en-GB"),
    ],
)
def test_error_word_near_misses(candidate: Page) -> None:
    assert looks_soft_404(candidate) is None
