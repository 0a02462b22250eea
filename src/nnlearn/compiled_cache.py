"""The disk cache of the compiled loops, kept fresh when a loop they call changes.

Numba keys a loop's cached machine code on the loop's own source file. A loop that calls a
compiled loop of another file (``compiled.dot``, ``subnormals.flushed``,
``gate_math.power_of_half``) holds that loop's machine code too, so editing the other file
alone would leave the cache stale: the old code, loaded without a word. Here the key also
holds a digest of those other files, found by following the names each loop uses (a compiled
loop, a module's compiled loop, a function of its own package such as an ``overload`` stub)
to the loops they name in turn: a change to any of them compiles the loop again.

The digest is added to the stamp Numba checks when it reads the cache index (a private
attribute of its cache file); where a Numba version has no such attribute, the loop keeps
Numba's own key. A constant imported from another file is not followed.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
from collections.abc import Callable, Iterator
from types import CodeType
from typing import Any

from nnlearn.compiled import Kernel


def stamp_dependencies(dispatcher: Any, function: Callable[..., Any]) -> None:
    """Add the digest of the files of the loops ``function`` calls (other than its own) to
    the stamp of ``dispatcher``'s disk cache."""
    files = dependency_files(function) - {inspect.getfile(function)}
    cache_file = getattr(getattr(dispatcher, "_cache", None), "_cache_file", None)
    if not files or not hasattr(cache_file, "_source_stamp"):
        return
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(_file_digest(path, *_mtime_and_size(path)))
    cache_file._source_stamp = (cache_file._source_stamp, digest.hexdigest())


def dependency_files(function: Callable[..., Any]) -> set[str]:
    """The source files of the compiled loops ``function`` names and of the functions of
    its own package it names, and of those they name, and so on."""
    files: set[str] = set()
    seen: set[Callable[..., Any]] = set()
    pending = [function]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        for named in _named_functions(current, _package(function)):
            files.add(inspect.getfile(named))
            pending.append(named)
    return files


def _named_functions(function: Callable[..., Any], package: str
                     ) -> Iterator[Callable[..., Any]]:
    """The Python functions ``function``'s code names, directly or as an attribute of a
    module: compiled loops (their Python function), and the plain functions of ``package``
    (``overload`` stubs)."""
    names = _names(function.__code__)
    for name in names:
        value = function.__globals__.get(name)
        for candidate in [getattr(value, n, None) for n in names] if inspect.ismodule(value) \
                else [value]:
            if isinstance(candidate, Kernel):
                yield candidate.py_func
            elif inspect.isfunction(candidate) and _package(candidate) == package:
                yield candidate


def _package(function: Callable[..., Any]) -> str:
    return (function.__module__ or "").split(".")[0]


def _names(code: CodeType) -> set[str]:
    """The global and attribute names ``code`` and the code nested in it use."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            names |= _names(constant)
    return names


def _mtime_and_size(path: str) -> tuple[float, int]:
    status = os.stat(path)
    return status.st_mtime, status.st_size


@functools.cache
def _file_digest(path: str, mtime: float, size: int) -> bytes:
    """The SHA-256 of a file's bytes (read again when its time or size changes)."""
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).digest()
