"""Time per epoch of the perceptron and Adaline against scikit-learn, side by side.

Both sides run the same rule on the same linearly separable data (100,000 x 50 by
default), in the same order, for the same number of epochs: nnlearn's ``Perceptron``
against scikit-learn's ``Perceptron`` (no penalty, eta0 = 1, no shuffling), and nnlearn's
online ``Adaline`` with the course's fixed rate against ``SGDRegressor`` (squared loss, no
penalty, constant rate, targets ±1, no shuffling), which applies the same LMS update.
Further rows: three classes one-versus-rest (against scikit-learn's multi-class
``Perceptron``), a sparse CSR ``X`` with 2 % of its values nonzero (scikit-learn's sparse
path: the same work), and Adaline's default normalized rate (one more pass over each
sample, for ‖x‖², against the same ``SGDRegressor``).

The two sides are timed in turn, ``--repeats`` times (interleaved, so that a busy
machine slows both alike), in CPU time of this process (``time.process_time``: on a
shared machine wall time also counts the other tenants' work; both sides run on one
thread); each time is divided by the epochs the fit ran (nnlearn's
perceptron stops after an epoch without a mistake, scikit-learn's with ``tol=None`` runs
them all), and the ratio is the median of the repeats' nnlearn / scikit-learn (below 1
means nnlearn is faster).

Both of nnlearn's online rules are compiled loops (:mod:`nnlearn.compiled`); their first
call in a fresh environment compiles them, so one untimed fit of each kind runs first.

    python bench/bench_neurons.py [--samples 100000] [--features 50] [--epochs 1 5 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse
from sklearn.linear_model import Perceptron as SklearnPerceptron
from sklearn.linear_model import SGDRegressor

import nnlearn as nl

RATE = 1e-4  # LMS at a fixed rate: stable for rate * (‖x‖² + 1) < 2, here ‖x‖² ≈ 50


def seconds_per_epoch(fit: Callable[[], Any]) -> float:
    """The CPU time of one run of ``fit``, divided by the epochs the model ran."""
    start = time.process_time()
    model = fit()
    elapsed = time.process_time() - start
    return elapsed / (getattr(model, "n_epochs_", None) or model.n_iter_)


def compare(ours: Callable[[], Any], theirs: Callable[[], Any], repeats: int
            ) -> tuple[float, float, float]:
    """Median seconds per epoch of each side, and the median of the repeats' ratios."""
    pairs = [(seconds_per_epoch(ours), seconds_per_epoch(theirs)) for _ in range(repeats)]
    return (statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs),
            statistics.median(p[0] / p[1] for p in pairs))


def cases(X: np.ndarray, y: np.ndarray, epochs: int) -> dict[str, tuple[Callable, Callable]]:
    """nnlearn's fit and scikit-learn's, for each row of the table."""
    signs = 2.0 * y - 1
    three = np.digitize(X[:, 0], np.quantile(X[:, 0], [1 / 3, 2 / 3]))  # 3 classes
    sparse = scipy.sparse.csr_matrix(X * (np.random.default_rng(0).random(X.shape) < 0.02))

    def perceptron(**options: Any) -> nl.models.Perceptron:
        return nl.models.Perceptron(max_epochs=epochs, detect_cycles=False, **options)

    def sk_perceptron() -> SklearnPerceptron:
        return SklearnPerceptron(max_iter=epochs, tol=None, shuffle=False)

    def sgd() -> SGDRegressor:
        return SGDRegressor(penalty=None, learning_rate="constant", eta0=RATE, max_iter=epochs,
                            tol=None, shuffle=False)

    return {
        "perceptron": (lambda: perceptron().fit(X, y), lambda: sk_perceptron().fit(X, y)),
        "adaline": (
            lambda: nl.models.Adaline(RATE, epochs, tol=None, normalized=False).fit(X, y),
            lambda: sgd().fit(X, signs)),
        "perceptron, 3 classes": (lambda: perceptron().fit(X, three),
                                  lambda: sk_perceptron().fit(X, three)),
        "perceptron, sparse": (lambda: perceptron().fit(sparse, y),
                               lambda: sk_perceptron().fit(sparse, y)),
        "adaline, sparse": (
            lambda: nl.models.Adaline(RATE, epochs, tol=None, normalized=False).fit(sparse, y),
            lambda: sgd().fit(sparse, signs)),
        "adaline, normalized": (
            lambda: nl.models.Adaline(0.1, epochs, tol=None).fit(X, y),
            lambda: sgd().fit(X, signs)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--epochs", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    X, y = nl.datasets.separable(args.samples, args.features, margin=0.05, random_state=0)
    warnings.simplefilter("ignore")  # a fixed number of epochs is meant: no convergence
    for ours, _ in cases(X[:30], y[:30], 1).values():  # compile (or load) the loops
        ours()
    print(f"{args.samples} x {args.features} separable data, medians of {args.repeats}")
    print(f"{'model':<24}{'epochs':>7}{'nnlearn s/epoch':>17}{'sklearn s/epoch':>17}"
          f"{'ratio':>8}")
    for epochs in args.epochs:
        for name, (ours, theirs) in cases(X, y, epochs).items():
            t_ours, t_theirs, ratio = compare(ours, theirs, args.repeats)
            print(f"{name:<24}{epochs:>7}{t_ours:>17.4f}{t_theirs:>17.4f}{ratio:>8.2f}")
    model = nl.models.Perceptron(max_epochs=1000).fit(X, y)
    print(f"perceptron mistakes per epoch until convergence: {model.errors_}")


if __name__ == "__main__":
    main()
