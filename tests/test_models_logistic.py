"""The logistic neuron: its δ rules against autodiff and PyTorch, the circular boundary."""

import numpy as np
import pytest
import torch

import nnlearn as nl
from nnlearn.models import LogisticNeuron, PolynomialFeatures, logistic_hypothesis
from nnlearn.models.neurons.logistic_neuron import DELTAS


@pytest.mark.parametrize("loss", ["bce", "squared"])
@pytest.mark.parametrize("mode", ["batch", "online"])
def test_closed_form_matches_autodiff(loss, mode):
    X, y = nl.datasets.separable(30, 3, random_state=4)
    X += 0.5 * np.random.default_rng(4).standard_normal(X.shape)
    fits = [
        LogisticNeuron(
            loss=loss, mode=mode, gradient=g, learning_rate=0.5, max_epochs=15, tol=None
        ).fit(X, y)
        for g in ("closed_form", "autodiff")
    ]
    np.testing.assert_allclose(fits[0].coef_, fits[1].coef_, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fits[0].intercept_, fits[1].intercept_, rtol=1e-12, atol=1e-14)
    assert fits[0].loss_curve_ == pytest.approx(fits[1].loss_curve_, rel=1e-12)


@pytest.mark.parametrize("loss", ["bce", "squared"])
def test_delta_is_minus_the_torch_gradient_of_the_loss_in_the_net_input(loss):
    a = torch.tensor(np.linspace(-4, 4, 9), dtype=torch.float64, requires_grad=True)
    t = torch.tensor([0, 1, 1, 0, 1, 0, 0, 1, 1], dtype=torch.float64)
    y = torch.sigmoid(a)
    if loss == "bce":
        E = torch.nn.functional.binary_cross_entropy(y, t, reduction="sum")
    else:
        E = 0.5 * ((t - y) ** 2).sum()
    E.backward()
    delta = DELTAS.get(loss)(y.detach().numpy(), t.numpy())
    np.testing.assert_allclose(delta, -a.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss", ["bce", "squared"])
def test_iris_setosa_versicolor(loss):
    X, y = nl.datasets.iris_pair(features=("sepal length", "petal length"), standardize=True)
    model = LogisticNeuron(loss=loss, learning_rate=0.5, max_epochs=5000, tol=1e-6).fit(X, y)
    assert model.score(X, y) >= 0.99
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])


def test_circular_boundary_of_the_course():
    theta = [-1, 0, 0, 1, 1]
    grid = np.array([[1, 0], [0, -1], [0.5, 0.5], [1, 1], [-0.2, 0.3], [1.5, -0.1], [0, 0]])
    rng = np.random.default_rng(0)
    points = np.vstack([grid, rng.uniform(-2, 2, (500, 2))])
    features = PolynomialFeatures(degree=2, cross_terms=False).fit_transform(points)
    inside = logistic_hypothesis(theta, features) >= 0.5
    np.testing.assert_array_equal(inside, np.sum(points**2, axis=1) >= 1)


def test_learns_a_circular_boundary_on_polynomial_features():
    X, y = nl.datasets.circle(300, random_state=1)
    features = PolynomialFeatures(degree=2, cross_terms=False, include_bias=False).fit_transform(X)
    model = LogisticNeuron(learning_rate=1.0, max_epochs=3000).fit(features, y)
    assert model.score(features, y) >= 0.97
    # the learned Θ is near a multiple of the course's (−1, 0, 0, 1, 1)
    theta = np.concatenate([model.intercept_, model.coef_.ravel()])
    theta /= theta[3]
    np.testing.assert_allclose(theta, [-1, 0, 0, 1, 1], atol=0.25)


def test_unknown_options_are_named():
    X, y = nl.datasets.logic_gate("and")
    with pytest.raises(ValueError, match="logistic loss"):
        LogisticNeuron(loss="hinge").fit(X, y)
    with pytest.raises(ValueError, match="gradient must be"):
        LogisticNeuron(gradient="numeric").fit(X, y)
