"""Typesetting offline: the catalogue's LaTeX as MathML, which browsers render natively.

Chromium (since version 109), Firefox and Safari lay out MathML Core themselves, so a
page that carries its equations as ``<math>`` elements needs no script, no network and
no image. The conversion happens when a page is written, with ``latex2mathml`` (pure
Python); this module adds the two things MathML Core lacks for the catalogue's LaTeX:

- a line break ``\\`` outside any environment (``<mspace linebreak>`` is not part of
  MathML Core and browsers ignore it) becomes a row of a left-aligned table;
- nothing is let through that did not typeset: an unknown command (latex2mathml keeps
  ``\\foo`` as the identifier "\\foo"), an ``<merror>``, a syntax error are each a
  ``ValueError`` naming the formula.

Browsers need a font with an OpenType MATH table to stretch brackets, enlarge sums and
place accents. :data:`STYLESHEET` and :data:`MATH_FONT` ship one (Latin Modern Math, the
look of LaTeX) with the package; a page links the stylesheet and keeps the font beside it
(see :func:`write_assets`), so the equations look the same on every machine, offline.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Literal

#: The stylesheet for MathML (the math font and the alignment of tables), and the font
#: file it names; both are files of this package, written beside a page by write_assets.
STYLESHEET = "math.css"
MATH_FONT = "latinmodern-math.otf"
_ASSETS = (STYLESHEET, MATH_FONT, "GUST-FONT-LICENSE.txt", "README-Latin-Modern-Math.txt")

_NAMESPACE = "{http://www.w3.org/1998/Math/MathML}"
#: symbols latex2mathml writes as identifiers (<mi>), which are relations: as operators
#: (<mo>) the browser spaces them as relations (L : ℝⁿ → ℝ, a ⟺ b)
_OPERATOR_IDENTIFIER = re.compile("<mi>(:|&#x027FA;|&#x021D4;|&#x021D2;|&#x027F9;|&#x02254;)</mi>")
#: what the splitters see: a literal brace (skipped), the start and end of an environment
#: or a group, a line break, and a comma followed by a space command
_TOKEN = re.compile(r"\\[{}]|(?P<open>\\begin\{[^}]*\}|\{)|(?P<close>\\end\{[^}]*\}|\})"
                    r"|\\\\|,\s*\\(?:qquad|quad|;| )")
_LINE_BREAK = re.compile(r"\\\\")
_CLAUSE = re.compile(r",\s*\\(?:qquad|quad|;| )")


def to_mathml(latex: str, display: Literal["block", "inline"] = "block") -> str:
    """The MathML of one formula, as a ``<math>`` element in a string.

    Parameters
    ----------
    latex : str
        A formula in LaTeX's math mode, without delimiters (as in the catalogue).
    display : {"block", "inline"}, default "block"
        A displayed equation on its own line, or a formula within a sentence.

    Returns
    -------
    str
        ``<math xmlns="http://www.w3.org/1998/Math/MathML" display="...">...</math>``.

    Raises
    ------
    TypeError
        If ``latex`` is not a string.
    ValueError
        If ``latex`` is empty or does not typeset (a syntax error, an unknown command).

    Examples
    --------
    >>> to_mathml(r"\\sigma(x) = \\frac{1}{1 + e^{-x}}")[:60]
    '<math xmlns="http://www.w3.org/1998/Math/MathML" display="bl'
    """
    from latex2mathml.converter import convert

    if not isinstance(latex, str):
        raise TypeError(f"latex must be a str, got {type(latex).__name__}")
    if display not in ("block", "inline"):
        raise ValueError(f"display must be 'block' or 'inline', got {display!r}")
    if not latex.strip():
        raise ValueError("latex is empty: expected a formula")
    try:
        mathml = convert(_rows_as_table(latex), display=display)
    except Exception as error:  # latex2mathml's exceptions derive from Exception only
        reason = str(error) or type(error).__name__
        raise ValueError(f"the formula {latex!r} does not typeset: {reason}") from None
    _check_typeset(latex, mathml)
    return _OPERATOR_IDENTIFIER.sub(r"<mo>\1</mo>", mathml)


def clauses(latex: str) -> list[str]:
    r"""The clauses of a formula: its parts at a top-level comma followed by a space
    command (``,\quad``, ``,\qquad``, ``,\ ``, ``,\;``), each but the last keeping its comma.

    ``f(x) = x,\quad f'(x) = 1`` has two clauses; typeset one by one, side by side, they
    wrap onto the next line where a page is too narrow for the whole formula, which a
    single ``<math>`` element never does.

    Examples
    --------
    >>> clauses(r"f(x) = x,\quad f'(x) = 1")
    ['f(x) = x,', "f'(x) = 1"]
    """
    parts, start = [], 0
    for match in _depth_zero(latex, _CLAUSE):
        parts.append(latex[start : match.start()].strip() + ",")
        start = match.end()
    return [*parts, latex[start:].strip()]


def _depth_zero(latex: str, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    """The matches of ``pattern`` outside every group and environment of ``latex``."""
    depth, found = 0, []
    for match in _TOKEN.finditer(latex):
        if match["open"]:
            depth += 1
        elif match["close"]:
            depth -= 1
        elif depth == 0 and pattern.fullmatch(match.group()):
            found.append(match)
    return found


def _rows_as_table(latex: str) -> str:
    r"""Split ``latex`` at its top-level ``\\`` into the rows of a left-aligned array."""
    rows, start = [], 0
    for match in _depth_zero(latex, _LINE_BREAK):
        rows.append(latex[start : match.start()])
        start = match.end()
    if not rows:
        return latex
    rows.append(latex[start:])
    return r"\begin{array}{l} " + r" \\ ".join(rows) + r" \end{array}"


def _check_typeset(latex: str, mathml: str) -> None:
    """Refuse MathML that shows an error or leftover TeX instead of mathematics."""
    root = ET.fromstring(mathml)
    for element in root.iter():
        tag = element.tag.removeprefix(_NAMESPACE)
        if tag == "merror":
            raise ValueError(f"the formula {latex!r} does not typeset: MathML error element")
        if tag == "mspace" and "linebreak" in element.attrib:
            raise ValueError(f"the formula {latex!r} has a line break MathML Core cannot show")
        if element.text and "\\" in element.text:
            raise ValueError(
                f"the formula {latex!r} does not typeset: unknown command {element.text!r}"
            )


def write_assets(folder: str | Path) -> Path:
    """Copy the stylesheet and the math font (with its licence) into ``folder``.

    A page in ``folder`` then links ``math.css`` and shows its ``<math>`` elements in
    Latin Modern Math, with no network.

    Returns
    -------
    Path
        The written stylesheet.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    package = resources.files(__package__).joinpath("typeset")
    for name in _ASSETS:
        with resources.as_file(package.joinpath(name)) as source:
            shutil.copyfile(source, folder / name)
    return folder / STYLESHEET
