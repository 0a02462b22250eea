"""Compiled loops, for the rules NumPy cannot vectorize.

An online learning rule visits the samples one by one and each step needs the weights
the last one left: a Python loop over 100,000 samples costs a microsecond per sample in
the interpreter alone. An optimizer's update is vectorizable, but NumPy makes one pass
over the arrays per operation (a dozen for Adam), where one pass does it all. Such loops
are written in plain Python over arrays, beside the rule they implement (the perceptron's
epoch, Adam's pass, ReLU, the Hopfield sweep), and :func:`compiled` turns them into
machine code with Numba on their first call (cached on disk, so later runs skip the
compilation, and compile again when the loop or a loop it calls changes:
:mod:`nnlearn.compiled_cache`; Numba itself loads then, so ``import nnlearn`` does not pay
for it). This module
holds that decorator, :func:`overload` for helpers with a form per argument type, and the
small helpers the loops share.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import numpy as np

F = TypeVar("F", bound=Callable)

#: The compiler may reorder a sum (so that it runs in SIMD lanes) and fuse a multiply
#: with an add: results differ from a left-to-right loop in the last bits only. No
#: assumption about NaN or infinity is made, so divergence is still seen.
FLOAT_FLAGS = frozenset({"reassoc", "contract"})

_numba_lock = threading.RLock()
_numba_loaded = False
_pending_overloads: list[Callable[[], None]] = []  # registered when Numba loads


def compiled(function: F) -> F:
    """Compile ``function`` with Numba: machine code, cached on disk, :data:`FLOAT_FLAGS`.

    Numba itself loads on the first call of a compiled loop, not at import, and the loop
    compiles then (or loads from the disk cache): see :class:`Kernel`. Where no cache folder
    is writable (beside the package, or the user's), the function still compiles, on its
    first call in each process.

    Division follows NumPy (x / 0 is ±inf or NaN), not Python (ZeroDivisionError): the
    check Python's rule needs would stop the compiler from vectorizing the loop. Keep
    every scalar of a float32 loop float32 (pass them as ``np.float32``, and ``1 − β``
    precomputed rather than with a literal 1): mixing in a float64 halves the SIMD width.
    """
    return Kernel(function)  # type: ignore[return-value]  (called as the function is)


class Kernel:
    """A compiled loop that becomes a Numba dispatcher on its first call.

    Once compiled, a call goes straight to the dispatcher (the kernel takes a class of its
    own whose ``__call__`` is the dispatcher: no Python frame in between). Named inside
    another compiled loop, a kernel is typed as its dispatcher (Numba's ``_numba_type_``
    protocol), so loops call each other in machine code. Other attributes (``signatures``,
    ``inspect_types``, ...) are the dispatcher's.
    """

    def __init__(self, function: Callable[..., Any]) -> None:
        functools.update_wrapper(self, function)
        self.py_func = function
        self._dispatcher: Any = None

    def __call__(self, *args: Any) -> Any:
        """The first call: Numba loaded and the loop compiled (or loaded from the cache) as a
        whole, Ctrl-C held until both are done (:func:`ctrl_c_held`)."""
        with ctrl_c_held():
            return self.dispatcher(*args)

    @property
    def dispatcher(self) -> Any:
        """The Numba dispatcher, made on first use (loading Numba if no loop has yet)."""
        if self._dispatcher is None:
            with _numba_lock:
                if self._dispatcher is None:
                    self._dispatcher = _dispatcher(self.py_func)
                    self.__class__ = type(type(self).__name__, (Kernel,),
                                          {"__call__": staticmethod(self._dispatcher)})
        return self._dispatcher

    @property
    def _numba_type_(self) -> Any:
        return self.dispatcher._numba_type_

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # private, or asked before __init__ ran (a copy)
            raise AttributeError(name)
        return getattr(self.dispatcher, name)

    def __reduce__(self) -> str:
        """Pickled (and copied) by name, as the function is."""
        return self.__qualname__

    def __repr__(self) -> str:
        return f"<compiled loop {self.__module__}.{self.__qualname__}>"


def overload(stub: Callable[..., Any], **options: Any) -> Callable[[F], F]:
    """``numba.extending.overload(stub, **options)``, registered when Numba loads (at once if
    it has): the decorated typing function gives the implementation of ``stub`` for the
    Numba types of the arguments in compiled loops."""

    def register(typing_function: F) -> F:
        def register_now() -> None:
            from numba.extending import overload as numba_overload

            numba_overload(stub, **options)(typing_function)

        with _numba_lock:
            if _numba_loaded:
                register_now()
            else:
                _pending_overloads.append(register_now)
        return typing_function

    return register


def _dispatcher(function: Callable[..., Any]) -> Any:
    """Numba's dispatcher of ``function``, the overloads registered before it compiles."""
    global _numba_loaded
    import numba

    with _numba_lock:
        _numba_loaded = True
        while _pending_overloads:
            _pending_overloads.pop(0)()
    options = {"fastmath": set(FLOAT_FLAGS), "error_model": "numpy"}
    try:
        dispatcher = numba.njit(cache=True, **options)(function)
    except RuntimeError:  # nowhere writable to cache (read-only install, no home): compile per run
        dispatcher = numba.njit(**options)(function)
    else:
        from nnlearn.compiled_cache import stamp_dependencies

        stamp_dependencies(dispatcher, function)  # a change to a loop it calls compiles it again
    # Numba calls this (by name) when no machine code fits the arguments yet.
    dispatcher._compile_for_args = _holding_ctrl_c(dispatcher._compile_for_args)
    return dispatcher


@contextlib.contextmanager
def ctrl_c_held() -> Iterator[None]:
    """Ctrl-C held until the block ends, then raised.

    An LLVM compilation interrupted half-way leaves llvmlite in a state that aborts the
    process later ("Fatal Python error: Aborted" when its objects are collected), and an
    import interrupted half-way leaves Numba half-loaded, so the first call of a compiled
    loop finishes loading Numba and compiling (or loading from the cache) before a
    KeyboardInterrupt is raised. Signals are handled in the main thread only: elsewhere
    there is nothing to hold.
    """
    handler = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or handler is None:
        yield
        return
    held: list[int] = []
    signal.signal(signal.SIGINT, lambda number, frame: held.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, handler)
        if held:
            raise KeyboardInterrupt


def _holding_ctrl_c(compile: Callable[..., Any]) -> Callable[..., Any]:
    """``compile`` with Ctrl-C held until it returns (:func:`ctrl_c_held`)."""

    def compile_whole(*args: Any, **kwargs: Any) -> Any:
        with ctrl_c_held():
            return compile(*args, **kwargs)

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

