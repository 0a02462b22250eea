"""Shape primitives: the same values rearranged, selected or joined.

Each rule moves g back the way the values came: reshape and transpose undo themselves,
indexing scatters g into zeros (adding at repeated indices), joining slices g into the
pieces.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nnlearn.autodiff.backprop import SliceGradient
from nnlearn.autodiff.ops.core import lift
from nnlearn.autodiff.tensor import Tensor, is_grad_enabled, record


def reshape(x: Any, shape: int | Sequence[int]) -> Tensor:
    """The same values in a new shape."""
    x = lift(x, op="reshape")
    try:
        data = x.data.reshape(shape)
    except ValueError:
        raise ValueError(
            f"reshape: cannot reshape {x.shape} ({x.size} values) to {shape}"
        ) from None
    return record(data, (x, lambda g, out: g.reshape(x.shape)))


def transpose(x: Any, axes: Sequence[int] | None = None) -> Tensor:
    """Permute axes (reverse them by default, as ``.T``)."""
    x = lift(x, op="transpose")
    if axes is None:  # reversing is its own inverse
        return record(x.data.transpose(), (x, lambda g, out: transpose(g)))
    order = tuple(axes)
    inverse = tuple(int(i) for i in np.argsort(order))
    return record(x.data.transpose(order), (x, lambda g, out: transpose(g, inverse)))


def _plain_index(index: Any) -> Any:
    if isinstance(index, Tensor):
        return index.data.astype(np.intp) if index.dtype != bool else index.data
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    return index


def _is_basic(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, int | slice) for p in parts)


def getitem(x: Any, index: Any) -> Tensor:
    """x[index]: basic slicing and integer-array (or boolean) indexing, as NumPy."""
    x = lift(x, op="getitem")
    index = _plain_index(index)
    basic = _is_basic(index)

    def vjp(g: Tensor, out: Tensor) -> Tensor | SliceGradient:
        if is_grad_enabled():  # recorded, to be differentiated again
            return scatter_add(g, index, x.shape)
        return SliceGradient(index, g.data, basic)

    return record(x.data[index], (x, vjp))


def scatter_add(g: Any, index: Any, shape: tuple[int, ...]) -> Tensor:
    """A zero array of ``shape`` with ``g`` added at ``index`` (repeated indices add up)."""
    g = lift(g, op="scatter_add")
    data = np.zeros(shape, dtype=g.dtype)
    SliceGradient(index, g.data, _is_basic(index)).add_to(data)
    return record(data, (g, lambda h, out: getitem(h, index)))


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis."""
    parts = [lift(t, op="concatenate") for t in tensors]
    if not parts:
        raise ValueError("concatenate: expected at least one tensor")
    ndim = parts[0].ndim
    axis %= max(ndim, 1)
    bounds = np.cumsum([0] + [p.shape[axis] for p in parts])
    head = (slice(None),) * axis

    def piece(i: int) -> Any:
        return lambda g, out: g[(*head, slice(int(bounds[i]), int(bounds[i + 1])))]

    return record(
        np.concatenate([p.data for p in parts], axis=axis),
        *((p, piece(i)) for i, p in enumerate(parts)),
    )


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors of equal shape along a new axis."""
    parts = [lift(t, op="stack") for t in tensors]
    if not parts:
        raise ValueError("stack: expected at least one tensor")
    axis %= parts[0].ndim + 1
    head = (slice(None),) * axis

    def piece(i: int) -> Any:
        return lambda g, out: g[(*head, i)]

    return record(
        np.stack([p.data for p in parts], axis=axis),
        *((p, piece(i)) for i, p in enumerate(parts)),
    )
