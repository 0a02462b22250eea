"""Fit time per epoch and test score of nnlearn's MLP estimators against scikit-learn's.

Both libraries fit the same standardized split with the same settings (hidden layers, Adam,
batch size, learning rate, α, a fixed number of epochs: ``tol=0`` and a long patience, so
neither stops early); their repeats are interleaved so that both see the same machine load.
Each timing is the best of ``--repeats`` fits divided by the epochs run; the ratio is
nnlearn / scikit-learn (below 1 means nnlearn is faster). Also: ``nl.save`` / ``nl.load``
of the fitted classifier, against ``pickle`` of scikit-learn's, and the time of a
prediction for one row (``predict``, ``predict_proba``) beside the bare network call and
scikit-learn's: the median of interleaved rounds (goal: at most 100 µs).

    python bench/bench_estimators.py [--epochs 30] [--repeats 3] [--hidden 128 64]
"""

from __future__ import annotations

import argparse
import pickle
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn import neural_network
from sklearn.datasets import fetch_california_housing, load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import nnlearn as nl
from nnlearn import estimators


def split(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def data_sets() -> dict[str, tuple[str, tuple[np.ndarray, ...]]]:
    """Digits (classification) and, when it is cached locally, California housing."""
    sets = {"digits": ("MLPClassifier", split(*load_digits(return_X_y=True)))}
    try:
        X, y = fetch_california_housing(return_X_y=True, download_if_missing=False)
        sets["california"] = ("MLPRegressor", split(X, y))
    except OSError:
        X = np.random.default_rng(0).normal(size=(20_000, 8))
        y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + 0.1 * X[:, 3]
        sets["synthetic 20000x8"] = ("MLPRegressor", split(X, y))
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--hidden", type=int, nargs="+", default=[128, 64])
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # a fixed number of epochs is meant
    settings = {"hidden_layer_sizes": tuple(args.hidden), "max_iter": args.epochs, "tol": 0.0,
                "n_iter_no_change": args.epochs + 1, "batch_size": 200, "random_state": 0}
    print(f"hidden {tuple(args.hidden)}, Adam, batch 200, {args.epochs} epochs, "
          f"best of {args.repeats}")
    print(f"{'data':<20}{'nnlearn s/epoch':>16}{'sklearn s/epoch':>16}{'ratio':>7}"
          f"{'nnlearn score':>15}{'sklearn score':>15}")
    for name, (kind, (X_train, X_test, y_train, y_test)) in data_sets().items():
        libraries = {"nnlearn": getattr(estimators, kind),
                     "sklearn": getattr(neural_network, kind)}
        times: dict[str, list[float]] = {lib: [] for lib in libraries}
        models = {}
        for _ in range(args.repeats):
            for lib, cls in libraries.items():
                start = time.perf_counter()
                models[lib] = cls(**settings).fit(X_train, y_train)
                times[lib].append((time.perf_counter() - start) / models[lib].n_iter_)
        ours, theirs = min(times["nnlearn"]), min(times["sklearn"])
        scores = {lib: model.score(X_test, y_test) for lib, model in models.items()}
        print(f"{name:<20}{ours:>16.4f}{theirs:>16.4f}{ours / theirs:>7.2f}"
              f"{scores['nnlearn']:>15.4f}{scores['sklearn']:>15.4f}")
        if kind == "MLPClassifier":
            report_save_load(models, X_test)
            report_one_row(models, X_test[:1].copy())


def report_save_load(models: dict, X_test: np.ndarray) -> None:
    """Time nl.save + nl.load against pickle dumps + loads, on a temporary file each (after
    one untimed save and load, which imports the modules of the file format)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.nnl"
        nl.save(models["nnlearn"], path)
        nl.load(path)
        start = time.perf_counter()
        nl.save(models["nnlearn"], path)
        loaded = nl.load(path)
        ours = time.perf_counter() - start
        assert (loaded.predict(X_test) == models["nnlearn"].predict(X_test)).all()
        start = time.perf_counter()
        pickled = Path(folder) / "model.pkl"
        pickled.write_bytes(pickle.dumps(models["sklearn"]))
        pickle.loads(pickled.read_bytes())
        theirs = time.perf_counter() - start
        print(f"{'  save + load':<20}{ours:>16.4f}{theirs:>16.4f}{ours / theirs:>7.2f}"
              f"   ({path.stat().st_size:,} bytes .nnl, {pickled.stat().st_size:,} bytes pickle)")


def report_one_row(models: dict, row: np.ndarray, rounds: int = 15, calls: int = 300) -> None:
    """Microseconds per call on one row: the median over interleaved rounds."""
    ours, theirs = models["nnlearn"], models["sklearn"]

    def bare() -> np.ndarray:
        with nl.no_grad():
            return ours.model_(nl.Tensor(row)).data

    runs = {"nnlearn network call": bare, "nnlearn predict": lambda: ours.predict(row),
            "nnlearn predict_proba": lambda: ours.predict_proba(row),
            "sklearn predict": lambda: theirs.predict(row),
            "sklearn predict_proba": lambda: theirs.predict_proba(row)}
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            for _ in range(calls):
                run()
            times[name].append((time.perf_counter() - start) / calls * 1e6)
    median = {name: float(np.median(values)) for name, values in times.items()}
    network = median["nnlearn network call"]
    print("  one row (median µs per call):")
    for name, value in median.items():
        print(f"    {name:<24}{value:8.1f} µs   {value / network:5.2f}× the network call"
              + ("   (goal <= 100 µs)" if name.startswith("nnlearn p") else ""))


if __name__ == "__main__":
    main()
