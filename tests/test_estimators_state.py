"""The fitted state of the MLP estimators: copies that train on exactly as the original,
weights that are the network's own arrays, checked attributes, and prediction's checks."""

import copy
import io
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import nnlearn as nl
from nnlearn.estimators import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(80, 4))
Y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)


def joblib_round_trip(obj):
    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


COPIERS = {"pickle": lambda o: pickle.loads(pickle.dumps(o)), "deepcopy": copy.deepcopy,
           "joblib": joblib_round_trip}


@pytest.mark.parametrize("copier", COPIERS)
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_a_copied_estimator_goes_on_training_exactly_as_the_original(copier, solver):
    """The bug this guards against: the copy's optimizer updated arrays that were no longer
    its network's, so partial_fit silently stopped learning (joblib: it raised)."""
    original = MLPClassifier(hidden_layer_sizes=(6,), solver=solver, batch_size=16,
                             random_state=0).partial_fit(X, Y, classes=[0, 1, 2])
    twin = COPIERS[copier](original)
    before = [w.copy() for w in twin.coefs_]
    for _ in range(3):
        original.partial_fit(X, Y)
        twin.partial_fit(X, Y)
    for a, b, start in zip(original.coefs_, twin.coefs_, before, strict=True):
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(b, start)  # it did learn
    assert twin.loss_curve_ == original.loss_curve_ and twin.t_ == original.t_
    assert np.shares_memory(twin.coefs_[0], twin._optimizer_.theta)


def test_a_clone_fits_as_the_original_did():
    original = MLPRegressor(hidden_layer_sizes=(5,), max_iter=6, random_state=0)
    fitted = original.fit(X, X[:, 0])
    twin = clone(fitted)
    assert not hasattr(twin, "model_")  # a clone is unfitted, as scikit-learn's
    twin.fit(X, X[:, 0])
    for a, b in zip(fitted.coefs_, twin.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_coefs_and_intercepts_are_the_networks_own_arrays():
    clf = MLPClassifier(hidden_layer_sizes=(6, 5), max_iter=5, random_state=0).fit(X, Y)
    assert [w.shape for w in clf.coefs_] == [(4, 6), (6, 5), (5, 3)]
    assert [b.shape for b in clf.intercepts_] == [(6,), (5,), (3,)]
    assert all(w is layer.weight.data for w, layer in zip(clf.coefs_, clf.model_, strict=True))
    assert clf.n_layers_ == 4 and clf.out_activation_ == "softmax"
    clf.coefs_[-1][...] = 0  # in place: the network predicts with it
    clf.intercepts_[-1][...] = [0.0, 5.0, 0.0]
    assert np.all(clf.predict(X) == 1)
    clf.coefs_ = [w + 1 for w in clf.coefs_]  # assigning copies the values in
    np.testing.assert_array_equal(clf.model_[0].weight.data, clf.coefs_[0])
    with pytest.raises(ValueError, match=r"coefs_\[1\] has shape \(5, 6\), expected \(6, 5\)"):
        clf.coefs_ = [clf.coefs_[0], np.zeros((5, 6)), clf.coefs_[2]]
    with pytest.raises(ValueError, match="intercepts_ needs 3 arrays, one per layer, got 1"):
        clf.intercepts_ = [np.zeros(6)]
    with pytest.raises(AttributeError):
        MLPClassifier().coefs_  # noqa: B018 (unfitted: no coefs_, as scikit-learn's)


def fitted_attributes(estimator):
    return {key: value for key, value in vars(estimator).items()
            if key.endswith("_") and not key.startswith("_") and key != "model_"}


@pytest.mark.parametrize("make", [
    lambda: MLPClassifier(hidden_layer_sizes=(5,), max_iter=4, random_state=0).fit(X, Y),
    lambda: MLPClassifier(hidden_layer_sizes=(5,), max_iter=6, early_stopping=True,
                          validation_fraction=0.25, random_state=0).fit(X, Y),
    lambda: MLPRegressor(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=10,
                         random_state=0).fit(X, X[:, :2]),
], ids=["adam", "early-stopping", "lbfgs"])
def test_a_saved_estimator_comes_back_with_every_fitted_attribute(tmp_path, make):
    estimator = make()
    nl.save(estimator, tmp_path / "est.nnl")
    loaded = nl.load(tmp_path / "est.nnl")
    expected = fitted_attributes(estimator)
    assert fitted_attributes(loaded).keys() == expected.keys()
    assert {"t_", "best_loss_", "validation_scores_", "best_validation_score_",
            "out_activation_", "loss_"} <= expected.keys()
    for key, value in expected.items():
        np.testing.assert_array_equal(getattr(loaded, key), value)
    np.testing.assert_array_equal(loaded.coefs_[0], estimator.coefs_[0])


@pytest.mark.parametrize(("change", "message"), [
    (lambda e: setattr(e, "t_", -1), "t_ must be an integer ≥ 0"),
    (lambda e: setattr(e, "best_loss_", None), "best_loss_ must be set for solver='adam'"),
    (lambda e: setattr(e, "validation_scores_", [0.5]), "validation_scores_ must be None"),
    (lambda e: setattr(e, "out_activation_", "softmax"),
     "out_activation_='softmax' with 2 classes and n_outputs_=1 do not fit together"),
    (lambda e: setattr(e, "loss_curve_", ["a"]), "loss_curve_ must be an array of real"),
    (lambda e: setattr(e, "n_outputs_", 2), "model_ has layer widths"),
])
def test_fitted_attributes_that_disagree_are_refused(change, message):
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit(X, Y > 0)
    clf._check_fitted_attributes()
    change(clf)
    with pytest.raises(ValueError, match=message):
        clf._check_fitted_attributes()


def test_prediction_checks_its_input_as_scikit_learn_does():
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit(X, Y)
    with pytest.raises(ValueError, match="X has 3 features, but MLPClassifier is expecting 4"):
        clf.predict(X[:1, :3])
    bad = X[:2].copy()
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        clf.predict_proba(bad)
    with pytest.raises(ValueError, match="Found array with 0 sample"):
        clf.predict(X[:0])
    np.testing.assert_array_equal(clf.predict(X.astype(int)), clf.predict(X.astype(int) + 0.0))
    np.testing.assert_array_equal(clf.predict(X[:1]), clf.predict(X)[:1])
    frame = pd.DataFrame(X, columns=list("abcd"))
    named = MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit(frame, Y)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        named.predict(X)  # fitted with names, given none: scikit-learn's warning stays
