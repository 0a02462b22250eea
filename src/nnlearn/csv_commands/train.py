"""``nnlearn train``: an MLP and its preprocessing fitted to a CSV file, and saved."""

from __future__ import annotations

import argparse
import itertools
import os
import warnings
from typing import Any

import numpy as np

from nnlearn.csv_commands import check_out, checked_predictions, csv_format

#: Fewer training rows than this, and the held-out tenth of early stopping is too small to
#: judge the epochs by (its loss moves with a handful of samples): every epoch runs.
MIN_ROWS_TO_STOP_EARLY = 500


def _check_network_size(n_inputs: int, hidden: tuple[int, ...], n_outputs: int, batch: int
                        ) -> None:
    """Refuse ``--hidden`` sizes whose training cannot fit in this machine's memory: the
    weights, their gradients, Adam's two moments and the best weights kept for early
    stopping, and the activations of a mini-batch, 8 bytes each."""
    widths = [n_inputs, *hidden, n_outputs]
    weights = sum((a + 1) * b for a, b in itertools.pairwise(widths))
    needed = 8 * (5 * weights + 4 * batch * sum(widths))
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not a POSIX system: MemoryError decides
        return
    if needed > memory:
        raise ValueError(f"--hidden {','.join(map(str, hidden))}: a network of {n_inputs} inputs, "
                         f"these hidden layers and {n_outputs} output(s) has {weights:,} weights; "
                         f"training it needs {needed / 2**30:,.0f} GiB, more than this machine's "
                         f"{memory / 2**30:,.0f} GiB of memory")


def _metrics(estimator: Any, X: np.ndarray, y: np.ndarray, args: argparse.Namespace) -> str:
    """Accuracy, or R² and RMSE; outputs that overflow are an error naming ``--lr`` (the
    weights grew too large without becoming infinite)."""
    from sklearn.metrics import accuracy_score, r2_score

    predictions, overflowed = checked_predictions(estimator, X)
    if overflowed is not None:
        raise ValueError(f"--lr {args.lr:g}: training diverged (the network's outputs "
                         "overflow); try a smaller --lr")
    if hasattr(estimator, "classes_"):
        return f"accuracy {accuracy_score(y, predictions):.4f}"
    rmse = float(np.sqrt(np.mean((predictions - y) ** 2)))
    return f"R² {r2_score(y, predictions):.4f}, RMSE {rmse:.4g}"


def _rows_to_train(frame: Any, args: argparse.Namespace, features: list[str]) -> Any:
    """The rows of ``frame`` with a target (and, with ``--dropna``, no missing feature)."""
    rows = frame[args.target].notna()
    if not rows.all():
        print(f"note: {(~rows).sum():,} rows without a value of {args.target!r} are left out")
    if args.dropna:
        complete = frame[features].notna().all(axis=1)
        if not complete[rows].all():
            print(f"note: --dropna leaves out {(~complete[rows]).sum():,} rows with missing "
                  "values")
        rows &= complete
    if not rows.any():
        raise ValueError("DATA: no row is left to train on")
    return frame[rows]


def _describe_inputs(columns: Any, frame: Any, n_inputs: int) -> str:
    parts = [f"{len(columns.numbers)} numbers (standardized)"] if columns.numbers else []
    if columns.categories:
        parts.append(f"{len(columns.categories)} categories (one-hot)")
    if columns.missing:
        cells = int(frame[columns.missing].isna().sum().sum())
        parts.append(f"{len(columns.missing)} missing-value indicators ({cells:,} cells "
                     "imputed with the median or the most frequent value)")
    return f"inputs: {', '.join(parts)}; {n_inputs} in all"


def _fit(estimator: Any, X: np.ndarray, y: np.ndarray, args: argparse.Namespace) -> None:
    """``estimator.fit(X, y)``; running out of memory and divergence are errors naming
    ``--hidden`` and ``--lr``, and the estimator's warnings become notes."""
    from sklearn.exceptions import ConvergenceWarning

    from nnlearn.train import TrainingDiverged

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            estimator.fit(X, y)
    except MemoryError:
        raise ValueError(f"--hidden {','.join(map(str, args.hidden))}: the network does not fit "
                         "in this machine's memory") from None
    except ValueError as error:
        if isinstance(error.__cause__, TrainingDiverged):
            raise ValueError(f"--lr {args.lr:g}: training diverged (the loss or the weights "
                             "became too large to represent); try a smaller --lr") from None
        raise
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        curve = estimator.loss_curve_
        if len(curve) > 1 and curve[-1] > curve[0]:
            print(f"note: the training loss rose from {curve[0]:.4g} to {curve[-1]:.4g} "
                  f"(--lr {args.lr:g} is probably too large)")
        else:
            print(f"note: the loss was still falling after {args.epochs} epochs (try more "
                  "--epochs)")


