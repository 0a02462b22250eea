"""``nnlearn predict``: a saved model applied to the rows of a CSV file."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

from nnlearn.csv_commands import check_out, checked_predictions, csv_format, transform


def _load_predictor(path: str) -> tuple[Any, dict[str, Any]]:
    """The fitted model in ``path`` and its metadata, checked; every error names MODEL."""
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    from nnlearn.io import FileFormatError, load, load_metadata

    try:
        model, metadata = load(path), load_metadata(path)
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
    features, target = metadata.get("features"), metadata.get("target")
    if features is not None and not (
            isinstance(features, list) and all(isinstance(name, str) for name in features)):
        raise ValueError(f"MODEL: the metadata of {path!r} gives the features {features!r}, "
                         "not a list of column names")
    if target is not None and not isinstance(target, str):
        raise ValueError(f"MODEL: the metadata of {path!r} gives the target {target!r}, not a "
                         "column name")
    return model, metadata


def run(args: argparse.Namespace) -> int:
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    from nnlearn import tabular

    if args.out is not None:
        check_out(args.out)
    model, metadata = _load_predictor(args.model)
    reading = csv_format(args, metadata)
    preprocessing, predictor = None, model
    if isinstance(model, Pipeline) and isinstance(model[0], ColumnTransformer):
        preprocessing, predictor = model[0], model[1:]
        if not set(preprocessing.named_transformers_) <= {*tabular.Columns.KINDS, "remainder"}:
            raise ValueError(f"MODEL: {args.model!r} holds a preprocessing that nnlearn train "
                             "did not make; use it from Python (nl.load gives the Pipeline)")
        columns = tabular.Columns.of(preprocessing)
    else:  # a model of numbers alone, saved from Python
        columns = tabular.Columns(metadata.get("features") or [], [], [], [])
    table = tabular.read_csv(args.data, "DATA", reading, text_columns=columns.categories)
    if not columns.features:
        columns.numbers = list(table.frame.columns)
    table.check_columns(columns.features, "DATA", f" (the model was trained on "
                                                  f"{', '.join(map(repr, columns.features))})")
    X = columns.prepare(table.frame, "DATA")
    if preprocessing is not None:
        inputs = transform(preprocessing, X)
        for name, values in tabular.unseen_categories(preprocessing, X).items():
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
