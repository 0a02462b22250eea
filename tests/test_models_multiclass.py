"""More than two classes, one-versus-rest: against scikit-learn's Perceptron and
OneVsRestClassifier, and the course's layer of output neurons."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import Perceptron as SklearnPerceptron
from sklearn.linear_model import RidgeClassifier
from sklearn.multiclass import OneVsRestClassifier

from nnlearn.models import Adaline, ConvergenceWarning, LogisticNeuron, Perceptron

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_STD = (X_IRIS - X_IRIS.mean(axis=0)) / X_IRIS.std(axis=0)
NAMES = np.array(["setosa", "versicolor", "virginica"])


def _quiet(fit):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fit()


def test_matches_sklearn_perceptron_epoch_by_epoch():
    # scikit-learn's multi-class Perceptron is one-versus-rest with targets ±1 and the
    # update eta0 · t · x on a mistake; ours, with t ∈ {0, 1}, updates by η (t − y) x = ±η x.
    # The rules agree wherever no net input is exactly 0 (scikit-learn updates there for
    # both classes), so start from random weights.
    rng = np.random.default_rng(0)
    X = X_STD + 0.2 * rng.standard_normal(X_STD.shape)
    W0, b0 = rng.standard_normal((3, 4)), rng.standard_normal(3)
    reference = SklearnPerceptron(eta0=0.7, max_iter=1, tol=None, shuffle=False, warm_start=True)
    model = Perceptron(learning_rate=0.7, max_epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch per call is meant
        reference.fit(X, Y_IRIS, coef_init=W0.copy(), intercept_init=b0.copy())
        model.fit(X, Y_IRIS, coef_init=W0, intercept_init=b0)
        for epoch in range(6):
            if epoch:
                reference.fit(X, Y_IRIS)
                model.partial_fit(X, Y_IRIS)
            np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(model.intercept_, reference.intercept_, rtol=1e-12,
                                       atol=1e-12)
    assert model.coef_.shape == (3, 4) and model.intercept_.shape == (3,)
    np.testing.assert_array_equal(model.predict(X), reference.predict(X))
    np.testing.assert_allclose(model.decision_function(X), reference.decision_function(X),
                               rtol=1e-12, atol=1e-12)
    assert min(model.errors_) > 0  # versicolor is not separable from the rest


NEURONS = [
    Perceptron(max_epochs=30, detect_cycles=False),
    Perceptron(mode="batch", max_epochs=30, detect_cycles=False),
    Adaline(max_epochs=20, tol=None),
    Adaline(mode="batch", max_epochs=40, tol=None),
    Adaline(learning_rate=0.01, max_epochs=10, tol=None, normalized=False),
    LogisticNeuron(max_epochs=60, tol=None),
    LogisticNeuron(loss="squared", mode="online", max_epochs=5, tol=None),
    LogisticNeuron(mode="online", gradient="autodiff", max_epochs=3, tol=None),
]


@pytest.mark.parametrize("neuron", NEURONS, ids=repr)
def test_matches_one_vs_rest_classifier_of_the_binary_neuron(neuron):
    # Each row of coef_ is the binary neuron of its class trained alone: scikit-learn's
    # OneVsRestClassifier, fed 0/1 columns, trains exactly those.
    ours = _quiet(lambda: neuron.fit(X_STD, NAMES[Y_IRIS]))
    theirs = _quiet(lambda: OneVsRestClassifier(neuron).fit(X_STD, NAMES[Y_IRIS]))
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    for row, binary in enumerate(theirs.estimators_):
        np.testing.assert_allclose(ours.coef_[row], binary.coef_[0], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.intercept_[row], binary.intercept_[0], rtol=1e-10,
                                   atol=1e-12)
    np.testing.assert_array_equal(ours.predict(X_STD), theirs.predict(X_STD))
    np.testing.assert_allclose(ours.decision_function(X_STD), theirs.decision_function(X_STD),
                               rtol=1e-10, atol=1e-12)
    if hasattr(ours, "predict_proba"):
        np.testing.assert_allclose(ours.predict_proba(X_STD), theirs.predict_proba(X_STD),
                                   rtol=1e-10, atol=1e-14)
    # errors_ and loss_curve_ sum over the neurons: the binary ones', epoch by epoch. A
    # binary perceptron may stop earlier (converged); the layer's unit then makes no
    # mistake in the epochs that follow.
    def padded(history):
        return np.pad(history, (0, ours.n_epochs_ - len(history)))

    assert all(len(b.errors_) == ours.n_epochs_ or isinstance(neuron, Perceptron)
               for b in theirs.estimators_)
    np.testing.assert_array_equal(ours.errors_,
                                  np.sum([padded(b.errors_) for b in theirs.estimators_], 0))
    np.testing.assert_allclose(ours.loss_curve_,
                               np.sum([padded(b.loss_curve_) for b in theirs.estimators_], 0),
                               rtol=1e-10)


def test_a_converged_unit_stops_changing_so_each_row_is_its_binary_perceptron():
    # With the default stopping rules, setosa's unit converges in a few epochs while the
    # others go on: its row is still what the binary perceptron learns alone.
    model = _quiet(lambda: Perceptron(max_epochs=50).fit(X_STD, Y_IRIS))
    setosa = Perceptron(max_epochs=50).fit(X_STD, Y_IRIS == 0)
    assert setosa.converged_ and setosa.n_epochs_ < model.n_epochs_
    np.testing.assert_array_equal(model.coef_[0], setosa.coef_[0])
    np.testing.assert_array_equal(model.intercept_[0], setosa.intercept_[0])


@pytest.mark.parametrize(("cls", "least"), [(Perceptron, 0.9), (Adaline, 0.84),
                                            (LogisticNeuron, 0.88)])
def test_iris_three_classes_are_learned(cls, least):
    # For comparison, on the same standardized iris: scikit-learn's Perceptron() scores
    # 0.92, the least-squares RidgeClassifier 0.85 (versicolor, between the others, is
    # masked for a linear one-versus-rest rule), a one-versus-rest logistic regression 0.98.
    model = _quiet(lambda: cls(shuffle=True, random_state=0, max_epochs=300).fit(
        X_STD, NAMES[Y_IRIS]))
    assert model.coef_.shape == (3, 4)
    scores = model.decision_function(X_STD)
    assert scores.shape == (150, 3)
    np.testing.assert_array_equal(model.predict(X_STD), NAMES[np.argmax(scores, axis=1)])
    assert model.score(X_STD, NAMES[Y_IRIS]) >= least


def test_batch_adaline_converges_to_the_least_squares_ridge_classifier():
    # Gradient descent on each neuron's MSE with targets ±1 ends at the least-squares
    # solution of each class against the rest: scikit-learn's RidgeClassifier with α → 0.
    model = Adaline(mode="batch", learning_rate=1.0, max_epochs=20000, tol=1e-14).fit(
        X_STD, Y_IRIS)
    reference = RidgeClassifier(alpha=1e-12, solver="svd").fit(X_STD, Y_IRIS)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-5)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, atol=1e-5)
    np.testing.assert_array_equal(model.predict(X_STD), reference.predict(X_STD))


def test_partial_fit_learns_the_classes_given_first():
    model = Perceptron()
    model.partial_fit(X_STD[:50], Y_IRIS[:50], classes=[0, 1, 2])  # setosa only, so far
    assert model.coef_.shape == (3, 4)
    for _ in range(10):
        model.partial_fit(X_STD, Y_IRIS)
    assert model.n_epochs_ == 11 and len(model.errors_) == 11
    assert model.score(X_STD, Y_IRIS) > 0.8
    model.partial_fit(X_STD, Y_IRIS, classes=np.array([2, 1, 0]))  # the same set: fine
    with pytest.raises(ValueError, match=r"classes=\[0, 1\] is not the same as on the first"):
        model.partial_fit(X_STD, Y_IRIS, classes=[0, 1])
    with pytest.raises(ValueError, match=r"y holds labels \[7\] not in classes \[0, 1, 2\]"):
        model.partial_fit(X_STD[:2], [0, 7])
    with pytest.raises(ValueError, match=r"y holds labels \['a'\] not in classes \[0, 1, 2\]"):
        model.partial_fit(X_STD[:2], np.array(["a", "a"], dtype=object))


def test_batch_step_of_the_layer_is_the_course_matrix_rule():
    # W ← W + η/m (T − Y)ᵀ X with T and Y of shape (m, n_classes): the course's
    # w_{j,i} ← w_{j,i} + η (t_j − y_j) x_i for each output neuron j, averaged over a batch.
    W0, b0, eta = np.ones((3, 4)), np.array([0.5, -0.5, 0.0]), 0.3
    model = Perceptron(learning_rate=eta, mode="batch", max_epochs=1)
    _quiet(lambda: model.fit(X_STD, Y_IRIS, coef_init=W0, intercept_init=b0))
    T = (Y_IRIS[:, None] == np.arange(3)).astype(float)
    Y = (X_STD @ W0.T + b0 >= 0).astype(float)
    np.testing.assert_allclose(model.coef_, W0 + eta / 150 * (T - Y).T @ X_STD, rtol=1e-12)
    np.testing.assert_allclose(model.intercept_, b0 + eta * (T - Y).mean(axis=0), rtol=1e-12)
    assert model.errors_ == [int(np.sum(T != Y))]
    with pytest.raises(ValueError, match=r"coef_init must have shape \(3, 4\), got shape \(4,\)"):
        Perceptron().fit(X_STD, Y_IRIS, coef_init=np.ones(4))
    with pytest.raises(ValueError, match=r"intercept_init must have shape \(3,\)"):
        Perceptron().fit(X_STD, Y_IRIS, intercept_init=0.5)


def test_labels_minus_one_and_one_are_two_classes_but_with_zero_three():
    binary = Perceptron().fit([[0.0], [1.0]], [-1, 1])
    assert binary.negative_code_ == -1.0 and binary.coef_.shape == (1, 1)
    three = _quiet(lambda: Perceptron().fit([[0.0], [1.0], [2.0]], [-1, 0, 1]))
    assert three.negative_code_ == 0.0 and three.coef_.shape == (3, 1)
