"""Compiled loops, for the rules NumPy cannot vectorize.

An online learning rule visits the samples one by one and each step needs the weights
the last one left: a Python loop over 100,000 samples costs a microsecond per sample in
the interpreter alone. An optimizer's update is vectorizable, but NumPy makes one pass
over the arrays per operation (a dozen for Adam), where one pass does it all. Such loops
are written in plain Python over arrays, beside the rule they implement (the perceptron's
epoch, Adam's pass, ReLU, the Hopfield sweep), and :func:`compiled` turns them into
machine code with Numba on their first call (cached on disk, so later runs skip the
compilation). This module holds that decorator and the small helpers the loops share.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numba
import numpy as np

F = TypeVar("F", bound=Callable)

#: The compiler may reorder a sum (so that it runs in SIMD lanes) and fuse a multiply
#: with an add: results differ from a left-to-right loop in the last bits only. No
#: assumption about NaN or infinity is made, so divergence is still seen.
FLOAT_FLAGS = frozenset({"reassoc", "contract"})


def compiled(function: F) -> F:
    """Compile ``function`` with Numba: machine code, cached on disk, :data:`FLOAT_FLAGS`.

    Where no cache folder is writable (beside the package, or the user's), the function
    still compiles, on its first call in each process.

    Division follows NumPy (x / 0 is ±inf or NaN), not Python (ZeroDivisionError): the
    check Python's rule needs would stop the compiler from vectorizing the loop. Keep
    every scalar of a float32 loop float32 (pass them as ``np.float32``, and ``1 − β``
    precomputed rather than with a literal 1): mixing in a float64 halves the SIMD width.
    """
    options = {"fastmath": set(FLOAT_FLAGS), "error_model": "numpy"}
    try:
        dispatcher = numba.njit(cache=True, **options)(function)
    except RuntimeError:  # nowhere writable to cache (read-only install, no home): compile per run
        dispatcher = numba.njit(**options)(function)
    # Numba calls this (by name) when no machine code fits the arguments yet.
    dispatcher._compile_for_args = _holding_ctrl_c(dispatcher._compile_for_args)
    return dispatcher


def _holding_ctrl_c(compile: Callable[..., Any]) -> Callable[..., Any]:
    """``compile`` with Ctrl-C held until it returns, then raised.

    An LLVM compilation interrupted half-way leaves llvmlite in a state that aborts the
    process later ("Fatal Python error: Aborted" when its objects are collected), so the
    first call of a compiled loop finishes compiling (or loading from the cache) before a
    KeyboardInterrupt is raised. Signals are handled in the main thread only: elsewhere
    there is nothing to hold.
    """

    def compile_whole(*args: Any, **kwargs: Any) -> Any:
        handler = signal.getsignal(signal.SIGINT)
        if threading.current_thread() is not threading.main_thread() or handler is None:
            return compile(*args, **kwargs)
        held: list[int] = []
        signal.signal(signal.SIGINT, lambda number, frame: held.append(number))
        try:
            return compile(*args, **kwargs)
        finally:
            signal.signal(signal.SIGINT, handler)
            if held:
                raise KeyboardInterrupt

    return compile_whole


@compiled
def dot(a: np.ndarray, b: np.ndarray) -> float:
    """aᵀb = Σ_i a_i b_i, for vectors of one length (summed in double precision)."""
    total = 0.0
    for i in range(a.shape[0]):
        total += a[i] * b[i]
    return total


@compiled
def add_scaled(y: np.ndarray, alpha: float, x: np.ndarray) -> None:
    """y ← y + α x, in place (BLAS's axpy)."""
    for i in range(y.shape[0]):
        y[i] += alpha * x[i]


def elementwise(kernel: Callable[..., None], *inputs: np.ndarray) -> np.ndarray:
    """A new array like ``inputs[0]``, filled by ``kernel(*flat inputs, flat out)``."""
    out = np.empty(inputs[0].shape, inputs[0].dtype)
    kernel(*[a.ravel() for a in inputs], out.ravel())  # views, unless an input is strided
    return out

