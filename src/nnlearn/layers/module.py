"""Modules and parameters: the building blocks of a network.

A :class:`Module` holds :class:`Parameter` tensors and other modules as attributes;
``named_parameters()`` finds them in the order they were assigned. Parameters are
ordinary leaf tensors, so ``loss.backward()`` fills their ``.grad``; an optimizer may
make every ``.data`` and ``.grad`` a view into one flat buffer (see :mod:`nnlearn.optim`),
which is why state is always copied *into* parameters, never swapped for new arrays.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from nnlearn.autodiff.tensor import Tensor
from nnlearn.checks import check_real_array, check_size
from nnlearn.init import rng_from

FLOAT_TYPES = (np.dtype(np.float64), np.dtype(np.float32))


class ParameterAllowanceExceeded(MemoryError):
    """More parameter values were about to be allocated than :func:`parameter_allowance` allows."""


class _Allowance(threading.local):
    bytes_left: float = math.inf


_allowance = _Allowance()


@contextlib.contextmanager
def parameter_allowance(n_bytes: int) -> Iterator[None]:
    """Within the block, the parameters this thread creates may hold ``n_bytes`` in all.

    A parameter that would exceed it raises :class:`ParameterAllowanceExceeded` before its
    array is allocated. ``nnlearn.load`` builds a network from a file under the size of the
    file's arrays, so a description that declares a huge layer beside small arrays is refused
    instead of allocated.
    """
    previous = _allowance.bytes_left
    _allowance.bytes_left = n_bytes
    try:
        yield
    finally:
        _allowance.bytes_left = previous


def _spend_allowance(n_bytes: int) -> None:
    if n_bytes > _allowance.bytes_left:
        raise ParameterAllowanceExceeded(
            f"a parameter of {n_bytes:,} bytes, with {_allowance.bytes_left:,} left")
    _allowance.bytes_left -= n_bytes


class Parameter(Tensor):
    """A learnable array of a module: a leaf tensor that requires grad by default.

    Parameters
    ----------
    data : array_like
        The initial values (copied; float64 unless a floating dtype is given).
    requires_grad : bool, default True
        ``False`` freezes the parameter: no gradient is computed for it and optimizers
        leave it unchanged (the backpropagation example keeps its biases fixed so).

    Examples
    --------
    >>> import nnlearn as nl
    >>> b = nl.Parameter([0.35, 0.35], requires_grad=False)
    >>> b
    Parameter(shape=(2,), dtype=float64, requires_grad=False)
    """

    __slots__ = ()

    def __init__(self, data: ArrayLike, requires_grad: bool = True) -> None:
        source = np.asarray(data.data if isinstance(data, Tensor) else data)
        _spend_allowance(source.size * max(source.dtype.itemsize, 8))  # before the copy
        array = np.array(source, copy=True)
        if not np.issubdtype(array.dtype, np.floating):
            array = array.astype(np.float64)
        super().__init__(array, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return (
            f"Parameter(shape={self.shape}, dtype={self.dtype}, "
            f"requires_grad={self.requires_grad})"
        )


def as_float_dtype(dtype: DTypeLike) -> np.dtype:
    """``dtype`` as float64 or float32, or a clear error."""
    dtype = np.dtype(dtype)
    if dtype not in FLOAT_TYPES:
        raise ValueError(f"dtype must be float64 or float32, got {dtype}")
    return dtype


class Module:
    """Base class of the layers and networks.

    Subclasses assign parameters and sub-modules as attributes in ``__init__`` and
    define ``forward(x)``. Calling the module calls ``forward``, turning array inputs
    into tensors of the parameters' dtype.

    Attributes
    ----------
    training : bool
        Training mode (the default) or evaluation mode; see :meth:`train`, :meth:`eval`.
    """

    training: bool = True
    #: names of the non-learnable arrays kept in ``state_dict`` (running statistics)
    buffers: tuple[str, ...] = ()

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, x: Tensor | ArrayLike) -> Tensor:
        if not isinstance(x, Tensor):
            x = Tensor(check_real_array(x, "input", dtype=self.dtype, finite=False))
        return self.forward(x)

    # ----- structure ------------------------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules with their attribute names (list items as ``name.i``)."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, list | tuple):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{i}", item

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it, depth first."""
        yield self
        for _, child in self.named_children():
            yield from child.modules()

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its dotted name (``"0.weight"``), in assignment order."""
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield prefix + name, value
        for name, child in self.named_children():
            yield from child.named_parameters(f"{prefix}{name}.")

    def parameters(self) -> list[Parameter]:
        """Every parameter once (a shared one too), frozen ones included (optimizers skip those)."""
        unique = {id(p): p for _, p in self.named_parameters()}
        return list(unique.values())

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        """The non-learnable state arrays (e.g. BatchNorm's running mean) with their names."""
        for name in self.buffers:
            yield prefix + name, getattr(self, name)
        for name, child in self.named_children():
            yield from child.named_buffers(f"{prefix}{name}.")

    @property
    def n_parameters(self) -> int:
        """The number of learnable values (frozen parameters not counted)."""
        return sum(p.size for p in self.parameters() if p.requires_grad)

    @property
    def dtype(self) -> np.dtype:
        """The parameters' dtype (float64 for a module without parameters)."""
        params = self.parameters()
        return params[0].dtype if params else np.dtype(np.float64)

    #: input and output widths, set by layers that fix them (Dense, Maxout, RNN, ...)
    n_in: int | None = None
    n_out: int | None = None

    @property
    def in_features(self) -> int | None:
        """The number of input features this module expects, when it fixes one."""
        return self.n_in

    @property
    def out_features(self) -> int | None:
        """The number of output features this module produces, when it fixes one."""
        return self.n_out

    # ----- modes and conversion -------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=False``: evaluation mode) here and below; returns self."""
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Set evaluation mode (BatchNorm uses running statistics, Dropout is off)."""
        return self.train(False)

    @contextlib.contextmanager
    def evaluation_mode(self) -> Iterator[Module]:
        """Evaluation mode inside the block; every module's own mode comes back however the
        block is left (an exception, Ctrl-C).

        Examples
        --------
        >>> import nnlearn as nl
        >>> net = nl.Sequential(nl.Dense(2, 2), nl.Dropout(0.5))
        >>> with net.evaluation_mode():
        ...     net.layers[1].training
        False
        >>> net.layers[1].training
        True
        """
        modes = [(module, module.training) for module in self.modules()]
        try:
            yield self.eval()
        finally:
            for module, mode in modes:
                module.training = mode

    def astype(self, dtype: DTypeLike) -> Module:
        """Convert every parameter and buffer to ``dtype`` (float64 or float32); returns self.

        Make the optimizer after converting: conversion replaces the parameter arrays.
        """
        dtype = as_float_dtype(dtype)
        for p in self.parameters():  # detached from any optimizer's flat buffers
            p.data, p.grad, p.grad_buffer = p.data.astype(dtype), None, None
        for module in self.modules():
            for name in module.buffers:
                setattr(module, name, getattr(module, name).astype(dtype))
        return self

    def initialize(self, random_state: int | np.random.Generator | None = None) -> Module:
        """Draw every layer's parameters afresh from one seeded generator; returns self.

        Examples
        --------
        >>> import nnlearn as nl
        >>> a = nl.Sequential(nl.Dense(2, 3), nl.Dense(3, 1)).initialize(random_state=0)
        >>> b = nl.Sequential(nl.Dense(2, 3), nl.Dense(3, 1)).initialize(random_state=0)
        >>> bool((a.layers[1].weight.data == b.layers[1].weight.data).all())
        True
        """
        rng = rng_from(random_state)
        for module in self.modules():
            reset = getattr(module, "reset_parameters", None)
            if reset is not None:
                reset(rng)
        return self

    # ----- state ----------------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer, by dotted name."""
        state = {name: p.data.copy() for name, p in self.named_parameters()}
        state.update((name, b.copy()) for name, b in self.named_buffers())
        return state

    def load_state_dict(self, state: Mapping[str, ArrayLike]) -> Module:
        """Copy ``state`` into the parameters and buffers (in place); returns self.

        Raises
        ------
        ValueError
            If a name is missing or unexpected, or a shape differs; nothing is changed then.
        """
        targets = dict(self.named_parameters())
        targets_data = {name: p.data for name, p in targets.items()}
        targets_data.update(self.named_buffers())
        missing = sorted(set(targets_data) - set(state))
        unexpected = sorted(set(state) - set(targets_data))
        if missing or unexpected:
            raise ValueError(
                f"load_state_dict: missing keys {missing}, unexpected keys {unexpected}"
            )
        values = {name: np.asarray(state[name]) for name in targets_data}
        for name, value in values.items():
            if value.shape != targets_data[name].shape:
                raise ValueError(
                    f"load_state_dict: {name!r} has shape {value.shape}, "
                    f"expected {targets_data[name].shape}"
                )
        for name, value in values.items():
            targets_data[name][...] = value
        return self

    # ----- architecture ---------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this module's architecture (not its values).

        Values are numbers, strings, None, lists, activations and modules; ``nnlearn.save``
        stores them as JSON and rebuilds the module with :meth:`from_config`. A layer that
        can be saved defines this and is registered by :func:`register_layer`.
        """
        raise NotImplementedError(
            f"{type(self).__name__} does not define config(), so its architecture cannot be "
            "saved: define config() to return the constructor arguments that rebuild it"
        )

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Module:
        """A new module (with fresh values) from the arguments :meth:`config` returned."""
        return cls(**config)

    # ----- display --------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The arguments shown in the repr (override in layers)."""
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = [head]
        for name, child in children:
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        return "\n".join(lines) + "\n)"

    def summary(self) -> str:
        """The architecture and its parameter count, as text."""
        return f"{self!r}\n{self.n_parameters:,} learnable parameters"


def check_features(layer: str, x: Tensor, expected: int) -> None:
    """A clear error when ``x`` does not have ``expected`` features in its last axis."""
    if x.ndim == 0 or x.shape[-1] != expected:
        raise ValueError(
            f"{layer}: input of shape {x.shape}; expected {expected} features in the last axis"
        )


def positive_int(name: str, value: int) -> int:
    """``value`` as an int ≥ 1 that can be an array's size, or a clear error naming ``name``."""
    return check_size(value, name)
