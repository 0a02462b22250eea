"""Learning in a Boltzmann machine: the clamped and the free phase.

The rule of the course,

    w_ij(n + 1) = w_ij(n) + μ (p_ij − q_ij),      b_i(n + 1) = b_i(n) + μ (p_i − q_i),

compares co-activations p_ij = ⟨s_i s_j⟩ with the visible units clamped to the data
(hidden units at equilibrium given them) and q_ij = ⟨s_i s_j⟩ with the machine running
freely. It descends the KL divergence between the data's distribution over the visible
units and the machine's, whose gradient is ∂KL/∂w_ij = −(p_ij − q_ij)/T. The averages are
computed exactly by enumeration (``method="exact"``, n ≤ 20) or estimated by sampling
(``method="sampling"``, :mod:`~nnlearn.models.energy.boltzmann_sampling`). Ackley, Hinton
and Sejnowski (1985) take a step of fixed size instead, by the sign of the difference,

    w_ij ← w_ij + μ sign(p_ij − q_ij)      (μ = 2 in the paper; ``step="sign"``),

and the weights of absent connections stay 0 under either rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import log_softmax

from nnlearn.checks import check_integer, check_real, check_real_array, check_size, describe
from nnlearn.equations import implements
from nnlearn.init import rng_from
from nnlearn.models.energy.acceptance import check_temperature
from nnlearn.models.energy.annealing import PAPER_1985_SCHEDULE, temperatures
from nnlearn.models.energy.binary import binary_states, check_binary, state_index
from nnlearn.models.energy.boltzmann_sampling import (
    Resampler,
    SamplingPlan,
    Statistics,
    moments,
    sampled_statistics,
)
from nnlearn.models.energy.divergence import kl_divergence
from nnlearn.models.energy.sweeps import check_order

if TYPE_CHECKING:
    from nnlearn.models.energy.boltzmann import BoltzmannMachine

TEST = "tests/test_boltzmann.py::"
PAPER_TEST = "tests/test_boltzmann_encoder.py::"
RECORD_KL_UP_TO = 16
METHODS = ("exact", "sampling")
STEPS = ("gradient", "sign")

#: The learning procedure of Ackley, Hinton and Sejnowski (1985) for their encoders, as
#: options of :func:`fit` (with ``n_chains`` = 2 annealings per pattern and phase).
PAPER_1985 = {
    "method": "sampling", "clamped_schedule": PAPER_1985_SCHEDULE,
    "free_schedule": PAPER_1985_SCHEDULE, "T": 10.0, "n_sweeps": 10, "n_samples": 10,
    "clamp_noise": (0.15, 0.05), "step": "sign", "learning_rate": 2.0, "order": "random",
}


def data_rows(bm: BoltzmannMachine, data: ArrayLike,
              sample_weight: ArrayLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The data's visible vectors, shape (m, n_visible), and their normalized weights."""
    v = np.atleast_2d(check_binary(data, bm.n_visible, "data")).astype(np.float64)
    if sample_weight is None:
        return v, np.full(len(v), 1.0 / len(v))
    weights = check_real_array(sample_weight, "sample_weight", dtype=np.float64)
    if weights.shape != (len(v),) or np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError(f"sample_weight must be {len(v)} non-negative numbers, not all 0, "
                         f"got {describe(weights)}")
    return v, weights / weights.sum()


def data_distribution(bm: BoltzmannMachine, data: ArrayLike,
                      sample_weight: ArrayLike | None = None,
                      clamp_noise: tuple[float, float] | None = None) -> np.ndarray:
    """P_data(v) over the 2^{n_visible} visible states (state k: unit i = bit i of k).

    With ``clamp_noise`` = (p(on → off), p(off → on)), the distribution of the data seen
    through noisy clamping: Σ_d P_data(d) Π_i P(v_i | d_i).
    """
    rows, weights = data_rows(bm, data, sample_weight)
    if clamp_noise is None:
        counts = np.bincount(state_index(rows), weights=weights, minlength=2**bm.n_visible)
        return counts / counts.sum()
    on_off, off_on = clamp_noise
    states = binary_states(bm.n_visible)[None]  # (1, 2^n_visible, n_visible)
    d = rows[:, None, :]
    keep = np.where(d == 1, 1 - on_off, 1 - off_on)
    channel = np.where(states == d, keep, 1 - keep).prod(axis=2)  # P(v | d), (m, 2^n_visible)
    return weights @ channel


