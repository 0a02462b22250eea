"""The tour's report: text on the terminal, and ``index.html`` with PNG figures on disk."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from nnlearn.io.atomic import atomic_write


class Report:
    """Collects the sections of the tour and writes them as one HTML page.

    Every call both prints (through ``echo``) and appends to the page, so the
    terminal and the report tell the same story.

    Parameters
    ----------
    out_dir : path
        Folder for ``index.html`` and the figures; created if missing.
    echo : callable, default print
        Where the text goes on the terminal; pass ``lambda s: None`` for silence.
    """

    def __init__(self, out_dir: str | Path, echo: Callable[[str], Any] = print) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.echo = echo
        self._body: list[str] = []
        self.figures: list[Path] = []

    def section(self, title: str) -> None:
        self.echo(f"\n== {title} ==")
        self._body.append(f"<h2>{html.escape(title)}</h2>")

    def text(self, paragraph: str) -> None:
        self.echo(paragraph)
        self._body.append(f"<p>{html.escape(paragraph)}</p>")

    def equation(self, latex: str) -> None:
        self.echo(f"    {latex}")
        self._body.append(f"<p class='eq'>\\[{html.escape(latex)}\\]</p>")

    def preformatted(self, block: str) -> None:
        self.echo(block)
        self._body.append(f"<pre>{html.escape(block)}</pre>")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        cells = [list(map(str, header))] + [[_fmt(c) for c in row] for row in rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
        for r in cells:
            self.echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cells[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in cells[1:]
        )
        self._body.append(f"<table><tr>{head}</tr>{body}</table>")

    def figure(self, fig: Any, filename: str, caption: str = "") -> Path:
        """Save a matplotlib figure as ``filename`` (PNG) and show it in the page."""
        import matplotlib.pyplot as plt

        path = self.out_dir / filename
        with atomic_write(path, "wb") as f:
            fig.savefig(f, format="png", dpi=90, bbox_inches="tight")
        plt.close(fig)
        self.figures.append(path)
        self.echo(f"    [figure] {filename}" + (f": {caption}" if caption else ""))
        self._body.append(
            f"<figure><img src='{html.escape(filename)}' alt='{html.escape(caption)}'>"
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )
        return path

    def write(self, title: str = "The nnlearn tour") -> Path:
        """Write ``index.html`` atomically and return its path."""
        page = _PAGE.format(title=html.escape(title), body="\n".join(self._body))
        path = self.out_dir / "index.html"
        with atomic_write(path) as f:
            f.write(page)
        return path


def _fmt(cell: Any) -> str:
    return f"{cell:.6g}" if isinstance(cell, float) else str(cell)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; max-width: 60em; margin: 2em auto; line-height: 1.4; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: 0.2em 0.6em; }}
figure {{ display: inline-block; margin: 0.5em; }} img {{ max-width: 100%; }}
pre {{ background: #f6f6f6; padding: 0.6em; }} .eq {{ overflow-x: auto; }}
</style>
<!-- Typesets the equations when a network is at hand; offline they show as LaTeX. -->
<script async src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>
</head>
<body><h1>{title}</h1>
{body}
</body></html>
"""
