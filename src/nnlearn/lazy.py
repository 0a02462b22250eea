"""Lazy packages: a package's public names imported on first use (PEP 562).

A package whose names come from heavy modules (scikit-learn, SciPy, pandas) lists them as
ordinary imports under ``if TYPE_CHECKING:``, which type checkers and editors read, and
hands the rest to :func:`attach`::

    from typing import TYPE_CHECKING

    from nnlearn.lazy import attach

    if TYPE_CHECKING:
        from nnlearn.models.base import ConvergenceWarning, NotFittedError
        from nnlearn.models.energy import *

    __getattr__, __dir__ = attach(__name__)

:func:`attach` reads that block from the package's source (so the names are listed once),
and ``package.name`` imports the module that defines ``name`` when it is first asked for;
``from package import name``, ``dir(package)`` and ``package.__all__`` (every name the block
binds) work as with eager imports. ``from module import *`` in the block stands for the
names in ``module.__all__``, read when one of them is first asked for. Submodules of the
package resolve too, as after an ``import package.submodule``.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Callable
from typing import Any


def attach(package: str) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of the package named ``package``,
    resolving the names its ``if TYPE_CHECKING:`` block imports."""
    module = sys.modules[package]
    origins, star_sources = type_checking_imports(module.__file__, package)

    def public_names() -> list[str]:
        names = set(origins)
        for source in star_sources:
            names.update(importlib.import_module(source).__all__)
        return sorted(names)

    def origin(name: str) -> tuple[str, str] | None:
        if name in origins:
            return origins[name]
        for source in star_sources:
            if name in importlib.import_module(source).__all__:
                return source, name
        return None

    def __getattr__(name: str) -> Any:
        if name == "__all__":
            value: Any = public_names()
        elif name.startswith("__"):
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        elif (found := origin(name)) is not None:
            value = _load(*found, package)
        elif importlib.util.find_spec(f"{package}.{name}") is not None:
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(module, name, value)  # found once: later lookups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(module)) | set(public_names()))

    return __getattr__, __dir__


def type_checking_imports(path: str | None, package: str
                          ) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """The names the ``if TYPE_CHECKING:`` block of the module at ``path`` (in ``package``)
    imports, each with its (module, attribute), and the modules it star-imports."""
    if path is None:
        raise ValueError(f"attach: package {package!r} has no source file to read names from")
    with open(path, encoding="utf-8") as file:
        tree = ast.parse(file.read(), path)
    blocks = [node for node in tree.body if isinstance(node, ast.If)
              and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"]
    if len(blocks) != 1:
        raise ValueError(f"attach: expected one 'if TYPE_CHECKING:' block in {path}, "
                         f"got {len(blocks)}")
    origins: dict[str, tuple[str, str]] = {}
    star_sources: list[str] = []
    for node in blocks[0].body:
        if not isinstance(node, ast.ImportFrom):
            raise ValueError(f"attach: expected only 'from ... import ...' under "
                             f"TYPE_CHECKING in {path}, got {ast.unparse(node)!r} "
                             f"(line {node.lineno})")
        source = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
        for alias in node.names:
            if alias.name == "*":
                star_sources.append(source)
            else:
                origins[alias.asname or alias.name] = (source, alias.name)
    return origins, star_sources


def _load(source: str, attribute: str, package: str) -> Any:
    """What ``from source import attribute`` binds, run from inside ``package``."""
    if source != package:  # the package's own names would come back here: submodules only
        try:
            return getattr(importlib.import_module(source), attribute)
        except AttributeError:
            pass
    return importlib.import_module(f"{source}.{attribute}")
