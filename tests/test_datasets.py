"""The small data sets: truth tables, Iris pairs, and the random sets' promises."""

import numpy as np
import pytest
from sklearn.datasets import load_iris

import nnlearn as nl


def test_gates_are_their_truth_tables():
    for name, op in [("and", np.logical_and), ("or", np.logical_or), ("xor", np.logical_xor)]:
        X, y = nl.datasets.logic_gate(name)
        np.testing.assert_array_equal(y, op(X[:, 0], X[:, 1]).astype(int))
    X, y = nl.datasets.logic_gate("not")
    np.testing.assert_array_equal(y, 1 - X[:, 0])
    X, y = nl.datasets.logic_gate("nand", signs=True)
    assert set(X.ravel()) == {-1, 1} and y.tolist() == [1, 1, 1, -1]
    with pytest.raises(ValueError, match="name must be one of"):
        nl.datasets.logic_gate("implies")


def test_iris_pair_selects_rows_and_columns():
    X, y = nl.datasets.iris_pair(("versicolor", "virginica"), ("petal width",))
    iris = load_iris()
    np.testing.assert_array_equal(X[:, 0], iris.data[50:, 3])
    np.testing.assert_array_equal(y, (iris.target[50:] == 2).astype(int))
    Z, _ = nl.datasets.iris_pair(standardize=True)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1)
    with pytest.raises(ValueError, match="classes"):
        nl.datasets.iris_pair(("setosa", "rose"))
    with pytest.raises(ValueError, match="features"):
        nl.datasets.iris_pair(features=("stem length",))


def test_separable_has_its_margin():
    X, y = nl.datasets.separable(500, 4, margin=0.3, random_state=1)
    # By the convergence theorem the perceptron stops only on separable data.
    model = nl.models.Perceptron(max_epochs=1000).fit(X, y)
    assert model.converged_
    again, _ = nl.datasets.separable(500, 4, margin=0.3, random_state=1)
    np.testing.assert_array_equal(X, again)


def test_circle_and_sine():
    X, y = nl.datasets.circle(100, random_state=3)
    np.testing.assert_array_equal(y, (X[:, 0] ** 2 + X[:, 1] ** 2 >= 1).astype(int))
    assert np.abs(X).max() <= 2
    u, t = nl.datasets.noisy_sine(50, noise=0.0)
    np.testing.assert_allclose(t, np.sin(2 * np.pi * u))
    assert np.all(np.diff(u) >= 0)
