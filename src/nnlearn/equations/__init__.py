"""The equation catalogue: every equation of the course, and the code that implements it.

The catalogue (``catalogue.txt`` beside this file) lists each equation of the course's
equation list, plus the equations the lectures use beyond it, as ``key | name | LaTeX``.
A function or class declares the entry it implements, and the test that verifies it::

    @implements("softplus", test="tests/test_activations.py::test_closed_form_derivatives")
    def softplus(x): ...

``nnlearn equations`` prints the catalogue with those links, so a student can go from
any equation to working, checked code.

The catalogue's LaTeX is the one source of every formula nnlearn shows: the pages of
``nnlearn tour`` typeset it as MathML (:func:`to_mathml`, in :mod:`.mathml`), the
terminal prints it as Unicode text (:func:`to_unicode`, in :mod:`.unicode`), and
:func:`render` / :func:`search` (in :mod:`.listing`) list and filter the entries. Those
load on first use, so that declaring an implementation costs no import.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, TypeVar

T = TypeVar("T")

#: the typesetting and listing functions, each loaded from its module on first use
_LAZY = {"to_mathml": "mathml", "to_unicode": "unicode", "render": "listing", "search": "listing"}


@dataclass(frozen=True)
class Implementation:
    """A function or class that implements an equation, and the test that checks it."""

    qualname: str
    test: str
    note: str = ""
    #: the function or class itself (its docstring documents the implementation)
    target: Any = field(default=None, compare=False, repr=False)


@dataclass
class Equation:
    """One entry of the catalogue."""

    key: str
    name: str
    latex: str
    #: the heading of the catalogue's block that lists it ("equation list", "lectures: ...")
    block: str = ""
    implementations: list[Implementation] = field(default_factory=list)


def _load() -> dict[str, Equation]:
    """The entries of catalogue.txt; a comment after a blank line heads a block."""
    text = resources.files(__name__).joinpath("catalogue.txt").read_text(encoding="utf-8")
    entries: dict[str, Equation] = {}
    block, after_blank = "", False
    for line in text.splitlines():
        if line.startswith("#"):
            block = line.lstrip("# ").strip() if after_blank else block
        elif line.strip():
            key, name, latex = (part.strip() for part in line.split(" | ", 2))
            if key in entries:
                raise ValueError(f"catalogue key {key!r} appears twice")
            entries[key] = Equation(key, name, latex, block)
        after_blank = not line.strip()
    return entries


CATALOGUE: dict[str, Equation] = _load()


def implements(key: str, *, test: str, note: str = "") -> Callable[[T], T]:
    """Decorator: the decorated function or class implements catalogue entry ``key``.

    Parameters
    ----------
    key : str
        A key of :data:`CATALOGUE`.
    test : str
        The verifying test as ``"tests/<file>.py::<test function>"``.
    note : str, optional
        A remark shown beside the entry (for example where the course's formula is wrong).
    """
    if key not in CATALOGUE:
        raise KeyError(f"{key!r} is not in the equation catalogue")
    if "::" not in test or not test.startswith("tests/"):
        raise ValueError(f"test must look like 'tests/<file>.py::<name>', got {test!r}")

    def decorate(obj: T) -> T:
        qualname = f"{obj.__module__}.{obj.__qualname__}"  # type: ignore[attr-defined]
        CATALOGUE[key].implementations.append(Implementation(qualname, test, note, obj))
        return obj

    return decorate


def load_all() -> dict[str, Equation]:
    """Import every nnlearn module, so that every declaration is registered."""
    import nnlearn

    for module in pkgutil.walk_packages(nnlearn.__path__, "nnlearn."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    return CATALOGUE


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
