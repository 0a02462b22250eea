"""A neuron's fitted attributes are checked against each other before its weights are used:
a tampered model (a damaged file, an attribute set by hand) gets a clear ValueError, never a
crash in a compiled loop."""

import warnings

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.models import Adaline, ConvergenceWarning, LogisticNeuron, Perceptron

X, Y = nl.datasets.logic_gate("and")
X3 = np.vstack([X, X + 2.0])
Y3 = np.array([0, 1, 1, 2, 0, 1, 2, 2])
CLASSIFIERS = [Perceptron, Adaline, LogisticNeuron]


def _fitted(cls, X=X, y=Y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return cls(max_epochs=5).fit(X, y)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_a_fitted_and_an_unfitted_model_pass(cls):
    assert cls()._check_fitted_attributes() is None
    assert _fitted(cls)._check_fitted_attributes() is None
    assert _fitted(cls, X3, Y3)._check_fitted_attributes() is None


TAMPERED = [
    ("coef_", np.zeros((1, 3)), r"coef_ has shape \(1, 3\), but 2 classes and n_features_in_=2 "
                                r"make it \(1, 2\)"),
    ("coef_", np.zeros(2), r"coef_ has shape \(2,\)"),
    ("coef_", np.zeros((1, 2), dtype=int), "coef_ must be a float32 or float64 array"),
    ("coef_", [[0.0, 0.0]], "coef_ must be a float32 or float64 array, got list"),
    ("coef_", np.array([[np.nan, 0.0]]), "coef_ must be finite, got nan"),
    ("intercept_", np.zeros(2), r"intercept_ has shape \(2,\), but .* make it \(1,\)"),
    ("intercept_", np.array([np.inf]), "intercept_ must be finite, got inf"),
    ("n_features_in_", 3, r"coef_ has shape \(1, 2\), but 2 classes and n_features_in_=3"),
    ("n_features_in_", 2.0, "n_features_in_ must be a positive integer, got 2.0"),
    ("n_features_in_", 0, "n_features_in_ must be a positive integer, got 0"),
    ("classes_", np.array([0, 1, 2]), r"coef_ has shape \(1, 2\), but 3 classes"),
    ("classes_", np.array([1, 0]), "classes_ must hold at least two distinct labels, sorted"),
    ("classes_", np.array([1]), "classes_ must hold at least two distinct labels"),
    ("classes_", np.array([0.5, 1.5]), "Unknown label type"),
    ("errors_", [1, 2], "errors_ must be a list of n_epochs_=5 values"),
    ("errors_", [1, 2, 3, 4, -1], r"errors_ holds -1; expected finite integers ≥ 0"),
    ("errors_", [1, 2, 3, 4, 0.5], r"errors_ holds 0.5"),
    ("loss_curve_", [0.1] * 4 + [np.nan], r"loss_curve_ holds nan"),
    ("loss_curve_", None, "loss_curve_ must be a list"),
    ("n_epochs_", -1, "n_epochs_ must be an integer ≥ 0"),
    ("converged_", "yes", "converged_ must be True or False"),
    ("negative_code_", 7.0, "negative_code_=7.0 disagrees with classes_"),
]


@pytest.mark.parametrize("cls", CLASSIFIERS)
@pytest.mark.parametrize(("name", "value", "message"), TAMPERED,
                         ids=[f"{name}-{i}" for i, (name, _, _) in enumerate(TAMPERED)])
def test_each_inconsistent_attribute_is_named(cls, name, value, message):
    model = _fitted(cls)
    setattr(model, name, value)
    with pytest.raises(ValueError, match=message):
        model._check_fitted_attributes()
    # partial_fit and predict check the same before they use the weights.
    with pytest.raises(ValueError, match=message):
        model.partial_fit(X, Y)
    with pytest.raises(ValueError, match=message):
        model.predict(X)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_a_partly_fitted_model_says_what_it_lacks(cls):
    model = _fitted(cls)
    del model.errors_, model.negative_code_
    with pytest.raises(ValueError, match="is partly fitted: it lacks errors_, negative_code_"):
        model._check_fitted_attributes()


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_three_classes_need_three_rows(cls):
    model = _fitted(cls, X3, Y3)
    model.coef_ = model.coef_[:1]
    with pytest.raises(ValueError, match=r"coef_ has shape \(1, 2\), but 3 classes .* \(3, 2\)"):
        model._check_fitted_attributes()


def test_the_perceptron_checks_its_cycle():
    model = _fitted(Perceptron)
    model.cycle_ = (1, 2, 3)
    with pytest.raises(ValueError, match=r"cycle_ must be None or \(first epoch, period\)"):
        model._check_fitted_attributes()
    model.cycle_ = (0, 2)
    model._check_fitted_attributes()


@pytest.mark.parametrize("cls", CLASSIFIERS)
@pytest.mark.parametrize("width", [1, 3, 1000])
def test_partial_fit_with_a_coef_of_another_width_raises_instead_of_crashing(cls, width):
    # The regression of issue 10: coef_ of width 1000 with 2 features made the compiled
    # loop read out of bounds (a segmentation fault); width 3 wrote garbage.
    model = _fitted(cls)
    model.coef_ = np.ones((1, width))
    with pytest.raises(ValueError, match=rf"coef_ has shape \(1, {width}\)"):
        model.partial_fit(X, Y)


def test_the_compiled_loops_are_guarded_at_their_entry():
    # Even past the attribute checks, an epoch refuses shapes its loops cannot take.
    model = _fitted(Perceptron)
    model._check_fitted_attributes = lambda: None  # a check bypassed
    model.coef_ = np.ones((1, 3))
    with pytest.raises(ValueError, match=r"inconsistent shapes for an epoch: X \(4, 2\), "
                                         r"targets \(4, 1\), coef_ \(1, 3\)"):
        model.partial_fit(X, Y)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_a_saved_and_loaded_model_passes_and_a_float32_coef_too(cls, tmp_path):
    model = _fitted(cls, X3, Y3)
    nl.save(model, tmp_path / "neuron.nnl")
    nl.load(tmp_path / "neuron.nnl")._check_fitted_attributes()
    model.coef_ = model.coef_.astype(np.float32)
    model._check_fitted_attributes()
    model.partial_fit(X3, Y3)  # and learns on, in float64
    assert model.coef_.dtype == np.float64
