"""Sample and class weights, several labels per sample, sparse and float32 X, and the
probabilities of MLPClassifier."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.utils.class_weight import compute_sample_weight

from nnlearn.estimators import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(90, 4))
Y = np.where(X[:, 0] + 0.5 * X[:, 1] > 0.8, 2, (X[:, 2] > 0).astype(int))  # imbalanced
QUICK = dict(hidden_layer_sizes=(6,), max_iter=8, batch_size=16, random_state=0)


def same_weights(a, b):
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("class_weight", ["balanced", {0: 0.5, 2: 3.0}])
def test_class_weight_is_sample_weight(class_weight):
    """class_weight multiplies the sample weights by scikit-learn's per-class weights."""
    sample_weight = RNG.uniform(0.5, 2, size=len(X))
    weighted = MLPClassifier(**QUICK, class_weight=class_weight).fit(X, Y, sample_weight)
    by_hand = MLPClassifier(**QUICK).fit(
        X, Y, sample_weight * compute_sample_weight(class_weight, Y))
    same_weights(weighted, by_hand)
    counts = np.bincount(Y)
    assert weighted.loss_ != MLPClassifier(**QUICK).fit(X, Y, sample_weight).loss_
    assert counts.min() < counts.max() / 2  # the classes are imbalanced


def test_class_weight_errors_are_clear():
    with pytest.raises(ValueError, match="'balanced' is not supported for partial_fit"):
        MLPClassifier(class_weight="balanced").partial_fit(X, Y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="class_weight is for one label per sample"):
        MLPClassifier(class_weight="balanced").fit(X, np.c_[Y == 0, Y == 1].astype(int))
    partial = MLPClassifier(**QUICK, class_weight={2: 2.0})
    assert partial.partial_fit(X, Y, classes=[0, 1, 2]).t_ == len(X)  # a dict is fine


def test_zero_weights_are_removed_samples():
    keep = RNG.uniform(size=len(X)) < 0.7
    weighted = MLPRegressor(**QUICK, solver="lbfgs").fit(X, X[:, 0], keep.astype(float))
    removed = MLPRegressor(**QUICK, solver="lbfgs").fit(X[keep], X[keep, 0])
    for p, q in zip(weighted.coefs_, removed.coefs_, strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-7, atol=1e-9)


def test_weighted_standardization_uses_the_weighted_statistics():
    w = RNG.uniform(0, 3, size=len(X))
    est = MLPRegressor(**QUICK, standardize=True).fit(X, X[:, 0], sample_weight=w)
    mean = np.average(X, axis=0, weights=w)
    np.testing.assert_allclose(est.mean_, mean, rtol=1e-12)
    np.testing.assert_allclose(est.scale_, np.sqrt(np.average((X - mean) ** 2, axis=0,
                                                              weights=w)), rtol=1e-12)


def test_several_labels_per_sample():
    labels = np.c_[X[:, 0] > 0, X[:, 1] > 0, X[:, 0] + X[:, 1] > 1].astype(int)
    clf = MLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs", random_state=0)
    clf.fit(X, labels)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 3
    assert clf.classes_.tolist() == [0, 1, 2]
    predicted = clf.predict(X)
    assert predicted.shape == labels.shape and set(np.unique(predicted)) <= {0, 1}
    assert clf.score(X, labels) > 0.9  # subset accuracy: every label of a sample right
    z = clf.decision_function(X)
    np.testing.assert_allclose(clf.predict_proba(X), 1 / (1 + np.exp(-z)), rtol=1e-12)
    np.testing.assert_array_equal(predicted, (z > 0).astype(int))
    with pytest.raises(ValueError, match="must be a 0/1 indicator matrix"):
        MLPClassifier(max_iter=2).fit(X, np.c_[Y, Y])  # several multi-class outputs


@pytest.mark.parametrize("y", [Y, Y % 2, np.c_[Y == 0, Y == 1].astype(int)],
                         ids=["multiclass", "binary", "multilabel"])
def test_log_probabilities_are_the_log_of_the_probabilities_but_finite(y):
    clf = MLPClassifier(**QUICK).fit(X, y)
    log_p = clf.predict_log_proba(X)
    np.testing.assert_allclose(log_p, np.log(clf.predict_proba(X)), rtol=1e-12, atol=1e-15)
    for layer in clf.model_:  # logits of ±1000: probabilities round to 0, their logs do not
        layer.weight.data *= 100
    extreme = clf.predict_log_proba(X * 100)
    assert np.isfinite(extreme).all() and extreme.min() < -700
    assert np.any(clf.predict_proba(X * 100) == 0)


def test_sparse_x_is_densified_batch_by_batch_and_gives_the_dense_fit():
    dense = X * (RNG.uniform(size=X.shape) < 0.3)
    for fmt in ("csr", "csc"):
        matrix = sp.csr_matrix(dense).asformat(fmt)
        ours = MLPClassifier(**QUICK).fit(matrix, Y)
        same_weights(ours, MLPClassifier(**QUICK).fit(dense, Y))
        np.testing.assert_array_equal(ours.predict_proba(matrix), ours.predict_proba(dense))
    scaled = MLPClassifier(**QUICK, standardize=True).fit(sp.csr_matrix(dense), Y)
    assert not scaled.mean_.any()  # scaled, not centered: it stays sparse
    np.testing.assert_allclose(scaled.scale_, dense.std(axis=0), rtol=1e-12)
    by_hand = MLPClassifier(**QUICK).fit(dense / dense.std(axis=0), Y)
    for p, q in zip(scaled.coefs_, by_hand.coefs_, strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-12)


def test_float32_x_trains_in_float32_unless_a_dtype_is_asked():
    X32 = X.astype(np.float32)
    automatic = MLPClassifier(**QUICK).fit(X32, Y)
    assert automatic.model_.dtype == np.float32 and automatic.coefs_[0].dtype == np.float32
    assert automatic.predict_proba(X32).dtype == np.float32
    asked = MLPClassifier(**QUICK, dtype="float64").fit(X32, Y)
    assert asked.model_.dtype == np.float64
    assert MLPClassifier(**QUICK).fit(X.astype(int), Y).model_.dtype == np.float64
    np.testing.assert_allclose(automatic.loss_curve_, asked.loss_curve_, rtol=1e-4)


def test_early_stopping_holds_out_a_stratified_split():
    """The held-out samples keep the class proportions: the split of scikit-learn's
    StratifiedShuffleSplit with the same seed."""
    clf = MLPClassifier(**QUICK, early_stopping=True, validation_fraction=0.2)
    clf.fit(X, Y)
    train, held = next(StratifiedShuffleSplit(test_size=0.2, random_state=0).split(X, Y))
    assert clf.t_ == clf.n_iter_ * len(train)
    fractions = np.bincount(Y[held], minlength=3) / len(held)
    np.testing.assert_allclose(fractions, np.bincount(Y) / len(Y), atol=0.5 / len(held) + 0.02)
    by_hand = MLPClassifier(**QUICK)  # the same fit, trained on the kept part, scored on held
    assert clf.validation_scores_[0] == pytest.approx(
        by_hand.set_params(max_iter=1).fit(X[train], Y[train]).score(X[held], Y[held]))
