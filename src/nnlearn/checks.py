"""Argument checks shared by the whole library: one rule, one message, in one place.

Every public entry point validates what it is given with these functions, so a bad
argument gets the same kind of message everywhere: the argument's name, what was expected
and what came. They accept what NumPy users pass (``np.int64(3)`` is an integer,
``np.float32(0.1)`` a real number) and refuse what has no meaning: ``True`` for a count,
NaN or ±inf for a finite value, complex numbers where nnlearn computes with real ones
(their imaginary part would be silently dropped), ``None`` or objects inside arrays.

This module imports nothing from nnlearn: every layer may use it.

Examples
--------
>>> import numpy as np
>>> check_integer(np.int64(3), "epochs", minimum=1)
3
>>> check_real(0.5, "lr", minimum=0, open_minimum=True)
0.5
>>> check_real(float("nan"), "lr")
Traceback (most recent call last):
...
ValueError: lr must be a finite real number, got nan
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

__all__ = ["check_integer", "check_real", "check_real_array", "describe"]


def describe(value: Any) -> str:
    """A short description of ``value`` for error messages: its repr, and its type where the
    repr does not show it (``2.0 (float)`` beside ``2``, ``True (bool)``)."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, bool | float | np.generic) and not isinstance(value, str):
        return f"{text} ({type(value).__name__})"
    return text


def _bounds(minimum: float | None, maximum: float | None, open_minimum: bool) -> str:
    parts = []
    if minimum is not None:
        parts.append(f"{'>' if open_minimum else '≥'} {minimum:g}")
    if maximum is not None:
        parts.append(f"≤ {maximum:g}")
    return (" " + " and ".join(parts)) if parts else ""


def check_integer(value: Any, name: str, *, minimum: int | None = None,
                  maximum: int | None = None) -> int:
    """``value`` as a Python int, if it is an integer (``numbers.Integral``, not bool) within
    the bounds; otherwise a ``TypeError`` (not an integer) or ``ValueError`` (out of range)
    naming ``name``."""
    expected = f"an integer{_bounds(minimum, maximum, False)}"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {expected}, got {value}")
    return value


def check_real(value: Any, name: str, *, minimum: float | None = None,
               maximum: float | None = None, open_minimum: bool = False,
               finite: bool = True) -> float:
    """``value`` as a Python float, if it is a real number (``numbers.Real``, not bool) within
    the bounds (``open_minimum``: strictly above ``minimum``) and, unless ``finite=False``,
    finite; otherwise a ``TypeError`` or ``ValueError`` naming ``name``."""
    kind = "a finite real number" if finite else "a real number"
    expected = f"{kind}{_bounds(minimum, maximum, open_minimum)}"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}")
    value = float(value)
    if np.isnan(value) or (finite and np.isinf(value)):
        raise ValueError(f"{name} must be {expected}, got {value}")
    below = minimum is not None and (value <= minimum if open_minimum else value < minimum)
    if below or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {expected}, got {value:g}")
    return value


def check_real_dtype(array: np.ndarray, name: str) -> None:
    """Refuse an array whose dtype does not hold real numbers (complex numbers, text,
    ``None`` or other objects), with :func:`check_real_array`'s error naming ``name``;
    booleans, integers and floats pass. A test of the dtype alone, with no conversion
    and no pass over the values: cheap enough for every operation of the engine."""
    if array.dtype.kind not in "biuf":
        check_real_array(array, name)  # raises, saying what came


def check_real_array(value: ArrayLike, name: str, *, dtype: DTypeLike = None,
                     ndim: int | tuple[int, ...] | None = None, finite: bool = True,
                     allow_empty: bool = True) -> np.ndarray:
    """``value`` as a floating NumPy array of real numbers, or a clear error naming ``name``.

    Parameters
    ----------
    value : array_like
        Numbers: booleans and integers become floats; complex numbers, strings, ``None`` and
        other objects are refused (a ``TypeError``), never silently converted.
    name : str
        The argument's name, for the messages.
    dtype : data-type, optional
        The floating type wanted. By default float32 and float64 arrays keep their type and
        everything else becomes float64.
    ndim : int or tuple of int, optional
        The allowed numbers of dimensions.
    finite : bool, default True
        Refuse NaN and ±inf (a ``ValueError`` saying where the first one is).
    allow_empty : bool, default True
        Whether an array with no elements is acceptable.
    """
    if value is None:
        raise TypeError(f"{name} must be an array of real numbers, got None")
    array = np.asarray(value)
    kind = array.dtype.kind
    if kind == "c":
        raise TypeError(f"{name} must hold real numbers, got complex values (dtype "
                        f"{array.dtype}); pass its .real part if that is what is meant")
    if kind not in "biuf":
        what = "text" if kind in "US" else "None or other objects" if kind == "O" else kind
        raise TypeError(f"{name} must be an array of real numbers, got {what} "
                        f"(dtype {array.dtype})")
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    elif kind != "f" or array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            dims = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must have {dims} dimension(s), got shape {array.shape}")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if finite and array.size and not np.isfinite(array).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        bad = array[where] if where else array[()]
        place = f" at index {where if len(where) != 1 else where[0]}" if where else ""
        raise ValueError(f"{name} must be finite, got {bad}{place}")
    return array
