"""The Kullback-Leibler divergence between two distributions over the same states."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import rel_entr

from nnlearn.checks import check_real_array
from nnlearn.equations import implements


@implements(
    "kullback_leibler_divergence",
    test="tests/test_boltzmann.py::test_kl_divergence_against_scipy_and_closed_form",
    note="the equation list divides log P by log P̂; the KL divergence is "
    "Σ P log(P/P̂) = Σ P (log P − log P̂), implemented here",
)
def kl_divergence(p: ArrayLike, q: ArrayLike) -> float:
    """KL(P, P̂) = Σ_s P(s) log(P(s) / P̂(s)), with 0 log 0 = 0.

    (The course's equation list writes log P / log P̂, a ratio of logarithms; that is
    not the KL divergence, which has the logarithm of the ratio.)

    Parameters
    ----------
    p, q : array-like of shape (n_states,)
        Probability vectors; ``q`` must be positive wherever ``p`` is.

    Returns
    -------
    float
        In nats; ``inf`` if q is 0 somewhere p is not.

    Examples
    --------
    >>> round(kl_divergence([0.5, 0.5], [0.9, 0.1]), 4)
    0.5108
    """
    p = check_real_array(p, "p", dtype=np.float64)
    q = check_real_array(q, "q", dtype=np.float64)
    if p.shape != q.shape or p.ndim != 1:
        raise ValueError(f"p and q must be 1-D of the same shape, got {p.shape} and {q.shape}")
    for name, d in (("p", p), ("q", q)):
        if np.any(d < 0) or abs(d.sum() - 1.0) > 1e-8:
            raise ValueError(f"{name} must be a probability vector (non-negative, summing to 1)")
    return max(float(np.sum(rel_entr(p, q))), 0.0)  # KL ≥ 0; the sum may round below
