"""Building a Page from a short HTML body, as the judgement tests write them."""

from __future__ import annotations

from monitor.extract import extract
from monitor.models import Page


def page(body: str, title: str, lang: str = "") -> Page:
    """The Page of `<html lang=...><title>title</title><body>body</body>`."""
    declared = f' lang="{lang}"' if lang else ""
    html = f"<html{declared}><head><title>{title}</title></head><body>{body}</body></html>"
    return extract(html.encode(), "text/html; charset=utf-8")
