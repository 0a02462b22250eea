"""Class probabilities from the classifier's logits z, and their logarithms.

For one output (two classes), P = [σ(−z), σ(z)]; for k > 2 classes, P = softmax(z); for
several labels per sample, P_k = σ(z_k) per label. The logarithms are taken from z, not
from P: log σ(z) = −log(1 + e^(−z)) and log softmax(z) = z − log Σ e^z stay finite where P
rounds to 0.
"""

from __future__ import annotations

import numpy as np

from nnlearn import activations


def probabilities(z: np.ndarray, out_activation: str) -> np.ndarray:
    """P(class | x) of shape (n_samples, n_classes) from logits of shape
    (n_samples, n_outputs)."""
    if out_activation == "softmax":
        return activations.softmax(z)
    if z.shape[1] == 1:
        return activations.sigmoid(np.hstack([-z, z]))
    return activations.sigmoid(z)


def log_probabilities(z: np.ndarray, out_activation: str) -> np.ndarray:
    """log P(class | x), as :func:`probabilities` but in logarithms."""
    if out_activation == "softmax":
        return activations.log_softmax(z)
    if z.shape[1] == 1:
        z = np.hstack([-z, z])
    return -activations.softplus(-z)
