"""The estimators against scikit-learn's MLPClassifier and MLPRegressor, step for step.

Both start from the same weights (scikit-learn's ``_init_coef`` hands out nnlearn's
initial network, layer by layer) and see the same batches (``shuffle=False``): the
weights, the loss curve, the counters and the predictions must then agree to rounding
(1e-12 in float64) for every solver, schedule, stopping rule, sample weighting and kind of
target the two share.
"""

import contextlib
import io
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import neural_network

from nnlearn.estimators import MLPClassifier, MLPRegressor, mlp_network

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(103, 5))  # 103 = 6 batches of 16 and one of 7
LABELS = RNG.integers(0, 3, size=103)
INDICATOR = (RNG.uniform(size=(103, 4)) < 0.4).astype(int)
TARGET = X @ RNG.normal(size=5) + 0.1 * RNG.normal(size=103)
TARGETS = np.c_[TARGET, 1 - 2 * TARGET, np.sin(TARGET)]
WEIGHTS = RNG.uniform(0, 3, size=103)
THEIRS = {MLPClassifier: neural_network.MLPClassifier, MLPRegressor: neural_network.MLPRegressor}


def pair(cls, n_outputs, **params):
    """nnlearn's estimator and scikit-learn's, to start from the same network."""
    settings = dict(hidden_layer_sizes=(7,), activation="tanh", shuffle=False, random_state=0,
                    batch_size=16, max_iter=12, alpha=1e-3, learning_rate_init=0.01)
    settings.update(params)
    ours, theirs = cls(**settings), THEIRS[cls](**settings)
    layers = iter(mlp_network(X.shape[1], settings["hidden_layer_sizes"], n_outputs,
                              settings["activation"], random_state=0))

    def same_start(fan_in, fan_out, dtype):
        layer = next(layers)
        return layer.weight.data.astype(dtype), layer.bias.data.astype(dtype)

    theirs._init_coef = same_start
    return ours, theirs


def assert_same_fit(ours, theirs, X_fit, rtol=1e-12, atol=1e-12):
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_,
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
    curve = getattr(theirs, "loss_curve_", [theirs.loss_])
    np.testing.assert_allclose(ours.loss_curve_[-len(curve):], curve, rtol=rtol)
    assert ours.n_iter_ == theirs.n_iter_ and ours.n_layers_ == theirs.n_layers_
    assert ours.n_outputs_ == theirs.n_outputs_ and ours.out_activation_ == theirs.out_activation_
    if isinstance(ours, MLPClassifier):
        np.testing.assert_allclose(ours.predict_proba(X_fit), theirs.predict_proba(X_fit),
                                   rtol=rtol, atol=atol)
        np.testing.assert_array_equal(ours.predict(X_fit), theirs.predict(X_fit))
    else:
        np.testing.assert_allclose(ours.predict(X_fit), theirs.predict(X_fit), rtol=rtol,
                                   atol=atol)


CASES = {  # estimator, targets, outputs
    "multiclass": (MLPClassifier, LABELS, 3),
    "binary": (MLPClassifier, LABELS % 2, 1),
    "multilabel": (MLPClassifier, INDICATOR, 4),
    "regression": (MLPRegressor, TARGET, 1),
    "multi-output": (MLPRegressor, TARGETS, 3),
}
SOLVERS = {
    "sgd": {"solver": "sgd"},
    "sgd-plain-momentum": {"solver": "sgd", "nesterovs_momentum": False, "momentum": 0.5},
    "adam": {"solver": "adam", "beta_1": 0.8, "epsilon": 1e-6},
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("solver", SOLVERS)
def test_sgd_and_adam_follow_scikit_learn(case, solver):
    """The L2 term of every batch, the last short batch, the loss curve: all as
    scikit-learn computes them."""
    cls, y, n_outputs = CASES[case]
    ours, theirs = pair(cls, n_outputs, **SOLVERS[solver])
    ours.fit(X, y)
    theirs.fit(X, y)
    assert_same_fit(ours, theirs, X)
    assert ours.t_ == theirs.t_ == 12 * len(X) and ours.best_loss_ == pytest.approx(
        theirs.best_loss_, rel=1e-12)


@pytest.mark.parametrize(("case", "solvers"), [("multiclass", ("sgd", "adam", "lbfgs")),
                                               ("multi-output", ("sgd", "adam"))])
def test_sample_weights_follow_scikit_learn(case, solvers):
    """(Not L-BFGS with several regression outputs: scikit-learn's L-BFGS there minimizes a
    loss averaged over the outputs with the gradient of their sum; nnlearn's minimizes the
    sum, with its gradient.)"""
    cls, y, n_outputs = CASES[case]
    for solver in solvers:
        ours, theirs = pair(cls, n_outputs, solver=solver, max_iter=12 if solver != "lbfgs" else 30)
        ours.fit(X, y, sample_weight=WEIGHTS)
        theirs.fit(X, y, sample_weight=WEIGHTS)
        assert_same_fit(ours, theirs, X, rtol=1e-9 if solver == "lbfgs" else 1e-12)


@pytest.mark.parametrize(("schedule", "final_rate"), [
    ({"learning_rate": "invscaling", "learning_rate_init": 0.1, "power_t": 0.3},
     0.1 / (12 * 103 + 1) ** 0.3),  # η₀ / (t + 1)^p after the last epoch
    ({"learning_rate": "adaptive", "tol": 0.05, "n_iter_no_change": 1, "max_iter": 15},
     0.01 / 5**4),  # divided by 5 four times
], ids=["invscaling", "adaptive"])
def test_learning_rate_schedules_follow_scikit_learn(schedule, final_rate):
    ours, theirs = pair(MLPRegressor, 3, solver="sgd", **schedule)
    ours.fit(X, TARGETS, sample_weight=WEIGHTS)
    theirs.fit(X, TARGETS, sample_weight=WEIGHTS)
    assert_same_fit(ours, theirs, X)
    rate = ours._optimizer_.param_groups[0]["lr"]
    assert rate == pytest.approx(theirs._optimizer.learning_rate, rel=1e-12)
    assert rate == pytest.approx(final_rate, rel=1e-12)


@pytest.mark.parametrize("case", ["binary", "regression"])
def test_early_stopping_follows_scikit_learn(case):
    """The same held-out samples (stratified for two classes), scores, stop and best
    weights restored."""
    cls, y, n_outputs = CASES[case]
    ours, theirs = pair(cls, n_outputs, early_stopping=True, n_iter_no_change=3, max_iter=60,
                        validation_fraction=0.2)
    ours.fit(X, y)
    theirs.fit(X, y)
    assert_same_fit(ours, theirs, X)
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_, rtol=1e-12)
    assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_, rel=1e-12)
    assert ours.n_iter_ < 60 and ours.best_loss_ is theirs.best_loss_ is None
    assert len(ours.validation_loss_curve_) == ours.n_iter_


