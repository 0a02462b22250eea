"""The 2-D data sets of the playground's MLP view, its input features, and uploaded files.

The built-in sets are those of TensorFlow Playground (circle, XOR, two Gaussians, spiral,
and the regression plane and bumps), with more than two classes besides (three spiral
arms, four clouds). Points lie in the square [−6, 6]²; ``noise`` (a fraction, 0 to 0.5)
jitters them. A file that a person uploads holds two feature columns and a label column;
its features are scaled to the same square.

An exported script rebuilds a session's data with these functions::

    X, y = make("spiral", n_samples=400, noise=0.1, random_state=0)
    Z = input_features(X, ["x1", "x2", "sin1", "sin2"])
    train, test = split(len(X), train_fraction=0.5, random_state=0)
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nnlearn.checks import check_integer, check_random_state, check_real, check_real_array
from nnlearn.tabular.csv_files import parse_csv

#: the data lie in [−EXTENT, EXTENT]²
EXTENT = 6.0
#: the most rows and classes of an uploaded file
MAX_ROWS = 2000
MAX_CLASSES = 10


@dataclass(frozen=True)
class DataSet:
    """A built-in data set: its generator ``(n_samples, noise, rng) -> (X, y)``."""

    label: str
    generate: Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]
    task: str = "classification"


def _polar(radius: np.ndarray, angle: np.ndarray) -> np.ndarray:
    return np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])


def circle(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 in a disc of radius 2.5, class 0 in the ring from 3.5 to 5; with noise, a
    point's label is that of where its jittered position falls (radius below 2.5)."""
    inner = n // 2
    radius = np.concatenate([rng.uniform(0, 2.5, inner), rng.uniform(3.5, 5.0, n - inner)])
    X = _polar(radius, rng.uniform(0, 2 * np.pi, n))
    jittered = X + rng.uniform(-5, 5, X.shape) * noise
    return X, (np.hypot(*jittered.T) < 2.5).astype(int)


def xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points in the four quadrants (kept 0.3 from the axes), class 1 where x₁x₂ ≥ 0."""
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)
    jittered = X + rng.uniform(-5, 5, X.shape) * noise
    return X, (jittered[:, 0] * jittered[:, 1] >= 0).astype(int)


def gauss(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clouds around (2, 2) (class 1) and (−2, −2) (class 0); noise widens them
    (standard deviation from 0.7 at no noise to 2 at 0.5)."""
    y = (np.arange(n) < n // 2).astype(int)
    centre = np.where(y[:, None] == 1, 2.0, -2.0)
    return centre + rng.normal(0, np.sqrt(0.5 + 7 * noise), (n, 2)), y


def _spiral_arms(n: int, noise: float, rng: np.random.Generator, arms: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    y = np.arange(n) % arms
    t = rng.permutation(n) / n  # each point's place along its arm, 0 to 1
    X = _polar(5 * t, 1.75 * 2 * np.pi * t + 2 * np.pi * y / arms)
    return X + rng.uniform(-1, 1, X.shape) * noise * 2, y


def spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms, one per class, each turning 1.75 times."""
    return _spiral_arms(n, noise, rng, 2)


def spiral3(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Three spiral arms, three classes."""
    return _spiral_arms(n, noise, rng, 3)


def blobs(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Four Gaussian clouds around (±3, ±3), four classes."""
    y = np.arange(n) % 4
    centres = np.array([[3.0, 3.0], [-3.0, 3.0], [-3.0, -3.0], [3.0, -3.0]])
    return centres[y] + rng.normal(0, 0.8 + 4 * noise, (n, 2)), y


def plane(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Regression: t = (x₁ + x₂) / 10, noise added to the inputs before."""
    X = rng.uniform(-6, 6, (n, 2))
    jittered = X + rng.uniform(-6, 6, X.shape) * noise
    return X, jittered.sum(axis=1) / 10


#: the six bumps of the regression set: centre and sign
_BUMPS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))


def bumps(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Regression: t = Σ_k ± exp(−‖x − c_k‖² / 2) over six bumps, the nearest one counting."""
    X = rng.uniform(-6, 6, (n, 2))
    jittered = X + rng.uniform(-6, 6, X.shape) * noise
    centres = np.array([bump[:2] for bump in _BUMPS], dtype=float)
    signs = np.array([bump[2] for bump in _BUMPS], dtype=float)
    distances = np.linalg.norm(jittered[:, None, :] - centres, axis=2)
    nearest = np.argmin(distances, axis=1)
    return X, signs[nearest] * np.exp(-distances[np.arange(n), nearest] ** 2 / 2)


DATASETS: dict[str, DataSet] = {
    "circle": DataSet("Circle", circle),
    "xor": DataSet("Exclusive or", xor),
    "gauss": DataSet("Two Gaussians", gauss),
    "spiral": DataSet("Spiral", spiral),
    "spiral3": DataSet("3 spirals (3 classes)", spiral3),
    "blobs": DataSet("4 clouds (4 classes)", blobs),
    "plane": DataSet("Plane (regression)", plane, "regression"),
    "bumps": DataSet("Six bumps (regression)", bumps, "regression"),
}


def make(name: str, n_samples: int = 400, noise: float = 0.0,
         random_state: int | np.random.Generator | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """A built-in data set.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`.
    n_samples : int, default 400
    noise : float, default 0
        From 0 to 0.5.
    random_state : int, Generator or None, default 0

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
        Class indices 0, 1, ... or, for regression, targets in [−1, 1].

    Examples
    --------
    >>> X, y = make("xor", n_samples=6, random_state=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((6, 2), [0, 1])
    """
    if name not in DATASETS:
        raise ValueError(f"name must be one of {', '.join(DATASETS)}, got {name!r}")
    n_samples = check_integer(n_samples, "n_samples", minimum=2)
    noise = check_real(noise, "noise", minimum=0, maximum=0.5)
    return DATASETS[name].generate(n_samples, noise, check_random_state(random_state))


#: the input features: name → (label, function of the points X of shape (n, 2))
FEATURES: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "x1": ("x₁", lambda X: X[:, 0]),
    "x2": ("x₂", lambda X: X[:, 1]),
    "x1sq": ("x₁²", lambda X: X[:, 0] ** 2),
    "x2sq": ("x₂²", lambda X: X[:, 1] ** 2),
    "x1x2": ("x₁x₂", lambda X: X[:, 0] * X[:, 1]),
    "sin1": ("sin x₁", lambda X: np.sin(X[:, 0])),
    "sin2": ("sin x₂", lambda X: np.sin(X[:, 1])),
}


def input_features(X: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The network's inputs: the features ``names`` (keys of :data:`FEATURES`) of the
    points X of shape (n, 2), as an array of shape (n, len(names))."""
    if isinstance(names, str) or not names or any(name not in FEATURES for name in names):
        raise ValueError(f"names must be features among {', '.join(FEATURES)}, got {names!r}")
    X = check_real_array(X, "X", dtype=np.float64, ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must hold points of two coordinates, got shape {X.shape}")
    return np.column_stack([FEATURES[name][1](X) for name in names])


def split(n_samples: int, train_fraction: float, random_state: int | np.random.Generator
          ) -> tuple[np.ndarray, np.ndarray]:
    """A random split of ``range(n_samples)`` into training and test indices, at least one
    sample in each; ``train_fraction`` in (0, 1)."""
    n_samples = check_integer(n_samples, "n_samples", minimum=2)
    train_fraction = check_real(train_fraction, "train_fraction", minimum=0, maximum=1)
    if train_fraction in (0.0, 1.0):
        raise ValueError(f"train_fraction must be strictly between 0 and 1, got {train_fraction}")
    order = check_random_state(random_state).permutation(n_samples)
    n_train = min(max(round(train_fraction * n_samples), 1), n_samples - 1)
    return np.sort(order[:n_train]), np.sort(order[n_train:])


def read_upload(content: bytes, filename: str
                ) -> tuple[np.ndarray, np.ndarray, str, list[str]]:
    """The data of an uploaded CSV file: a header row, then rows of x₁, x₂ and a label.

    Labels that are text, or at most :data:`MAX_CLASSES` distinct integers, are classes
    (numbered in sorted order); other numbers are regression targets, scaled to [−1, 1].
    The features are scaled to [−6, 6] each, as the built-in sets.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
    task : {"classification", "regression"}
    classes : list of str
        The labels of the classes 0, 1, ... as the file writes them (none for regression).

    Raises
    ------
    ValueError
        For any file that is not such a table; the message says what is wrong, and where.
    """
    source = "the uploaded file"
    table = parse_csv(io.BytesIO(content), source, repr(filename))
    frame = table.frame
    if frame.shape[1] != 3:
        raise ValueError(f"{source} has {frame.shape[1]} columns "
                         f"({', '.join(map(str, frame.columns))}); expected three: two "
                         "features, then the label")
    features = [_numbers(frame[column], column, source) for column in frame.columns[:2]]
    label_name = frame.columns[2]
    labels = frame[label_name]
    if labels.isna().any():
        row = int(np.argmax(labels.isna().to_numpy())) + 2
        raise ValueError(f"{source}: the label column {label_name!r} has no value on line {row}")
    if len(frame) > MAX_ROWS or len(frame) < 4:
        raise ValueError(f"{source} has {len(frame)} rows of data; expected 4 to {MAX_ROWS}")
    X = _scaled(np.column_stack(features), EXTENT)
    numeric = pd.api.types.is_numeric_dtype(labels) and not pd.api.types.is_bool_dtype(labels)
    values = labels.to_numpy(dtype=np.float64) if numeric else None
    classes = np.unique(labels.astype(str).to_numpy() if values is None else values)
    if values is None or (np.all(classes == np.round(classes)) and len(classes) <= MAX_CLASSES):
        if not 2 <= len(classes) <= MAX_CLASSES:
            raise ValueError(f"{source}: the label column {label_name!r} holds "
                             f"{len(classes)} classes; expected 2 to {MAX_CLASSES}")
        names = [str(c) if values is None else f"{c:g}" for c in classes]
        keys = labels.astype(str).to_numpy() if values is None else values
        return X, np.searchsorted(classes, keys), "classification", names
    if not np.isfinite(values).all():
        raise ValueError(f"{source}: the label column {label_name!r} holds NaN or "
                         "infinity")
    return X, _scaled(values[:, None], 1.0)[:, 0], "regression", []


def _numbers(column: pd.Series, name: str, source: str) -> np.ndarray:
    """A feature column as finite float64 values, or an error naming the first bad line."""
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(f"{source}: column {name!r} holds {column.iloc[row]!r} on line "
                         f"{row + 2}; expected a finite number")
    return values


def _scaled(columns: np.ndarray, extent: float) -> np.ndarray:
    """Each column mapped linearly onto [−extent, extent] (a constant column to 0)."""
    low, high = columns.min(axis=0), columns.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return (columns - low) / span * 2 * extent - np.where(high > low, extent, 0.0)
