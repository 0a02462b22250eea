"""Helpers for tests that write CSV files for nnlearn train and predict."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]],
              **options: Any) -> Path:
    """Write ``header`` and ``rows`` to ``path`` with :mod:`csv` (``options``: its dialect
    options, and ``encoding``, default utf-8); returns ``path``."""
    with open(path, "w", newline="", encoding=options.pop("encoding", "utf-8")) as file:
        writer = csv.writer(file, **options)
        writer.writerow(header)
        writer.writerows(rows)
    return path
