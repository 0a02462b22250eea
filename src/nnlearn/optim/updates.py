"""The update rules as pure functions over flat arrays, updated in place.

θ is the flat parameter vector, g = ∇R(θ) its gradient; each function changes θ (and
the optimizer's state arrays) in place and returns nothing. The optimizer classes of
:mod:`nnlearn.optim.optimizers` are thin stateful wrappers around these.

State that decays geometrically where the gradient stays at zero (Adam's m and v, the
momentum's velocity, RMSProp's average) is flushed to zero once below the smallest normal
number of its type (1.2·10⁻³⁸ in float32), as XLA does: arithmetic on subnormal numbers is
many times slower on x86 processors, and a parameter that a dead unit never moves would
otherwise slow every later step (a fully subnormal float32 Adam pass took 5.96 ms against
0.31 ms). Values that small change no normal result.
"""

from __future__ import annotations

import math

import numpy as np

from nnlearn.compiled import compiled
from nnlearn.equations import implements
from nnlearn.subnormals import flush_subnormals, flushed

TEST = "tests/test_optim.py"


def clip_by_value(g: np.ndarray, clip: float) -> None:
    """g ← min(max(g, −c), c), elementwise."""
    np.clip(g, -clip, clip, out=g)


def clip_by_norm(g: np.ndarray, max_norm: float) -> float:
    """g ← g · min(1, c / (‖g‖ + 10⁻⁶)) over all parameters together; returns ‖g‖.

    The 10⁻⁶ is PyTorch's ``clip_grad_norm_`` guard, kept for identical results.
    """
    norm = math.sqrt(float(np.dot(g, g)))
    coefficient = max_norm / (norm + 1e-6)
    if coefficient < 1:
        g *= coefficient
    return norm


@implements("l2_weight_decay", test=f"{TEST}::test_weight_decay_is_the_course_rule")
@implements("loss_minimization_with_regularization",
            test=f"{TEST}::test_weight_decay_converges_to_ridge_regression")
def weight_decay(g: np.ndarray, theta: np.ndarray, lam: float) -> None:
    """g ← ∂C_data/∂θ + 2λθ: the gradient of C_data + λ‖θ‖² (the course's L2 penalty).

    PyTorch's ``weight_decay`` argument is the 2λ of this rule.
    """
    g += (2 * lam) * theta


@implements("update_rule_of_the_gradient_descent", test=f"{TEST}::test_sgd_is_the_course_update")
def sgd(theta: np.ndarray, g: np.ndarray, lr: float, velocity: np.ndarray | None = None,
        momentum: float = 0.0, nesterov: bool = False, accumulate: str = "gradient") -> None:
    """Gradient descent θ ← θ − η ∇R(θ), with optional (Nesterov) momentum μ.

    With momentum, the velocity v (zero at first) accumulates either gradients
    (``accumulate="gradient"``, PyTorch's form)::

        v ← μ v + g,        θ ← θ − η v          (Nesterov: θ ← θ − η (g + μ v))

    or steps (``accumulate="step"``, the course's and scikit-learn's form)::

        v ← μ v − η g,      θ ← θ + v            (Nesterov: θ ← θ + μ v − η g)

    The two give the same sequence of θ while η is constant (v_step = −η v_gradient);
    when η changes (a schedule), the step form applies the new η to new gradients only.
    The velocity is flushed to zero below the normal range (:func:`flush_subnormals`).
    """
    if velocity is None or momentum == 0:
        theta -= lr * g
        return
    velocity *= momentum
    flush_subnormals(velocity)
    if accumulate == "step":
        velocity -= lr * g
        if nesterov:
            theta += momentum * velocity - lr * g
        else:
            theta += velocity
        return
    velocity += g
    if nesterov:
        theta -= lr * (g + momentum * velocity)
    else:
        theta -= lr * velocity


@implements("adam_update", test=f"{TEST}::test_adam_tracks_torch_with_decay_and_clipping")
def adam(theta: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, step: int, lr: float,
         beta1: float, beta2: float, eps: float, bias_correction: bool = True,
         previous: np.ndarray | None = None, eps_on: str = "v_hat") -> None:
    """One Adam step (``step`` counts from 1)::

        m_t = β₁ m_{t−1} + (1 − β₁) g_t
        v_t = β₂ v_{t−1} + (1 − β₂) g_t²
        m̂_t = m_t / (1 − β₁ᵗ),  v̂_t = v_t / (1 − β₂ᵗ)      (bias correction, on by default)
        θ_t = θ_{t−1} − η m̂_t / (√v̂_t + ε)                  (eps_on="v_hat")

    ``eps_on="v"`` adds ε to √v_t instead: θ_t = θ_{t−1} − η_t m_t / (√v_t + ε) with
    η_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ), the paper's "more efficient" ordering (Kingma and Ba,
    §2) and scikit-learn's; the two differ only where √v̂_t is near ε.

    The last line is evaluated as θ − (η√c₂/c₁) m_t / (√v_t + ε√c₂), with c_i = 1 − β_iᵗ
    (ε alone for ``eps_on="v"``): the same value, with the corrections folded into two
    scalars, so that one compiled pass over the arrays (:func:`adam_pass`) does the whole
    step. ``previous``, if given, receives θ_{t−1} in the same pass.
    """
    c1 = 1 - beta1**step if bias_correction else 1.0
    root_c2 = math.sqrt(1 - beta2**step) if bias_correction else 1.0
    shifted_eps = eps * root_c2 if eps_on == "v_hat" else eps
    scalar = theta.dtype.type  # float32 parameters stay float32 through the pass
    adam_pass(theta, g, m, v, previous, *map(scalar, (beta1, 1 - beta1, beta2, 1 - beta2,
                                                     lr * root_c2 / c1, shifted_eps,
                                                     np.finfo(theta.dtype).tiny)))


@compiled
def adam_pass(theta: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray,
              previous: np.ndarray | None, beta1: float, one_minus_beta1: float, beta2: float,
              one_minus_beta2: float, step_size: float, eps: float, tiny: float) -> None:
    """m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;  θ ← θ − step_size · m / (√v + ε),
    with θ first copied to ``previous`` unless it is None (a branch compiled away then),
    and m and v flushed to 0 below ``tiny``, the smallest normal number of their type."""
    for i in range(theta.shape[0]):
        if previous is not None:
            previous[i] = theta[i]
        m[i] = flushed(beta1 * m[i] + one_minus_beta1 * g[i], tiny)
        v[i] = flushed(beta2 * v[i] + one_minus_beta2 * g[i] * g[i], tiny)
        theta[i] -= step_size * m[i] / (np.sqrt(v[i]) + eps)


def rmsprop(theta: np.ndarray, g: np.ndarray, square_avg: np.ndarray, lr: float, alpha: float,
            eps: float) -> None:
    """RMSProp: s ← α s + (1 − α) g²;  θ ← θ − η g / (√s + ε) (s flushed to zero below the
    normal range)."""
    square_avg *= alpha
    flush_subnormals(square_avg)
    square_avg += (1 - alpha) * g * g
    theta -= lr * g / (np.sqrt(square_avg) + eps)


def adagrad(theta: np.ndarray, g: np.ndarray, sum_squares: np.ndarray, lr: float,
            eps: float) -> None:
    """Adagrad: s ← s + g²;  θ ← θ − η g / (√s + ε)."""
    sum_squares += g * g
    theta -= lr * g / (np.sqrt(sum_squares) + eps)
