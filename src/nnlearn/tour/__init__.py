"""``nnlearn tour``: the course end to end, as a book of HTML pages a student reads offline.

Each chapter is a module of this package that defines

- ``TITLE``, ``SUMMARY`` (one line for the contents) and ``INTRODUCTION`` (the paragraph
  that opens the chapter: what it shows and why);
- ``SECTIONS``: the functions that write it, in order. Each takes the chapter's
  :class:`~nnlearn.tour.page.Page`, starts with ``page.section(title)`` and then states
  equations (``page.equation(key)``), runs an experiment and reports it
  (``page.text``, ``page.table``, ``page.figure``);
- optionally ``BACKGROUND``: experiments of no arguments that its sections get through
  :func:`nnlearn.tour.background.result`, computed on a second core from the start of the
  tour (:mod:`nnlearn.tour.background`).

Adding a section to a chapter is one function and one entry in its ``SECTIONS``; adding a
chapter is one module and one entry in :data:`CHAPTERS`, whose order follows the course.
The whole tour should take under 30 s on two cores once compiled code is cached, and under
45 s on a first run: on a quiet 2-core machine today's chapters take about 30 s of CPU,
11 s of them the encoder experiments of the Boltzmann chapter, which run on the second
core (21 s in all, warm; 33 s on a first run, 8 s of it compiling the recurrent loops).
:func:`run` writes the chapters, then the opening page with the contents and the page of
every equation with its code (see :mod:`nnlearn.tour.book`).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

CHAPTERS: tuple[str, ...] = (
    "losses",
    "neurons",
    "activations",
    "mlp",
    "second_order",
    "recurrent",
    "markov",
    "hopfield",
    "boltzmann",
)


def run(
    out_dir: str | Path = "nnlearn-tour",
    chapters: str | Sequence[str] | None = None,
    echo: Callable[[str], Any] = print,
    on_figure: Callable[[str, Any], None] | None = None,
) -> Path:
    """Write the chapters (all, or the ones named) and the book's other pages.

    Parameters
    ----------
    out_dir : path, default "nnlearn-tour"
        The book's folder.
    chapters : str or sequence of str, optional
        Names from :data:`CHAPTERS`; they are written in the book's order. All by default.
    echo : callable, default print
        Receives the text of the tour, and each chapter's time.
    on_figure : callable, optional
        Called as ``on_figure(stem, fig)`` with every figure before it is saved as
        ``figures/<stem>.svg``.

    Returns
    -------
    Path
        The book's opening page, ``index.html``.

    Raises
    ------
    TypeError
        If ``chapters`` is neither a name nor a sequence of names.
    ValueError
        If a name is not in :data:`CHAPTERS`, or none is given.
    """
    from nnlearn.tour import background
    from nnlearn.tour.book import Book

    chosen = _chosen(chapters)
    book = Book(out_dir, echo=echo, on_figure=on_figure)
    times = {}
    modules = [importlib.import_module(f"{__name__}.{name}") for name in chosen]
    # with more than one chapter to write, the long experiments go to the other core
    experiments = [f for module in modules for f in getattr(module, "BACKGROUND", ())]
    with background.started(experiments if len(modules) > 1 else ()):
        for name, module in zip(chosen, modules, strict=True):
            start = time.perf_counter()
            page = book.chapter(name, module.TITLE, module.SUMMARY, module.INTRODUCTION)
            for section in module.SECTIONS:
                section(page)
            times[name] = time.perf_counter() - start
            echo(f"  (chapter {page.number}, {name}: {times[name]:.1f} s)")
    start = time.perf_counter()
    index = book.write()
    times["the pages"] = time.perf_counter() - start
    echo("\ntime: " + ", ".join(f"{name} {t:.1f} s" for name, t in times.items())
         + f"; in all {sum(times.values()):.1f} s")
    return index


def _chosen(chapters: str | Sequence[str] | None) -> tuple[str, ...]:
    if chapters is None:
        return CHAPTERS
    if not isinstance(chapters, str | Sequence):
        raise TypeError(f"chapters must be a name or a sequence of names, got "
                        f"{type(chapters).__name__}")
    names = [chapters] if isinstance(chapters, str) else list(chapters)
    unknown = [name for name in names if name not in CHAPTERS]
    if unknown or not names:
        raise ValueError(f"chapters: expected names from {list(CHAPTERS)}, got {names!r}")
    return tuple(name for name in CHAPTERS if name in names)
