"""Reading a zip archive of ``.npy`` arrays without trusting it.

A model file comes from anywhere: a download, a colleague, an attacker. :class:`Archive`
opens it so that no file can hang, crash or exhaust the process:

* only regular files are read (a named pipe would block forever, a device never end);
* the sizes the archive declares are summed and capped (``max_bytes``) before anything is
  inflated, so a zip bomb is refused at its directory, and Python's zip reader never inflates
  an entry past its declared size;
* each array's ``.npy`` header (dtype, shape) is read and checked against its entry's size
  before the data are: numbers and text only (``allow_pickle`` is never on), and no shape
  that claims more bytes than the entry holds.
"""

from __future__ import annotations

import math
import os
import stat
import zipfile
from typing import IO

import numpy as np
from numpy.lib import format as npy

from nnlearn.checks import check_path

#: The most bytes one file may inflate to, by default (``nl.load(path, max_bytes=...)``
#: raises it for larger models).
DEFAULT_MAX_BYTES = 1 << 30

#: The most entries one archive may hold.
MAX_ENTRIES = 100_000

#: The dtype kinds an array may have: booleans, integers, floats, text.
ARRAY_KINDS = "biufU"


class FileFormatError(ValueError):
    """Not an nnlearn file, a corrupted one, or one describing what nnlearn cannot build."""


#: What a path that is not a regular file is, by the test of :mod:`stat` that says so.
FILE_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
              (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
              (stat.S_ISSOCK, "a socket"))


def open_regular_file(path: str | os.PathLike[str], what: str = "model files") -> IO[bytes]:
    """``path`` opened for reading, if it is a regular file (not a pipe, device or socket).

    The check is made on the opened descriptor (opened without blocking), so nothing can
    be swapped in between the check and the read.

    Parameters
    ----------
    path : path-like
    what : str, default "model files"
        What nnlearn reads from ``path``, for the error message.

    Raises
    ------
    IsADirectoryError
        If ``path`` is a directory.
    FileFormatError
        If ``path`` is another kind of file that is not a regular one; the message says
        which kind (``/dev/null`` is a character device).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in FILE_KINDS if test(mode)), "a special file")
            message = (f"{str(path)!r} is not a regular file (it is {kind}); nnlearn reads "
                       f"{what} from regular files only")
            raise (IsADirectoryError if stat.S_ISDIR(mode) else FileFormatError)(message)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class Archive:
    """An open zip archive whose entries are read only once checked.

    Parameters
    ----------
    path : path-like
        A regular file.
    max_bytes : int
        The most bytes all entries together may inflate to.
    """

    def __init__(self, path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path = check_path(path)
        if not os.path.lexists(self.path):
            raise FileNotFoundError(f"path {str(self.path)!r}: no such file")
        self.file = open_regular_file(self.path)
        try:
            if self.file.read(4) not in (b"PK\x03\x04", b"PK\x05\x06"):
                raise self.error("is not an nnlearn file (expected a zip archive written by "
                                 "nnlearn.save)")
            self.file.seek(0)
            try:
                self.zip = zipfile.ZipFile(self.file)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
                raise self.corrupted(error) from None
            self.entries = self._check_directory(max_bytes)
            self._headers: dict[str, tuple[tuple[int, ...], np.dtype, bool, int]] = {}
        except BaseException:
            self.file.close()
            raise

    def _check_directory(self, max_bytes: int) -> dict[str, zipfile.ZipInfo]:
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise self.error(f"holds {len(infos)} entries, more than the {MAX_ENTRIES} a "
                             "model file may hold")
        entries = {info.filename: info for info in infos}
        if len(entries) != len(infos):
            raise self.error("is corrupted (two entries have the same name)")
        declared = sum(info.file_size for info in infos)
        if declared > max_bytes:
            raise self.error(f"declares {declared:,} bytes of content, more than max_bytes="
                             f"{max_bytes:,}; if you trust this file, load it with a larger "
                             "max_bytes")
        return entries

    # ----- reading -------------------------------------------------------------------
    def read_text(self, name: str) -> str:
        """The whole entry ``name`` as UTF-8 text."""
        self.entry(name)
        try:
            return self.zip.read(name).decode("utf-8")
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise self.corrupted(error) from None

    def entry(self, name: str) -> zipfile.ZipInfo:
        try:
            return self.entries[name]
        except KeyError:
            raise self.error(f"is missing its entry {name!r}") from None

    def header(self, name: str) -> tuple[tuple[int, ...], np.dtype]:
        """The shape and dtype the ``.npy`` entry ``name`` declares, checked against its size."""
        if name not in self._headers:
            self._headers[name] = self._read_header(name)
        shape, dtype, _, _ = self._headers[name]
        return shape, dtype

    def _read_header(self, name: str) -> tuple[tuple[int, ...], np.dtype, bool, int]:
        info = self.entry(name)
        try:
            with self.zip.open(info) as stream:
                version = npy.read_magic(stream)
                read = npy.read_array_header_1_0 if version == (1, 0) else \
                    npy.read_array_header_2_0
                shape, fortran, dtype = read(stream)
                offset = stream.tell()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise self.corrupted(error) from None
        if dtype.kind not in ARRAY_KINDS or dtype.hasobject or dtype.fields is not None:
            raise self.error(f"holds the array {name!r} of dtype {dtype}; nnlearn files hold "
                             "booleans, integers, floats and text only")
        size = math.prod(shape) * dtype.itemsize
        if offset + size != info.file_size:
            raise self.error(f"is corrupted: the array {name!r} declares shape {shape} and dtype "
                             f"{dtype} ({size:,} bytes), but its entry holds "
                             f"{info.file_size - offset:,}")
        return shape, dtype, fortran, offset

    def array(self, name: str) -> np.ndarray:
        """The array in the ``.npy`` entry ``name`` (a new, writable array)."""
        shape, dtype = self.header(name)
        _, _, fortran, offset = self._headers[name]
        try:
            with self.zip.open(self.entry(name)) as stream:
                stream.read(offset)
                data = stream.read()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise self.corrupted(error) from None
        array = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
        return array.copy(order="K")

    # ----- errors and closing ---------------------------------------------------------
    def error(self, message: str) -> FileFormatError:
        return FileFormatError(f"{str(self.path)!r} {message}")

    def corrupted(self, error: BaseException) -> FileFormatError:
        return self.error(f"is corrupted or truncated ({type(error).__name__}: {error})")

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
