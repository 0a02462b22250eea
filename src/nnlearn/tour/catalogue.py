"""The equations page: every entry of the catalogue, typeset, with its code and its test.

An entry shows its formula, the function or class that implements it with that object's
documentation, the test that checks it (a path in nnlearn's source repository: the tests
are not installed with the package) and the chapters that use it.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from itertools import groupby

from nnlearn.equations import Equation, load_all
from nnlearn.tour.html import anchor, docstring_line, dotted_name, escape
from nnlearn.tour.page import Page, typeset

TESTS_NOTE = (
    "A test is named as a path in nnlearn's source repository, file::function; the tests "
    "live in its tests/ folder, which is not installed with the package: a reader of an "
    "installed nnlearn finds them in the repository it was built from, and runs them "
    "there with pytest."
)


def catalogue_body(pages: Sequence[Page]) -> str:
    """The equations page's body, entries grouped by the catalogue's blocks."""
    entries = list(load_all().values())
    used_in: dict[str, list[Page]] = {}
    for page in pages:
        for key in page.equations:
            used_in.setdefault(key, []).append(page)
    done = sum(bool(e.implementations) for e in entries)
    blocks = [(block, list(group)) for block, group in groupby(entries, key=lambda e: e.block)]
    contents = "".join(f'<li><a href="#{anchor(block)}">{escape(_heading(block))}</a> '
                       f"({len(group)})</li>" for block, group in blocks)
    parts = [
        "<h1>The equations and their code</h1>",
        f'<p class="intro">The catalogue holds {len(entries)} equations: the course\'s list '
        "of equations entry for entry, then the equations its lectures use beyond it. "
        f"{done} of them are implemented. Each entry gives the function that implements "
        "it, that function's documentation, and the test that checks it.</p>",
        f"<p>{escape(TESTS_NOTE)}</p>",
        f'<nav class="local contents" aria-label="blocks"><ol>{contents}</ol></nav>',
    ]
    for block, group in blocks:
        parts.append(f'<h2 id="{anchor(block)}">{escape(_heading(block))}</h2>')
        parts.extend(_entry(entry, used_in.get(entry.key, [])) for entry in group)
    return "\n".join(parts)


def _heading(block: str) -> str:
    """A block's heading as a title: "equation list" is the course's list of equations."""
    if block == "equation list":
        return "The course's list of equations"
    return block[:1].upper() + block[1:]


def _entry(entry: Equation, pages: Sequence[Page]) -> str:
    rows = []
    for imp in entry.implementations:
        doc = inspect.getdoc(imp.target) or "(no documentation)"
        summary, _, rest = doc.partition("\n")
        documentation = docstring_line(summary)
        if rest.strip():
            documentation = (f"<details><summary>{documentation}</summary>"
                             f"<pre>{escape(rest.strip())}</pre></details>")
        file, _, test = imp.test.partition("::")
        rows.append(f"<dt>implemented by</dt><dd>{dotted_name(imp.qualname)}</dd>"
                    f"<dt>documentation</dt><dd>{documentation}</dd>"
                    f"<dt>verified by</dt><dd><code>{escape(file)}::<wbr>{escape(test)}</code> "
                    "(in the source repository)</dd>")
        if imp.note:
            rows.append(f"<dt>note</dt><dd>{escape(imp.note)}</dd>")
    if not entry.implementations:
        rows.append("<dt>implemented by</dt><dd>not yet implemented</dd>")
    if pages:
        links = ", ".join(f'<a href="{p.link.href}#eq-{entry.key}">{escape(p.title)}</a>'
                          for p in pages)
        rows.append(f"<dt>shown in</dt><dd>{links}</dd>")
    return (f'<section class="entry" id="{entry.key}"><h3>{escape(entry.name)} '
            f'<span class="key">{escape(entry.key)}</span></h3>{typeset(entry.latex)}'
            f"<dl>{''.join(rows)}</dl></section>")
