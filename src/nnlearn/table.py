"""CSV tables for the command line: a header row, then one sample per row.

Every error names the command-line argument it comes from (``DATA``, ``--target`` ...) and
the column or line at fault, so that the ``nnlearn`` command can print it as it is.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = path.write_text("x,y,label\\n1,2,a\\n3,4,b\\n")
>>> table = Table.read(path, "DATA")
>>> table.columns, table.numeric(["x", "y"]).tolist(), table.column("label").tolist()
(['x', 'y', 'label'], [[1.0, 2.0], [3.0, 4.0]], ['a', 'b'])
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class Table:
    """The cells of a CSV file as strings, by column name.

    Attributes
    ----------
    columns : list of str
        The header row.
    cells : ndarray of str, shape (n_rows, n_columns)
    source : str
        The argument the file came from, for error messages.
    """

    columns: list[str]
    cells: np.ndarray
    source: str

    @classmethod
    def read(cls, path: str | os.PathLike[str], source: str) -> Table:
        """Read ``path``; ``source`` names the argument in error messages."""
        path = Path(path)
        if not path.is_file():
            what = "is a directory" if path.is_dir() else "does not exist"
            raise FileNotFoundError(f"{source}: {str(path)!r} {what}; expected a CSV file")
        with open(path, newline="", encoding="utf-8") as file:
            return cls.parse(file, source, repr(str(path)))

    @classmethod
    def parse(cls, lines: Iterable[str], source: str, name: str) -> Table:
        """The table in ``lines`` (an open text file, or a list of lines).

        ``source`` names the argument in error messages and ``name`` the file (an upload
        that has no path on this machine).
        """
        try:
            rows = [row for row in csv.reader(lines) if row]
        except (UnicodeDecodeError, csv.Error) as error:
            raise ValueError(f"{source}: {name} is not a readable CSV file ({error})"
                             ) from None
        if len(rows) < 2:
            raise ValueError(f"{source}: {name} has no data; expected a header row "
                             "and at least one row of values")
        header = [column.strip() for column in rows[0]]
        repeated = sorted({column for column in header if header.count(column) > 1})
        if repeated:
            raise ValueError(f"{source}: the header names column(s) {repeated} more than once")
        for number, row in enumerate(rows[1:], start=2):
            if len(row) != len(header):
                raise ValueError(f"{source}: line {number} has {len(row)} values, the header "
                                 f"{len(header)}")
        return cls(header, np.array(rows[1:], dtype=str), source)

    def column(self, name: str, argument: str | None = None) -> np.ndarray:
        """The cells of column ``name`` (strings); ``argument`` names who asked for it."""
        if name not in self.columns:
            raise ValueError(f"{argument or self.source}: no column {name!r} in {self.source}; "
                             f"its columns are {', '.join(self.columns)}")
        return np.char.strip(self.cells[:, self.columns.index(name)])

    def numeric(self, names: Sequence[str]) -> np.ndarray:
        """Columns ``names`` as a float64 array of shape (n_rows, len(names))."""
        values = np.empty((len(self.cells), len(names)))
        for j, name in enumerate(names):
            parsed = as_numbers(self.column(name))
            if parsed is None or not np.isfinite(parsed).all():
                cells = self.column(name)
                bad = next(i for i, cell in enumerate(cells) if not _is_finite_number(cell))
                raise ValueError(
                    f"{self.source}: column {name!r} must hold numbers, but line {bad + 2} "
                    f"holds {str(cells[bad])!r}"
                )
            values[:, j] = parsed
        return values


def as_numbers(cells: np.ndarray) -> np.ndarray | None:
    """``cells`` as float64, or None if one of them is not a number."""
    try:
        return cells.astype(np.float64)
    except ValueError:
        return None


def _is_finite_number(cell: str) -> bool:
    try:
        return bool(np.isfinite(float(cell)))
    except ValueError:
        return False
