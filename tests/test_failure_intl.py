"""A failure notice in place of the page in the main European languages ("Er heeft zich een
fout voorgedaan", "Es ist ein Fehler aufgetreten", "Une erreur s'est produite") and a title
that is the one word "error message" ("Foutmelding"), on a page with no content of its own;
an article that reports such an error further down is no error page."""

from __future__ import annotations

import pytest
from pages import page

from monitor.models import Page
from monitor.pagekind import looks_soft_404
from monitor.softerror import failure_notice

PROSE = "<p>" + "De gemeente opende het nieuwe zwembad in het voorjaar voor alle inwoners. " \
    * 20 + "</p>"


@pytest.mark.parametrize(
    "candidate",
    [
        page("<p>Er heeft zich een fout voorgedaan. Probeer het later opnieuw.</p>", "Voorbeeld"),
        page("<p>Es ist ein Fehler aufgetreten. Bitte versuchen Sie es später.</p>", "Beispiel"),
        page("<p>Une erreur s'est produite. Veuillez réessayer.</p>", "Exemple"),
        page("<p>Se ha producido un error. Inténtelo de nuevo.</p>", "Ejemplo"),
        page("<p>Si è verificato un errore.</p>", "Esempio"),
        page("<p>Ocorreu um erro.</p>", "Exemplo"),
    ],
)
def test_failure_notices_in_other_languages(candidate: Page) -> None:
    assert failure_notice(candidate)
    assert looks_soft_404(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        page("<h1>Foutmelding</h1><p>Klik op de knop.</p>", "Foutmelding : Voorbeeld", lang="nl"),
        page("<p>Bitte erneut versuchen.</p>", "Fehlermeldung | Beispiel"),
    ],
)
def test_error_message_labels(candidate: Page) -> None:
    assert looks_soft_404(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        # an article that reports the error after its own opening
        page(f"<h1>Storing bij de gemeente</h1>{PROSE}<p>Bezoekers zagen: er heeft zich een fout "
             "voorgedaan.</p>", "Storing bij de gemeente | Nieuws"),
        # the label in a page that declares another language is a name
        page("<p>Album out now.</p>", "Foutmelding - Band", lang="en"),
        page(f"<h1>Fehlermeldungen verstehen</h1>{PROSE}", "Fehlermeldungen verstehen | Hilfe"),
    ],
)
def test_not_failure_pages(candidate: Page) -> None:
    assert looks_soft_404(candidate) is None
