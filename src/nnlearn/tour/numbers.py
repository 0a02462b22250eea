"""How the tour writes a number: the same rule in every sentence, table and label."""

from __future__ import annotations

import math
import numbers
from typing import Any

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
#: below this magnitude (and from 10⁶ on) a number is written as m × 10ᵉ
SMALLEST_PLAIN = 1e-3


def number(value: Any, digits: int = 3, zero: float = 0.0) -> str:
    """``value`` with ``digits`` significant digits, as a reader expects it.

    Trailing zeros are dropped (0.25, not 0.250; 12, not 12.0), very small and very
    large magnitudes get a power of ten (1.76 × 10⁻²⁰), large integers a thousands
    separator (2,000), a value that rounds to zero is 0 (never −0.00), the minus sign is
    the typographic one (−), NaN and infinity are NaN and ∞, and a bool is yes or no.

    Parameters
    ----------
    value : bool, numbers.Real (NumPy scalars and 0-d arrays too), or anything else
        Anything that is not a number is written with ``str``.
    digits : int, default 3
        Significant digits of a non-integer.
    zero : float, default 0
        Magnitudes up to this are written 0: rounding error (a training error of 10⁻²⁰,
        a critical point at 10⁻¹⁴) is not a number a reader should read.

    Examples
    --------
    >>> [number(x) for x in (0.0766667, 1.75673e-20, 1.0, -0.0001, 2000, 123456.7)]
    ['0.0767', '1.76 × 10⁻²⁰', '1', '−1 × 10⁻⁴', '2,000', '123,000']
    >>> number(-2.31e-14, zero=1e-9)
    '0'
    """
    if hasattr(value, "ndim") and getattr(value, "ndim", None) == 0:
        value = value.item()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return _signed(f"{int(value):,}")
    if not isinstance(value, numbers.Real):
        return str(value)
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    rounded = float(f"{value:.{digits}g}")
    if rounded == 0 or abs(value) <= zero:
        return "0"
    if SMALLEST_PLAIN <= abs(rounded) < 1e6:
        decimals = max(digits - 1 - math.floor(math.log10(abs(rounded))), 0)
        return _signed(_trimmed(f"{rounded:,.{decimals}f}"))
    exponent = math.floor(math.log10(abs(rounded)))
    mantissa = _trimmed(f"{rounded / 10**exponent:.{digits - 1}f}")
    return _signed(f"{mantissa} × 10{str(exponent).translate(_SUPERSCRIPT)}")


def percent(fraction: Any, decimals: int = 1) -> str:
    """A fraction in [0, 1] as a percentage: 0.976 → 97.6%, 1 → 100%.

    A fraction that is not exactly 0 or 1 never shows as 0% or 100%: it gets the
    decimals it needs (up to 4) to differ from them.

    Parameters
    ----------
    fraction : numbers.Real
    decimals : int, default 1
        Decimals of the percentage, before trailing zeros are dropped.
    """
    value = 100 * float(fraction)
    for places in range(decimals, max(decimals, 4) + 1):
        text = f"{value:.{places}f}"
        if float(text) not in (0.0, 100.0) or value in (0.0, 100.0):
            break
    return _signed(_trimmed(text)) + "%"


def _trimmed(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def _signed(text: str) -> str:
    return text.replace("-", "−")
