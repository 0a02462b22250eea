"""The restricted Boltzmann machine, against enumeration and scikit-learn's BernoulliRBM."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, logsumexp
from sklearn.datasets import load_digits
from sklearn.neural_network import BernoulliRBM

from nnlearn.models import RBM, BoltzmannMachine
from nnlearn.models.energy.binary import binary_states


def random_rbm(n_visible, n_hidden, seed):
    rng = np.random.default_rng(seed)
    rbm = RBM(n_hidden=n_hidden)
    rbm.components_ = rng.normal(size=(n_hidden, n_visible))
    rbm.intercept_hidden_ = rng.normal(size=n_hidden)
    rbm.intercept_visible_ = rng.normal(size=n_visible)
    rbm.h_samples_ = np.zeros((rbm.batch_size, n_hidden))
    return rbm


def as_boltzmann_machine(rbm):
    """The same model as a general Boltzmann machine with a bipartite weight matrix."""
    n_h, n_v = rbm.components_.shape
    w = np.zeros((n_v + n_h, n_v + n_h))
    w[n_v:, :n_v] = rbm.components_
    w[:n_v, n_v:] = rbm.components_.T
    biases = np.r_[rbm.intercept_visible_, rbm.intercept_hidden_]
    return BoltzmannMachine(n_v + n_h, n_visible=n_v, weights=w, biases=biases)


def as_sklearn(rbm):
    """A BernoulliRBM holding the same parameters."""
    theirs = BernoulliRBM(n_components=rbm.n_hidden, learning_rate=rbm.learning_rate,
                          batch_size=rbm.batch_size, random_state=0)
    for name in ("components_", "intercept_hidden_", "intercept_visible_", "h_samples_"):
        setattr(theirs, name, getattr(rbm, name).copy())
    return theirs


def digits(dtype=np.float64):
    return (load_digits().data / 16).astype(dtype)  # grey levels in [0, 1]


def test_conditionals_and_free_energy_by_enumeration():
    rbm = random_rbm(4, 3, 0)
    bm = as_boltzmann_machine(rbm)
    v = binary_states(4)
    # p(v) ∝ exp(−F(v)) is the Boltzmann machine's visible marginal
    free = rbm.free_energy(v)
    np.testing.assert_allclose(np.exp(-free - logsumexp(-free)), bm.visible_distribution())
    # F(v) = −log Σ_h exp(−E(v, h))
    h = binary_states(3)
    for row, f in zip(v, free, strict=True):
        states = np.hstack([np.tile(row, (8, 1)), h])
        assert f == pytest.approx(-logsumexp(-bm.energy(states)))
    # P(h_j = 1 | v) and P(v_i = 1 | h) are the Boltzmann machine's unit probabilities
    states = binary_states(7)
    p_on = bm.unit_on_probability(states)
    np.testing.assert_allclose(rbm.mean_hiddens(states[:, :4]), p_on[:, 4:])
    np.testing.assert_allclose(rbm.mean_visibles(states[:, 4:]), p_on[:, :4])
    # and scikit-learn's free energy of grey levels is ours
    grey = np.random.default_rng(1).random((6, 4))
    np.testing.assert_allclose(rbm.free_energy(grey), as_sklearn(rbm)._free_energy(grey))


def test_pseudo_likelihood_by_enumeration():
    rbm = random_rbm(5, 3, 1)
    v = binary_states(5)
    p = np.exp(-rbm.free_energy(v) - logsumexp(-rbm.free_energy(v)))
    expected = np.zeros(32)
    for k in range(32):
        for i in range(5):
            flipped = k ^ (1 << i)
            expected[k] += np.log(p[k] / (p[k] + p[flipped]))
    np.testing.assert_allclose(rbm.pseudo_likelihood(v), expected, atol=1e-12)
    np.testing.assert_array_equal(rbm.score_samples(v), rbm.pseudo_likelihood(v))
    # scikit-learn's one-flipped-unit estimate averages to it (one draw per copy of a state)
    many = np.repeat(v, 400, axis=0)
    theirs = as_sklearn(rbm).score_samples(many).reshape(32, 400).mean(axis=1)
    np.testing.assert_allclose(theirs, expected, atol=0.6)
    assert abs(theirs.mean() - expected.mean()) < 0.1


def test_cd_update_matches_the_formula():
    X = (np.random.default_rng(3).random((6, 5)) < 0.5).astype(float)
    rbm = RBM(n_hidden=4, learning_rate=0.3, batch_size=6, k=1, persistent=False,
              random_state=4).partial_fit(X)
    rng = np.random.default_rng(4)
    W = rng.normal(0, 0.01, (4, 5))
    b, c = np.zeros(5), np.zeros(4)
    h_pos = expit(X @ W.T + c)
    h = (rng.random(h_pos.shape) < h_pos).astype(float)
    p_v = expit(h @ W + b)
    v_neg = (rng.random(p_v.shape) < p_v).astype(float)
    h_neg = expit(v_neg @ W.T + c)
    np.testing.assert_allclose(rbm.components_, W + 0.3 / 6 * (h_pos.T @ X - h_neg.T @ v_neg))
    np.testing.assert_allclose(rbm.intercept_hidden_, 0.3 / 6 * (h_pos - h_neg).sum(0))
    np.testing.assert_allclose(rbm.intercept_visible_, 0.3 / 6 * (X - v_neg).sum(0))


class Draws:
    """A random source that hands out given uniform arrays, as RandomState and Generator."""

    def __init__(self, arrays):
        self.arrays = list(arrays)

    def uniform(self, size):
        draw = self.arrays.pop(0)
        assert draw.shape == size
        return draw

    random = uniform


def test_persistent_cd_updates_equal_scikit_learns_given_the_same_random_numbers():
    X = digits()[:60]  # grey levels
    rbm = RBM(n_hidden=12, learning_rate=0.05, batch_size=10, random_state=0).partial_fit(X[:10])
    theirs = as_sklearn(rbm)
    rng = np.random.default_rng(5)
    for start in range(10, 60, 10):  # five more updates, persistent chains carried over
        draws = [rng.random((10, 64)), rng.random((10, 12))]  # v⁻ then h⁻, as both draw them
        rbm._rng = Draws(draws)
        rbm._update(X[start:start + 10])
        theirs._fit(X[start:start + 10], Draws(draws))
        for name in ("components_", "intercept_hidden_", "intercept_visible_", "h_samples_"):
            np.testing.assert_allclose(getattr(rbm, name), getattr(theirs, name), rtol=1e-12,
                                       atol=1e-15, err_msg=name)


@pytest.mark.parametrize("persistent", [True, False])
def test_training_concentrates_the_model_on_the_data(persistent):
    patterns = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], dtype=float)
    X = np.repeat(patterns, 50, axis=0)
    rbm = RBM(n_hidden=4, learning_rate=0.1, n_iter=60, k=2, persistent=persistent,
              random_state=5).fit(X)
    v = binary_states(6)
    log_p = -rbm.free_energy(v) - logsumexp(-rbm.free_energy(v))
    assert np.exp(log_p[[7, 56]]).sum() > 0.8  # states 0b000111 and 0b111000
    before = random_rbm(6, 4, 6)
    before.components_ *= 0.01
    assert rbm.pseudo_likelihood(X).mean() > before.pseudo_likelihood(X).mean()


def test_similar_pseudo_likelihood_to_scikit_learn_on_digits():
    X = (load_digits().data[:600] > 7).astype(float)
    settings = dict(learning_rate=0.05, batch_size=10, n_iter=5, random_state=0)
    ours = RBM(n_hidden=32, **settings).fit(X)
    theirs = BernoulliRBM(n_components=32, **settings).fit(X)
    assert ours.components_.shape == theirs.components_.shape
    reference = random_rbm(64, 32, 0)
    reference.components_ = theirs.components_
    reference.intercept_hidden_ = theirs.intercept_hidden_
    reference.intercept_visible_ = theirs.intercept_visible_
    pl_ours, pl_theirs = ours.pseudo_likelihood(X).mean(), reference.pseudo_likelihood(X).mean()
    untrained = RBM(n_hidden=32, n_iter=1, learning_rate=1e-9, random_state=0).fit(X)
    assert pl_ours > untrained.pseudo_likelihood(X).mean() + 5
    assert abs(pl_ours - pl_theirs) < 0.1 * abs(pl_theirs)
    np.testing.assert_allclose(ours.transform(X[:3]), expit(X[:3] @ ours.components_.T
                                                           + ours.intercept_hidden_))


def test_float32_data_train_a_float32_model_as_scikit_learn_does():
    X = (load_digits().data[:300] > 7).astype(np.float32)
    settings = dict(learning_rate=0.05, batch_size=10, n_iter=3, random_state=0)
    single = RBM(n_hidden=16, **settings).fit(X)
    double = RBM(n_hidden=16, **settings).fit(X.astype(np.float64))
    theirs = BernoulliRBM(n_components=16, **settings).fit(X)
    for name in ("components_", "intercept_hidden_", "intercept_visible_"):
        assert getattr(single, name).dtype == getattr(theirs, name).dtype == np.float32
        assert getattr(double, name).dtype == np.float64
    assert single.transform(X).dtype == single.gibbs(X[:2], random_state=0).dtype == np.float32
    # the same training in half the precision: the same model, to float32 rounding
    np.testing.assert_allclose(single.components_, double.components_, atol=1e-5)
    np.testing.assert_allclose(single.pseudo_likelihood(X).mean(),
                               double.pseudo_likelihood(X).mean(), rtol=1e-5)


@pytest.mark.parametrize("sparse", [sp.csr_matrix, sp.csr_array, sp.csc_matrix])
def test_sparse_data_give_the_same_model_as_dense(sparse):
    X = digits()[:200]
    X[X < 0.5] = 0.0  # mostly zeros, as sparse data are
    settings = dict(n_hidden=8, learning_rate=0.05, n_iter=2, random_state=0)
    dense, thin = RBM(**settings).fit(X), RBM(**settings).fit(sparse(X))
    for name in ("components_", "intercept_hidden_", "intercept_visible_", "h_samples_"):
        np.testing.assert_allclose(getattr(thin, name), getattr(dense, name), rtol=1e-12)
    for method in ("transform", "score_samples", "free_energy"):
        np.testing.assert_allclose(getattr(thin, method)(sparse(X[:30])),
                                   getattr(dense, method)(X[:30]), rtol=1e-12)
    dense.partial_fit(X[:10])
    thin.partial_fit(sparse(X[:10]))
    np.testing.assert_allclose(thin.components_, dense.components_, rtol=1e-12)


def test_gibbs_sampling_is_seeded_and_binary():
    rbm = random_rbm(5, 3, 7)
    v = binary_states(5)[:4]
    a = rbm.gibbs(v, n_steps=3, random_state=8)
    np.testing.assert_array_equal(a, rbm.gibbs(v, n_steps=3, random_state=8))
    assert a.shape == v.shape and set(np.unique(a)) <= {0.0, 1.0}
    np.testing.assert_array_equal(rbm.gibbs(v, n_steps=0), v)
