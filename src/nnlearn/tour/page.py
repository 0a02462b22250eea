"""A chapter of the book as it is written: text, equations, tables and figures.

A chapter's sections call the methods of :class:`Page`; each call both prints (through
``echo``, so the terminal tells the same story) and adds to the page's HTML. Numbers in
tables go through :func:`nnlearn.tour.numbers.number`, equations come from the
catalogue by key, figures are saved as SVG under ``figures/``.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnlearn.equations import CATALOGUE, to_mathml, to_unicode
from nnlearn.equations.mathml import clauses
from nnlearn.io.atomic import atomic_write
from nnlearn.plots.style import save
from nnlearn.tour.html import CATALOGUE as CATALOGUE_PAGE
from nnlearn.tour.html import Link, anchor, escape
from nnlearn.tour.numbers import number

#: the folder of a book's figures, beside its pages
FIGURES = "figures"
#: pixels per inch of a figure on the page (a browser's CSS inch)
CSS_PPI = 96


def typeset(latex: str) -> str:
    """A displayed formula as HTML: one ``<math>`` per clause, in a box that wraps them
    onto more lines where the page is narrow (see :func:`~nnlearn.equations.mathml.clauses`)."""
    return ('<div class="clauses">' + "".join(to_mathml(part) for part in clauses(latex))
            + "</div>")


#: a number as :func:`~nnlearn.tour.numbers.number` and ``percent`` write it
_NUMBER = re.compile(r"−?[\d,]+(\.\d+)?( × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?%?|NaN|−?∞")


def _numeric(cell: Any) -> bool:
    """Whether a table cell is a number (aligned right), given as one or already written."""
    if isinstance(cell, str):
        return bool(_NUMBER.fullmatch(cell))
    return isinstance(cell, numbers.Number) and not isinstance(cell, bool)


@dataclass
class Page:
    """One chapter: its HTML body, the sections and equations it holds, its figures.

    Parameters
    ----------
    name : str
        The chapter's module name; the page is ``<name>.html``.
    number : int
        The chapter's number in the book.
    title : str
    summary : str
        One line for the table of contents.
    introduction : str
        The paragraph that opens the chapter: what it shows and why.
    out_dir : Path
        The book's folder; figures go to ``out_dir / "figures"``.
    echo : callable, default print
        Receives the text for the terminal.
    on_figure : callable, optional
        Called as ``on_figure(stem, fig)`` before a figure is saved and closed, with the
        file's stem ``<chapter>-<name>`` (tests read a figure's data there).
    """

    name: str
    number: int
    title: str
    summary: str
    introduction: str
    out_dir: Path
    echo: Callable[[str], Any] = print
    on_figure: Callable[[str, Any], None] | None = None
    body: list[str] = field(default_factory=list)
    sections: list[Link] = field(default_factory=list)
    equations: list[str] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)

    @property
    def link(self) -> Link:
        return Link(f"{self.name}.html", self.title)

    def section(self, title: str) -> None:
        """Start a section (a heading listed in the chapter's contents)."""
        self.echo(f"\n-- {title} --")
        fragment = anchor(title)
        self.sections.append(Link(f"{self.link.href}#{fragment}", title))
        self.body.append(f'<h2 id="{fragment}">{escape(title)}</h2>')

    def text(self, paragraph: str) -> None:
        """A paragraph of prose."""
        self.echo(paragraph)
        self.body.append(f"<p>{escape(paragraph)}</p>")

    def equation(self, *keys: str) -> None:
        """Equations of the catalogue, typeset side by side where the page is wide enough,
        each with its name linked to its entry on the equations page."""
        boxes = []
        for key in keys:
            entry = CATALOGUE[key]
            self.echo(f"  {entry.name}:")
            for line in to_unicode(entry.latex).splitlines():
                self.echo(f"      {line}")
            first = key not in self.equations
            if first:
                self.equations.append(key)
            identifier = f' id="eq-{key}"' if first else ""
            boxes.append(f'<div class="equation"{identifier}>{typeset(entry.latex)}'
                         f'<p class="name"><a href="{CATALOGUE_PAGE}#{key}">'
                         f"{escape(entry.name)}</a></p></div>")
        self.body.append(f'<div class="equations">{"".join(boxes)}</div>')

    def code(self, block: str) -> None:
        """Preformatted text (printed output, a summary), wrapped where it is too wide."""
        self.echo(block)
        self.body.append(f"<pre>{escape(block)}</pre>")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]],
              caption: str = "") -> None:
        """A table; numbers are written by :func:`~nnlearn.tour.numbers.number`."""
        cells = [[number(cell) for cell in row] for row in rows]
        widths = [max(len(str(h)), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
        if caption:
            self.echo(caption)
        for row in [list(map(str, header)), *cells]:
            self.echo("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        numeric = [all(_numeric(row[i]) for row in rows) for i in range(len(header))]
        head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
        body = "".join(
            "<tr>" + "".join(f'<td class="number">{escape(c)}</td>' if numeric[i]
                             else f"<td>{escape(c)}</td>" for i, c in enumerate(row)) + "</tr>"
            for row in cells)
        table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        if caption:
            table = (f'<figure class="table"><figcaption>{escape(caption)}</figcaption>'
                     f"{table}</figure>")
        self.body.append(table)

    def figure(self, fig: Any, name: str, caption: str, alt: str | None = None) -> Path:
        """Save a matplotlib figure as ``figures/<chapter>-<name>.svg`` and show it.

        Parameters
        ----------
        fig : matplotlib.figure.Figure
            Shown at its own size (``figsize`` in inches at 96 px per inch).
        name : str
            Unique within the chapter.
        caption : str
            What the figure shows, under it.
        alt : str, optional
            The text that stands for the figure where it cannot be seen; the caption
            by default.
        """
        width, height = (round(CSS_PPI * size) for size in fig.get_size_inches())
        path = self.out_dir / FIGURES / f"{self.name}-{name}.svg"
        if self.on_figure is not None:
            self.on_figure(path.stem, fig)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, "wb") as file:
            save(fig, file)
        self.figures.append(path)
        label = f"Figure {self.number}.{len(self.figures)}"
        self.echo(f"  [{label}: {path.name}] {caption}")
        self.body.append(
            f'<figure><img src="{FIGURES}/{path.name}" width="{width}" height="{height}" '
            f'alt="{escape(alt or caption)}"><figcaption><span class="label">{label}.</span> '
            f"{escape(caption)}</figcaption></figure>"
        )
        return path
