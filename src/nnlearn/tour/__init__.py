"""``nnlearn tour``: the course end to end, printed and written as a report with plots.

Each section is a module of this package with a ``TITLE`` and a ``run(report)``
function; :data:`SECTIONS` gives their order, which follows the course.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from nnlearn.tour.report import Report

SECTIONS: tuple[str, ...] = (
    "activations",
    "losses",
    "neurons",
    "mlp",
    "recurrent",
    "second_order",
    "markov",
    "hopfield",
    "boltzmann",
)


def run(
    out_dir: str | Path = "nnlearn-tour",
    sections: Sequence[str] | None = None,
    echo: Callable[[str], Any] = print,
) -> Path:
    """Run the tour's sections in order and write ``index.html`` into ``out_dir``.

    Parameters
    ----------
    out_dir : path, default "nnlearn-tour"
        Folder for the report.
    sections : sequence of str, optional
        Names from :data:`SECTIONS` to run; all of them by default.
    echo : callable, default print
        Receives the text of the tour.

    Returns
    -------
    Path
        The written ``index.html``.
    """
    chosen = SECTIONS if sections is None else tuple(sections)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        raise ValueError(f"unknown tour section(s) {unknown}; expected some of {list(SECTIONS)}")
    report = Report(out_dir, echo=echo)
    for name in chosen:
        module = importlib.import_module(f"nnlearn.tour.{name}")
        start = time.perf_counter()
        report.section(module.TITLE)
        module.run(report)
        echo(f"    ({time.perf_counter() - start:.1f} s)")
    return report.write()
