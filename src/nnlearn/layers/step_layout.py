"""A step's values as rows or as columns: the two layouts of the compiled recurrent loops.

Over a whole sequence the values are rows, one per step and sample (``(n_steps, n_samples,
features)``): the input projection and the weight gradients are then single matrix
products over all steps. Within a step the loops turn the block around, to the course's
columns (``(features, n_samples)``, one column per sample): then each gate's values are one
contiguous run, which the compiler evaluates in SIMD lanes. This loop turns a step's
block around; it fits in the processor's first-level cache.
"""

from __future__ import annotations

import numpy as np

from nnlearn.compiled import compiled


@compiled
def transpose_into(target: np.ndarray, source: np.ndarray) -> None:
    """target ← sourceᵀ, for a 2-d target of shape (a, b) and source of shape (b, a)."""
    for i in range(target.shape[0]):
        row = target[i]
        for j in range(target.shape[1]):
            row[j] = source[j, i]
