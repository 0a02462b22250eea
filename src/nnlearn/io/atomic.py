"""Writing files so that nothing a user saved is ever half-written.

:func:`atomic_write` writes to a temporary file beside the target and renames it over the
target only once it is complete and on disk, so the target always holds either its old
content or the whole new one — even if the process is killed mid-write. A killed writer
leaves its temporary file behind; its name says whose it is
(``.model.nnl.<pid>.<random>.nnlearn-tmp``), and the next save of the same file removes those
of processes that no longer run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from nnlearn.checks import check_path

SUFFIX = ".nnlearn-tmp"


def _temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{SUFFIX}")


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


def remove_stale_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files that killed writers of ``path`` left beside it.

    Only files named as :func:`atomic_write` names them, for ``path``, whose process no
    longer runs, are removed. Returns the removed paths.
    """
    path = Path(path)
    removed = []
    for candidate in path.parent.glob(f".{path.name}.*{SUFFIX}"):
        pid = candidate.name[len(path.name) + 2:-len(SUFFIX)].split(".")[0]
        if pid.isdigit() and not _is_running(int(pid)):
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def _open_new(path: Path) -> tuple[int, Path]:
    """Create a fresh temporary file beside ``path``: its descriptor and name.

    Created with mode 0666 and the process's umask, as ``open()`` creates files (a
    ``tempfile.mkstemp`` file would be 0600 whatever the umask says).
    """
    while True:
        tmp = _temporary_name(path)
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for a renamed file to disk (where the system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def check_target(path: str | os.PathLike[str]) -> Path:
    """``path`` as a :class:`~pathlib.Path`, if :func:`atomic_write` can write a file there.

    Its folder must exist (it is not created: a typing mistake in a folder name should not
    silently make new folders) and be writable, and ``path`` must not be a directory. A
    command checks its output file with this before it starts any long work.

    Raises
    ------
    FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError
        Saying which of these rules ``path`` breaks.
    TypeError
        If ``path`` is not a file name.
    """
    path = check_path(path)
    folder = path.parent
    if not folder.exists():
        raise FileNotFoundError(errno.ENOENT, f"the folder {str(folder)!r} does not exist "
                                "(nnlearn does not create folders)", str(path))
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{str(folder)!r} is not a folder", str(path))
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory, expected a file name", str(path))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, f"the folder {str(folder)!r} is not writable",
                              str(path))
    return path


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success, rename it over ``path``.

    If the block raises, ``path`` keeps its old content (or stays absent) and the
    temporary file is removed. A new file gets the permissions the umask gives; a
    replaced file keeps its own.

    Raises
    ------
    OSError
        If ``path`` cannot be written as :func:`check_target` says (its folder does not
        exist, is not writable, or ``path`` is a directory).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> with atomic_write(target) as f:
    ...     _ = f.write("hello")
    >>> target.read_text()
    'hello'
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    path = check_target(path)
    remove_stale_temporaries(path)
    fd, tmp = _open_new(path)
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
            yield f
            f.flush()
            with contextlib.suppress(FileNotFoundError):  # replacing: keep its permissions
                os.fchmod(f.fileno(), stat.S_IMODE(os.stat(path).st_mode))
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _sync_folder(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