@pytest.mark.parametrize("case", ["multiclass", "binary", "multilabel", "regression"])
def test_lbfgs_follows_scikit_learn(case):
    cls, y, n_outputs = CASES[case]
    ours, theirs = pair(cls, n_outputs, solver="lbfgs", max_iter=40)
    ours.fit(X, y)
    theirs.fit(X, y)
    assert_same_fit(ours, theirs, X, rtol=1e-9, atol=1e-10)  # 40 line searches
    limited, theirs_limited = pair(cls, n_outputs, solver="lbfgs", max_iter=200, max_fun=10)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        limited.fit(X, y)
    theirs_limited.fit(X, y)
    assert limited.n_iter_ == theirs_limited.n_iter_ <= 10
    assert any("lbfgs stopped" in str(w.message) for w in caught)


def test_sparse_x_follows_scikit_learn():
    X_sparse = X * (RNG.uniform(size=X.shape) < 0.4)
    for fmt in ("csr", "csc"):
        ours, theirs = pair(MLPClassifier, 3)
        matrix = sp.csr_matrix(X_sparse).asformat(fmt)
        ours.fit(matrix, LABELS)
        theirs.fit(matrix, LABELS)
        assert_same_fit(ours, theirs, matrix)


def test_partial_fit_and_warm_start_follow_scikit_learn():
    ours, theirs = pair(MLPClassifier, 1, solver="sgd")
    for _ in range(4):
        ours.partial_fit(X, LABELS % 2, classes=[0, 1])
        theirs.partial_fit(X, LABELS % 2, classes=[0, 1])
    assert_same_fit(ours, theirs, X)
    assert ours.t_ == theirs.t_ == 4 * len(X) and ours.n_iter_ == theirs.n_iter_ == 1
    ours, theirs = pair(MLPRegressor, 1, solver="sgd", warm_start=True, max_iter=4,
                        learning_rate="invscaling", learning_rate_init=0.05)
    for _ in range(3):  # each fit a fresh optimizer; t_, the curve and best_loss_ go on
        ours.fit(X, TARGET)
        theirs.fit(X, TARGET)
    assert_same_fit(ours, theirs, X)
    assert len(ours.loss_curve_) == 12 and ours.t_ == theirs.t_
    assert ours.best_loss_ == pytest.approx(theirs.best_loss_, rel=1e-12)


def test_float32_trains_in_float32_as_scikit_learn():
    ours, theirs = pair(MLPClassifier, 3)
    X32 = X.astype(np.float32)
    ours.fit(X32, LABELS)
    theirs.fit(X32, LABELS)
    assert ours.coefs_[0].dtype == np.float32 and ours.predict_proba(X32).dtype == np.float32
    assert_same_fit(ours, theirs, X32, rtol=1e-5, atol=1e-6)


def test_verbose_prints_what_scikit_learn_prints():
    printed = []
    for estimator in pair(MLPClassifier, 1, verbose=True, early_stopping=True, max_iter=40,
                          n_iter_no_change=2):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            estimator.fit(X, LABELS % 2)
        printed.append(out.getvalue())
    assert printed[0] == printed[1]
    assert "Iteration 1, loss = " in printed[0] and "Validation score: " in printed[0]
    assert "Stopping." in printed[0]
