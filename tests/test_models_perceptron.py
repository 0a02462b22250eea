"""The perceptron: the course's experiments, scikit-learn's Perceptron, its invariants."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import Perceptron as SklearnPerceptron

import nnlearn as nl
from nnlearn.models import ConvergenceWarning, Perceptron


@pytest.mark.parametrize("gate", ["and", "or", "not", "nand", "nor"])
@pytest.mark.parametrize("signs", [False, True])
@pytest.mark.parametrize("mode", ["online", "batch"])
def test_learns_and_or_not(gate, signs, mode):
    X, y = nl.datasets.logic_gate(gate, signs=signs)
    model = Perceptron(mode=mode, max_epochs=1000).fit(X, y)
    assert model.converged_
    assert model.errors_[-1] == 0 if mode == "online" else True
    np.testing.assert_array_equal(model.predict(X), y)
    # f(u) = 1 exactly where Σ w_i u_i ≥ 0, with u_0 = 1 carrying the bias.
    u = np.column_stack([np.ones(len(X)), X])
    w = np.concatenate([model.intercept_, model.coef_.ravel()])
    np.testing.assert_array_equal(u @ w >= 0, y == y.max())


def test_and_weights_satisfy_the_course_constraints():
    X, y = nl.datasets.logic_gate("and")
    model = Perceptron().fit(X, y)
    (w1, w2), w3 = model.coef_.ravel(), model.intercept_[0]
    assert w3 < 0
    assert w2 + w3 < 0
    assert w1 + w3 < 0
    assert w1 + w2 + w3 >= 0


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_fails_on_xor_and_says_so(mode):
    X, y = nl.datasets.xor()
    with pytest.warns(ConvergenceWarning, match="never converge"):
        model = Perceptron(mode=mode, max_epochs=1000).fit(X, y)
    assert not model.converged_
    assert model.cycle_ is not None
    first, period = model.cycle_
    assert first + period == model.n_epochs_
    assert min(model.errors_) > 0
    assert model.score(X, y) < 1.0


def test_without_cycle_detection_it_runs_to_max_epochs_and_warns():
    X, y = nl.datasets.xor()
    with pytest.warns(ConvergenceWarning, match="max_epochs=25"):
        model = Perceptron(max_epochs=25, detect_cycles=False).fit(X, y)
    assert model.n_epochs_ == 25 and len(model.errors_) == 25
    assert not model.converged_ and model.cycle_ is None


def test_iris_setosa_versicolor_is_separated():
    X, y = nl.datasets.iris_pair(features=("sepal length", "petal length"))
    model = Perceptron(learning_rate=0.1).fit(X, y)
    assert model.converged_
    assert model.score(X, y) == 1.0
    assert model.errors_[-1] == 0 and model.errors_[0] > 0


def _sklearn_epochs(X, y, eta0, w0, b0, epochs):
    model = SklearnPerceptron(eta0=eta0, max_iter=1, tol=None, shuffle=False, warm_start=True)
    path = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter=1 is meant: one epoch per call
        # copies: scikit-learn updates coef_init in place
        model.fit(X, y, coef_init=w0.reshape(1, -1).copy(), intercept_init=[b0])
        path.append((model.coef_.copy(), model.intercept_.copy()))
        for _ in range(epochs - 1):
            model.fit(X, y)
            path.append((model.coef_.copy(), model.intercept_.copy()))
    return path


@pytest.mark.parametrize("signs", [False, True])
def test_matches_sklearn_epoch_by_epoch(signs):
    # Same rule: no penalty, constant rate, the same order, no shuffling. With labels
    # {-1, +1}, t - y = ±2 on a mistake, so scikit-learn's eta0 is twice our η.
    rng = np.random.default_rng(3)
    X, y = nl.datasets.separable(300, 5, margin=0.02, random_state=3)
    X += 0.3 * rng.standard_normal(X.shape)  # overlap: many mistakes in every epoch
    y = 2 * y - 1 if signs else y
    w0, b0 = rng.standard_normal(5), 0.1
    eta = 0.5
    expected = _sklearn_epochs(X, y, eta * (2 if signs else 1), w0, b0, epochs=6)
    model = Perceptron(learning_rate=eta, max_epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y, coef_init=w0, intercept_init=b0)
    for epoch, (coef, intercept) in enumerate(expected):
        if epoch:
            model.partial_fit(X, y)
        np.testing.assert_allclose(model.coef_, coef, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(model.intercept_, intercept, rtol=1e-12, atol=1e-12)
    assert min(model.errors_) > 0


def test_online_epoch_equals_visiting_samples_one_by_one():
    X, y = nl.datasets.separable(500, 4, margin=0.0, random_state=7)
    X += 0.5 * np.random.default_rng(7).standard_normal(X.shape)
    w, b, mistakes = np.zeros(4), 0.0, 0
    for x, t in zip(X, y, strict=True):
        out = 1 if x @ w + b >= 0 else 0
        if out != t:
            w, b, mistakes = w + (t - out) * x, b + (t - out), mistakes + 1
    model = Perceptron(max_epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    np.testing.assert_allclose(model.coef_.ravel(), w, atol=1e-12)
    assert model.intercept_[0] == pytest.approx(b)
    assert model.errors_ == [mistakes]
    assert model.loss_curve_ == [mistakes / len(X)]  # the mean counting loss


def test_batch_rule_matches_closed_form_step():
    X, y = nl.datasets.separable(40, 3, random_state=1)
    w0, b0, eta = np.array([0.5, -1.0, 0.2]), 0.3, 0.7
    model = Perceptron(learning_rate=eta, mode="batch", max_epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y, coef_init=w0, intercept_init=b0)
    out = (X @ w0 + b0 >= 0).astype(float)
    np.testing.assert_allclose(model.coef_.ravel(), w0 + eta * (y - out) @ X / len(X))
    assert model.intercept_[0] == pytest.approx(b0 + eta * np.mean(y - out))
    assert model.errors_ == [int(np.sum(out != y))]


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_converges_on_separable_data(mode):
    X, y = nl.datasets.separable(400, 6, margin=0.2, random_state=5)
    model = Perceptron(mode=mode, max_epochs=5000).fit(X, y)
    assert model.converged_
    assert model.score(X, y) == 1.0


def test_shuffle_is_seeded():
    X, y = nl.datasets.separable(200, 3, margin=0.1, random_state=2)
    fits = [Perceptron(shuffle=True, random_state=4).fit(X, y) for _ in range(2)]
    np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)
    assert fits[0].converged_
    other = Perceptron(shuffle=True, random_state=5).fit(X, y)
    assert fits[0].errors_ != other.errors_ or not np.array_equal(fits[0].coef_, other.coef_)


def test_float32_input_is_supported():
    X, y = nl.datasets.iris_pair()
    model = Perceptron(learning_rate=0.1).fit(X.astype(np.float32), y)
    assert model.score(X.astype(np.float32), y) == 1.0


def test_score_is_one_minus_the_mean_counting_loss():
    X, y = nl.datasets.xor()
    with pytest.warns(ConvergenceWarning):
        model = Perceptron().fit(X, y)
    wrong = [int(h != t) for h, t in zip(model.predict(X), y, strict=True)]
    assert 0 < sum(wrong) < len(y)
    assert model.score(X, y) == 1 - sum(wrong) / len(y)
