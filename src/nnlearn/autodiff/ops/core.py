"""What every primitive does first: its operands made Tensors, and a ufunc applied to two.

Constants take the floating dtype of the Tensor beside them (``2 * x`` stays float32 for a
float32 ``x``); complex numbers, text and other objects are refused naming the operation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnlearn.autodiff.tensor import Tensor
from nnlearn.checks import check_real_array

_PYTHON_NUMBERS = (int, float)


def lift(x: Any, like: Tensor | None = None, op: str = "an operation") -> Tensor:
    """``x`` as a Tensor; constants take the floating dtype of ``like``.

    Complex numbers, text, ``None`` and other objects are refused with a ``TypeError``
    naming ``op`` (their imaginary part or their meaning would be lost silently); NaN and
    ±inf are values like any other, which propagate.
    """
    if isinstance(x, Tensor):
        return x
    dtype = like.data.dtype if like is not None and like.data.dtype.kind == "f" else None
    # The usual operands are real by their type, and converted at once (the hot path).
    if type(x) in _PYTHON_NUMBERS:  # constants: 2, 0.5, 1/N
        return Tensor(np.asarray(x, dtype=np.float64 if dtype is None else dtype))
    if type(x) is np.ndarray and x.dtype.kind == "f":
        return Tensor(x if dtype is None else np.asarray(x, dtype=dtype))
    return Tensor(check_real_array(x, f"the operand of {op}", dtype=dtype, finite=False))


def lift_pair(op: str, a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """The two operands of ``op`` as Tensors, a constant taking the dtype of the other."""
    if isinstance(a, Tensor):
        return a, lift(b, a, op)
    a = lift(a, b if isinstance(b, Tensor) else None, op)
    return a, lift(b, a, op)


def binary_values(op: str, ufunc: np.ufunc, a: Tensor, b: Tensor) -> np.ndarray:
    """``ufunc(a, b)`` on the values, with a clear error when the shapes do not broadcast."""
    try:
        return ufunc(a.data, b.data)
    except ValueError:
        raise ValueError(
            f"{op}: shapes {a.shape} and {b.shape} do not broadcast; expected equal sizes "
            "or size 1 in each trailing dimension"
        ) from None
