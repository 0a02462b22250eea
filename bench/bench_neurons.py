"""Time per epoch of the perceptron and Adaline against scikit-learn, side by side.

Both sides run the same rule on the same 100,000 x 50 linearly separable data, in the
same order, for the same number of epochs: nnlearn's ``Perceptron`` against
scikit-learn's ``Perceptron`` (no penalty, eta0 = 1, no shuffling), and nnlearn's online
``Adaline`` against ``SGDRegressor`` (squared loss, no penalty, constant rate, targets
±1, no shuffling), which applies the same LMS update. Each timing is the best of
``--repeats`` fits, divided by the epochs the fit ran (nnlearn's perceptron stops after
an epoch without a mistake, scikit-learn's with ``tol=None`` runs them all); the ratio is
nnlearn / scikit-learn (below 1 means nnlearn is faster).

Both of nnlearn's online rules are compiled loops (:mod:`nnlearn.compiled`); their first
call in a fresh environment compiles them, so one untimed fit runs first.

    python bench/bench_neurons.py [--samples 100000] [--features 50] [--epochs 1 5 20 100]
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from typing import Any

from sklearn.linear_model import Perceptron as SklearnPerceptron
from sklearn.linear_model import SGDRegressor

import nnlearn as nl


def time_per_epoch(fit: Callable[[], Any], repeats: int) -> float:
    """The best of ``repeats`` runs of ``fit``, divided by the epochs the model ran."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model = fit()
        times.append(time.perf_counter() - start)
    epochs = getattr(model, "n_epochs_", None) or model.n_iter_
    return min(times) / epochs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--epochs", type=int, nargs="+", default=[1, 5, 20, 100])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    X, y = nl.datasets.separable(args.samples, args.features, margin=0.05, random_state=0)
    signs = 2.0 * y - 1
    rate = 1e-4  # LMS: stable for rate * (‖x‖² + 1) < 2, here ‖x‖² ≈ 50
    warnings.simplefilter("ignore")  # a fixed number of epochs is meant: no convergence
    nl.models.Perceptron(max_epochs=1).fit(X[:10], y[:10])  # compile (or load) the loops
    nl.models.Adaline(rate, max_epochs=1).fit(X[:10], y[:10])
    print(f"{args.samples} x {args.features} separable data, best of {args.repeats}")
    print(f"{'model':<12}{'epochs':>7}{'nnlearn s/epoch':>17}{'sklearn s/epoch':>17}{'ratio':>8}")
    for epochs in args.epochs:
        pairs = {
            "perceptron": (
                lambda e=epochs: nl.models.Perceptron(max_epochs=e, detect_cycles=False).fit(X, y),
                lambda e=epochs: SklearnPerceptron(max_iter=e, tol=None, shuffle=False).fit(X, y),
            ),
            "adaline": (
                lambda e=epochs: nl.models.Adaline(rate, max_epochs=e, tol=None).fit(X, y),
                lambda e=epochs: SGDRegressor(
                    penalty=None,
                    learning_rate="constant",
                    eta0=rate,
                    max_iter=e,
                    tol=None,
                    shuffle=False,
                ).fit(X, signs),
            ),
        }
        for name, (ours, theirs) in pairs.items():
            t_ours = time_per_epoch(ours, args.repeats)
            t_theirs = time_per_epoch(theirs, args.repeats)
            print(f"{name:<12}{epochs:>7}{t_ours:>17.4f}{t_theirs:>17.4f}{t_ours / t_theirs:>8.2f}")
    model = nl.models.Perceptron(max_epochs=1000).fit(X, y)
    print(f"perceptron mistakes per epoch until convergence: {model.errors_}")


if __name__ == "__main__":
    main()
