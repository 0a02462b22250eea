"""The Tensor: a NumPy array that remembers how it was computed.

Reverse-mode automatic differentiation, as the course derives backpropagation: every
primitive operation records, for each input, a *vector-Jacobian product* (VJP) rule
``vjp(g, out)`` mapping the gradient ``g = ∂L/∂out`` to ``∂L/∂input``. ``backward``
walks the recorded graph from the output to the inputs and applies the rules: the
delta equations of backpropagation, δ^κ = σ'(a^κ) ⊙ (W^{κ+1})ᵀ δ^{κ+1}, fall out of
the rules of ``linear`` and the activation.

The VJP rules are written with nnlearn's own operations, so the gradient computation
can itself be recorded and differentiated again (``create_graph=True``): this is how
:func:`nnlearn.hessian` gets exact second derivatives. When no higher order is asked
for, the rules run with recording switched off and cost no more than NumPy calls.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from nnlearn.checks import check_real_array

VJP = Callable[["Tensor", "Tensor"], "Tensor"]


_creation_order = itertools.count()


class _GradMode(threading.local):
    """Whether operations are recorded: one switch per thread, as PyTorch's grad mode, so
    models trained in several threads at once (a server, joblib's threading backend) do
    not switch each other's recording. A new thread starts with recording on."""

    enabled = True

    def __init__(self) -> None:
        self.previous: list[bool] = []  # the modes the open switches replaced, innermost last


_grad_mode = _GradMode()


def grad_mode_state() -> _GradMode:
    """This thread's grad-mode state: ``enabled``, and ``previous``, the modes the open
    switches replaced.

    For code that must leave the mode as it found it whatever happens, with a ``finally``
    that makes no call (Ctrl-C is raised at the start of a function, so it can skip the
    ``__exit__`` of a switch)::

        state = grad_mode_state()
        enabled, depth = state.enabled, len(state.previous)
        try:
            ...
        finally:
            state.enabled = enabled
            del state.previous[depth:]
    """
    return _grad_mode


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for differentiation (in this thread)."""
    return _grad_mode.enabled


class set_grad_enabled(contextlib.ContextDecorator):
    """Context manager switching recording on (``True``) or off (``False``) in this thread;
    re-entrant, and the previous mode comes back however the block is left."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)

    # The replaced mode is kept per thread, not on this object: one switch (a decorated
    # function) may be open in several threads at once. Neither method makes a call after
    # its first change of state, so Ctrl-C (raised only at calls and loops) cannot fall
    # between the two. It can land at the very start of __exit__, before any of it runs:
    # nl.fit and the other long computations restore the mode in a finally of their own
    # (see grad_mode_state).
    def __enter__(self) -> None:
        state = _grad_mode
        state.previous += (state.enabled,)
        state.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        state = _grad_mode
        state.enabled = state.previous[-1]
        del state.previous[-1]


class no_grad(set_grad_enabled):
    """Switch recording off: inside, operations build no graph (faster, less memory).

    Examples
    --------
    >>> import nnlearn as nl
    >>> w = nl.tensor([1.0, 2.0], requires_grad=True)
    >>> with nl.no_grad():
    ...     y = w * 3
    >>> y.requires_grad
    False
    """

    def __init__(self) -> None:
        super().__init__(False)


class Tensor:
    """An n-dimensional array with reverse-mode automatic differentiation.

    Create tensors with :func:`nnlearn.tensor`. Arithmetic operators, indexing and the
    methods below record the computation when any operand ``requires_grad``.

    Attributes
    ----------
    data : numpy.ndarray
        The values.
    grad : numpy.ndarray or None
        ∂(output)/∂(this tensor), accumulated by :meth:`backward` on leaf tensors.
    grad_buffer : numpy.ndarray or None
        Where :meth:`backward` writes the gradient when ``grad`` is None (an optimizer
        sets it to the tensor's view of its flat gradient); None: a new array.
    requires_grad : bool
        Whether gradients flow to this tensor.
    """

    __slots__ = ("_edges", "_seq", "data", "grad", "grad_buffer", "requires_grad")
    __array_ufunc__ = None  # ndarray (op) Tensor defers to Tensor's reflected operator

    def __init__(self, data: np.ndarray, requires_grad: bool = False) -> None:
        self.data = data
        self.grad: np.ndarray | None = None
        self.grad_buffer: np.ndarray | None = None
        self.requires_grad = requires_grad
        self._edges: tuple[tuple[Tensor, VJP], ...] = ()
        self._seq = next(_creation_order)

    # ----- properties -------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors not computed by a recorded operation."""
        return not self._edges

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extra = ", requires_grad=True" if self.requires_grad else ""
        if self.data.dtype != np.float64:
            extra = f", dtype={self.data.dtype}" + extra
        return f"tensor({body}{extra})"

    def __array__(self, dtype: DTypeLike = None, copy: bool | None = None) -> np.ndarray:
        return self.data if dtype is None else self.data.astype(dtype, copy=False)

    def numpy(self) -> np.ndarray:
        """The values as a NumPy array (shared, not copied)."""
        return self.data

    def item(self) -> float:
        """The value of a one-element tensor as a Python number."""
        return self.data.item()

    def __float__(self) -> float:
        return float(self.data.item())

    def detach(self) -> Tensor:
        """The same values, cut from the graph."""
        return Tensor(self.data)

    # ----- differentiation --------------------------------------------------------
    def backward(self, gradient: ArrayLike | None = None) -> None:
        """Accumulate ∂self/∂leaf into ``leaf.grad`` for every leaf that requires grad.

        Parameters
        ----------
        gradient : array_like, optional
            The seed ∂L/∂self, of this tensor's shape; may be omitted only when this
            tensor holds a single value (then it is 1).
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() called on a tensor that does not require grad: no input of its "
                "computation was created with requires_grad=True"
            )
        seed = backprop.seed_gradient(self, gradient)
        found = backprop.backpropagate(self, seed, wrt=None, create_graph=False, into=_fresh_buffer)
        for leaf, g in found.items():
            if leaf.grad is None:
                written = g.data is leaf.grad_buffer
                leaf.grad = g.data if written else np.array(g.data, leaf.data.dtype, copy=True)
            else:
                leaf.grad += g.data

    # ----- operators (the rules live in ops/) -------------------------------------
    def __add__(self, other: Any) -> Tensor:
        return ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return ops.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return ops.subtract(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return ops.subtract(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return ops.multiply(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return ops.multiply(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return ops.divide(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return ops.divide(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return ops.power(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return ops.power(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return ops.negative(self)

    def __getitem__(self, index: Any) -> Tensor:
        return ops.getitem(self, index)

    # Comparisons give plain boolean arrays: they have no derivative.
    def __lt__(self, other: Any) -> np.ndarray:
        return self.data < _values(other)

    def __le__(self, other: Any) -> np.ndarray:
        return self.data <= _values(other)

    def __gt__(self, other: Any) -> np.ndarray:
        return self.data > _values(other)

    def __ge__(self, other: Any) -> np.ndarray:
        return self.data >= _values(other)

    __hash__ = object.__hash__

    @property
    def T(self) -> Tensor:
        return ops.transpose(self)

    def sum(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        return ops.sum(self, axis, keepdims)

    def mean(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        return ops.mean(self, axis, keepdims)

    def max(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        return ops.max(self, axis, keepdims)

    def min(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        return ops.min(self, axis, keepdims)

    def reshape(self, *shape: Any) -> Tensor:
        return ops.reshape(self, shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes: Any) -> Tensor:
        return ops.transpose(self, (axes[0] if len(axes) == 1 else axes) or None)

    def astype(self, dtype: DTypeLike) -> Tensor:
        return ops.astype(self, dtype)

    def exp(self) -> Tensor:
        return ops.exp(self)

    def log(self) -> Tensor:
        return ops.log(self)

    def sqrt(self) -> Tensor:
        return ops.sqrt(self)

    def abs(self) -> Tensor:
        return ops.abs(self)

    def tanh(self) -> Tensor:
        return ops.tanh(self)

    def sigmoid(self) -> Tensor:
        return ops.sigmoid(self)

    def relu(self) -> Tensor:
        return ops.relu(self)


def _fresh_buffer(node: Tensor) -> np.ndarray | None:
    """The array where backward may write the gradient of ``node``: its grad_buffer,
    while it holds no gradient yet."""
    return node.grad_buffer if node.grad is None else None


def _values(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def tensor(data: ArrayLike, requires_grad: bool = False, dtype: DTypeLike = None) -> Tensor:
    """Make a :class:`Tensor` over a NumPy array.

    Parameters
    ----------
    data : array_like
        The values: real numbers (NaN and ±inf included). float32 and float64 arrays keep
        their dtype; booleans, integers and other floats become float64. Complex numbers,
        text, ``None`` and other objects are refused with a ``TypeError``.
    requires_grad : bool, default False
        Whether to compute gradients with respect to this tensor.
    dtype : data-type, optional
        Force a real dtype (float64 and float32 are the supported floating types).

    Examples
    --------
    >>> import nnlearn as nl
    >>> x = nl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x ** 2).sum().backward()
    >>> x.grad
    array([2., 4., 6.])
    """
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None and np.dtype(dtype).kind not in "biuf":
        raise TypeError(
            f"dtype must be a real type such as float64 or float32, got {np.dtype(dtype)}"
        )
    array = check_real_array(data, "data", dtype=dtype, finite=False)
    if requires_grad and not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"only floating tensors can require grad, got dtype {array.dtype}")
    return Tensor(array, requires_grad=requires_grad)


def record(data: np.ndarray, *edges: tuple[Tensor, VJP]) -> Tensor:
    """The result of a primitive: ``data`` plus, when recording, a VJP rule per input.

    Each edge is ``(input, vjp)`` with ``vjp(g, out)`` returning ∂L/∂input given
    ``g = ∂L/∂out``. Inputs that do not require grad are dropped, so their rules never run.
    """
    out = Tensor(data)
    if _grad_mode.enabled:
        kept = [edge for edge in edges if edge[0].requires_grad]
        if kept:
            out.requires_grad = True
            out._edges = tuple(kept)
    return out


# The backward pass and the primitives need Tensor, defined above.
from nnlearn.autodiff import backprop, ops  # noqa: E402
