"""What the neurons accept and refuse (issue 10): NumPy scalars are numbers; NaN, inf,
complex values, None and text where numbers are meant get a clear error naming the
argument."""

import warnings

import numpy as np
import pytest
import scipy.sparse

import nnlearn as nl
from nnlearn.models import (
    Adaline,
    ConvergenceWarning,
    LogisticNeuron,
    Perceptron,
    PolynomialFeatures,
)

X, Y = nl.datasets.logic_gate("or")
CLASSIFIERS = [Perceptron, Adaline, LogisticNeuron]


def _fit(model, X=X, y=Y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_numpy_scalars_are_the_numbers_they_hold(cls):
    numpy_params = dict(learning_rate=np.float32(0.5), max_epochs=np.int64(3),
                        shuffle=np.bool_(True), random_state=np.int64(2))
    python_params = dict(learning_rate=float(np.float32(0.5)), max_epochs=3, shuffle=True,
                         random_state=2)
    if cls is not Perceptron:
        numpy_params["tol"], python_params["tol"] = np.float64(1e-3), 1e-3
    ours, reference = _fit(cls(**numpy_params)), _fit(cls(**python_params))
    np.testing.assert_array_equal(ours.coef_, reference.coef_)
    assert ours.errors_ == reference.errors_ and ours.n_epochs_ == reference.n_epochs_


@pytest.mark.parametrize("cls", CLASSIFIERS)
@pytest.mark.parametrize(("params", "error", "message"), [
    (dict(learning_rate=np.nan), ValueError, "learning_rate must be a finite real number > 0, "
                                             "got nan"),
    (dict(learning_rate=np.inf), ValueError, "learning_rate must be .* got inf"),
    (dict(learning_rate=0), ValueError, "learning_rate must be .* > 0, got 0"),
    (dict(learning_rate=True), TypeError, r"learning_rate must be .* got True \(bool\)"),
    (dict(learning_rate=0.1 + 0j), TypeError, "learning_rate must be a finite real number"),
    (dict(learning_rate="0.1"), TypeError, "learning_rate must be a finite real number"),
    (dict(max_epochs=2.0), TypeError, r"max_epochs must be a positive integer, got 2.0 \(float\)"),
    (dict(max_epochs=np.bool_(True)), TypeError, "max_epochs must be a positive integer"),
    (dict(max_epochs=0), ValueError, "max_epochs must be a positive integer, got 0"),
    (dict(shuffle="no"), TypeError, "shuffle must be True or False, got 'no'"),
    (dict(random_state=1.5), TypeError, r"random_state \(or a numpy.random.Generator\) must be"),
    (dict(random_state=-1), ValueError, r"random_state .* must be an integer ≥ 0, got -1"),
])
def test_bad_parameters_are_named(cls, params, error, message):
    with pytest.raises(error, match=message):
        cls(**params).fit(X, Y)


@pytest.mark.parametrize("cls", [Adaline, LogisticNeuron])
def test_tol_is_none_or_a_finite_number(cls):
    _fit(cls(tol=None, max_epochs=2))
    for tol, error in [(np.nan, ValueError), (-1.0, ValueError), ("small", TypeError)]:
        with pytest.raises(error, match=r"tol \(or None\) must be"):
            cls(tol=tol).fit(X, Y)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_complex_data_is_refused_never_made_real(cls):
    with pytest.raises(ValueError, match=r"X must hold real numbers, got complex values.*"
                                         r"Complex data not supported"):
        cls().fit(X + 0j, Y)
    with pytest.raises(ValueError, match="y holds complex numbers"):
        cls().fit(X, Y + 0j)
    with pytest.raises(ValueError, match="y holds complex numbers"):
        cls().fit(X, np.array([0, 1j, 1, 1], dtype=object))
    with pytest.raises(ValueError, match="Complex data not supported"):
        cls().fit(scipy.sparse.csr_matrix(X + 1j), Y)
    model = _fit(cls())
    with pytest.raises(ValueError, match="Complex data not supported"):
        model.predict(X + 1j)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_none_text_and_objects_in_X_are_refused_by_name(cls):
    holed = X.astype(object)
    holed[1, 0] = None
    with pytest.raises(TypeError, match=r"X must hold numbers, got None at index \(1, 0\)"):
        cls().fit(holed, Y)
    holed[1, 0] = "1.5"
    with pytest.raises(TypeError, match=r"X must hold numbers, got the text '1.5'"):
        cls().fit(holed, Y)
    with pytest.raises(TypeError, match="X must be an array of real numbers, got text"):
        cls().fit(X.astype(str), Y)
    holed[1, 0] = {"a": 1}
    with pytest.raises(TypeError, match="X must hold numbers, got dtype object: float"):
        cls().fit(holed, Y)
    # An object array of numbers is numbers.
    np.testing.assert_array_equal(_fit(cls(), X.astype(object)).coef_, _fit(cls()).coef_)


@pytest.mark.parametrize("cls", CLASSIFIERS)
@pytest.mark.parametrize(("labels", "error", "message"), [
    ([0, 1, np.nan, 1], ValueError, "y holds NaN or infinity; expected class labels"),
    ([0, 1, np.inf, 1], ValueError, "y holds NaN or infinity"),
    ([0, 1, 0.5, 1], ValueError, "Unknown label type: y holds continuous values"),
    (np.array([0, 1, None, 1], dtype=object), TypeError, "y holds None at index 2"),
    (np.array([0, "a", 1, 1], dtype=object), TypeError, "y mixes labels of types"),
    ([[0, 1], [1, 0], [0, 1], [1, 1]], ValueError, r"y must be 1-d .* got shape \(4, 2\)"),
    ([0, 1, 1], ValueError, "X and y have different lengths: X has 4 samples, y has 3"),
])
def test_bad_labels_are_refused_by_fit_and_score(cls, labels, error, message):
    with pytest.raises(error, match=message):
        cls().fit(X, labels)
    model = _fit(cls())
    with pytest.raises(error, match=message):
        model.score(X, labels)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_score_counts_labels_of_any_kind(cls):
    model = _fit(cls(max_epochs=1000))
    assert model.score(X, Y.astype(float)) == model.score(X, list(Y)) == 1.0
    assert model.score(X, np.array([0, 1, 1, 1], dtype=object)) == 1.0
    assert model.score(X, [7, 7, 7, 7]) == 0.0  # labels it does not know are wrong


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_classes_of_partial_fit_are_checked(cls):
    with pytest.raises(ValueError, match=r"classes holds one class only \(\[1\]\)"):
        cls().partial_fit(X, Y, classes=[1, 1])
    with pytest.raises(TypeError, match="classes holds None"):
        cls().partial_fit(X, Y, classes=np.array([0, None], dtype=object))


def test_polynomial_features_refuse_sparse_input_and_bool_degrees():
    with pytest.raises(TypeError, match="X is a sparse matrix, and PolynomialFeatures takes "
                                        "dense data only"):
        PolynomialFeatures().fit(scipy.sparse.csr_matrix(X))
    with pytest.raises(TypeError, match="degree must be an integer ≥ 0, got True"):
        PolynomialFeatures(degree=True).fit(X)
    assert PolynomialFeatures(degree=np.int64(2)).fit(X).n_output_features_ == 6
