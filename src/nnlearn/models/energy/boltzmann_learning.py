"""Learning in a Boltzmann machine: the clamped and the free phase.

The rule of the course,

    w_ij(n + 1) = w_ij(n) + μ (p_ij − q_ij),      b_i(n + 1) = b_i(n) + μ (p_i − q_i),

compares co-activations p_ij = ⟨s_i s_j⟩ with the visible units clamped to the data
(hidden units at equilibrium given them) and q_ij = ⟨s_i s_j⟩ with the machine running
freely. It descends the KL divergence between the data's distribution over the visible
units and the machine's, whose gradient is ∂KL/∂w_ij = −(p_ij − q_ij)/T. The averages are
computed exactly by enumeration (``method="exact"``, n ≤ 20) or estimated by Gibbs
sampling (``method="sampling"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import log_softmax

from nnlearn.equations import implements
from nnlearn.models.energy.acceptance import check_temperature
from nnlearn.models.energy.binary import binary_states, check_binary, state_index
from nnlearn.models.energy.divergence import kl_divergence

if TYPE_CHECKING:
    from nnlearn.models.energy.boltzmann import BoltzmannMachine

TEST = "tests/test_boltzmann.py::"
RECORD_KL_UP_TO = 16


def data_distribution(
    bm: BoltzmannMachine, data: ArrayLike, sample_weight: ArrayLike | None = None
) -> np.ndarray:
    """P_data(v) over the 2^{n_visible} visible states (state k: unit i = bit i of k)."""
    v = np.atleast_2d(check_binary(data, bm.n_visible, "data"))
    weights = np.ones(len(v)) if sample_weight is None else np.asarray(sample_weight, float)
    if weights.shape != (len(v),) or np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError(f"sample_weight must be {len(v)} non-negative numbers, not all 0")
    counts = np.bincount(state_index(v), weights=weights, minlength=2**bm.n_visible)
    return counts / counts.sum()


def _moments(states: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """⟨s_i s_j⟩ and ⟨s_i⟩ under the probabilities of the given states."""
    pair = states.T @ (probs[:, None] * states)
    return 0.5 * (pair + pair.T), probs @ states


def exact_statistics(
    bm: BoltzmannMachine, p_data: np.ndarray, T: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(p_ij, p_i, q_ij, q_i) by enumeration: clamped P_data(v) p(h | v), and free p(s)."""
    states = bm.states()
    log_joint = (-bm._energy(states) / T).reshape(2**bm.n_hidden, 2**bm.n_visible)
    free = np.exp(log_softmax(log_joint, axis=None)).ravel()
    clamped = (np.exp(log_softmax(log_joint, axis=0)) * p_data).ravel()
    return (*_moments(states, clamped), *_moments(states, free))


