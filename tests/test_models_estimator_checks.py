"""scikit-learn's estimator checks, and clear errors for bad input."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

import nnlearn as nl
from nnlearn.models import (
    Adaline,
    LogisticNeuron,
    NotFittedError,
    Perceptron,
    PolynomialFeatures,
)

ESTIMATORS = [
    Perceptron(),
    Perceptron(mode="batch"),
    Adaline(),  # the normalized rate: stable on the checks' unscaled data
    Adaline(mode="batch"),
    # A fixed rate is stable only for α (‖x‖² + 1) < 2: the checks' data have ‖x‖² in the thousands.
    Adaline(learning_rate=1e-4, normalized=False),
    LogisticNeuron(),
    LogisticNeuron(loss="squared", mode="online", max_epochs=50),
    PolynomialFeatures(),
]
CLASSIFIERS = [Perceptron, Adaline, LogisticNeuron]

# scikit-learn's checks fit on data the linear rules cannot separate: not converging is right.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_clone_and_params_round_trip(cls):
    model = cls(learning_rate=0.3, max_epochs=7, random_state=2)
    copy = clone(model)
    assert copy.get_params() == model.get_params() and copy is not model
    with pytest.raises(ValueError, match="Invalid parameter 'rate'"):
        model.set_params(rate=1)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_bad_input_gives_clear_errors(cls):
    X, y = nl.datasets.logic_gate("and")
    model = cls()
    with pytest.raises(NotFittedError, match="not fitted yet"):
        model.predict(X)
    with pytest.raises(ValueError, match="Unknown label type"):
        model.fit(X, [0.5, 0.1, 0.2, 0.9])
    with pytest.raises(ValueError, match="one class only"):
        model.fit(X, [1, 1, 1, 1])
    with pytest.raises(ValueError, match=r"X must be finite, got nan .*NaN and infinity"):
        model.fit(np.where(X == 1, np.nan, X), y)
    with pytest.raises(ValueError, match=r"different lengths.*4 samples.*3"):
        model.fit(X, y[:3])
    with pytest.raises(ValueError, match="requires y"):
        model.fit(X, None)
    with pytest.raises(ValueError, match="2-d"):
        model.fit(X[:, 0], y)
    with pytest.raises(ValueError, match="learning_rate"):
        cls(learning_rate=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="max_epochs"):
        cls(max_epochs=0).fit(X, y)
    with pytest.raises(ValueError, match="mode"):
        cls(mode="minibatch").fit(X, y)
    with warnings.catch_warnings():  # only the fitted state matters here, not convergence
        warnings.simplefilter("ignore", nl.models.ConvergenceWarning)
        model.set_params(max_epochs=1000).fit(X, y)
    with pytest.raises(ValueError, match=r"X has 3 features, but .* expecting 2"):
        model.predict(np.ones((2, 3)))
    with pytest.raises(ValueError, match="classes must be passed"):
        cls().partial_fit(X, y)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_any_two_labels_are_accepted(cls):
    X, y = nl.datasets.logic_gate("or")
    names = np.array(["off", "on"])[y]
    model = cls(max_epochs=2000).fit(X, names)
    np.testing.assert_array_equal(model.classes_, ["off", "on"])
    np.testing.assert_array_equal(model.predict(X), names)
    assert model.score(X, names) == 1.0
