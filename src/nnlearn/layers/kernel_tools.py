"""What the recurrent cells' compiled loops share: a step's layout and BPTT's step back.

Over a whole sequence the values are rows, one per step and sample (``(n_steps,
n_samples, features)``): the weight gradients are then single matrix products over all
steps. Within a step the loops turn the block around, to the course's columns
(``(features, n_samples)``, one column per sample): then each gate's values are one
contiguous run, which the compiler evaluates in SIMD lanes (:func:`transpose_into`; a
step's block fits in the processor's first-level cache).

Backward, the error reaching the previous state is one product per step, cut where
truncated BPTT detached the state (:func:`carry_back`)."""

from __future__ import annotations

import numpy as np

from nnlearn.compiled import compiled
from nnlearn.subnormals import flushed


@compiled
def transpose_into(target: np.ndarray, source: np.ndarray) -> None:
    """target ← sourceᵀ, for a 2-d target of shape (a, b) and source of shape (b, a).

    One side is read or written along its rows, the other a row stride at a time: the
    side with the shorter row stride takes the strides. Strides of a multiple of 4 KiB
    put every access of a walk into one cache set: a (1024, 32) target took 107 µs
    written by its rows against 30 µs by the source's rows, in float32."""
    if target.strides[0] <= source.strides[0]:
        for j in range(source.shape[0]):
            line = source[j]
            for i in range(target.shape[0]):
                target[i, j] = line[i]
    else:
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