def exact_statistics(bm: BoltzmannMachine, p_data: np.ndarray, T: float = 1.0) -> Statistics:
    """(p_ij, p_i, q_ij, q_i) by enumeration: clamped P_data(v) p(h | v), and free p(s)."""
    states = bm.states()
    log_joint = bm._log_weights(states, T).reshape(2**bm.n_hidden, 2**bm.n_visible)
    free = np.exp(log_softmax(log_joint, axis=None)).ravel()
    clamped = (np.exp(log_softmax(log_joint, axis=0)) * p_data).ravel()
    return (*moments(states, clamped), *moments(states, free))


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
        Symmetric, zero diagonal and zero between units that are not connected; entry
        (i, j) is the derivative with respect to the shared weight w_ij = w_ji.
    grad_biases : ndarray of shape (n,)
    """
    T = check_temperature(T)
    p_data = data_distribution(bm, data, sample_weight)
    p_pair, p_single, q_pair, q_single = exact_statistics(bm, p_data, T)
    return -(p_pair - q_pair) * bm.connectivity / T, -(p_single - q_single) / T


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
@implements("boltzmann_sign_step_update", test=PAPER_TEST + "test_sign_step_update")
def update(bm: BoltzmannMachine, statistics: Statistics, learning_rate: float,
           step: str = "gradient") -> None:
    """w_ij ← w_ij + μ (p_ij − q_ij) and b_i ← b_i + μ (p_i − q_i) (``step="gradient"``),
    or by μ sign(·) (``step="sign"``); only connected pairs change (w_ii stays 0).

    The new weights replace the old ones only if every one is finite (else ValueError).
    """
    p_pair, p_single, q_pair, q_single = statistics
    direction = np.sign if step == "sign" else np.asarray
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        weights = bm.weights + learning_rate * direction(p_pair - q_pair) * bm.connectivity
        biases = bm.biases + learning_rate * direction(p_single - q_single)
    if not (np.isfinite(weights).all() and np.isfinite(biases).all()):
        raise ValueError(f"learning diverged: a step of learning_rate={learning_rate:g} made "
                         "the weights non-finite (the last finite ones are kept); use a "
                         "smaller learning_rate")
    bm.weights, bm.biases = weights, biases


def _check_noise(clamp_noise: tuple[float, float] | None) -> tuple[float, float] | None:
    if clamp_noise is None:
        return None
    if not isinstance(clamp_noise, tuple | list) or len(clamp_noise) != 2:
        raise TypeError("clamp_noise must be None or a pair (p(on → off), p(off → on)), got "
                        f"{describe(clamp_noise)}")
    on_off, off_on = (check_real(p, "clamp_noise", minimum=0, maximum=1) for p in clamp_noise)
    return on_off, off_on


def _choice(value: str, name: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be {' or '.join(map(repr, allowed))}, got {value!r}")
    return value


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
    n_samples: int = 1,
    clamped_schedule: ArrayLike | None = None,
    free_schedule: ArrayLike | None = None,
    clamp_noise: tuple[float, float] | None = None,
    step: str = "gradient",
    order: str = "random",
    random_state: int | np.random.Generator | None = None,
    stop_when: Callable[[BoltzmannMachine], bool] | None = None,
    record_kl: bool | None = None,
) -> BoltzmannMachine:
    """Fit the machine's visible distribution to ``data`` with Boltzmann learning.

    ``fit(data, **PAPER_1985, n_chains=2 * len(data))`` is the procedure of Ackley, Hinton
    and Sejnowski (1985) (:data:`PAPER_1985`).

    Parameters
    ----------
    bm : BoltzmannMachine
    data : array-like of shape (m, n_visible)
        Binary visible vectors.
    sample_weight : array-like of shape (m,), optional
        Weights of the rows (e.g. a target distribution over listed states).
    learning_rate : float, default 0.5
        μ, > 0 and finite.
    n_epochs : int, default 200
        Updates ("learning cycles"), each with the statistics of both phases.
    T : float, default 1.0
        The temperature of the statistics.
    method : {"exact", "sampling"}, default "exact"
        Statistics by enumeration, or by sampling: ``n_chains`` data rows (in proportion to
        their weights) clamped with the hidden units sampled, and ``n_chains`` persistent
        free chains, each phase annealed through its schedule and then swept ``n_sweeps``
        times at T.
    n_chains, n_sweeps : int, default 500, 5
        Sampling only.
    n_samples : int, default 1
        Sampling only: the states after the last ``n_samples`` of the ``n_sweeps`` sweeps
        give the statistics.
    clamped_schedule, free_schedule : array-like, optional
        Sampling only: temperatures to sweep through before collecting, per phase.
    clamp_noise : (float, float), optional
        p(on → off) and p(off → on) of noisy clamping (the paper's (0.15, 0.05)); exact
        statistics then use the data's distribution seen through that noise.
    step : {"gradient", "sign"}, default "gradient"
        μ (p_ij − q_ij), or the paper's fixed step μ sign(p_ij − q_ij).
    order : {"random", "index"}, default "random"
        The order of the units in a sweep.
    random_state : int, Generator or None, default None
    stop_when : callable, optional
        Called with the machine after every update; learning stops when it returns True.
    record_kl : bool, optional
        Record the exact KL after each epoch (``kl_history_``); by default when n ≤ 16.

    Returns
    -------
    BoltzmannMachine
        ``bm``, with ``kl_history_`` (empty when not recorded) and ``n_epochs_``, the
        number of updates made. An epoch that raises (an interrupt, a divergence) is undone:
        the machine keeps the weights of the epochs before it.
    """
    learning_rate = check_real(learning_rate, "learning_rate", minimum=0, open_minimum=True)
    n_epochs = check_integer(n_epochs, "n_epochs", minimum=1)
    T = check_temperature(T)
    method, step = _choice(method, "method", METHODS), _choice(step, "step", STEPS)
    clamp_noise = _check_noise(clamp_noise)
    rows, weights = data_rows(bm, data, sample_weight)
    if stop_when is not None and not callable(stop_when):
        raise TypeError(f"stop_when must be a function of the machine, got {describe(stop_when)}")
    record = bm.n_units <= RECORD_KL_UP_TO if record_kl is None else bool(record_kl)
    p_data = data_distribution(bm, rows, weights) if record or method == "exact" else None
    rng = rng_from(random_state)
    if method == "exact":
        if clamped_schedule is not None or free_schedule is not None:
            raise ValueError("annealing schedules apply to method='sampling' only")
        p_clamped = data_distribution(bm, rows, weights, clamp_noise)
    else:
        n_chains = check_size(n_chains, "n_chains")
        n_sweeps = check_integer(n_sweeps, "n_sweeps", minimum=1)
        plan = SamplingPlan.annealed(
            _schedule(clamped_schedule), _schedule(free_schedule), T, n_sweeps,
            check_integer(n_samples, "n_samples", minimum=1, maximum=n_sweeps), clamp_noise,
            check_order(order))
        free_chains = (rng.random((n_chains, bm.n_units)) < 0.5).astype(np.float64)
        resample = Resampler(rows, weights, n_chains)
    history: list[float] = []
    done = 0
    try:
        for _ in range(n_epochs):
            last = bm.weights, bm.biases  # update() replaces them: an epoch that fails is undone
            try:
                if method == "exact":
                    stats = exact_statistics(bm, p_clamped, T)
                else:
                    batch = resample(rng)
                    stats = sampled_statistics(bm, batch, free_chains, plan, rng)
                update(bm, stats, learning_rate, step)
                if record:
                    history.append(kl_divergence(p_data, bm.visible_distribution(T)))
            except BaseException:
                bm.weights, bm.biases = last
                raise
            done += 1
            if stop_when is not None and stop_when(bm):
                break
    finally:
        bm.kl_history_ = np.array(history[:done], dtype=np.float64)
        bm.n_epochs_ = done
    return bm


def _schedule(schedule: ArrayLike | None) -> np.ndarray:
    return np.empty(0) if schedule is None else temperatures(schedule)
