"""``nnlearn predict``: a saved model applied to the rows of a CSV file.

A model that ``nnlearn train`` saved — its preprocessing and an MLP — is applied from the
file's parts (:func:`nnlearn.io.model_reader.load_parts`), each checked before it is used:
the preprocessing's arrays by :class:`~nnlearn.tabular.FittedPreprocessing`, the network by
:mod:`nnlearn.estimators.prediction`. So scikit-learn is not imported: its import was 1.4 s
of the 2 s a prediction for 150 rows took. Any other model (one saved from Python, a file
whose parts do not pass the checks) is loaded whole by ``nl.load``, which says what is wrong
with it, if anything is.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

from nnlearn.csv_commands import check_out, checked_predictions, csv_format


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from nnlearn import tabular

    if args.out is not None:
        check_out(args.out)
    preprocessing, predictor, metadata = _load_predictor(args.model)
    reading = csv_format(args, metadata)
    if preprocessing is not None:
        columns = preprocessing.columns
    else:  # a model of numbers alone, saved from Python
        columns = tabular.Columns(metadata.get("features") or [], [], [], [])
    table = tabular.read_csv(args.data, "DATA", reading, text_columns=columns.categories)
    if not columns.features:
        columns.numbers = list(table.frame.columns)
    table.check_columns(columns.features, "DATA", f" (the model was trained on "
                                                  f"{', '.join(map(repr, columns.features))})")
    X = columns.prepare(table.frame, "DATA")
    if preprocessing is not None:
        inputs = preprocessing.transform(X, "DATA")
        for name, values in preprocessing.unseen_categories(X).items():
            print(f"note: column {name!r} holds categories training never saw, taken for none: "
                  f"{', '.join(map(repr, values[:5]))}{' ...' if len(values) > 5 else ''}",
                  file=sys.stderr)
    else:
        inputs = _numbers_only(X, predictor)
    predictions, overflowed = checked_predictions(predictor, inputs)
    if overflowed is not None:
        raise ValueError(f"DATA: the network's output for row {overflowed + 1} is not finite "
                         "(its inputs lie far outside the training data)")
    target = metadata.get("target") or "prediction"
    try:
        tabular.write_csv(pd.DataFrame({target: predictions}), args.out)
    except OSError as error:
        raise ValueError(f"--out: cannot write {args.out!r} ({error.strerror or error})") from None
    if args.out is not None:
        print(f"{len(predictions):,} predictions written to {args.out}")
    return 0


def _load_predictor(path: str) -> tuple[Any, Any, dict[str, Any]]:
    """The preprocessing (None for a model of numbers alone), the predictor and the metadata
    saved in ``path``, checked; every error names MODEL."""
    from nnlearn.io import FileFormatError
    from nnlearn.io.model_reader import load_parts

    try:
        parts, metadata = load_parts(path)
    except (FileFormatError, OSError) as error:
        raise ValueError(f"MODEL: {error}") from None
    features, target = metadata.get("features"), metadata.get("target")
    if features is not None and not (
            isinstance(features, list) and all(isinstance(name, str) for name in features)):
        raise ValueError(f"MODEL: the metadata of {path!r} gives the features {features!r}, "
                         "not a list of column names")
    if target is not None and not isinstance(target, str):
        raise ValueError(f"MODEL: the metadata of {path!r} gives the target {target!r}, not a "
                         "column name")
    from_parts = _from_parts(parts)
    return (*(from_parts or _from_objects(path)), metadata)


def _from_parts(parts: Any) -> tuple[Any, Any] | None:
    """(preprocessing, network) of nnlearn train's model, or (None, network) of an MLP saved
    alone, from their parts; None for any other model, or parts that do not pass the checks
    (whatever they hold: ``nl.load`` then says what is wrong)."""
    try:
        return _checked_parts(parts)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        return None


def _checked_parts(parts: Any) -> tuple[Any, Any] | None:
    from nnlearn.estimators.prediction import fitted_network
    from nnlearn.io.format import by_this_scikit_learn
    from nnlearn.tabular import FittedPreprocessing

    if getattr(parts, "name", None) != "Pipeline":
        network = fitted_network(parts)
        return None if network is None else (None, network)
    steps = parts.params.get("steps")
    if not isinstance(steps, list) or len(steps) != 2 or \
            not all(isinstance(step, tuple) and len(step) == 2 for step in steps):
        return None
    (_, preprocessing), (_, estimator) = steps
    if not all(by_this_scikit_learn(library) for library in _libraries(preprocessing)):
        return None
    fitted = FittedPreprocessing.of(preprocessing)  # or OtherPreprocessing, a ValueError
    network = fitted_network(estimator)
    if network is None or network.n_features_in_ != fitted.n_inputs:
        return None
    return fitted, network


def _libraries(parts: Any) -> Iterator[str | None]:
    """The library named by each estimator in ``parts`` (scikit-learn's, with its version)."""
    from nnlearn.io.model_reader import EstimatorParts

    if isinstance(parts, EstimatorParts):
        yield parts.library
        for values in (parts.params, parts.fitted):
            yield from _libraries(list(values.values()))
    elif isinstance(parts, (list, tuple)):
        for part in parts:
            yield from _libraries(part)


def _from_objects(path: str) -> tuple[Any, Any]:
    """(preprocessing, predictor) of the model in ``path`` loaded whole by ``nl.load``."""
    from sklearn.exceptions import NotFittedError
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    from nnlearn.io import FileFormatError, load
    from nnlearn.tabular import FittedPreprocessing, OtherPreprocessing

    try:
        model = load(path)
    except (FileFormatError, OSError) as error:
        raise ValueError(f"MODEL: {error}") from None
    if not hasattr(model, "predict"):
        raise ValueError(f"MODEL: {path!r} holds a {type(model).__name__}, not a trained "
                         "estimator (save one with nnlearn train)")
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise ValueError(f"MODEL: {path!r} holds a {type(model).__name__} that was saved "
                         "before it was fitted (nnlearn train saves fitted ones)") from None
    if not (isinstance(model, Pipeline) and type(model[0]).__name__ == "ColumnTransformer"):
        return None, model
    try:
        return FittedPreprocessing.of(model[0]), model[1:]
    except OtherPreprocessing as error:
        raise ValueError(f"MODEL: {path!r} holds a preprocessing that nnlearn train did not "
                         f"make ({error}); use it from Python (nl.load gives the Pipeline)"
                         ) from None


def _numbers_only(X: Any, predictor: Any) -> np.ndarray:
    """The input of a model without preprocessing: as many columns of numbers as it takes,
    none missing."""
    missing = X.isna().to_numpy()
    if missing.any():
        row, column = np.argwhere(missing)[0]
        raise ValueError(f"DATA: column {X.columns[column]!r} has no value in row "
                         f"{X.index[row] + 1}, and this model (saved from Python, without "
                         "nnlearn train's preprocessing) takes no missing values")
    expected = getattr(predictor, "n_features_in_", X.shape[1])
    if X.shape[1] != expected:
        raise ValueError(f"DATA: {X.shape[1]} feature columns, but the model expects {expected}")
    return X.to_numpy()
