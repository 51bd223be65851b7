"""The sign-in box of a parsed page: the element around its first own password field that
holds the form (labels, "Forgot password?", "Remember me", a line of help), so the judge can
tell how much the page says besides it (`signin.beside_form`). Pure functions over an lxml
tree that `extract` parsed; nothing here parses HTML.
"""

from __future__ import annotations

import lxml.html


#: Password fields of the page's own content: a sign-in box in the site's header, navigation
#: or sidebar sits on every page of the site, articles included.
def _named(*names: str) -> str:
    """An element whose id, or one of whose class names, is one of `names` (lower case)."""
    tests = [f"translate(@id, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = '{n}'"
             f" or contains(concat(' ', translate(normalize-space(@class), "
             f"'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), ' '), ' {n} ')"
             for n in names]
    return " or ".join(tests)


#: The site's header, navigation or sidebar written as a <div> (`<div id="header">`, older
#: markup and app templates): chrome as <header>, <nav> and <aside> are.
CHROME_BOX = _named("header", "site-header", "page-header", "masthead", "navbar", "nav", "footer",
                    "navigation", "topbar", "top-bar", "menu", "sidebar")
OWN_PASSWORD = ("//input[translate(@type, 'PASSWORD', 'password') = 'password']"
                "[not(ancestor::header or ancestor::nav or ancestor::aside)]"
                f"[not(ancestor::*[{CHROME_BOX}])]")
#: Fields a user name or e-mail address is typed into, in the page's own content.
OWN_NAME_FIELDS = ("//input[not(@type) or translate(@type, 'TEXMAIL', 'texmail') = 'text'"
                   " or translate(@type, 'TEXMAIL', 'texmail') = 'email']"
                   "[not(ancestor::header or ancestor::nav or ancestor::aside)]")
#: A sign-in box says at most this much; an element with more text around the password
#: field is the page, not the box.
SIGNIN_BOX_CHARS = 600
_BOX_MARK = "data-monitor-signin-box"


def mark_signin_box(doc: lxml.html.HtmlElement) -> None:
    """Mark the sign-in box around the page's first own password field (OWN_PASSWORD):
    the largest element around the field, up to its <form>, whose text is a box's worth
    (SIGNIN_BOX_CHARS). A form wrapping the whole page (ASP.NET) is no box: the largest
    element inside it that is one counts. Marked before the chrome goes (the field often
    sits in a <label>), measured after it by `signin_box_chars`."""
    fields = doc.xpath(OWN_PASSWORD)
    if not fields:
        return
    box = None
    node = fields[0]
    while node is not None and _box_sized(node.text_content()):
        box = node
        if node.tag == "form":
            break
        node = node.getparent()
    if box is not None:
        box.set(_BOX_MARK, "")


def _box_sized(raw: str) -> bool:
    # (folding the whitespace of a whole article's text just to learn it is long costs ~1 ms)
    return len(raw) <= 8 * SIGNIN_BOX_CHARS and len(" ".join(raw.split())) <= SIGNIN_BOX_CHARS


def signin_box_chars(doc: lxml.html.HtmlElement) -> int:
    """How much of the (chrome-stripped) document's text is inside the marked sign-in box."""
    boxes = doc.xpath(f"//*[@{_BOX_MARK}]")
    return len(" ".join(boxes[0].text_content().split())) if boxes else 0
