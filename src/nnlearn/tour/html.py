"""The HTML around the book's pages: the document, its top bar and previous/next links.

Every page links two local stylesheets, ``math.css`` (the equations' font, from
:mod:`nnlearn.equations.mathml`) and ``book.css`` (the layout); nothing else is loaded.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import NamedTuple

BOOK_TITLE = "The nnlearn tour"
INDEX, CATALOGUE = "index.html", "equations.html"


class Link(NamedTuple):
    """A page of the book as a link: its file and its title."""

    href: str
    title: str


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def dotted_name(name: str) -> str:
    """A qualified name as code that may break after its dots (never inside a word)."""
    return "<code>" + ".<wbr>".join(escape(part) for part in name.split(".")) + "</code>"


def docstring_line(text: str) -> str:
    """A line of a docstring as HTML: ``literal`` (reStructuredText) as code."""
    return re.sub(r"``(.+?)``", r"<code>\1</code>", escape(text))


def anchor(title: str) -> str:
    """A fragment identifier for a heading: lowercase ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def document(title: str, body: str, previous: Link | None = None,
             next_page: Link | None = None) -> str:
    """A whole page: head, top bar, the body in the reading column, previous/next links."""
    pager = _pager(previous, next_page)
    page_title = BOOK_TITLE if title == BOOK_TITLE else f"{title} · {BOOK_TITLE}"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(page_title)}</title>
<link rel="stylesheet" href="math.css">
<link rel="stylesheet" href="book.css">
</head>
<body>
<header class="bar">
<a class="book" href="{INDEX}">{escape(BOOK_TITLE)}</a>
<nav aria-label="book"><a href="{INDEX}#contents">Contents</a>
<a href="{CATALOGUE}">Equations</a></nav>
</header>
<main>
{body}
</main>
{pager}
<footer>Written by <code>nnlearn tour</code>: every number, table and figure on this page
was computed by nnlearn when the page was written.</footer>
</body>
</html>
"""


def _pager(previous: Link | None, next_page: Link | None) -> str:
    links = []
    if previous is not None:
        links.append(f'<a class="previous" rel="prev" href="{previous.href}">'
                     f"← {escape(previous.title)}</a>")
    if next_page is not None:
        links.append(f'<a class="next" rel="next" href="{next_page.href}">'
                     f"{escape(next_page.title)} →</a>")
    return f'<nav class="pager" aria-label="previous and next">{"".join(links)}</nav>'
