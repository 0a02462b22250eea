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
nnlearn.checks.InvalidArgumentError: lr must be a finite real number, got nan
"""

from __future__ import annotations

import numbers
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

__all__ = [
    "InvalidArgumentError",
    "check_bool",
    "check_integer",
    "check_random_state",
    "check_real",
    "check_real_array",
    "check_real_dtype",
    "describe",
]


class InvalidArgumentError(ValueError, TypeError):
    """An argument of the wrong type or value; both a ``ValueError`` and a ``TypeError``, as
    scikit-learn's ``InvalidParameterError``, so code catching either catches it."""


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


def check_bool(value: Any, name: str) -> bool:
    """``value`` as a Python bool, if it is ``True`` or ``False`` (``np.bool_`` too);
    otherwise an :class:`InvalidArgumentError` naming ``name``: a flag given 0, "no" or None
    is a mistake, not a truth value."""
    if not isinstance(value, bool | np.bool_):
        raise InvalidArgumentError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def check_integer(value: Any, name: str, *, minimum: int | None = None,
                  maximum: int | None = None, allow_none: bool = False) -> int | None:
    """``value`` as a Python int, if it is an integer (``numbers.Integral``, not bool) within
    the bounds (or None, with ``allow_none``); otherwise an :class:`InvalidArgumentError`
    naming ``name``."""
    if allow_none and value is None:
        return None
    if minimum == 1 and maximum is None:
        expected = "a positive integer"
    else:
        expected = f"an integer{_bounds(minimum, maximum, False)}"
    if allow_none:
        expected = "None or " + expected
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise InvalidArgumentError(f"{name} must be {expected}, got {describe(value)}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise InvalidArgumentError(f"{name} must be {expected}, got {value}")
    return value


#: The largest length of an array's axis (NumPy's ``np.intp``).
MAX_SIZE = int(np.iinfo(np.intp).max)


def check_path(value: Any, name: str = "path") -> Path:
    """``value`` as a :class:`~pathlib.Path`, or a ``TypeError`` naming ``name``: a file
    name is a ``str`` or an ``os.PathLike``.

    >>> check_path(None)
    Traceback (most recent call last):
    ...
    TypeError: path must be a file name (a str or os.PathLike), got None
    """
    if not isinstance(value, str | os.PathLike):
        raise TypeError(f"{name} must be a file name (a str or os.PathLike), got "
                        f"{describe(value)}")
    return Path(value)


def check_size(value: Any, name: str, *, minimum: int = 1, extra: int = 0) -> int:
    """``value`` as a Python int ≥ ``minimum`` that can be the length of an array's axis
    (with ``extra`` more: ``n_steps`` transitions make ``n_steps + 1`` states), or an
    :class:`InvalidArgumentError` naming ``name``. (A length the machine cannot allocate
    is NumPy's ``MemoryError``, which says how many bytes were asked for.)"""
    size = check_integer(value, name, minimum=minimum)
    if size + extra > MAX_SIZE:
        raise InvalidArgumentError(f"{name} must be at most {MAX_SIZE - extra} (the largest "
                                   f"length of an array's axis), got {size}")
    return size


def check_real(value: Any, name: str, *, minimum: float | None = None,
               maximum: float | None = None, open_minimum: bool = False,
               finite: bool = True) -> float:
    """``value`` as a Python float, if it is a real number (``numbers.Real``, not bool) within
    the bounds (``open_minimum``: strictly above ``minimum``) and, unless ``finite=False``,
    finite; otherwise an :class:`InvalidArgumentError` naming ``name``."""
    kind = "a finite real number" if finite else "a real number"
    expected = f"{kind}{_bounds(minimum, maximum, open_minimum)}"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise InvalidArgumentError(f"{name} must be {expected}, got {describe(value)}")
    value = float(value)
    if np.isnan(value) or (finite and np.isinf(value)):
        raise InvalidArgumentError(f"{name} must be {expected}, got {value}")
    below = minimum is not None and (value <= minimum if open_minimum else value < minimum)
    if below or (maximum is not None and value > maximum):
        raise InvalidArgumentError(f"{name} must be {expected}, got {value:g}")
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
        other objects are refused, never silently converted.
    name : str
        The argument's name, for the messages.
    dtype : data-type, optional
        The floating type wanted. By default float32 and float64 arrays keep their type and
        everything else becomes float64.
    ndim : int or tuple of int, optional
        The allowed numbers of dimensions.
    finite : bool, default True
        Refuse NaN and ±inf (saying where the first one is).
    allow_empty : bool, default True
        Whether an array with no elements is acceptable.

    Raises
    ------
    InvalidArgumentError
        (a ``ValueError`` and a ``TypeError``) naming ``name``, what was expected and what came.
    """
    if value is None:
        raise InvalidArgumentError(f"{name} must be an array of real numbers, got None")
    if type(value).__module__.startswith("scipy.sparse"):
        raise InvalidArgumentError(f"{name} must be a dense array of real numbers, got a SciPy "
                                   f"sparse {type(value).__name__}; convert it with .toarray()")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged nested lists, unconvertible objects
        raise InvalidArgumentError(f"{name} must be an array of real numbers: {error}") from None
    kind = array.dtype.kind
    if kind == "c":
        raise InvalidArgumentError(f"{name} must hold real numbers, got complex values (dtype "
                        f"{array.dtype}); pass its .real part if that is what is meant")
    if kind not in "biuf":
        what = "text" if kind in "US" else "None or other objects" if kind == "O" else kind
        raise InvalidArgumentError(f"{name} must be an array of real numbers, got {what} "
                        f"(dtype {array.dtype})")
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    elif kind != "f" or array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            dims = " or ".join(str(d) for d in allowed)
            raise InvalidArgumentError(f"{name} must have {dims} dimension(s), got shape "
                                       f"{array.shape}")
    if not allow_empty and array.size == 0:
        raise InvalidArgumentError(f"{name} must not be empty, got shape {array.shape}")
    if finite and array.size and not np.isfinite(array).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        bad = array[where] if where else array[()]
        place = f" at index {where if len(where) != 1 else where[0]}" if where else ""
        raise InvalidArgumentError(f"{name} must be finite, got {bad}{place}; NaN and infinity "
                                   "are not supported")
    return array


def check_random_state(value: Any, name: str = "random_state") -> np.random.Generator:
    """A ``numpy.random.Generator`` from ``value``: a non-negative integer seed (any
    ``numbers.Integral`` but bool), a Generator (used as is) or None (fresh entropy);
    otherwise an :class:`InvalidArgumentError` naming ``name``."""
    if isinstance(value, np.random.Generator):
        return value
    if value is None:
        return np.random.default_rng()
    expected = "None, an integer seed ≥ 0 or a numpy.random.Generator"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise InvalidArgumentError(f"{name} must be {expected}, got {describe(value)}")
    if value < 0:
        raise InvalidArgumentError(f"{name} must be {expected}, got {int(value)}")
    return np.random.default_rng(int(value))


@contextmanager
def naming(name: str) -> Iterator[None]:
    """Run a check of the argument ``name`` written elsewhere (scikit-learn's
    ``validate_data``) so that its errors name the argument.

    A ``ValueError`` or ``TypeError`` whose message does not mention ``name`` is raised
    again as an :class:`InvalidArgumentError` reading ``"<name>: <message>"``. NumPy's
    floating-point warnings inside the check (the sum of +inf and -inf by which it finds a
    non-finite value) are silenced: a check computes no result.

    Examples
    --------
    >>> with naming("X"):
    ...     raise ValueError("Found array with dim 3")
    Traceback (most recent call last):
    ...
    nnlearn.checks.InvalidArgumentError: X: Found array with dim 3
    """
    try:
        with np.errstate(all="ignore"):
            yield
    except (ValueError, TypeError) as error:
        if re.search(rf"\b{re.escape(name)}\b", str(error)):
            raise
        raise InvalidArgumentError(f"{name}: {error}") from error
