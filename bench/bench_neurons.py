"""Time per epoch of the perceptron and Adaline against scikit-learn, side by side.

Both sides run the same rule on the same 100,000 x 50 linearly separable data, in the
same order, for the same number of epochs: nnlearn's ``Perceptron`` against
scikit-learn's ``Perceptron`` (no penalty, eta0 = 1, no shuffling), and nnlearn's online
``Adaline`` against ``SGDRegressor`` (squared loss, no penalty, constant rate, targets
±1, no shuffling), which applies the same LMS update. Each timing is the best of
``--repeats`` fits; the ratio is nnlearn / scikit-learn (below 1 means nnlearn is faster).

    python bench/bench_neurons.py [--samples 100000] [--features 50] [--epochs 1 5 20]
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

from sklearn.linear_model import Perceptron as SklearnPerceptron
from sklearn.linear_model import SGDRegressor

import nnlearn as nl


def best_time(fit: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fit()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--epochs", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    X, y = nl.datasets.separable(args.samples, args.features, margin=0.05, random_state=0)
    signs = 2.0 * y - 1
    rate = 1e-4  # LMS: stable for rate * (‖x‖² + 1) < 2, here ‖x‖² ≈ 50
    warnings.simplefilter("ignore")  # a fixed number of epochs is meant: no convergence
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
            t_ours = best_time(ours, args.repeats) / epochs
            t_theirs = best_time(theirs, args.repeats) / epochs
            print(f"{name:<12}{epochs:>7}{t_ours:>17.4f}{t_theirs:>17.4f}{t_ours / t_theirs:>8.2f}")
    model = nl.models.Perceptron(max_epochs=1000).fit(X, y)
    print(f"perceptron mistakes per epoch until convergence: {model.errors_}")


if __name__ == "__main__":
    main()