def sampled_statistics(
    bm: BoltzmannMachine,
    visible: np.ndarray,
    free_chains: np.ndarray,
    T: float,
    n_sweeps: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(p_ij, p_i, q_ij, q_i) from Gibbs sampling; ``free_chains`` advance in place."""
    clamped = np.empty((len(visible), bm.n_units))
    clamped[:, : bm.n_visible] = visible
    clamped[:, bm.n_visible :] = rng.random((len(visible), bm.n_hidden)) < 0.5
    hidden = np.arange(bm.n_visible, bm.n_units)
    for _ in range(n_sweeps if bm.n_hidden else 0):
        bm.sweep(clamped, T, rng, units=hidden)
    for _ in range(n_sweeps):
        bm.sweep(free_chains, T, rng)
    uniform_c = np.full(len(clamped), 1.0 / len(clamped))
    uniform_f = np.full(len(free_chains), 1.0 / len(free_chains))
    return (*_moments(clamped, uniform_c), *_moments(free_chains, uniform_f))


@implements(
    "gradients_of_kl_divergence_with_respect_to_weights",
    test=TEST + "test_kl_gradient_matches_finite_differences",
)
def kl_gradient(
    bm: BoltzmannMachine, data: ArrayLike, sample_weight: ArrayLike | None = None, T: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """∂KL(P_data, P_W)/∂w_ij = −(p_ij − q_ij)/T and ∂KL/∂b_i = −(p_i − q_i)/T, exactly.

    Returns
    -------
    grad_weights : ndarray of shape (n, n)
        Symmetric, zero diagonal; entry (i, j) is the derivative with respect to the
        shared weight w_ij = w_ji.
    grad_biases : ndarray of shape (n,)
    """
    T = check_temperature(T)
    p_data = data_distribution(bm, data, sample_weight)
    p_pair, p_single, q_pair, q_single = exact_statistics(bm, p_data, T)
    grad_w = -(p_pair - q_pair) / T
    np.fill_diagonal(grad_w, 0.0)
    return grad_w, -(p_single - q_single) / T


def data_kl(
    bm: BoltzmannMachine, data: ArrayLike, sample_weight: ArrayLike | None = None, T: float = 1.0
) -> float:
    """KL(P_data, P̂) with P̂ the machine's exact marginal over the visible units."""
    return kl_divergence(data_distribution(bm, data, sample_weight), bm.visible_distribution(T))


@implements(
    "boltzmann_bias_update", test=TEST + "test_learning_drives_kl_down_without_hidden_units"
)
@implements(
    "weight_update_rule_for_boltzmann_machines",
    test=TEST + "test_learning_drives_kl_down_without_hidden_units",
)
def update(
    bm: BoltzmannMachine,
    statistics: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    learning_rate: float,
) -> None:
    """w_ij ← w_ij + μ (p_ij − q_ij) and b_i ← b_i + μ (p_i − q_i), in place (w_ii stays 0)."""
    p_pair, p_single, q_pair, q_single = statistics
    step = learning_rate * (p_pair - q_pair)
    np.fill_diagonal(step, 0.0)
    bm.weights += step
    bm.biases += learning_rate * (p_single - q_single)


def fit(
    bm: BoltzmannMachine,
    data: ArrayLike,
    sample_weight: ArrayLike | None = None,
    learning_rate: float = 0.5,
    n_epochs: int = 200,
    T: float = 1.0,
    method: str = "exact",
    n_chains: int = 500,
    n_sweeps: int = 5,
    random_state: int | np.random.Generator | None = None,
) -> BoltzmannMachine:
    """Fit the machine's visible distribution to ``data`` with the course's learning rule.

    Parameters
    ----------
    bm : BoltzmannMachine
    data : array-like of shape (m, n_visible)
        Binary visible vectors.
    sample_weight : array-like of shape (m,), optional
        Weights of the rows (e.g. a target distribution over listed states).
    learning_rate : float, default 0.5
        μ.
    n_epochs : int, default 200
        Updates, each with the statistics of the whole data distribution.
    T : float, default 1.0
    method : {"exact", "sampling"}, default "exact"
        Statistics by enumeration, or by Gibbs sampling: a batch of ``n_chains`` data
        rows (drawn by weight) with hidden units sampled for ``n_sweeps`` sweeps, and
        ``n_chains`` persistent free chains advanced ``n_sweeps`` sweeps per epoch.
    n_chains, n_sweeps : int, default 500, 5
        Sampling only.
    random_state : int, Generator or None, default None

    Returns
    -------
    BoltzmannMachine
        ``bm``, with ``kl_history_`` (exact KL after each epoch, when n ≤ 16).
    """
    T = check_temperature(T)
    p_data = data_distribution(bm, data, sample_weight)
    if method not in ("exact", "sampling"):
        raise ValueError(f"method must be 'exact' or 'sampling', got {method!r}")
    rng = np.random.default_rng(random_state)
    record = bm.n_units <= RECORD_KL_UP_TO
    visible_states = binary_states(bm.n_visible)
    free_chains = (rng.random((n_chains, bm.n_units)) < 0.5).astype(np.float64)
    history = []
    for _ in range(n_epochs):
        if method == "exact":
            stats = exact_statistics(bm, p_data, T)
        else:
            batch = visible_states[rng.choice(len(p_data), size=n_chains, p=p_data)]
            stats = sampled_statistics(bm, batch, free_chains, T, n_sweeps, rng)
        update(bm, stats, learning_rate)
        if record:
            history.append(kl_divergence(p_data, bm.visible_distribution(T)))
    bm.kl_history_ = np.array(history)
    return bm
