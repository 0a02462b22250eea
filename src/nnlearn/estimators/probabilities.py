"""Class probabilities from the classifier's logits z, and their logarithms.

For one output (two classes), P = [σ(−z), σ(z)]; for k > 2 classes, P = softmax(z); for
several labels per sample, P_k = σ(z_k) per label. The logarithms are taken from z, not
from P: log σ(z) = −log(1 + e^(−z)) and log softmax(z) = z − log Σ e^z stay finite where P
rounds to 0.

The logits are a finished array (no gradient is asked for), so these are computed on it
directly, without recording: softmax by the engine's compiled row loop
(:func:`nnlearn.autodiff.logits.softmax_rows`, which the fused cross-entropy uses too), σ
by SciPy's ``expit``. That is a third of the cost of the engine's recorded operations on
one row, where ``predict_proba`` of one sample is all fixed costs.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_expit

from nnlearn.autodiff.logits import softmax_rows


def probabilities(z: np.ndarray, out_activation: str) -> np.ndarray:
    """P(class | x) of shape (n_samples, n_classes) from logits of shape
    (n_samples, n_outputs)."""
    if out_activation == "softmax":
        return _softmax(z)[0]
    if z.shape[1] == 1:
        return expit(np.hstack([-z, z]))
    return expit(z)


def log_probabilities(z: np.ndarray, out_activation: str) -> np.ndarray:
    """log P(class | x), as :func:`probabilities` but in logarithms."""
    if out_activation == "softmax":
        _, peak, log_total = _softmax(z)
        return (z - peak[:, None]) - log_total[:, None]  # (z − m) − log Σ e^(z − m)
    if z.shape[1] == 1:
        z = np.hstack([-z, z])
    return log_expit(z)


def _softmax(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """softmax(z) by rows, with each row's max m and log Σ e^(z − m)."""
    z = np.ascontiguousarray(z)
    probabilities = np.empty_like(z)
    peak, log_total = np.empty(len(z), z.dtype), np.empty(len(z), z.dtype)
    softmax_rows(z, probabilities, peak, log_total)
    return probabilities, peak, log_total
