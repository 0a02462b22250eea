"""The restricted Boltzmann machine (beyond the course): visible and hidden layers only.

With binary visible units v and hidden units h, weights W (n_hidden × n_visible) and
biases b (visible) and c (hidden), the energy is E(v, h) = −bᵀv − cᵀh − hᵀWv. There
are no connections within a layer, so each layer is conditionally independent given the
other,

    P(h_j = 1 | v) = σ(c_j + W_j v),      P(v_i = 1 | h) = σ(b_i + Wᵀ_i h),

and the hidden units sum out of p(v) ∝ exp(−F(v)) with the free energy

    F(v) = −bᵀv − Σ_j log(1 + exp(c_j + W_j v)).

Training follows the log-likelihood gradient ⟨h vᵀ⟩_data − ⟨h vᵀ⟩_model, the model term
estimated by k steps of block Gibbs sampling (CD-k), from the data (contrastive
divergence) or from persistent chains (persistent CD, scikit-learn's ``BernoulliRBM``).
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit

from nnlearn.equations import implements
from nnlearn.models.base import NotFittedError
from nnlearn.models.energy.binary import check_binary

TEST = "tests/test_rbm.py::"
RandomState = int | np.random.Generator | None


class RBM:
    """A Bernoulli restricted Boltzmann machine, trained with CD-k or persistent CD.

    The interface follows scikit-learn's ``BernoulliRBM`` (same defaults, same fitted
    attributes), so the two can be compared on the same data.

    Parameters
    ----------
    n_hidden : int, default 256
    learning_rate : float, default 0.1
        μ; each update adds μ/batch_size times the summed statistics.
    batch_size : int, default 10
    n_iter : int, default 10
        Epochs (passes over the data, in order, in even batches).
    k : int, default 1
        Gibbs steps per update.
    persistent : bool, default True
        Persistent chains (PCD) if True; chains restarted at the data (CD-k) if False.
    random_state : int, Generator or None, default None

    Attributes
    ----------
    components_ : ndarray of shape (n_hidden, n_visible)
        W.
    intercept_hidden_ : ndarray of shape (n_hidden,)
        c.
    intercept_visible_ : ndarray of shape (n_visible,)
        b.

    Examples
    --------
    >>> X = np.array([[1, 1, 0, 0], [0, 0, 1, 1]] * 20)
    >>> rbm = RBM(n_hidden=2, learning_rate=0.5, n_iter=50, random_state=0).fit(X)
    >>> rbm.transform(X[:2]).shape
    (2, 2)
    """

    def __init__(
        self,
        n_hidden: int = 256,
        learning_rate: float = 0.1,
        batch_size: int = 10,
        n_iter: int = 10,
        k: int = 1,
        persistent: bool = True,
        random_state: RandomState = None,
    ) -> None:
        self.n_hidden = n_hidden
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.k = k
        self.persistent = persistent
        self.random_state = random_state

    # -- validation ------------------------------------------------------------------------
    def _check_params(self) -> None:
        for name in ("n_hidden", "batch_size", "n_iter", "k"):
            value = getattr(self, name)
            if not isinstance(value, int | np.integer) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate!r}")

    def _check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise NotFittedError("this RBM is not fitted yet: call fit(X) first")

    def _check_X(self, X: ArrayLike, name: str = "X") -> np.ndarray:
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"{name} must be 2-D of shape (n_samples, n_visible), got {X.shape}")
        n_visible = self.components_.shape[1] if hasattr(self, "components_") else X.shape[1]
        return check_binary(X, n_visible, name)

    # -- the conditionals and the free energy ----------------------------------------------
    @implements("rbm_conditionals", test=TEST + "test_conditionals_and_free_energy_by_enumeration")
    def mean_hiddens(self, v: np.ndarray) -> np.ndarray:
        """P(h_j = 1 | v) = σ(c_j + W_j v), shape (n_samples, n_hidden)."""
        p = v @ self.components_.T
        p += self.intercept_hidden_
        return expit(p, out=p)

    def mean_visibles(self, h: np.ndarray) -> np.ndarray:
        """P(v_i = 1 | h) = σ(b_i + Wᵀ_i h), shape (n_samples, n_visible)."""
        p = h @ self.components_
        p += self.intercept_visible_
        return expit(p, out=p)

    @implements("rbm_free_energy", test=TEST + "test_conditionals_and_free_energy_by_enumeration")
    def free_energy(self, v: ArrayLike) -> np.ndarray:
        """F(v) = −bᵀv − Σ_j log(1 + e^{c_j + W_j v}), shape (n_samples,)."""
        self._check_fitted()
        v = self._check_X(np.atleast_2d(v), "v")
        return -(v @ self.intercept_visible_) - np.logaddexp(
            0.0, v @ self.components_.T + self.intercept_hidden_
        ).sum(axis=1)

    def gibbs(self, v: ArrayLike, n_steps: int = 1, random_state: RandomState = None) -> np.ndarray:
        """``n_steps`` steps of block Gibbs sampling v → h → v', returning the last v'."""
        self._check_fitted()
        v = self._check_X(np.atleast_2d(v), "v")
        rng = np.random.default_rng(random_state)
        for _ in range(n_steps):
            h = _bernoulli(self.mean_hiddens(v), rng)
            v = _bernoulli(self.mean_visibles(h), rng)
        return v

    def transform(self, X: ArrayLike) -> np.ndarray:
        """The hidden units' activation probabilities P(h = 1 | v), shape (n_samples, n_hidden)."""
        self._check_fitted()
        return self.mean_hiddens(self._check_X(X))

    # -- pseudo-likelihood -------------------------------------------------------------------
    @implements("pseudo_log_likelihood", test=TEST + "test_pseudo_likelihood_by_enumeration")
    def pseudo_likelihood(self, X: ArrayLike) -> np.ndarray:
        """The log pseudo-likelihood Σ_i log P(v_i | v_{−i}) = Σ_i log σ(F(ṽ^i) − F(v)).

        ṽ^i is v with bit i flipped. Exact and deterministic; shape (n_samples,).
        """
        self._check_fitted()
        v = self._check_X(X)
        field = v @ self.components_.T + self.intercept_hidden_
        free = -(v @ self.intercept_visible_) - np.logaddexp(0.0, field).sum(axis=1)
        total = np.zeros(len(v))
        for i in range(v.shape[1]):
            sign = 1.0 - 2.0 * v[:, i]  # +1 where the bit turns on, −1 where it turns off
            flipped_field = field + sign[:, None] * self.components_[:, i]
            flipped_free = (-(v @ self.intercept_visible_) - sign * self.intercept_visible_[i]
                            - np.logaddexp(0.0, flipped_field).sum(axis=1))
            total -= np.logaddexp(0.0, -(flipped_free - free))
        return total

    def score_samples(self, X: ArrayLike, random_state: RandomState = None) -> np.ndarray:
        """scikit-learn's stochastic pseudo-likelihood: n_visible · log σ(F(ṽ) − F(v)),
        with one random bit of each sample flipped; an unbiased estimate of
        :meth:`pseudo_likelihood`."""
        self._check_fitted()
        v = self._check_X(X)
        rng = np.random.default_rng(random_state)
        flipped = v.copy()
        rows, cols = np.arange(len(v)), rng.integers(0, v.shape[1], len(v))
        flipped[rows, cols] = 1.0 - flipped[rows, cols]
        gap = self.free_energy(flipped) - self.free_energy(v)
        return -v.shape[1] * np.logaddexp(0.0, -gap)

    # -- training ----------------------------------------------------------------------------
    def fit(self, X: ArrayLike) -> RBM:
        """Initialise (W ~ N(0, 0.01²), zero biases) and train for ``n_iter`` epochs."""
        self._check_params()
        for name in ("components_", "intercept_hidden_", "intercept_visible_", "h_samples_"):
            self.__dict__.pop(name, None)
        X = self._check_X(X)
        self._rng = np.random.default_rng(self.random_state)
        self._initialise(X.shape[1], X.dtype)
        n_batches = int(np.ceil(len(X) / self.batch_size))
        bounds = np.linspace(0, len(X), n_batches + 1).round().astype(int)
        for _ in range(self.n_iter):
            for start, stop in itertools.pairwise(bounds):
                self._update(X[start:stop])
        return self

    def partial_fit(self, X: ArrayLike) -> RBM:
        """One update on the batch X (initialising on the first call)."""
        self._check_params()
        X = self._check_X(X)
        if not hasattr(self, "components_"):
            self._rng = np.random.default_rng(self.random_state)
            self._initialise(X.shape[1], X.dtype)
        self._update(X)
        return self

    def _initialise(self, n_visible: int, dtype: np.dtype) -> None:
        """W ~ N(0, 0.01²) and zero biases, in the data's dtype (float32 stays float32)."""
        self.components_ = self._rng.normal(0.0, 0.01, (self.n_hidden, n_visible)).astype(dtype)
        self.intercept_hidden_ = np.zeros(self.n_hidden, dtype)
        self.intercept_visible_ = np.zeros(n_visible, dtype)
        self.h_samples_ = np.zeros((self.batch_size, self.n_hidden), dtype)

    @implements("contrastive_divergence", test=TEST + "test_cd_update_matches_the_formula")
    def _update(self, v_pos: np.ndarray) -> None:
        """ΔW = μ (⟨h vᵀ⟩_data − ⟨h vᵀ⟩_chains), with P(h | v) for h, after k Gibbs steps."""
        rng = self._rng
        h_pos = self.mean_hiddens(v_pos)
        h = self.h_samples_ if self.persistent else _bernoulli(h_pos, rng)
        for _ in range(self.k):
            v_neg = _bernoulli(self.mean_visibles(h), rng)
            h_neg = self.mean_hiddens(v_neg)
            h = _bernoulli(h_neg, rng)
        pos_scale = self.learning_rate / len(v_pos)
        neg_scale = self.learning_rate / len(v_neg)
        self.components_ += pos_scale * (h_pos.T @ v_pos)
        self.components_ -= neg_scale * (h_neg.T @ v_neg)
        self.intercept_hidden_ += pos_scale * h_pos.sum(axis=0) - neg_scale * h_neg.sum(axis=0)
        self.intercept_visible_ += pos_scale * v_pos.sum(axis=0) - neg_scale * v_neg.sum(axis=0)
        if self.persistent:
            self.h_samples_ = h


def _bernoulli(p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Binary samples with P(1) = p, in p's dtype."""
    return (rng.random(p.shape) < p).astype(p.dtype)
