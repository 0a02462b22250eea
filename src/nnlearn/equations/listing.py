"""The catalogue as text for the terminal (``nnlearn equations``), whole or filtered."""

from __future__ import annotations

from collections.abc import Iterable

from nnlearn.equations import Equation, load_all
from nnlearn.equations.unicode import to_unicode


def _words(entry: Equation) -> str:
    """What a keyword is looked for in: key, name, block and implementing functions."""
    names = " ".join(imp.qualname for imp in entry.implementations)
    return f"{entry.key} {entry.name} {entry.block} {names}".lower()


def search(keywords: Iterable[str] = ()) -> list[Equation]:
    """The entries that contain every keyword (case-insensitive), in catalogue order.

    A keyword is looked for in an entry's key, its name, the heading of its block and
    the qualified names of its implementations (so ``"hopfield"``, ``"Adam"`` and
    ``"nnlearn.losses"`` all find something).

    Parameters
    ----------
    keywords : iterable of str, default ()
        No keyword matches every entry.

    Returns
    -------
    list of Equation
    """
    keywords = [str(word).lower() for word in keywords]
    return [e for e in load_all().values() if all(word in _words(e) for word in keywords)]


def render(keywords: Iterable[str] = (), missing_only: bool = False, latex: bool = False
           ) -> str:
    """The catalogue as text: each entry's formula, its implementations and their tests.

    Parameters
    ----------
    keywords : iterable of str, default ()
        Show only the entries that contain all of them (see :func:`search`).
    missing_only : bool, default False
        Show only the entries nothing implements yet.
    latex : bool, default False
        Also show each formula's LaTeX source.

    Returns
    -------
    str
        A summary line, then one paragraph per entry.
    """
    keywords = list(keywords)
    everything = load_all().values()
    done = sum(bool(e.implementations) for e in everything)
    entries = [e for e in search(keywords) if not (missing_only and e.implementations)]
    lines = [f"{done} of {len(everything)} equations implemented"]
    if keywords:
        lines[0] += f"; {len(entries)} match {' '.join(keywords)!r}"
    lines.append("")
    for entry in entries:
        lines.append(f"{entry.name}  [{entry.key}]")
        lines.extend(f"    {row}" for row in to_unicode(entry.latex).splitlines())
        if latex:
            lines.append(f"    LaTeX: {entry.latex}")
        for imp in entry.implementations:
            lines.append(f"    implemented by {imp.qualname}")
            lines.append(f"    verified by    {imp.test}")
            if imp.note:
                lines.append(f"    note: {imp.note}")
        if not entry.implementations:
            lines.append("    not yet implemented")
        lines.append("")
    return "\n".join(lines)
