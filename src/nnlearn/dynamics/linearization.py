"""A system's operator T at a state: its value and its exact Jacobian ∂T/∂x.

The Jacobian comes from nnlearn's own reverse-mode autodiff (:func:`nnlearn.jacobian`), so
T must be written with operations that autodiff follows: arithmetic, ``@``, and nnlearn's
functions (``nl.tanh``, ``nl.exp``, ``nl.sin``, ...) rather than NumPy's ufuncs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnlearn.autodiff import Tensor, jacobian, no_grad


def evaluate(T: Callable, x: np.ndarray) -> np.ndarray:
    """T(x) as a float64 array of the shape of ``x`` (T may return an array or a Tensor).

    Raises
    ------
    ValueError
        If T(x) has another shape than x, or is not finite.
    """
    with no_grad():
        value = T(x)
    value = np.asarray(value.data if isinstance(value, Tensor) else value, dtype=np.float64)
    if value.shape != x.shape:
        raise ValueError(f"T must map a state of shape {x.shape} to one of the same shape, "
                         f"got shape {value.shape}")
    if not np.isfinite(value).all():
        raise ValueError(f"T(x) is not finite at x = {x}: {value}")
    return value


def jacobian_at(T: Callable, x: np.ndarray) -> np.ndarray:
    """∂T/∂x at x, of shape (d, d) for a state of shape (d,), by reverse-mode autodiff.

    Raises
    ------
    TypeError
        If T uses operations autodiff cannot follow (NumPy's ufuncs such as ``np.tanh``,
        or ``np.array`` around tensors), saying so.
    """
    try:
        J = jacobian(T)(x)
    except (TypeError, ValueError) as error:
        if "ufunc" not in str(error) and "__array__" not in str(error):
            raise
        raise TypeError(f"T must be written with operations nnlearn's autodiff follows "
                        f"(arithmetic, @, nl.tanh, nl.stack, ...; not NumPy functions) to get "
                        f"its Jacobian: {error}") from error
    return np.asarray(J, dtype=np.float64).reshape(x.size, x.size)
