"""What the recurrent cells' compiled loops share: a step's layout, memory, BPTT's step back.

Over a whole sequence the values are rows, one per step and sample (``(n_steps,
n_samples, features)``): the weight gradients are then single matrix products over all
steps. Within a step the loops turn the block around, to the course's columns
(``(features, n_samples)``, one column per sample): then each gate's values are one
contiguous run, which the compiler evaluates in SIMD lanes (:func:`transpose_into`; a
step's block fits in the processor's first-level cache).

The arrays a pass fills are carved out of one block of memory (:func:`carve`), and the
blocks of the last calls are kept for the next ones: the C library returns freed
mid-sized arrays to the operating system and takes page faults to get them back at the
next call, which was 40% of an LSTM training step at hidden size 64 (PyTorch's step
takes none).

Backward, the error reaching the previous state is one product per step, cut where
truncated BPTT detached the state (:func:`carry_back`)."""

from __future__ import annotations

import itertools
import math
import sys
import threading

import numpy as np

from nnlearn.compiled import compiled
from nnlearn.layers.gate_math import flushed

#: At most this many bytes of blocks are kept for reuse, per thread (a larger block is
#: not kept: there the page faults weigh little beside the arithmetic).
KEPT_BYTES = 512 * 2**20


class _Blocks(threading.local):
    """This thread's kept blocks, in use (by arrays carved out of them) or free again,
    the most recent last."""

    def __init__(self) -> None:
        self.kept: list[np.ndarray] = []


_blocks = _Blocks()


def carve(dtype: np.dtype, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    """New contiguous arrays of the given shapes (uninitialized), views of one block.

    A kept block that no array uses any more (the list of kept blocks holds its only
    reference) and is large enough is reused; otherwise a new block is made and kept,
    the oldest ones dropped to stay within :data:`KEPT_BYTES`.
    """
    dtype = np.dtype(dtype)
    sizes = [math.prod(shape) for shape in shapes]
    n_bytes = sum(sizes) * dtype.itemsize
    kept = _blocks.kept
    # references to a free block: the list, the loop variable and getrefcount's argument
    free = [block for block in kept if block.size >= n_bytes and sys.getrefcount(block) == 3]
    if free:
        block = min(free, key=len)
    else:
        block = np.empty(n_bytes, np.uint8)
        if n_bytes <= KEPT_BYTES:
            kept.append(block)
            while sum(b.size for b in kept) > KEPT_BYTES:
                del kept[0]
    flat = block[:n_bytes].view(dtype)
    starts = itertools.accumulate(sizes[:-1], initial=0)
    return [flat[start : start + size].reshape(shape)
            for start, size, shape in zip(starts, sizes, shapes, strict=True)]


@compiled
def transpose_into(target: np.ndarray, source: np.ndarray) -> None:
    """target ← sourceᵀ, for a 2-d target of shape (a, b) and source of shape (b, a)."""
    for i in range(target.shape[0]):
        row = target[i]
        for j in range(target.shape[1]):
            row[j] = source[j, i]


@compiled
def carry_back(weight_hidden: np.ndarray, delta: np.ndarray, carry: np.ndarray, tiny: float,
               truncate: int, n: int) -> bool:
    """The error reaching the state h(n) from step n: carry ← Wᵀ δa(n+1) (flushed below
    ``tiny``), or 0 where truncated BPTT detached h(n) (n > 0 a multiple of ``truncate``
    = k > 0). Returns whether it was detached there.

    Parameters
    ----------
    weight_hidden : array of shape (hidden_size, width)
        Wᵀ.
    delta : array of shape (width, n_samples)
        The columns δa(n+1).
    carry : array of shape (hidden_size, n_samples)
        Filled with the error, as columns.
    """
    if truncate > 0 and n > 0 and n % truncate == 0:
        carry[...] = 0
        return True
    np.dot(weight_hidden, delta, carry)
    for k in range(carry.shape[0]):
        row = carry[k]
        for s in range(carry.shape[1]):
            row[s] = flushed(row[s], tiny)
    return False
