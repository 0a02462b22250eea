"""CSV files in and out, with pandas: the separator sniffed, every error naming its argument.

:func:`read_csv` reads a file with a header row as pandas' C parser does (quoted fields,
``--decimal ,``, any ``--encoding``, at pandas' speed and in memory proportional to the
file), once it is known to be a regular file (a named pipe would block, ``/dev/null`` is
empty by nature). A row with fewer values than the header has its last cells missing, as
pandas reads it; a row with more is an error. :func:`write_csv` writes a frame as a CSV file
any reader reads back (cells with separators, quotes or line breaks are quoted).

Examples
--------
>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = path.write_text("x;y;label\\n1,5;2;a\\n3;4;b\\n")
>>> table = read_csv(path, "DATA", CsvFormat(decimal=","))
>>> table.separator, table.frame["x"].tolist(), table.frame["label"].tolist()
(';', [1.5, 3.0], ['a', 'b'])
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nnlearn.io.archive import open_regular_file
from nnlearn.io.atomic import atomic_write

#: The separators :func:`sniff_separator` chooses among, in order of preference.
SEPARATORS = ",;\t|"

#: How much of a file the separator is sniffed from.
SNIFF_BYTES = 1 << 16

#: How many rows of that sample are compared.
SNIFF_ROWS = 50


@dataclass(frozen=True)
class CsvFormat:
    """How a CSV file is written.

    Attributes
    ----------
    sep : str or None, default None
        The separator of the fields; None: sniffed (:func:`sniff_separator`).
    decimal : str, default "."
        The decimal mark of numbers ("," for 1,5).
    encoding : str, default "utf-8"
        The text encoding (a leading byte-order mark is skipped).
    """

    sep: str | None = None
    decimal: str = "."
    encoding: str = "utf-8"

    def __post_init__(self) -> None:
        for name in ("sep", "decimal"):
            value = getattr(self, name)
            if not (value is None and name == "sep") and (
                    not isinstance(value, str) or len(value) != 1 or value in "\"\r\n"):
                raise ValueError(f"{name} must be one character (not a quote or a line "
                                 f"break), got {value!r}")
        if self.sep == self.decimal:
            raise ValueError(f"sep and decimal must differ, both are {self.sep!r}")
        try:
            codecs.lookup(self.encoding)
        except (LookupError, TypeError):
            raise ValueError(f"encoding must be a known text encoding (utf-8, latin-1, cp1252, "
                             f"...), got {self.encoding!r}") from None


@dataclass
class Table:
    """A CSV file read into a pandas DataFrame.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows (index 0, 1, ...) and the columns, named as the header names them.
    source : str
        The argument the file came from ("DATA"), for error messages.
    separator : str
        The separator the file was read with.
    """

    frame: pd.DataFrame
    source: str
    separator: str

    def check_columns(self, names: Sequence[str], argument: str, why: str = "") -> None:
        """Raise a ValueError naming ``argument`` if a column of ``names`` is missing."""
        missing = [name for name in names if name not in self.frame.columns]
        if missing:
            columns = ", ".join(map(repr, self.frame.columns))
            raise ValueError(
                f"{argument}: no column {' or '.join(map(repr, missing))} in {self.source}{why};"
                f" its columns are {columns} (read with the separator {self.separator!r}; "
                "give another with --sep)")


def read_csv(path: str | os.PathLike[str], source: str, csv_format: CsvFormat = CsvFormat(),
             text_columns: Sequence[str] = ()) -> Table:
    """The CSV file ``path``, read by pandas' C parser.

    Parameters
    ----------
    path : path-like
        A regular file with a header row.
    source : str
        The argument the path came from, named in every error ("DATA").
    csv_format : CsvFormat, default CsvFormat()
        The separator (sniffed by default), decimal mark and encoding.
    text_columns : sequence of str, default ()
        Columns read as text as written, whatever they look like ("007" stays "007").

    Raises
    ------
    ValueError
        If ``path`` is not a regular file, cannot be decoded, has no data rows, a row with
        more values than the header, or a header that names a column twice.
    """
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{source}: {str(path)!r} does not exist; expected a CSV file")
    try:
        file = open_regular_file(path, "CSV files")
    except (OSError, ValueError) as error:
        raise ValueError(f"{source}: {_reason(error)}") from None
    with file:
        return parse_csv(file, source, repr(str(path)), csv_format, text_columns)


def parse_csv(file: io.BufferedIOBase, source: str, name: str,
              csv_format: CsvFormat = CsvFormat(), text_columns: Sequence[str] = ()) -> Table:
    """The CSV text in the binary, seekable ``file`` (a file, or uploaded bytes in a
    ``BytesIO``), as :func:`read_csv` reads it; ``name`` names it in errors."""
    try:
        sample = file.read(SNIFF_BYTES)
        complete = len(sample) < SNIFF_BYTES
        text = codecs.getincrementaldecoder(csv_format.encoding)(errors="replace").decode(
            sample, final=complete)
        separator = csv_format.sep or sniff_separator(text, complete, csv_format.decimal)
        file.seek(0)
        header = _header(file, separator, csv_format.encoding)
        file.seek(0)
        frame = pd.read_csv(
            file, sep=separator, decimal=csv_format.decimal, encoding=csv_format.encoding,
            dtype={header[column]: "str" for column in text_columns if column in header},
            low_memory=False)
    except UnicodeError as error:  # a byte the encoding has no character for, or the like
        reason = f"it holds the byte 0x{error.object[error.start]:02x}" \
            if isinstance(error, UnicodeDecodeError) else str(error)
        raise ValueError(
            f"{source}: {name} is not {csv_format.encoding} text ({reason}); give its "
            "encoding with --encoding, e.g. --encoding latin-1") from None
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame()
    except (pd.errors.ParserError, OSError, ValueError) as error:
        raise ValueError(f"{source}: {_reason(error)}") from None
    if frame.empty:
        raise ValueError(f"{source}: {name} has no data; expected a header row and at "
                         "least one row of values")
    if not frame.index.equals(pd.RangeIndex(len(frame))):  # pandas took a column for names
        raise ValueError(f"{source}: the rows hold more values than the header has names "
                         f"({len(frame.columns)}); is a column's name missing?")
    frame.columns = list(header)
    return Table(frame, source, separator)


def _header(file: io.BufferedIOBase, separator: str, encoding: str) -> dict[str, str]:
    """The column names of the header row (stripped; an empty one named as pandas names it),
    each mapped to the name as written; two columns of one name are an error."""
    row = pd.read_csv(file, sep=separator, header=None, nrows=1, dtype=str,
                      keep_default_na=False, encoding=encoding).iloc[0].tolist()
    names = [name.strip() or f"Unnamed: {i}" for i, name in enumerate(row)]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"the header names the column(s) {repeated} more than once")
    return dict(zip(names, row, strict=True))


def _reason(error: BaseException) -> str:
    """pandas' or the system's reason, in the words of the rest of nnlearn."""
    message = str(error).strip()
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if fields:
        expected, line, saw = fields.groups()
        return f"line {line} has {saw} values, the header {expected}"
    if isinstance(error, OSError) and error.strerror:
        return f"cannot read {error.filename!r} ({error.strerror})"
    return message


def sniff_separator(text: str, complete: bool = True, decimal: str = ".") -> str:
    """The separator of the CSV text ``text`` (the start of a file).

    Of :data:`SEPARATORS` (but the decimal mark), the one that splits the header and the first
    rows into the same number (> 1) of fields, the most fields if several do; if none does
    (some rows are short), the one that splits the header into the most fields; the first
    candidate for a single column.

    Parameters
    ----------
    text : str
    complete : bool, default True
        Whether ``text`` is the whole file (else its last row may be cut and is not used).
    decimal : str, default "."
        The decimal mark of the numbers, which is not the separator.

    Examples
    --------
    >>> sniff_separator("a;b;c\\n1,5;2;x\\n")
    ';'
    >>> sniff_separator('name,remark\\n"Smith; J.",ok\\n')
    ','
    """
    separators = [s for s in SEPARATORS if s != decimal]
    widths = {}
    for separator in separators:
        rows = [row for row in _rows(text, separator) if row]
        if not complete and len(rows) > 1:
            rows.pop()
        widths[separator] = [len(row) for row in rows[:SNIFF_ROWS]] or [1]
    regular = [s for s in separators if len(set(widths[s])) == 1 and widths[s][0] > 1]
    best = max(regular or separators, key=lambda s: widths[s][0])  # the first of equals
    return best if widths[best][0] > 1 else separators[0]


def _rows(text: str, separator: str) -> list[list[str]]:
    rows = []
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    with contextlib.suppress(csv.Error):  # an unterminated quote, cut off by the sample
        for row in itertools.islice(reader, SNIFF_ROWS + 1):
            rows.append(row)
    return rows


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str] | None) -> None:
    """Write ``frame`` (without its index) as CSV to ``path`` (atomically), or print it.

    Cells holding the separator, a quote or a line break are quoted, as RFC 4180 says, so any
    CSV reader reads back exactly the values written.
    """
    text = frame.to_csv(index=False, lineterminator="\n")
    if path is None:
        sys.stdout.write(text)
        return
    with atomic_write(path) as file:
        file.write(text)
