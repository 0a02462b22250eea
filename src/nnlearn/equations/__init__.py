"""The equation catalogue: every equation of the course, and the code that implements it.

The catalogue (``catalogue.txt`` beside this file) lists each equation of the course's
equation list, plus the equations the lectures use beyond it, as ``key | name | LaTeX``.
A function or class declares the entry it implements, and the test that verifies it::

    @implements("softplus", test="tests/test_activations.py::test_closed_form_derivatives")
    def softplus(x): ...

``nnlearn equations`` prints the catalogue with those links, so a student can go from
any equation to working, checked code.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Implementation:
    """A function or class that implements an equation, and the test that checks it."""

    qualname: str
    test: str
    note: str = ""


@dataclass
class Equation:
    """One entry of the catalogue."""

    key: str
    name: str
    latex: str
    implementations: list[Implementation] = field(default_factory=list)


def _load() -> dict[str, Equation]:
    text = resources.files(__name__).joinpath("catalogue.txt").read_text(encoding="utf-8")
    entries: dict[str, Equation] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, name, latex = (part.strip() for part in line.split(" | ", 2))
        if key in entries:
            raise ValueError(f"catalogue key {key!r} appears twice")
        entries[key] = Equation(key, name, latex)
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
        CATALOGUE[key].implementations.append(Implementation(qualname, test, note))
        return obj

    return decorate


def load_all() -> dict[str, Equation]:
    """Import every nnlearn module, so that every declaration is registered."""
    import nnlearn

    for module in pkgutil.walk_packages(nnlearn.__path__, "nnlearn."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    return CATALOGUE


def render(missing_only: bool = False) -> str:
    """The catalogue as text: each entry with its implementations and tests."""
    lines = []
    entries = load_all().values()
    done = sum(bool(e.implementations) for e in entries)
    lines.append(f"{done} of {len(entries)} equations implemented\n")
    for eq in entries:
        if missing_only and eq.implementations:
            continue
        lines.append(f"{eq.name}  [{eq.key}]")
        lines.append(f"    {eq.latex}")
        for imp in eq.implementations:
            lines.append(f"    implemented by {imp.qualname}")
            lines.append(f"    verified by    {imp.test}")
            if imp.note:
                lines.append(f"    note: {imp.note}")
        if not eq.implementations:
            lines.append("    not yet implemented")
        lines.append("")
    return "\n".join(lines)
