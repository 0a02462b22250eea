"""The RBM as a scikit-learn transformer: estimator checks, pipelines, files, bad input."""

import numpy as np
import pytest
from boltzmann_helpers import POSITIVE
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import BernoulliRBM
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

import nnlearn as nl
from nnlearn.models import RBM, NotFittedError


# the checks' data are not probabilities: the warning that says so is expected there
@pytest.mark.filterwarnings("ignore:X has values from")
@parametrize_with_checks([RBM(n_hidden=3, n_iter=2, random_state=0),
                          RBM(n_hidden=2, n_iter=2, k=2, persistent=False, random_state=0)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_features_for_a_classifier_in_a_pipeline():
    data = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(data.data / 16, data.target,
                                                        test_size=0.3, random_state=0)
    settings = dict(learning_rate=0.06, n_iter=10, random_state=0)
    scores = {}
    for name, rbm in (("nnlearn", RBM(n_hidden=32, **settings)),
                      ("sklearn", BernoulliRBM(n_components=32, **settings))):
        model = Pipeline([("rbm", rbm), ("clf", LogisticRegression(C=10, max_iter=1000))])
        with threadpool_limits(1):  # BLAS threads only spin on matrices this small
            scores[name] = model.fit(X_train, y_train).score(X_test, y_test)
        if name == "nnlearn":
            assert model[:-1].get_feature_names_out()[[0, 31]].tolist() == ["rbm0", "rbm31"]
    # 32 learned features: 0.846 (scikit-learn's 0.837); the raw 64 pixels give about 0.96
    assert scores["nnlearn"] > 0.8
    assert abs(scores["nnlearn"] - scores["sklearn"]) < 0.03, scores
    ours = RBM(n_hidden=3, n_iter=1).fit(X_train)
    assert ours.get_feature_names_out().tolist() == ["rbm0", "rbm1", "rbm2"]
    assert ours.fit_transform(X_train).shape == (len(X_train), 3)


def test_verbose_prints_the_pseudo_likelihood_per_epoch(capsys):
    X = load_digits().data[:100] / 16
    rbm = RBM(n_hidden=4, n_iter=2, verbose=1, random_state=0).fit(X)
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(",")[0] for line in lines] == ["[RBM] Iteration 1", "[RBM] Iteration 2"]
    assert f"pseudo-likelihood = {rbm.score_samples(X).mean():.2f}" in lines[-1]


def test_a_saved_rbm_loads_and_keeps_training(tmp_path):
    X = load_digits().data[:200] / 16
    rbm = RBM(n_hidden=8, n_iter=2, random_state=0).fit(X)
    nl.save(rbm, tmp_path / "rbm.nnl")
    copy = nl.load(tmp_path / "rbm.nnl")
    assert copy.get_params() == rbm.get_params()
    copy._check_fitted_attributes()
    np.testing.assert_array_equal(copy.transform(X), rbm.transform(X))
    copy.partial_fit(X[:10])
    assert np.isfinite(copy.components_).all() and copy.components_.shape == (8, 64)


def test_check_fitted_attributes_finds_disagreements():
    X = load_digits().data[:50] / 16
    rbm = RBM(n_hidden=4, n_iter=1, random_state=0).fit(X)
    rbm._check_fitted_attributes()
    bad = {
        "components_": (np.zeros((4, 3)), "disagrees with n_hidden=4 or n_features_in_"),
        "intercept_hidden_": (np.zeros(5), "intercept_hidden_ must be a float64 array of "
                                           r"shape \(4,\)"),
        "intercept_visible_": (np.zeros(64, np.float32), "intercept_visible_ must be a float64"),
        "h_samples_": (np.full((10, 4), 0.5), "h_samples_ must be binary"),
    }
    for name, (value, message) in bad.items():
        broken = RBM(n_hidden=4, n_iter=1, random_state=0).fit(X)
        setattr(broken, name, value)
        with pytest.raises(ValueError, match=message):
            broken._check_fitted_attributes()
    broken.components_ = rbm.components_.copy()
    broken.components_[0, 0] = np.nan
    with pytest.raises(ValueError, match="components_ must be finite, got nan at index"):
        broken._check_fitted_attributes()


def test_bad_input_is_rejected():
    X = load_digits().data[:20] / 16
    with pytest.raises(NotFittedError, match="not fitted"):
        RBM().transform([[0, 1]])
    bad_params = [
        (dict(n_hidden=0), ValueError, f"n_hidden must be {POSITIVE}, got 0"),
        (dict(n_hidden=2.5), TypeError, fr"n_hidden must be {POSITIVE}, got 2.5 \(float\)"),
        (dict(batch_size=True), TypeError, fr"batch_size must be {POSITIVE}, got True"),
        (dict(learning_rate=-1.0), ValueError, "learning_rate must be a finite real number > 0"),
        (dict(learning_rate=np.inf), ValueError, "learning_rate must be a finite real number"),
        (dict(learning_rate=np.nan), ValueError, "learning_rate must be a finite real number"),
        (dict(learning_rate=1j), TypeError, "learning_rate must be a finite real number"),
        (dict(k=0), ValueError, f"k must be {POSITIVE}"),
        (dict(persistent="yes"), TypeError, "persistent must be True or False"),
        (dict(verbose=-1), TypeError, "verbose must be an integer ≥ 0"),
    ]
    for params, error, message in bad_params:
        with pytest.raises(error, match=message):
            RBM(**params).fit(X)
        with pytest.raises(error, match=message):
            RBM(**params).partial_fit(X)
    # NumPy numbers are numbers
    rbm = RBM(n_hidden=np.int64(3), batch_size=np.int32(5), n_iter=np.uint8(1), k=np.int64(1),
              learning_rate=np.float32(0.1), persistent=np.bool_(True)).fit(X)
    assert rbm.components_.shape == (3, 64)
    with pytest.raises(ValueError, match="0 feature"):
        RBM(n_hidden=2).fit(np.zeros((5, 0)))
    with pytest.raises(ValueError, match="Complex data not supported"):
        RBM(n_hidden=2).fit(X + 1j)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        RBM(n_hidden=2).fit(np.where(X > 0.5, np.nan, X))
    with pytest.raises(ValueError, match="X has 3 features, but RBM is expecting 64"):
        rbm.transform(np.zeros((2, 3)))
    with pytest.warns(UserWarning, match="X has values from 0 to 16: the RBM reads visible"):
        RBM(n_hidden=2, n_iter=1).fit(X * 16)
    with pytest.raises(ValueError, match="h must have 3 columns"):
        rbm.mean_visibles(np.zeros((2, 4)))
    with pytest.raises(TypeError, match="n_steps must be an integer ≥ 0"):
        rbm.gibbs(X[:2], n_steps=1.5)
    assert nl.models.RBM is RBM


def test_a_diverging_learning_rate_is_reported_and_the_last_finite_weights_kept():
    X = load_digits().data[:40] / 16
    rbm = RBM(n_hidden=4, n_iter=3, learning_rate=1e308, batch_size=1, random_state=0)
    with pytest.raises(ValueError, match="training diverged in epoch 1: learning_rate=1e"):
        rbm.fit(X)
    # the weights at the start of the epoch: the initial ones
    np.testing.assert_array_equal(rbm.components_,
                                  np.random.default_rng(0).normal(0, 0.01, (4, 64)))
    fitted = RBM(n_hidden=4, n_iter=1, random_state=0).fit(X).set_params(learning_rate=1e308)
    for _ in range(10):  # the first steps stay finite (1e307-sized weights)
        before = fitted.components_.copy()
        try:
            fitted.partial_fit(X[:1])
        except ValueError as error:
            assert "training diverged in this update" in str(error)
            break
    else:
        pytest.fail("ten steps of 1e308 did not overflow")
    np.testing.assert_array_equal(fitted.components_, before)
