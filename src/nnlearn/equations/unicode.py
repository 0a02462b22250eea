"""The catalogue's formulas as plain Unicode text, for the terminal.

The text is read off the MathML of :func:`~nnlearn.equations.mathml.to_mathml`, so the
terminal and the pages show one formula from one source: fractions become ``a/(b + c)``,
scripts become Unicode sub- and superscripts where every character has one
(``Wⁱⁿ``, ``θᵢⱼ``) and ``_(...)``/``^(...)`` otherwise, a square root ``√(...)``, and the
rows of a table (cases, aligned lines) lines of their own.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET

from nnlearn.equations.mathml import to_mathml

_NAMESPACE = "{http://www.w3.org/1998/Math/MathML}"
_SUBSCRIPTS = dict(zip("0123456789+-−=()aehijklmnoprstuvxβγρφχ",
                       "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ", strict=True))
_SUPERSCRIPTS = dict(zip("0123456789+-−=()abcdefghijklmnoprstuvwxyzT*",
                         "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀ*", strict=True))
#: accents drawn over a single character, as combining marks
_ACCENTS = {"^": "\u0302", "\u02c6": "\u0302", "~": "\u0303", "\u02dc": "\u0303",
            "\u02d9": "\u0307", "\u00a8": "\u0308", "\u00af": "\u0304", "\u2192": "\u20d7"}
#: characters that make a fraction's part need parentheses when written on one line
_OPERATORS = set("+-−=<>≤≥±∓·×/,;|∣")
_RELATIONS = ("=", "≈", "≠", "←", "→", "≤", "≥", "<", ">", "∈", "⟺", "⇔", "⇒", "≔", "|", "∣")
_BIG_OPERATORS = "∑∏∫∮⋃⋂"
#: invisible operators (function application, times, separator) and zero-width spaces
_INVISIBLE = dict.fromkeys(map(ord, "\u2061\u2062\u2063\u2064\u200b"), None)


def to_unicode(latex: str) -> str:
    """A formula of the catalogue as text a terminal shows.

    Parameters
    ----------
    latex : str
        A formula in LaTeX's math mode, without delimiters.

    Returns
    -------
    str
        One line per row of the formula (most have one).

    Raises
    ------
    TypeError, ValueError
        As :func:`~nnlearn.equations.mathml.to_mathml`, if ``latex`` does not typeset.

    Examples
    --------
    >>> to_unicode(r"\\sigma(x) = \\frac{1}{1 + e^{-x}}")
    'σ(x) = 1/(1 + e⁻ˣ)'
    >>> to_unicode(r"x(n) = \\sigma(W x(n-1) + W^{in} u(n))")
    'x(n) = σ(Wx(n − 1) + Wⁱⁿu(n))'
    """
    lines = _render(ET.fromstring(to_mathml(latex)))
    # \not draws a slash (⧸) over the next symbol; ⧸= reads better as the one character ≠
    return "\n".join(line.rstrip().replace("⧸=", "≠").replace("⧸ = ", " ≠ ") for line in lines)


def _tag(element: ET.Element) -> str:
    return element.tag.removeprefix(_NAMESPACE)


def _plain(text: str) -> str:
    """Text of a token, with the math alphabets (𝐖, 𝓍, 𝒩) as their plain letters."""
    text = text.translate(_INVISIBLE).replace("\u00a0", " ")
    return "".join(unicodedata.normalize("NFKC", c) if 0x1D400 <= ord(c) <= 0x1D7FF else c
                   for c in text)


def _render(element: ET.Element) -> list[str]:
    """The element as lines of text (a single line unless it holds a table)."""
    tag = _tag(element)
    children = list(element)
    if tag in ("mi", "mn", "mtext", "ms"):
        return [_plain(element.text or "")]
    if tag == "mo":
        return [_plain(element.text or "")]
    if tag == "mspace":
        return [" " if element.get("width", "0").rstrip("emx") not in ("0", "") else ""]
    if tag == "mfrac":
        return [f"{_operand(children[0])}/{_operand(children[1])}"]
    if tag == "msqrt":
        return [f"√{_wrapped(_line(children))}"]
    if tag == "mroot":
        return [f"{_script(_line(children[1:]), _SUPERSCRIPTS, '^')}√{_operand(children[0])}"]
    if tag in ("msub", "msup", "msubsup", "munder", "mover", "munderover"):
        return [_scripted(tag, children)]
    if tag == "mtable":
        return ["  ".join(_line(list(cell)) for cell in row) for row in children]
    if tag == "mphantom":
        return [""]
    return _row(children)


def _row(children: list[ET.Element]) -> list[str]:
    """Children side by side; a child of several lines (a table) keeps its lines, the
    text before it is written once, the text after it follows its last line."""
    lines, previous = [""], ""
    for child in children:
        block = _render(child)
        if _tag(child) == "mo":
            block = [_operator(block[0], lines[-1])]
        kind = _kind(child, block[0])
        if _spaced(previous, kind, lines[-1], block[0]):
            lines[-1] += " "
        previous = kind
        if len(block) == 1:
            lines[-1] += block[0]
        else:
            indent = " " * len(lines[-1])
            lines[-1] += block[0]
            lines.extend(indent + line for line in block[1:])
    return lines


def _kind(element: ET.Element, text: str) -> str:
    """What a child is, for the spacing between children: a fraction, a big operator
    with its limits (∑ᵢ), a word (log, sign, softmax) or anything else."""
    while _tag(element) in ("mrow", "mstyle") and len(element) == 1:
        element = element[0]
    tag = _tag(element)
    if tag == "mfrac":
        return "fraction"
    if text[:1] in _BIG_OPERATORS:
        return "big operator"
    if tag in ("mi", "mo", "mtext") and len(text.strip()) > 1 and text.strip().isalpha():
        return "word"
    return ""


def _spaced(before: str, kind: str, text_before: str, text: str) -> bool:
    """Whether a space goes between two children of a row (of kinds ``before``, ``kind``).

    After a fraction, a big operator or a word, and before a fraction or a word, unless a
    bracket, a space or punctuation is already there, or a word is applied: ``log(x)``.
    """
    if not text_before or not text or text_before[-1] in " ([{|−+" or text[0] in " )]},;:!′'":
        return False
    if before == "word" and text[0] in "([{":
        return False
    return before in ("fraction", "big operator", "word") or kind in ("fraction", "word")


def _line(children: list[ET.Element]) -> str:
    return "; ".join(_row(children)).strip()


def _operator(text: str, before: str) -> str:
    """An operator with the spaces a reader expects around it, given the text before it
    (a sign after an opening bracket, a relation or nothing is unary: no spaces)."""
    text = "−" if text == "-" else text
    if text in _RELATIONS:
        return f" {text} "
    if text in ("+", "−", "±", "×", "⋅", "·", "⊙"):
        unary = not before.strip() or before.rstrip()[-1] in "([{,=<>≤≥←→∈|:"
        return text if unary else f" {text} "
    if text == ",":
        return ", "
    if text == ":":
        return ": "
    return text


def _wrapped(text: str) -> str:
    """``text`` in parentheses unless it reads as one term on a line: no operator or
    space outside brackets, or brackets around the whole."""
    text, depth, outside = text.strip(), 0, []
    for c in text:
        depth += (c in "([{") - (c in ")]}")
        outside.append(depth == 0 and (c in _OPERATORS or c == " "))
    enclosed = text[:1] in "([{" and depth == 0 and not any(outside[:-1]) and _closes_at_end(text)
    return f"({text})" if any(outside) and not enclosed else text


def _closes_at_end(text: str) -> bool:
    """Whether the bracket that opens ``text`` closes at its last character."""
    depth = 0
    for i, c in enumerate(text):
        depth += (c in "([{") - (c in ")]}")
        if depth == 0:
            return i == len(text) - 1
    return False


def _operand(element: ET.Element) -> str:
    return _wrapped(_line([element]))


def _script(text: str, table: dict[str, str], mark: str) -> str:
    """``text`` as Unicode sub- or superscript characters where all exist, else marked."""
    text = text.strip().replace(" ", "")
    if text and all(c in table for c in text):
        return "".join(table[c] for c in text)
    if text == "′" and mark == "^":
        return "′"
    return f"{mark}{text}" if len(text) == 1 else f"{mark}({text})"


def _scripted(tag: str, children: list[ET.Element]) -> str:
    base = _line(children[:1])
    if tag == "mover" and len(base.strip()) == 1:
        accent = _line(children[1:]).strip()
        if accent in _ACCENTS:
            marked = base.strip() + _ACCENTS[accent]
            return f" {marked} " if base.strip() in _RELATIONS else marked
    if len(base) > 1 and not base.isalnum() and base not in ("∑", "∏", "arg min", "max", "min"):
        base = _wrapped(base)
    lower = children[1] if tag in ("msub", "msubsup", "munder", "munderover") else None
    upper = {"msup": 1, "mover": 1, "msubsup": 2, "munderover": 2}.get(tag)
    text = base
    if lower is not None:
        text += _script(_line([lower]), _SUBSCRIPTS, "_")
    if upper is not None:
        text += _script(_line([children[upper]]), _SUPERSCRIPTS, "^")
    return text
