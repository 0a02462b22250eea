"""The book: its chapters' pages, the opening page with the contents, the catalogue page.

:class:`Book` hands out a :class:`~nnlearn.tour.page.Page` per chapter and, when all are
written, :meth:`Book.write` lays the folder out::

    index.html          the opening page and the table of contents
    <chapter>.html      one page per chapter, with previous/next links
    equations.html      every equation of the catalogue, its code and its test
    book.css, math.css  the stylesheets; the math font and its licence beside them
    figures/*.svg       the figures
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from nnlearn.equations import CATALOGUE as ENTRIES
from nnlearn.equations.mathml import write_assets
from nnlearn.io.atomic import atomic_write
from nnlearn.tour import opening
from nnlearn.tour.catalogue import catalogue_body
from nnlearn.tour.html import BOOK_TITLE, CATALOGUE, INDEX, Link, document, dotted_name, escape
from nnlearn.tour.page import Page

STYLESHEET = "book.css"


class Book:
    """The pages of one run of the tour, and where they are written.

    Parameters
    ----------
    out_dir : path
        The book's folder; created if missing.
    echo : callable, default print
        Receives the text for the terminal.
    on_figure : callable, optional
        Passed to every page (see :class:`~nnlearn.tour.page.Page`).
    """

    def __init__(self, out_dir: str | Path, echo: Callable[[str], Any] = print,
                 on_figure: Callable[[str, Any], None] | None = None) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.echo = echo
        self.on_figure = on_figure
        self.pages: list[Page] = []

    def chapter(self, name: str, title: str, summary: str, introduction: str) -> Page:
        """A new page for chapter ``name`` (its module's name), numbered in order."""
        number = len(self.pages) + 1
        self.echo(f"\n== {number}. {title} ==\n{introduction}")
        page = Page(name, number, title, summary, introduction, self.out_dir, self.echo,
                    self.on_figure)
        self.pages.append(page)
        return page

    def write(self) -> Path:
        """Write every page, the stylesheets and the math font; return ``index.html``."""
        links = [Link(INDEX, BOOK_TITLE)] + [p.link for p in self.pages]
        links.append(Link(CATALOGUE, "The equations and their code"))
        bodies = [opening.index_body(self.pages)]
        bodies += [_chapter_body(p) for p in self.pages]
        bodies.append(catalogue_body(self.pages))
        for k, (link, body) in enumerate(zip(links, bodies, strict=True)):
            previous = links[k - 1] if k > 0 else None
            following = links[k + 1] if k + 1 < len(links) else None
            with atomic_write(self.out_dir / link.href) as file:
                file.write(document(link.title, body, previous, following))
        write_assets(self.out_dir)
        with resources.as_file(resources.files(__package__).joinpath(STYLESHEET)) as css:
            shutil.copyfile(css, self.out_dir / STYLESHEET)
        return self.out_dir / INDEX


def _chapter_body(page: Page) -> str:
    """A chapter page: its title, introduction, contents, sections and closing recap."""
    contents = "".join(f'<li><a href="{s.href}">{escape(s.title)}</a></li>'
                       for s in page.sections)
    return (f'<h1><span class="number">Chapter {page.number}</span>{escape(page.title)}</h1>'
            f'<p class="intro">{escape(page.introduction)}</p>'
            f'<nav class="local contents" aria-label="in this chapter"><h2>In this chapter</h2>'
            f"<ol>{contents}</ol></nav>" + "\n".join(page.body) + _recap(page))


def _recap(page: Page) -> str:
    """The catalogue's equations the chapter covered, each linked to its entry."""
    if not page.equations:
        return ""
    rows = []
    for key in page.equations:
        entry = ENTRIES[key]
        code = ", ".join(dotted_name(imp.qualname) for imp in entry.implementations)
        rows.append(f'<tr><td><a href="{CATALOGUE}#{key}">{escape(entry.name)}</a></td>'
                    f"<td>{code or 'not yet implemented'}</td></tr>")
    return ('<h2 id="equations-of-this-chapter">Equations of this chapter</h2>'
            "<p>Each links to its entry on the equations page: the function that implements "
            "it, that function's documentation, and the test that checks it.</p>"
            "<table><thead><tr><th>equation</th><th>implemented by</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
