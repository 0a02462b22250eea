"""What a loss compares the model's outputs with, and the check of ``y`` that follows it.

Every loss takes one of three kinds of target:

* ``"classes"``: class indices 0..k−1, one per sample (the output's shape without its
  class axis), or class probabilities of the output's shape (one-hot rows, soft labels);
  ``cross_entropy`` takes these;
* ``"probabilities"``: values in [0, 1] of the output's shape (``bce``,
  ``bce_with_logits``);
* ``"values"``: any real values of the output's shape (the squared errors), the kind of a
  callable loss unless it says otherwise.

A callable loss says what it takes with :func:`loss_targets`, so that ``nl.fit`` checks
``y`` as the loss reads it: integer labels reach a ``"classes"`` loss as ``np.intp``
indices.

>>> import nnlearn as nl
>>> @loss_targets("classes")
... def smoothed_cross_entropy(logits, labels, reduction="mean"):
...     return nl.losses.cross_entropy(logits, labels, reduction=reduction)
>>> target_kind(smoothed_cross_entropy), target_kind("bce"), target_kind("mse")
('classes', 'probabilities', 'values')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike

from nnlearn import losses
from nnlearn.checks import check_real_array
from nnlearn.train.data import check_finite

KINDS = ("classes", "probabilities", "values")
#: the built-in losses whose targets are not plain values
LOSS_TARGETS = {"cross_entropy": "classes", "bce": "probabilities",
                "bce_with_logits": "probabilities"}
#: losses applied to logits: the model's outputs become probabilities through σ
LOGIT_LOSSES = ("bce_with_logits",)

L = TypeVar("L", bound=Callable[..., Any])


def loss_targets(kind: str) -> Callable[[L], L]:
    """Decorator: the loss takes targets of ``kind`` ("classes", "probabilities" or
    "values"); ``nl.fit`` checks and shapes ``y`` for it (see the module's docstring)."""
    _check_kind(kind)

    def declare(loss: L) -> L:
        loss.target_kind = kind  # type: ignore[attr-defined]
        return loss

    return declare


def target_kind(loss: str | Callable[..., Any]) -> str:
    """The kind of target ``loss`` takes: a built-in's by its name, a callable's as
    declared by :func:`loss_targets` ("values" if it declares nothing)."""
    if isinstance(loss, str):
        return LOSS_TARGETS.get(losses.LOSSES.canonical(loss), "values")
    return _check_kind(getattr(loss, "target_kind", "values"))


def _check_kind(kind: Any) -> str:
    if kind not in KINDS:
        raise ValueError(f"a loss's targets must be one of {KINDS}, got {kind!r}")
    return kind


def check_targets(y: ArrayLike, n_samples: int, output: tuple[int, ...], dtype: np.dtype,
                  loss: str | Callable[..., Any], name: str = "y") -> np.ndarray:
    """``y`` shaped for ``loss`` (by the kind of target it takes), given the model's
    ``output`` shape per sample.

    Class indices have the output's shape without the class axis (one label per sample,
    or per step of a sequence); every other target has the output's shape, a single
    output also taking a vector.
    """
    kind = target_kind(loss)
    label = (losses.LOSSES.canonical(loss) if isinstance(loss, str)
             else getattr(loss, "__name__", "the loss"))
    array = check_real_array(y, name, finite=False)
    if array.ndim == 0:
        raise ValueError(f"{name} is a single number; expected one target per sample "
                         f"({n_samples} in X)")
    if len(array) != n_samples:
        raise ValueError(
            f"X and {name} have different lengths: {n_samples} samples in X, {len(array)} in {name}"
        )
    check_finite(name, array)
    if kind == "classes" and array.shape[1:] == output[:-1]:
        return _class_indices(array, output[-1], name, label)
    array = array.astype(dtype)
    if array.ndim == 1 and output == (1,):
        array = array.reshape(-1, 1)
    if array.shape[1:] != output:
        indices = (f" (or {(n_samples, *output[:-1])} class indices)" if kind == "classes"
                   else "")
        hint = ("; if the loss takes class labels, declare it with "
                "@nnlearn.train.loss_targets('classes')"
                if kind == "values" and array.shape[1:] == output[:-1] else "")
        raise ValueError(
            f"{name} has shape {array.shape}, but the model's output for {n_samples} samples "
            f"has shape {(n_samples, *output)}{indices}{hint}"
        )
    if kind == "probabilities" and array.size and (array.min() < 0 or array.max() > 1):
        raise ValueError(f"{name} must hold values in [0, 1] for {label}")
    if kind == "classes":
        _check_probability_rows(name, array, label)
    return np.ascontiguousarray(array)


def _class_indices(array: np.ndarray, n_classes: int, name: str, label: str) -> np.ndarray:
    if not np.all(np.mod(array, 1) == 0):
        raise ValueError(f"{name} must hold class indices 0..n_classes−1 for {label}")
    if array.size and (array.min() < 0 or array.max() >= n_classes):  # before the cast
        raise ValueError(
            f"{name} holds class indices {array.min():g}..{array.max():g}, but the model "
            f"has {n_classes} outputs (classes 0..{n_classes - 1})"
        )
    return array.astype(np.intp)


def _check_probability_rows(name: str, targets: np.ndarray, label: str) -> None:
    """Targets of the output's shape for a "classes" loss are distributions over the
    classes (one-hot rows, or soft labels): each row in [0, 1], summing to 1."""
    rows = targets.reshape(-1, targets.shape[-1])
    bad = (rows < 0).any(axis=1) | (rows > 1).any(axis=1) | ~np.isclose(rows.sum(axis=1), 1)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} has the model's output shape {targets.shape[1:]}, so {label} reads "
            f"each row as class probabilities, but row {first} is {rows[first].tolist()[:6]} "
            f"(entries in [0, 1] summing to 1 expected). Give class indices of shape "
            f"{targets.shape[:-1]} instead, or use loss='bce_with_logits' for independent "
            "0/1 labels"
        )
