"""The ``nnlearn`` command."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

#: Integer targets with at most this many distinct values are taken for class labels.
MAX_INFERRED_CLASSES = 20


def _tour(args: argparse.Namespace) -> int:
    from nnlearn import tour

    index = tour.run(args.out, chapters=args.chapter)
    print(f"\nThe book is written: open {index} in a browser (it needs no network).")
    return 0


def _equations(args: argparse.Namespace) -> int:
    from nnlearn.equations import render, search

    print(render(args.keywords, missing_only=args.missing, latex=args.latex))
    return 0 if search(args.keywords) else 1


def _playground(args: argparse.Namespace) -> int:
    from nnlearn.playground.launch import serve
    from nnlearn.playground.server import is_loopback

    if not is_loopback(args.host):
        print(f"nnlearn: warning: listening on {args.host}, not on the loopback address: other "
              "machines that reach this one can open the playground and run training on "
              "it (it has no password)", file=sys.stderr)
    try:
        serve(args.host, args.port, open_browser=args.browser)
    except KeyboardInterrupt:  # Ctrl-C before the server took over the signal
        print("nnlearn playground: stopped")
    return 0


def _hidden_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected positive sizes like 32,16, got {text!r}")
    return sizes


def _number(convert: Callable[[str], Any], valid: Callable[[Any], bool], expected: str
            ) -> Callable[[str], Any]:
    """An argparse type: ``convert(text)`` if it passes ``valid``, else a message."""

    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not valid(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


_fraction = _number(float, lambda v: 0 < v < 1, "a number in (0, 1)")
_positive_float = _number(float, lambda v: v > 0, "a number > 0")
_positive_int = _number(int, lambda v: v >= 1, "a positive integer")
_seed = _number(int, lambda v: v >= 0, "an integer ≥ 0")
_port = _number(int, lambda v: 0 <= v <= 65535, "a port number from 0 to 65535")


def _task(target: np.ndarray, asked: str | None) -> str:
    """The task asked for, else classification for text or few distinct integers."""
    from nnlearn.table import as_numbers

    values = as_numbers(target)
    if asked == "regression" and values is None:
        raise ValueError("--task regression: the target column must hold numbers")
    if asked is not None:
        return asked
    if values is None:
        return "classification"
    integral = bool(np.all(values == np.round(values)))
    few = len(np.unique(values)) <= MAX_INFERRED_CLASSES
    return "classification" if integral and few else "regression"


def _labels(target: np.ndarray) -> np.ndarray:
    """Class labels: integers when every label is one, else the strings as written."""
    from nnlearn.table import as_numbers

    values = as_numbers(target)
    if values is not None and np.all(values == np.round(values)):
        return values.astype(np.int64)
    return target


def _metrics(model: Any, X: np.ndarray, y: np.ndarray) -> str:
    if hasattr(model, "classes_"):
        return f"accuracy {model.score(X, y):.4f}"
    rmse = float(np.sqrt(np.mean((model.predict(X) - y) ** 2)))
    return f"R² {model.score(X, y):.4f}, RMSE {rmse:.4g}"


def _train(args: argparse.Namespace) -> int:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split

    from nnlearn.estimators import MLPClassifier, MLPRegressor
    from nnlearn.io import save
    from nnlearn.table import Table

    table = Table.read(args.data, "DATA")
    target = table.column(args.target, "--target")
    features = [name for name in table.columns if name != args.target]
    if not features:
        raise ValueError(f"DATA: no feature columns besides the target {args.target!r}")
    X = table.numeric(features)
    task = _task(target, args.task)
    classify = task == "classification"
    y = _labels(target) if classify else target.astype(np.float64)
    _, counts = np.unique(y, return_counts=True)
    stratify = y if classify and counts.min() >= 2 else None
    try:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=args.test_size, random_state=args.random_state, stratify=stratify)
    except ValueError as error:
        raise ValueError(f"--test-size {args.test_size}: {error}") from None
    estimator = (MLPClassifier if classify else MLPRegressor)(
        args.hidden, solver=args.solver, learning_rate_init=args.lr, batch_size=args.batch_size,
        max_iter=args.epochs, early_stopping=args.early_stopping, standardize=True,
        random_state=args.random_state, progress=None)
    kind = f"{len(counts)} classes" if classify else "one output"
    print(f"{task} of {args.target!r} ({kind}) from {len(features)} features: "
          f"{len(X_train)} training and {len(X_test)} test samples, hidden layers {args.hidden}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        estimator.fit(X_train, y_train)
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        print(f"note: the loss was still falling after {args.epochs} epochs (try more --epochs)")
    print(f"epochs {estimator.n_iter_}, final training loss {estimator.loss_:.4g}")
    print(f"train: {_metrics(estimator, X_train, y_train)}")
    print(f"test:  {_metrics(estimator, X_test, y_test)}")
    metadata = {"features": features, "target": args.target, "task": task}
    try:
        save(estimator, args.out, metadata=metadata)
    except OSError as error:
        raise ValueError(f"--out: {error}") from None
    print(f"model saved to {args.out}")
    return 0


def _predict(args: argparse.Namespace) -> int:
    from nnlearn.io import FileFormatError, load, load_metadata
    from nnlearn.io.atomic import atomic_write
    from nnlearn.table import Table

    try:
        model, metadata = load(args.model), load_metadata(args.model)
    except (FileFormatError, OSError) as error:
        raise ValueError(f"MODEL: {error}") from None
    if not hasattr(model, "predict"):
        raise ValueError(f"MODEL: {args.model!r} holds a {type(model).__name__}, not a trained "
                         "estimator (save one with nnlearn train)")
    table = Table.read(args.data, "DATA")
    features = metadata.get("features", table.columns)
    missing = [name for name in features if name not in table.columns]
    if missing:
        raise ValueError(f"DATA: no column(s) {missing}; the model was trained on {features}")
    X = table.numeric(features)
    if X.shape[1] != model.n_features_in_:
        raise ValueError(f"DATA: {X.shape[1]} feature columns, but the model expects "
                         f"{model.n_features_in_}")
    lines = [metadata.get("target", "prediction")]
    lines += [str(value) for value in np.asarray(model.predict(X)).tolist()]
    text = "\n".join(lines) + "\n"
    if args.out is None:
        print(text, end="")
        return 0
    try:
        with atomic_write(args.out) as file:
            file.write(text)
    except OSError as error:
        raise ValueError(f"--out: cannot write {args.out!r} ({error})") from None
    print(f"{len(lines) - 1} predictions written to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from nnlearn.estimators import SOLVERS
    from nnlearn.tour import CHAPTERS

    parser = argparse.ArgumentParser(
        prog="nnlearn",
        description="The classic neural networks of the course, from the equations up.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    tour = commands.add_parser(
        "tour", help="run the course end to end and write it as a book of HTML pages",
        description="Run the course's experiments chapter by chapter and write the book: "
                    "an opening page with the contents, a page per chapter, and every "
                    "equation with its code. The pages work offline.")
    tour.add_argument("--out", default="nnlearn-tour",
                      help="the book's folder (default: %(default)s)")
    tour.add_argument("--chapter", action="append", choices=CHAPTERS, metavar="NAME",
                      help="write only this chapter (repeatable); one of: " + ", ".join(CHAPTERS))
    tour.set_defaults(handler=_tour)

    equations = commands.add_parser(
        "equations", help="the equation catalogue and its code",
        description="Every equation of the course with the code that implements it and the "
                    "test that checks it; keywords filter (nnlearn equations hopfield).")
    equations.add_argument("keywords", metavar="KEYWORD", nargs="*",
                           help="show only the entries whose key, name, block or "
                                "implementing function contains every keyword")
    equations.add_argument("--missing", action="store_true", help="only what is not implemented")
    equations.add_argument("--latex", action="store_true", help="also print the LaTeX source")
    equations.set_defaults(handler=_equations)

    playground = commands.add_parser(
        "playground", help="the course's networks live in the browser (a local web server)",
        description="Start a local web server with the playground: a multi-layer perceptron "
                    "on 2-D data, the classic neurons, a Hopfield memory, a Boltzmann machine "
                    "and a Markov chain, computed by nnlearn and drawn in the browser. It "
                    "works offline; Ctrl-C stops it.")
    playground.add_argument("--port", type=_port, default=8000,
                            help="the port (default: %(default)s; 0 picks a free one)")
    playground.add_argument("--host", default="127.0.0.1",
                            help="the address to listen on (default: %(default)s, this machine "
                                 "only; another one warns)")
    playground.add_argument("--no-browser", dest="browser", action="store_false",
                            help="do not open the page in the default browser")
    playground.set_defaults(handler=_playground)

    train = commands.add_parser(
        "train", help="train an MLP on a CSV file (numeric features, a header row) and save it")
    train.add_argument("data", metavar="DATA", help="the CSV file")
    train.add_argument("--target", required=True, help="the column to predict")
    train.add_argument("--task", choices=("classification", "regression"),
                       help="default: classification for text or at most "
                            f"{MAX_INFERRED_CLASSES} distinct integers, else regression")
    train.add_argument("--hidden", type=_hidden_sizes, default=(32,),
                       help="hidden layer sizes, e.g. 32,16 (default: 32)")
    train.add_argument("--epochs", type=_positive_int, default=200,
                       help="the most epochs (default: %(default)s)")
    train.add_argument("--solver", choices=SOLVERS, default="adam",
                       help="the optimizer (default: %(default)s)")
    train.add_argument("--lr", type=_positive_float, default=0.01,
                       help="the learning rate of adam and sgd (default: %(default)s)")
    train.add_argument("--batch-size", type=_positive_int, default=32,
                       help="samples per mini-batch (default: %(default)s)")
    train.add_argument("--early-stopping", action=argparse.BooleanOptionalAction, default=True,
                       help="stop when the loss on 10%% of the training samples stops falling "
                            "(default: on)")
    train.add_argument("--out", default="model.nnl", help="model file (default: %(default)s)")
    train.add_argument("--test-size", type=_fraction, default=0.25,
                       help="fraction held out for testing (default: %(default)s)")
    train.add_argument("--random-state", type=_seed, default=0,
                       help="seed of the split and the training (default: %(default)s)")
    train.set_defaults(handler=_train)

    predict = commands.add_parser("predict", help="predict with a saved model")
    predict.add_argument("model", metavar="MODEL", help="a model file written by nnlearn train")
    predict.add_argument("data", metavar="DATA", help="a CSV file with the model's features")
    predict.add_argument("--out", help="write the predictions to this CSV file (default: print)")
    predict.set_defaults(handler=_predict)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (silences the flush at exit)
        return 0
    except (ValueError, OSError) as err:  # bad input or files: a message, no traceback
        print(f"nnlearn: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
