"""Inference in the course's stochastic system seen as a hidden Markov model.

The states X_0, ..., X_N are hidden; only the outputs y_0, ..., y_N are seen, and the
inputs a_0, ..., a_{N-1} are given:

.. math::

    p(X_{n+1} = x_j \\mid X_n = x_i, U_n = a) = T_a(i, j), \\qquad
    p(Y_n = y_k \\mid X_n = x_i) = O(i, k), \\qquad p(X_0 = x_i) = p_0(i).

The forward algorithm carries α_n(i) = p(y_0..y_n, X_n = x_i) forward, the backward one
β_n(i) = p(y_{n+1}..y_N | X_n = x_i) backward (Rabiner, "A tutorial on hidden Markov models",
Proc. IEEE 1989). Both are *scaled*: α is renormalised at every step, and the scale factors
c_n = p(y_n | y_0..y_{n-1}) are kept, so that

.. math:: \\log p(y_0, \\dots, y_N) = \\sum_n \\log c_n

neither underflows nor overflows, however long the sequence. Viterbi works with logarithms.

Every function takes validated arrays: ``p0`` of shape (K,), ``transitions`` (n_inputs, K, K),
``inputs`` (N,) of input indices, and ``likelihoods`` (N + 1, K) with
``likelihoods[n, i] = O(i, y_n)``.
"""

from __future__ import annotations

import numpy as np

from nnlearn.equations import implements

TEST = "tests/test_hmm.py::test_inference_equals_brute_force_enumeration_of_state_paths"


class ImpossibleObservations(ValueError):
    """The observations have probability zero under the model (from the ``step`` on)."""

    def __init__(self, step: int) -> None:
        super().__init__(f"the observations have probability 0 under the model: y_0..y_{step} "
                         f"cannot be produced from p0 with these inputs")
        self.step = step


@implements("hmm_forward_algorithm", test=TEST)
def forward(p0: np.ndarray, transitions: np.ndarray, inputs: np.ndarray,
            likelihoods: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The scaled forward pass.

    Returns
    -------
    filtered : ndarray of shape (N + 1, K)
        p(X_n = x_i | y_0..y_n), the normalised α_n.
    scales : ndarray of shape (N + 1,)
        c_n = p(y_n | y_0..y_{n-1}); their product is the likelihood.

    Raises
    ------
    ImpossibleObservations
        If some c_n is 0.
    """
    filtered = np.empty_like(likelihoods)
    scales = np.empty(len(likelihoods))
    alpha = p0 * likelihoods[0]
    for n in range(len(likelihoods)):
        if n:
            alpha = (filtered[n - 1] @ transitions[inputs[n - 1]]) * likelihoods[n]
        scales[n] = alpha.sum()
        if scales[n] == 0:
            raise ImpossibleObservations(n)
        filtered[n] = alpha / scales[n]
    return filtered, scales


@implements("hmm_forward_backward", test=TEST)
def smooth(filtered: np.ndarray, scales: np.ndarray, transitions: np.ndarray,
           inputs: np.ndarray, likelihoods: np.ndarray) -> np.ndarray:
    """p(X_n = x_i | y_0..y_N), of shape (N + 1, K), from the forward pass and the scaled
    backward pass β̂_N = 1, β̂_n = T_{a_n} (O(·, y_{n+1}) ⊙ β̂_{n+1}) / c_{n+1}."""
    beta = np.ones(likelihoods.shape[1])
    smoothed = np.empty_like(filtered)
    smoothed[-1] = filtered[-1]
    for n in range(len(likelihoods) - 2, -1, -1):
        beta = transitions[inputs[n]] @ (likelihoods[n + 1] * beta) / scales[n + 1]
        posterior = filtered[n] * beta
        smoothed[n] = posterior / posterior.sum()
    return smoothed


@implements("hmm_viterbi", test=TEST)
def viterbi(p0: np.ndarray, transitions: np.ndarray, inputs: np.ndarray,
            likelihoods: np.ndarray) -> tuple[np.ndarray, float]:
    """The most probable state path x*_0..x*_N given the observations, and log p(x*, y).

    δ_n(j) is the log-probability of the best path ending in x_j at step n; ties go to the
    smaller state index.

    Raises
    ------
    ImpossibleObservations
        If every state path has probability 0.
    """
    with np.errstate(divide="ignore"):
        log_T, log_L, delta = np.log(transitions), np.log(likelihoods), np.log(p0)
    delta = delta + log_L[0]
    best_previous = np.empty(likelihoods.shape, dtype=np.intp)
    for n in range(1, len(likelihoods)):
        scores = delta[:, None] + log_T[inputs[n - 1]]
        best_previous[n] = scores.argmax(axis=0)
        delta = scores[best_previous[n], np.arange(len(delta))] + log_L[n]
    if not np.isfinite(delta.max()):
        raise ImpossibleObservations(len(likelihoods) - 1)
    path = np.empty(len(likelihoods), dtype=np.intp)
    path[-1] = delta.argmax()
    for n in range(len(likelihoods) - 1, 0, -1):
        path[n - 1] = best_previous[n, path[n]]
    return path, float(delta.max())
