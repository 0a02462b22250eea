"""``nnlearn train`` and ``nnlearn predict``: networks trained on CSV files, and used on them.

``train`` (:mod:`.train`) reads a CSV file (:mod:`nnlearn.tabular`), fits the preprocessing of
its feature columns and an MLP to the target column on all but ``--test-size`` of the rows,
reports the metrics on both parts and saves a scikit-learn ``Pipeline`` of the two;
``predict`` (:mod:`.predict`) applies such a file to the rows of another CSV file. Every error
is one line naming the argument at fault, with exit status 2 (:func:`nnlearn.cli.main`
prints them). This module holds their arguments.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

import numpy as np


def train_arguments(command: argparse.ArgumentParser) -> None:
    """``nnlearn train``'s arguments (see :data:`nnlearn.cli.COMMANDS`)."""
    from nnlearn.csv_commands import train
    from nnlearn.estimators import SOLVERS
    from nnlearn.tabular.limits import MAX_CATEGORIES, MAX_INFERRED_CLASSES, TASKS

    command.description = (
        "Train an MLP on the columns of a CSV file and save it with its preprocessing: numbers "
        "standardized, text and true/false one-hot encoded, missing values imputed (median, "
        "most frequent) with indicator columns.")
    add = command.add_argument
    add("data", metavar="DATA", help="the CSV file")
    add("--target", required=True, help="the column to predict")
    add("--task", choices=TASKS, help="default: classification for text, true/false or at most "
                                      f"{MAX_INFERRED_CLASSES} distinct integers, else regression")
    add("--categories", action="append", default=[], metavar="COLUMN",
        help="read this column as categories, even if it holds numbers (repeatable)")
    add("--ignore", action="append", default=[], metavar="COLUMN",
        help="leave this column out (repeatable)")
    add("--max-categories", type=_positive_int, default=MAX_CATEGORIES,
        help="the most categories a column may hold (default: %(default)s)")
    add("--dropna", action="store_true",
        help="leave out the rows with a missing value instead of imputing it")
    add("--hidden", type=_hidden_sizes, default=(32,),
        help="hidden layer sizes, e.g. 32,16 (default: 32)")
    add("--epochs", type=_positive_int, default=200, help="the most epochs (default: %(default)s)")
    add("--solver", choices=SOLVERS, default="adam", help="the optimizer (default: %(default)s)")
    add("--lr", type=_positive_float, default=0.01,
        help="the learning rate of adam and sgd (default: %(default)s)")
    add("--batch-size", type=_positive_int, default=32,
        help="samples per mini-batch (default: %(default)s)")
    add("--early-stopping", action=argparse.BooleanOptionalAction, default=True,
        help="stop when the loss on 10%% of the training rows stops falling, "
                         "from 500 rows on (default: on)")
    add("--out", default="model.nnl",
        help="the model file, in a folder that exists (default: %(default)s)")
    add("--test-size", type=_fraction, default=0.25,
        help="fraction held out for testing (default: %(default)s)")
    add("--random-state", type=_seed, default=0,
        help="seed of the split and the training (default: %(default)s)")
    _add_csv_options(command, "the separator sniffed, '.', utf-8")
    command.set_defaults(handler=train.run)


def predict_arguments(command: argparse.ArgumentParser) -> None:
    """``nnlearn predict``'s arguments (see :data:`nnlearn.cli.COMMANDS`)."""
    from nnlearn.csv_commands import predict

    command.description = (
        "Predict the target of each row of a CSV file with a model saved by nnlearn train; "
        "the columns are found by name (others are ignored) and prepared as in training.")
    command.add_argument("model", metavar="MODEL", help="a model file written by nnlearn train")
    command.add_argument("data", metavar="DATA", help="a CSV file with the model's features")
    command.add_argument("--out", help="write the predictions to this CSV file (default: print)")
    _add_csv_options(command, "the separator sniffed; the decimal mark and encoding the "
                              "training file had")
    command.set_defaults(handler=predict.run)


def _add_csv_options(command: argparse.ArgumentParser, defaults: str) -> None:
    group = command.add_argument_group("reading DATA", f"defaults: {defaults}")
    group.add_argument("--sep", type=_csv_option("sep"), help="the separator (tab: --sep tab)")
    group.add_argument("--decimal", type=_csv_option("decimal"),
                       help="the decimal mark (--decimal , for 1,5)")
    group.add_argument("--encoding", type=_csv_option("encoding"),
                       help="the text encoding (latin-1, cp1252, ...)")


def _hidden_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected positive sizes like 32,16, got {text!r}")
    return sizes


def number_type(convert: Callable[[str], Any], valid: Callable[[Any], bool], expected: str
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


_fraction = number_type(float, lambda v: 0 < v < 1, "a number in (0, 1)")
_positive_float = number_type(float, lambda v: 0 < v < math.inf, "a finite number > 0")
_positive_int = number_type(int, lambda v: v >= 1, "a positive integer")
_seed = number_type(int, lambda v: 0 <= v < 2**32, "an integer in [0, 2**32 − 1]")


def _csv_option(name: str) -> Callable[[str], str]:
    """An argparse type for the CSV format's ``name`` (``--sep tab`` or ``--sep '\t'`` is the
    tab)."""

    def parse(text: str) -> str:
        from nnlearn.tabular import CsvFormat

        value = "\t" if name == "sep" and text in ("tab", "\\t") else text
        try:
            CsvFormat(**{name: value})
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
        return value

    return parse


def csv_format(args: argparse.Namespace, saved: dict[str, Any] | None = None) -> Any:
    """The CSV format the options give; what they leave out is ``saved`` (a model's metadata)
    or the default."""
    from nnlearn.tabular import CsvFormat

    saved = saved or {}
    options = {"sep": args.sep, "decimal": args.decimal or saved.get("decimal", "."),
               "encoding": args.encoding or saved.get("encoding", "utf-8")}
    try:
        return CsvFormat(**options)
    except ValueError as error:
        raise ValueError(f"--sep, --decimal, --encoding (or the model's metadata): {error}"
                         ) from None


def check_out(path: str) -> None:
    """``--out`` can be written: checked before any long work starts."""
    from nnlearn.io.atomic import check_target

    try:
        check_target(path)
    except OSError as error:
        raise ValueError(f"--out: {error.filename!r}: {error.strerror}") from None


def checked_predictions(predictor: Any, inputs: np.ndarray) -> tuple[np.ndarray, int | None]:
    """``predictor.predict(inputs)``, and the first row whose network outputs (a classifier's
    logits) are not finite, so that its prediction means nothing (None if none is)."""
    with np.errstate(all="ignore"):
        predictions = np.asarray(predictor.predict(inputs))
        outputs = predictor.decision_function(inputs) \
            if hasattr(predictor, "decision_function") else predictions
    finite = np.isfinite(np.asarray(outputs, dtype=np.float64).reshape(len(inputs), -1))
    rows = np.flatnonzero(~finite.all(axis=1))
    return predictions, int(rows[0]) if rows.size else None
