"""Metrics computed per epoch: accuracy and the coefficient of determination R²."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnlearn.registry import Registry

Metric = Callable[[np.ndarray, np.ndarray], float]
METRICS: Registry[Metric] = Registry("metric")


def predicted_classes(output: np.ndarray) -> np.ndarray:
    """Classes from network outputs: argmax over several outputs (the last axis), or
    output ≥ 0.5 for one; per sample, or per step of a sequence."""
    output = np.asarray(output)
    if output.ndim >= 2 and output.shape[-1] > 1:
        return output.argmax(axis=-1)
    return (output.reshape(output.shape[:-1] if output.ndim >= 2 else -1) >= 0.5).astype(np.intp)


@METRICS.register("accuracy", "acc")
def accuracy(output: np.ndarray, target: np.ndarray) -> float:
    """The fraction of samples (or steps) whose predicted class equals the target class.

    Targets are class indices, or probabilities (one-hot) of the output's shape.

    >>> accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 1]))
    0.5
    """
    output, target = np.asarray(output), np.asarray(target)
    probabilities = target.ndim == output.ndim >= 2 and target.shape[-1] > 1
    truth = target.argmax(axis=-1) if probabilities else target
    return float(np.mean(predicted_classes(output).reshape(-1) == truth.reshape(-1)))


@METRICS.register("r2", "r_squared")
def r2(output: np.ndarray, target: np.ndarray) -> float:
    """R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², averaged over outputs (as scikit-learn's r2_score).

    >>> r2(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0]))
    0.7857142857142857
    """
    y = np.asarray(target, dtype=np.float64).reshape(len(target), -1)
    y_hat = np.asarray(output, dtype=np.float64).reshape(y.shape)
    residual = ((y - y_hat) ** 2).sum(axis=0)
    total = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    scores = np.where(total > 0, 1 - residual / np.where(total > 0, total, 1), 0.0)
    return float(scores.mean())


def confusion_matrix(target: np.ndarray, predicted: np.ndarray, n_classes: int | None = None
                     ) -> np.ndarray:
    """C[i, j] = the number of samples of class i predicted as class j.

    >>> confusion_matrix(np.array([0, 1, 1]), np.array([0, 1, 0]))
    array([[1, 0],
           [1, 1]])
    """
    target, predicted = np.asarray(target, dtype=np.intp), np.asarray(predicted, dtype=np.intp)
    k = n_classes if n_classes is not None else int(max(target.max(), predicted.max())) + 1
    matrix = np.zeros((k, k), dtype=np.intp)
    np.add.at(matrix, (target, predicted), 1)
    return matrix
