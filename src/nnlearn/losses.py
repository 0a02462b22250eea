"""The loss functions of the course, called in the course's order: ``L(h(u), y)``.

Each loss computes a per-sample loss and reduces it: ``reduction="mean"`` (the
default, the empirical risk over the batch, as PyTorch), ``"sum"``, or ``"none"``.

>>> import nnlearn as nl
>>> float(nl.losses.get("mse")([1.0, 2.0], [1.0, 4.0]))
2.0
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.autodiff import logits, ops
from nnlearn.autodiff.tensor import Tensor, no_grad, record, tensor
from nnlearn.equations import implements
from nnlearn.registry import Registry

Loss = Callable[..., Tensor]
LOSSES: Registry[Loss] = Registry("loss")
TEST = "tests/test_losses.py"


@implements("general_form_of_a_loss_function",
            test="tests/test_risk.py::test_every_loss_maps_pairs_to_non_negative_numbers")
def get(name: str | Loss, **options: Any) -> Loss:
    """The loss called ``name`` (or a callable, passed through), with ``options`` bound.

    Examples
    --------
    >>> import nnlearn as nl
    >>> float(nl.losses.get("mse", reduction="sum")([1.0, 2.0], [1.0, 4.0]))
    4.0
    """
    loss = name if callable(name) else LOSSES.get(name)
    if not options:
        return loss
    return lambda prediction, target: loss(prediction, target, **options)


def _reduce(per_sample: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return per_sample.mean()
    if reduction == "sum":
        return per_sample.sum()
    if reduction == "none":
        return per_sample
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _operands(name: str, prediction: Any, target: Any) -> tuple[Tensor, Tensor]:
    h = ops.lift(prediction)
    y = ops.lift(target, h)
    if h.shape != y.shape:
        raise ValueError(
            f"{name}: prediction of shape {h.shape} and target of shape {y.shape}; "
            "expected the same shape"
        )
    return h, y


def _squared_difference(h: Tensor, y: Tensor) -> Tensor:
    """(h − y)², as d · d: its gradient 2d·g is then computed as d·g + d·g, finite where g
    is small and d huge (the mean's 1/N times d = 1e308), as PyTorch's MSE keeps it."""
    difference = h - y
    return difference * difference


def _per_sample_sum(x: Tensor) -> Tensor:
    """Sum over every axis but the first (the samples); a 1-d input is one value per sample."""
    return x.sum(axis=tuple(range(1, x.ndim))) if x.ndim > 1 else x


def _check_probabilities(name: str, argument: str, values: np.ndarray) -> None:
    """A clear error unless every value is in [0, 1] (NaN included: min and max are NaN)."""
    if not values.size or (values.min() >= 0 and values.max() <= 1):
        return
    if np.isnan(values).any():
        raise ValueError(f"{name}: {argument} must hold probabilities in [0, 1], got NaN")
    raise ValueError(
        f"{name}: {argument} must hold probabilities in [0, 1], "
        f"got values in [{values.min():.4g}, {values.max():.4g}]"
    )


@LOSSES.register("zero_one", "counting")
@implements("counting_loss", test=f"{TEST}::test_zero_one_counts_mistakes")
def zero_one(prediction: ArrayLike, target: ArrayLike, reduction: str = "mean") -> Tensor:
    """The counting loss: L(h(u), y) = 0 if h(u) = y, else 1 (not differentiable).

    Labels may be of any type (numbers, strings, ...). Rows of a 2-d input count as one
    sample each: a sample is wrong if any value differs.
    """
    h, y = (np.asarray(a.data if isinstance(a, Tensor) else a) for a in (prediction, target))
    if h.shape != y.shape:
        raise ValueError(
            f"zero_one: prediction of shape {h.shape} and target of shape {y.shape}; "
            "expected the same shape"
        )
    wrong = h != y
    per_sample = wrong.reshape(len(wrong), -1).any(axis=1) if wrong.ndim > 1 else wrong
    return _reduce(tensor(per_sample, dtype=h.dtype if h.dtype.kind == "f" else None), reduction)


@LOSSES.register("quadratic", "l2")
@implements("quadratic_loss_l2", test=f"{TEST}::test_squared_losses_against_numpy")
def quadratic(prediction: Any, target: Any, reduction: str = "mean") -> Tensor:
    """The quadratic loss L(h(u), y) = ‖h(u) − y‖² per sample."""
    h, y = _operands("quadratic", prediction, target)
    return _reduce(_per_sample_sum(_squared_difference(h, y)), reduction)


@LOSSES.register("mse", "mean_squared_error")
@implements("mean_squared_error_loss_mse", test=f"{TEST}::test_squared_losses_against_numpy")
def mse(prediction: Any, target: Any, reduction: str = "mean") -> Tensor:
    """L_MSE = 1/N Σ_i (h(u_i) − y_i)², averaged over every value (as PyTorch's MSELoss)."""
    h, y = _operands("mse", prediction, target)
    return _reduce(_squared_difference(h, y), reduction)


@LOSSES.register("half_squared_error", "half_sse")
@implements("half_squared_error", test=f"{TEST}::test_squared_losses_against_numpy")
def half_squared_error(prediction: Any, target: Any, reduction: str = "mean") -> Tensor:
    """The backpropagation example's error E = ½ Σ_k (t_k − y_k)², per sample."""
    h, y = _operands("half_squared_error", prediction, target)
    return _reduce(0.5 * _per_sample_sum(_squared_difference(y, h)), reduction)


@LOSSES.register("bce", "binary_cross_entropy")
@implements("binary_cross_entropy", test=f"{TEST}::test_cross_entropies_against_torch")
def bce(prediction: Any, target: Any, reduction: str = "mean") -> Tensor:
    """L = −[t log y + (1 − t) log(1 − y)] for probabilities y, per value.

    As PyTorch's ``BCELoss``: each logarithm is clamped at −100, so y = 0 or 1 gives a
    finite loss, and the gradient ∂L/∂y = (y − t) / (y(1 − y)) has its denominator
    clamped at 1e-12, so it stays finite (and is not 0) there. Prefer
    :func:`bce_with_logits` when the logit is at hand.
    """
    y, t = _operands("bce", prediction, target)
    _check_probabilities("bce", "prediction", y.data)
    _check_probabilities("bce", "target", t.data)
    return _binary_cross_entropy(y, t, reduction)


#: The floor of BCE's denominator y(1 − y) in its gradient: PyTorch's, the float32 nearest 1e-12.
BCE_EPSILON = float(np.float32(1e-12))


def _binary_cross_entropy(y: Tensor, t: Tensor, reduction: str) -> Tensor:
    """L = (t − 1) max(log(1 − y), −100) − t max(log y, −100) per value, reduced: a primitive
    with PyTorch's gradients g(y − t)/max(y(1 − y), ε) and g(log(1 − y) − log y), divided by
    N last for the mean, as PyTorch (so that a subnormal y − t is not lost to g/N)."""
    with np.errstate(divide="ignore"):  # log 0 = −inf, clamped
        log_y = np.maximum(np.log(y.data), -100)
        log_not_y = np.maximum(np.log1p(-y.data), -100)
    value = _reduce(Tensor((t.data - 1) * log_not_y - t.data * log_y), reduction).data
    count = max(y.size, 1) if reduction == "mean" else 1
    return record(
        value,
        (y, lambda g, out: g * (y - t) / ops.maximum((1 - y) * y, BCE_EPSILON) / count),
        (t, lambda g, out: g * (ops.log(1 - y) - ops.log(y)) / count),
    )


@LOSSES.register("bce_with_logits")
@implements("binary_cross_entropy_with_logits", test=f"{TEST}::test_cross_entropies_against_torch")
def bce_with_logits(prediction: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy from the logit z: L = (1 − t) z + log(1 + e^(−z)), stable for any
    finite z (the same as log(1 + e^z) − t z); at z = ±inf as PyTorch's.

    One primitive, fused as the softmax cross-entropy is: ∂L/∂z = σ(z) − t and
    ∂L/∂t = −z (PyTorch's), times g, divided by N for the mean; the rules are written
    with nnlearn's ops, so that they differentiate again.
    """
    z, t = _operands("bce_with_logits", prediction, target)
    _check_probabilities("bce_with_logits", "target", t.data)
    per_value = (1 - t.data) * z.data + np.logaddexp(0, -z.data)
    value = _reduce(Tensor(per_value), reduction).data
    count = max(z.size, 1) if reduction == "mean" else 1
    return record(
        value,
        (z, lambda g, out: g * (ops.sigmoid(z) - t) / count),
        (t, lambda g, out: -(g * z) / count),
    )


@LOSSES.register("cross_entropy", "categorical_cross_entropy")
@implements("categorical_cross_entropy", test=f"{TEST}::test_cross_entropies_against_torch")
def cross_entropy(prediction: Any, target: ArrayLike, reduction: str = "mean") -> Tensor:
    """L = −Σ_i t_i log softmax(z)_i from logits z of shape (n_samples, n_classes).

    ``target`` holds class indices, shape (n_samples,), or probabilities (one-hot or
    soft), shape (n_samples, n_classes). Fused: the gradient is softmax(z) − t. Logits
    of shape (n_samples, n_steps, n_classes) (a recurrent layer's outputs) take targets
    per step, (n_samples, n_steps) or (n_samples, n_steps, n_classes).
    """
    t = np.asarray(target.data if isinstance(target, Tensor) else target)
    if t.ndim >= 2 and t.shape == np.shape(getattr(prediction, "data", prediction)):
        _check_probabilities("cross_entropy", "target", t)
    return logits.softmax_cross_entropy(prediction, target, reduction)


@implements("empirical_risk_of_a_model", test=f"{TEST}::test_empirical_risk_is_mean_loss")
def empirical_risk(
    model: Callable[[Any], Any], inputs: ArrayLike, targets: ArrayLike, loss: str | Loss = "mse"
) -> Tensor:
    """R^emp(h) = 1/N Σ_i L(h(u_i), y_i): the mean loss of ``model`` over a sample.

    L(h(u_i), y_i) is the loss of sample i alone (for an elementwise loss such as MSE,
    the mean over that sample's values).
    """
    per_value = get(loss)(model(inputs), targets, reduction="none")
    if per_value.ndim > 1:
        per_value = per_value.mean(axis=tuple(range(1, per_value.ndim)))
    return per_value.mean()


@implements("risk_of_a_model",
            test="tests/test_risk.py::test_risk_of_the_true_function_is_the_noise")
@implements("goal_of_supervised_learning",
            test="tests/test_risk.py::test_the_risk_minimizer_beats_every_other_model")
def risk(
    model: Callable[[Any], Any],
    sample: Callable[[int, np.random.Generator], tuple[ArrayLike, ArrayLike]],
    loss: str | Loss = "mse",
    n_samples: int = 100_000,
    random_state: int | np.random.Generator | None = None,
) -> float:
    """The risk R(f) = E[L(f(U), Y)], estimated on ``n_samples`` fresh draws.

    Parameters
    ----------
    model : callable
        f, mapping inputs of shape (n, ...) to predictions.
    sample : callable
        ``sample(n, rng) -> (U, Y)`` draws n pairs from the data distribution.
    loss : str or callable, default "mse"
    n_samples : int, default 100000
        The Monte-Carlo estimate's standard error shrinks as 1/√n_samples.
    random_state : int or numpy.random.Generator, optional

    Examples
    --------
    >>> import numpy as np
    >>> noisy_line = lambda n, rng: (u := rng.normal(size=(n, 1)), 2 * u + rng.normal(size=(n, 1)))
    >>> round(risk(lambda u: 2 * u, noisy_line, random_state=0), 1)   # the noise variance
    1.0
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, got {n_samples}")
    rng = random_state if isinstance(random_state, np.random.Generator) else (
        np.random.default_rng(random_state))
    inputs, targets = sample(n_samples, rng)
    with no_grad():
        return float(empirical_risk(model, inputs, targets, loss))


@implements("general_form_of_a_regularization_function",
            test=f"{TEST}::test_l2_regularization")
@implements("l2_regularization", test=f"{TEST}::test_l2_regularization")
def l2_regularization(parameters: Iterable[Any]) -> Tensor:
    """reg(θ) = Σ_{W ∈ θ} ‖W‖² = ‖θ‖²."""
    terms = [(ops.lift(w) ** 2).sum() for w in parameters]
    if not terms:
        raise ValueError("l2_regularization: expected at least one parameter array")
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total
