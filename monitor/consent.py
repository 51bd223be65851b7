"""Cookie and consent walls: a dialog that stands between us and the content ("Before you
continue", "Nous respectons votre vie privée", "Mit Werbung lesen oder Pur-Abo"), judged like
a bot wall (`blocked`/`challenge`).

Pure functions over a Page. Cookie banners on ordinary pages say the same words, so the text
counts only on a bare page (thin content, a handful of links) whose own text is the dialog: a
choice to accept (or reject) everything, and talk of cookies, partners, personal data and
advertising, in the languages curated lists are most often in.
"""

from __future__ import annotations

import re

from .models import Page
from .pagehints import bare

#: Accept/reject-everything choices, and the English dialogs' own openings.
_CONSENT = re.compile(
    r"\bbefore\s+you\s+continue(?:\s+to\b)?|\bwe\s+value\s+your\s+privacy\b"
    r"|\b(?:accept|reject)\s+all\b.{0,300}?\bcookies\b|\bcookies\b.{0,300}?\b(?:accept|reject)"
    r"\s+all\b",
    re.IGNORECASE | re.DOTALL,
)
#: The same buttons elsewhere (German, French, Italian, Spanish, Portuguese, Dutch, Polish):
#: they count on a page that also speaks of cookies or consent.
_CONSENT_BUTTON = re.compile(
    r"\balle\s+(?:akzeptieren|ablehnen)\b|\bakzeptieren\s+und\s+weiter\b"
    r"|\btout\s+(?:accepter|refuser)\b|\baccepter\s+(?:et|&)\s+(?:fermer|continuer)\b"
    r"|\bcontinuer\s+sans\s+accepter\b|\baccetta\s+(?:tutt[oi]|e\s+(?:chiudi|continua))\b"
    r"|\b(?:aceptar|rechazar)\s+todo\b|\baceitar\s+tudo\b|\balles?\s+(?:accepteren|weigeren)\b"
    r"|\bakceptuj(?:ę)?\s+wszystk\w*",
    re.IGNORECASE,
)
_COOKIES_OR_CONSENT = re.compile(
    r"\b(?:cookies?|consent\w*|einwilligung|zustimmung|consentement|consenso|toestemming"
    r"|zgod\w*)\b", re.IGNORECASE)
#: "Accept" on its own, in the languages of `_CONSENT_BUTTON`: read only on a bare page whose
#: own text is a consent dialog's talk.
_ACCEPT = re.compile(
    r"\b(?:accept|akzeptieren|zustimmen|accepter|accetta|aceptar|aceitar|accepteren"
    r"|akceptuj[ęe]?|godkänn|hyväksy)\b", re.IGNORECASE)
_CONSENT_MAX_CHARS = 1500
#: A consent wall has next to nothing of its own besides the dialog; a short article under a
#: cookie banner has more (measured: a 1,000-character article was called a wall at 2,000).
_CONSENT_MAX_CONTENT = 600
_CONSENT_TITLE = re.compile(r"^\s*before\s+you\s+continue\b", re.IGNORECASE)
#: What a consent dialog talks about. A page whose own text is mostly this talk, with
#: accept/reject-all choices, is the dialog itself however long its legal text runs.
_CONSENT_TALK = re.compile(
    r"\b(?:cookies?|consent\w*|partners?|personal\s+(?:data|information)|privacy|advertis\w*"
    r"|preferences|tracking|devices?"
    r"|einwilligung|zustimmung|partnern?|personenbezogene\w*|datenschutz\w*|werbung|ger[äa]t"
    r"|partenaires|donn[ée]es\s+personnelles|vie\s+priv[ée]e|confidentialit[ée]|publicit\w*"
    r"|traceurs|terminal|consenso|dati\s+personali|pubblicit\w*|socios|datos\s+personales"
    r"|privacidad|privacidade|toestemming|persoonsgegevens|advertenties|zgod\w*)\b",
    re.IGNORECASE)
_CONSENT_TALK_HITS = 6
_CONSENT_TALK_SHARE = 0.05


def consent_dialog(page: Page) -> bool:
    """Whether the page's own text is mostly a consent dialog's talk."""
    words = len(page.content_text.split())
    hits = len(_CONSENT_TALK.findall(page.content_text))
    return hits >= _CONSENT_TALK_HITS and hits >= _CONSENT_TALK_SHARE * words


def looks_consent(page: Page) -> str | None:
    """A cookie/consent interstitial in place of the page ("Before you continue"): like a
    bot wall, it stands between us and the content. Cookie banners on ordinary pages say
    the same words, so the text counts only on a bare page."""
    match = _CONSENT_TITLE.search(page.title or "")
    if match is None and bare(page) and len(page.text) <= _CONSENT_MAX_CHARS \
            and (len(page.content_text) <= _CONSENT_MAX_CONTENT or consent_dialog(page)):
        match = _CONSENT.search(page.text) or (
            _CONSENT_BUTTON.search(page.text) if _COOKIES_OR_CONSENT.search(page.text) else None)
    if match is None and bare(page) and len(page.text) <= _CONSENT_MAX_CHARS \
            and consent_dialog(page) and _COOKIES_OR_CONSENT.search(page.text):
        # a dialog and nothing else, whose buttons say only "Accetta" / "Rifiuta"
        match = _ACCEPT.search(page.text)
    return f"consent wall: page says {match.group(0)!r}" if match else None