def run(args: argparse.Namespace) -> int:
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import Pipeline

    from nnlearn import tabular
    from nnlearn.estimators import MLPClassifier, MLPRegressor
    from nnlearn.io import save

    check_out(args.out)
    reading = csv_format(args)
    table = tabular.read_csv(args.data, "DATA", reading, text_columns=args.categories)
    for argument, names in (("--target", [args.target]), ("--categories", args.categories),
                            ("--ignore", args.ignore)):
        table.check_columns(names, argument)
    left_out = {args.target, *args.ignore}
    features = [name for name in table.frame.columns if name not in left_out]
    frame = _rows_to_train(table.frame, args, features)
    columns = tabular.Columns.infer(frame, features, "DATA", categories=args.categories,
                                    max_categories=args.max_categories)
    if columns.empty:
        print(f"note: column(s) {columns.empty} hold no value and are left out")
    if not columns.features:
        raise ValueError(f"DATA: no feature columns besides the target {args.target!r}")
    task, y = tabular.targets(frame[args.target], args.target, args.task)
    X = columns.prepare(frame, "DATA")
    classify = task == "classification"
    labels, counts = np.unique(y, return_counts=True)
    if classify and len(labels) < 2:
        raise ValueError(f"--target: column {args.target!r} holds one class only "
                         f"({labels[0]!r}); a classifier learns to tell two or more apart")
    stratify = y if classify and counts.min() >= 2 else None
    try:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=args.test_size, random_state=args.random_state, stratify=stratify)
    except ValueError as error:
        raise ValueError(f"--test-size {args.test_size}: {error}") from None
    if classify and len(np.unique(y_train)) < 2:
        raise ValueError(f"--test-size {args.test_size}: the training rows hold one class only; "
                         "hold out fewer rows or give more")
    preprocessing = tabular.column_transformer(columns)
    inputs_train = tabular.fit_transform(preprocessing, X_train, "DATA")
    inputs_test = tabular.FittedPreprocessing.of(preprocessing).transform(X_test, "DATA")
    _check_network_size(inputs_train.shape[1], args.hidden,
                        len(labels) if classify and len(labels) > 2 else 1,
                        min(args.batch_size, len(inputs_train)))
    stop_early = args.early_stopping and len(inputs_train) >= MIN_ROWS_TO_STOP_EARLY
    estimator = (MLPClassifier if classify else MLPRegressor)(
        args.hidden, solver=args.solver, learning_rate_init=args.lr, batch_size=args.batch_size,
        max_iter=args.epochs, early_stopping="loss" if stop_early else False,
        random_state=args.random_state, progress=None)
    kind = f"{len(labels)} classes" if classify else "one output"
    print(f"{task} of {args.target!r} ({kind}) from {len(columns.features)} features: "
          f"{len(X_train)} training and {len(X_test)} test samples, hidden layers {args.hidden}")
    print(_describe_inputs(columns, X_train, inputs_train.shape[1]))
    if args.early_stopping and not stop_early:
        print(f"note: no early stopping with fewer than {MIN_ROWS_TO_STOP_EARLY} training rows "
              f"(a tenth of them is too few to judge by): {args.epochs} epochs")
    _fit(estimator, inputs_train, y_train, args)
    print(f"epochs {estimator.n_iter_}, final training loss {estimator.loss_:.4g}")
    print(f"train: {_metrics(estimator, inputs_train, y_train, args)}")
    print(f"test:  {_metrics(estimator, inputs_test, y_test, args)}")
    model = Pipeline([("preprocessing", preprocessing), ("network", estimator)])
    metadata = {"features": columns.features, "target": args.target, "task": task,
                "decimal": reading.decimal, "encoding": reading.encoding}
    save(model, args.out, metadata=metadata)
    print(f"model saved to {args.out}")
    return 0


