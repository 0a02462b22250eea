"""The course's worked problems on real data: XOR, diabetes regression, digits, iris."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

import nnlearn as nl

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0], dtype=float)


def standardized_split(loader, test_size=0.25, stratify=True):
    X, y = loader(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=0, stratify=y if stratify else None
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def test_two_layer_network_solves_xor():
    net = nl.Sequential(nl.Dense(2, 4, activation="tanh"),
                        nl.Dense(4, 1, activation="sigmoid")).initialize(0)
    history = nl.fit(net, XOR_X, XOR_Y, loss="bce", optimizer="adam", lr=0.1, epochs=300,
                     batch_size=None, metrics=["accuracy"], random_state=0)
    assert history["accuracy"][-1] == 1.0
    with nl.no_grad():
        np.testing.assert_array_equal(net(XOR_X).data[:, 0] > 0.5, XOR_Y == 1)


def test_one_layer_cannot_solve_xor():
    """No line separates XOR: a single sigmoid unit gets at most 3 of the 4 points right."""
    unit = nl.Dense(2, 1, activation="sigmoid", random_state=0)
    history = nl.fit(unit, XOR_X, XOR_Y, loss="bce", optimizer="adam", lr=0.1, epochs=300,
                     batch_size=None, metrics=["accuracy"], random_state=0)
    assert max(history["accuracy"]) <= 0.75


def test_diabetes_r2_at_least_scikit_learns_with_matched_mlp():
    """The quiz: MLP regression on diabetes, 25% test data, R².

    Both sides: 10-8-1 ReLU network, L-BFGS, squared error with the same L2 penalty
    (scikit-learn's alpha/(2n)·‖W‖² is weight_decay λ = alpha/(2n)), standardized targets.
    """
    X_train, X_test, y_train, y_test = standardized_split(load_diabetes, stratify=False)
    mean, std = y_train.mean(), y_train.std()
    alpha = 20.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning when max_iter is reached
        sk = MLPRegressor(hidden_layer_sizes=(8,), solver="lbfgs", alpha=alpha, max_iter=500,
                          random_state=0).fit(X_train, (y_train - mean) / std)
    sk_r2 = r2_score(y_test, sk.predict(X_test) * std + mean)
    net = nl.Sequential(nl.Dense(10, 8, activation="relu"), nl.Dense(8, 1)).initialize(0)
    opt = nl.optim.LBFGS(net.parameters(), max_iter=500, weight_decay=alpha / (2 * len(X_train)))
    nl.fit(net, X_train, (y_train - mean) / std, loss="half_squared_error", optimizer=opt,
           epochs=1)
    with nl.no_grad():
        r2 = r2_score(y_test, net(X_test).data[:, 0] * std + mean)
    print(f"diabetes R²: nnlearn {r2:.4f}, scikit-learn {sk_r2:.4f}")
    assert r2 >= sk_r2
    assert r2 > 0.3


@pytest.mark.parametrize(
    ("loader", "test_size", "hidden", "lr", "epochs", "target"),
    [
        (load_digits, 0.25, 128, 0.003, 30, 0.97),  # 450 test images; seeds 0-4 give ≥ 97.8%
        (load_iris, 0.3, 16, 0.01, 100, 0.95),  # 45 test flowers: at most 2 mistakes
    ],
)
def test_classification_accuracy(loader, test_size, hidden, lr, epochs, target):
    X_train, X_test, y_train, y_test = standardized_split(loader, test_size)
    n_classes = len(np.unique(y_train))
    net = nl.Sequential(nl.Dense(X_train.shape[1], hidden, activation="relu"),
                        nl.Dense(hidden, n_classes)).initialize(0)
    nl.fit(net, X_train, y_train, loss="cross_entropy", optimizer="adam", lr=lr,
           epochs=epochs, batch_size=32, random_state=0)
    with nl.no_grad():
        accuracy = accuracy_score(y_test, net.eval()(X_test).data.argmax(axis=1))
    print(f"{loader.__name__}: test accuracy {accuracy:.4f}")
    assert accuracy >= target
