"""Small data sets of the course: logic gates, XOR, the Iris subsets, toy curves and clouds.

Every loader returns ``(X, y)`` NumPy arrays; random ones take a ``random_state``.
"""

from __future__ import annotations

import numpy as np

#: Truth tables of the logic gates, the course's order of rows (00, 01, 10, 11).
_GATES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
    "xor": [0, 1, 1, 0],
}

IRIS_FEATURES = ("sepal length", "sepal width", "petal length", "petal width")
IRIS_CLASSES = ("setosa", "versicolor", "virginica")


def logic_gate(name: str, signs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a logic gate: inputs X and outputs y.

    Parameters
    ----------
    name : {"and", "or", "nand", "nor", "xor", "not"}
        "not" has one input; the others two.
    signs : bool, default False
        Code false as −1 instead of 0 (in inputs and outputs), as Widrow and Hoff do.

    Returns
    -------
    X : ndarray of shape (4, 2), or (2, 1) for "not"
    y : ndarray of shape (4,) or (2,), integers

    Examples
    --------
    >>> X, y = logic_gate("xor")
    >>> X.tolist(), y.tolist()
    ([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0])
    """
    if name == "not":
        X, y = np.array([[0], [1]]), np.array([1, 0])
    elif name in _GATES:
        X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
        y = np.array(_GATES[name])
    else:
        raise ValueError(f"name must be one of {sorted([*_GATES, 'not'])}, got {name!r}")
    if signs:
        return 2 * X - 1, 2 * y - 1
    return X, y


def xor(signs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The XOR truth table, the classic data set that no single neuron separates."""
    return logic_gate("xor", signs)


def iris_pair(
    classes: tuple[str, str] = ("setosa", "versicolor"),
    features: tuple[str, ...] = ("sepal length", "petal length"),
    standardize: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Two Iris species with chosen measurements, from scikit-learn's bundled copy.

    scikit-learn is needed for this loader only (it is not a dependency of nnlearn).

    Parameters
    ----------
    classes : pair of {"setosa", "versicolor", "virginica"}
        The first is labelled 0, the second 1.
    features : tuple of names from :data:`IRIS_FEATURES` (in cm)
    standardize : bool, default False
        Shift and scale each feature to mean 0 and standard deviation 1 over the 100
        samples (gradient rules such as Adaline's learn much faster on it).

    Returns
    -------
    X : ndarray of shape (100, len(features))
    y : ndarray of shape (100,), 0 or 1
    """
    try:
        from sklearn.datasets import load_iris
    except ImportError as error:  # pragma: no cover - scikit-learn is installed in CI
        raise ImportError("iris_pair needs scikit-learn: pip install scikit-learn") from error
    unknown = [c for c in classes if c not in IRIS_CLASSES]
    if len(classes) != 2 or unknown or classes[0] == classes[1]:
        raise ValueError(f"classes must be two different names of {IRIS_CLASSES}, got {classes}")
    bad = [f for f in features if f not in IRIS_FEATURES]
    if bad or not features:
        raise ValueError(f"features must be names of {IRIS_FEATURES}, got {features}")
    iris = load_iris()
    codes = [IRIS_CLASSES.index(c) for c in classes]
    rows = np.isin(iris.target, codes)
    columns = [IRIS_FEATURES.index(f) for f in features]
    X = iris.data[rows][:, columns]
    if standardize:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, (iris.target[rows] == codes[1]).astype(int)


def circle(
    n_samples: int = 200, radius: float = 1.0, extent: float = 2.0, random_state: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in the square [−extent, extent]², labelled 1 outside the circle.

    y = 1 exactly where x_1² + x_2² ≥ radius², the course's circular boundary.
    """
    rng = np.random.default_rng(random_state)
    X = rng.uniform(-extent, extent, size=(n_samples, 2))
    return X, (np.sum(X**2, axis=1) >= radius**2).astype(int)


def noisy_sine(
    n_samples: int = 10, noise: float = 0.2, random_state: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """u uniform in [0, 1] and y = sin(2πu) + Gaussian noise: the curve-fitting example."""
    rng = np.random.default_rng(random_state)
    u = np.sort(rng.uniform(0.0, 1.0, n_samples))
    return u, np.sin(2 * np.pi * u) + noise * rng.standard_normal(n_samples)


def separable(
    n_samples: int = 1000, n_features: int = 2, margin: float = 0.1, random_state: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Linearly separable Gaussian data: labels by a random hyperplane, a gap of ``margin``.

    Points closer than ``margin`` to the hyperplane are pushed out to it, so a separating
    hyperplane with that margin exists and the perceptron converges.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), 0 or 1
    """
    rng = np.random.default_rng(random_state)
    X = rng.standard_normal((n_samples, n_features))
    normal = rng.standard_normal(n_features)
    normal /= np.linalg.norm(normal)
    offset = 0.1 * rng.standard_normal()
    distance = X @ normal - offset
    side = np.where(distance >= 0, 1.0, -1.0)
    X += np.outer(side * np.maximum(margin - np.abs(distance), 0.0), normal)
    return X, (side > 0).astype(int)
