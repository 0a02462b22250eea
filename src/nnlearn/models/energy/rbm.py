"""The restricted Boltzmann machine (beyond the course): visible and hidden layers only.

With visible units v and binary hidden units h, weights W (n_hidden × n_visible) and
biases b (visible) and c (hidden), the energy is E(v, h) = −bᵀv − cᵀh − hᵀWv. There
are no connections within a layer, so each layer is conditionally independent given the
other,

    P(h_j = 1 | v) = σ(c_j + W_j v),      P(v_i = 1 | h) = σ(b_i + Wᵀ_i h),

and the hidden units sum out of p(v) ∝ exp(−F(v)) with the free energy

    F(v) = −bᵀv − Σ_j log(1 + exp(c_j + W_j v)).

Visible values between 0 and 1 are read as probabilities of being on (grey levels), as
scikit-learn's ``BernoulliRBM`` reads them: the data's statistics ⟨h vᵀ⟩ are then the
expectations over binary vectors with those probabilities. Training follows the
log-likelihood gradient ⟨h vᵀ⟩_data − ⟨h vᵀ⟩_model, the model term estimated by k steps of
block Gibbs sampling (CD-k), from the data (contrastive divergence) or from persistent
chains (persistent CD, scikit-learn's algorithm).
"""

from __future__ import annotations

import itertools
import numbers
import time
import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from nnlearn.checks import check_integer, check_real, check_real_array, describe, naming
from nnlearn.equations import implements
from nnlearn.init import rng_from

TEST = "tests/test_rbm.py::"
RandomState = int | np.random.Generator | None
#: Rows of a sparse X made dense at a time by the pseudo-likelihood.
CHUNK_ROWS = 4096


class RBM(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """A Bernoulli restricted Boltzmann machine, trained with CD-k or persistent CD.

    A scikit-learn transformer: ``transform`` gives the hidden units' probabilities, so
    ``Pipeline([("rbm", RBM()), ("clf", LogisticRegression())])`` learns features for a
    classifier. Defaults and fitted attributes follow scikit-learn's ``BernoulliRBM`` (its
    ``n_components`` is ``n_hidden`` here), so the two can be compared on the same data.

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
    verbose : int, default 0
        Print the pseudo-likelihood and the time after every epoch.
    random_state : int, Generator or None, default None

    Attributes
    ----------
    components_ : ndarray of shape (n_hidden, n_features_in_)
        W.
    intercept_hidden_ : ndarray of shape (n_hidden,)
        c.
    intercept_visible_ : ndarray of shape (n_features_in_,)
        b.
    h_samples_ : ndarray of shape (batch_size, n_hidden)
        The persistent chains' hidden states.
    n_features_in_ : int

    Examples
    --------
    >>> X = np.array([[1, 1, 0, 0], [0, 0, 1, 1]] * 20)
    >>> rbm = RBM(n_hidden=2, learning_rate=0.5, n_iter=50, random_state=0).fit(X)
    >>> rbm.transform(X[:2]).shape, rbm.get_feature_names_out().tolist()
    ((2, 2), ['rbm0', 'rbm1'])
    """

    def __init__(
        self,
        n_hidden: int = 256,
        learning_rate: float = 0.1,
        batch_size: int = 10,
        n_iter: int = 10,
        k: int = 1,
        persistent: bool = True,
        verbose: int = 0,
        random_state: RandomState = None,
    ) -> None:
        self.n_hidden = n_hidden
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.k = k
        self.persistent = persistent
        self.verbose = verbose
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    @property
    def _n_features_out(self) -> int:
        return self.components_.shape[0]

    # -- validation ------------------------------------------------------------------------
    def _check_params(self) -> None:
        for name in ("n_hidden", "batch_size", "n_iter", "k"):
            check_integer(getattr(self, name), name, minimum=1)
        check_real(self.learning_rate, "learning_rate", minimum=0, open_minimum=True)
        if not isinstance(self.persistent, bool | np.bool_):
            raise TypeError(f"persistent must be True or False, got {describe(self.persistent)}")
        if not isinstance(self.verbose, numbers.Integral) or self.verbose < 0:
            raise TypeError(f"verbose must be an integer ≥ 0 (or a bool), got "
                            f"{describe(self.verbose)}")

    def _check_X(self, X: ArrayLike, reset: bool = False, name: str = "X") -> Any:
        """X as a float32/float64 array or CSR matrix of shape (n_samples, n_visible)."""
        with naming(name):
            X = validate_data(self, X, accept_sparse="csr", reset=reset,
                              dtype=(np.float64, np.float32))
        if not reset and hasattr(self, "components_") and X.shape[1] != self.components_.shape[1]:
            raise ValueError(f"{name} has {X.shape[1]} features, but the RBM has "
                             f"{self.components_.shape[1]} visible units")
        return X

    @staticmethod
    def _warn_outside_unit_interval(X: Any) -> None:
        values = X.data if sp.issparse(X) else X
        low, high = (float(values.min()), float(values.max())) if values.size else (0, 0)
        if low < 0 or high > 1:
            warnings.warn(
                f"X has values from {low:g} to {high:g}: the RBM reads visible values as "
                "probabilities of being on, in [0, 1]; scale the data first (for example "
                "with sklearn.preprocessing.MinMaxScaler)", UserWarning, stacklevel=3)

    def _check_fitted_attributes(self) -> None:
        """Raise ValueError if the fitted attributes disagree with each other or the
        parameters: shapes, dtypes, finiteness, binary persistent chains."""
        self._check_params()
        W = self.components_
        if not isinstance(W, np.ndarray) or W.ndim != 2 or W.dtype not in (np.float32,
                                                                            np.float64):
            raise ValueError(f"components_ must be a 2-d float32 or float64 array, got "
                             f"{describe(W)}")
        n_hidden, n_visible = W.shape
        if n_hidden != self.n_hidden or getattr(self, "n_features_in_", n_visible) != n_visible:
            raise ValueError(f"components_ of shape {W.shape} disagrees with n_hidden="
                             f"{self.n_hidden} or n_features_in_")
        expected = {"intercept_hidden_": (n_hidden,), "intercept_visible_": (n_visible,)}
        for name, shape in expected.items():
            value = getattr(self, name)
            if not isinstance(value, np.ndarray) or value.shape != shape or value.dtype != W.dtype:
                raise ValueError(f"{name} must be a {W.dtype} array of shape {shape}, got "
                                 f"{describe(value)}")
        for name in ("components_", "intercept_hidden_", "intercept_visible_"):
            check_real_array(getattr(self, name), name)  # finite
        h = self.h_samples_
        if not isinstance(h, np.ndarray) or h.ndim != 2 or h.shape[1] != n_hidden or not \
                np.all((h == 0) | (h == 1)):
            raise ValueError(f"h_samples_ must be binary of shape (m, {n_hidden}), got "
                             f"{describe(h)}")

    # -- the conditionals and the free energy ----------------------------------------------
    @implements("rbm_conditionals", test=TEST + "test_conditionals_and_free_energy_by_enumeration")
    def mean_hiddens(self, v: ArrayLike) -> np.ndarray:
        """P(h_j = 1 | v) = σ(c_j + W_j v), shape (n_samples, n_hidden)."""
        check_is_fitted(self)
        return self._mean_hiddens(self._check_X(v, name="v"))

    def _mean_hiddens(self, v: Any) -> np.ndarray:
        p = np.asarray(v @ self.components_.T)
        p += self.intercept_hidden_
        return expit(p, out=p)

    def mean_visibles(self, h: ArrayLike) -> np.ndarray:
        """P(v_i = 1 | h) = σ(b_i + Wᵀ_i h), shape (n_samples, n_visible)."""
        check_is_fitted(self)
        h = check_real_array(h, "h", ndim=2)
        if h.shape[1] != self.components_.shape[0]:
            raise ValueError(f"h must have {self.components_.shape[0]} columns (the hidden "
                             f"units), got shape {h.shape}")
        return self._mean_visibles(h)

    def _mean_visibles(self, h: np.ndarray) -> np.ndarray:
        p = h @ self.components_
        p += self.intercept_visible_
        return expit(p, out=p)

    @implements("rbm_free_energy", test=TEST + "test_conditionals_and_free_energy_by_enumeration")
    def free_energy(self, v: ArrayLike) -> np.ndarray:
        """F(v) = −bᵀv − Σ_j log(1 + e^{c_j + W_j v}), shape (n_samples,)."""
        check_is_fitted(self)
        v = self._check_X(np.atleast_2d(v) if not sp.issparse(v) else v, name="v")
        field = np.asarray(v @ self.components_.T) + self.intercept_hidden_
        return -np.asarray(v @ self.intercept_visible_).ravel() - np.logaddexp(0.0, field).sum(1)

    def gibbs(self, v: ArrayLike, n_steps: int = 1, random_state: RandomState = None) -> np.ndarray:
        """``n_steps`` steps of block Gibbs sampling v → h → v', returning the last v'."""
        check_is_fitted(self)
        v = self._check_X(np.atleast_2d(v) if not sp.issparse(v) else v, name="v")
        rng = rng_from(random_state)
        for _ in range(check_integer(n_steps, "n_steps", minimum=0)):
            h = _bernoulli(self._mean_hiddens(v), rng)
            v = _bernoulli(self._mean_visibles(h), rng)
        return v

    def transform(self, X: ArrayLike) -> np.ndarray:
        """The hidden units' activation probabilities P(h = 1 | v), shape (n_samples, n_hidden)."""
        check_is_fitted(self)
        return self._mean_hiddens(self._check_X(X))

    # -- pseudo-likelihood -------------------------------------------------------------------
    @implements("pseudo_log_likelihood", test=TEST + "test_pseudo_likelihood_by_enumeration")
    def pseudo_likelihood(self, X: ArrayLike) -> np.ndarray:
        """The log pseudo-likelihood Σ_i log P(v_i | v_{−i}) = Σ_i log σ(F(ṽ^i) − F(v)).

        ṽ^i is v with unit i flipped, v_i → 1 − v_i. Exact and deterministic; shape
        (n_samples,). A sparse X is made dense :data:`CHUNK_ROWS` rows at a time.
        """
        check_is_fitted(self)
        X = self._check_X(X)
        chunks = [_dense(X[start:start + CHUNK_ROWS]) for start in range(0, X.shape[0],
                                                                           CHUNK_ROWS)]
        return np.concatenate([self._pseudo_likelihood(v) for v in chunks])

    def _pseudo_likelihood(self, v: np.ndarray) -> np.ndarray:
        field = v @ self.components_.T + self.intercept_hidden_
        softplus = np.logaddexp(0.0, field).sum(axis=1)
        total = np.zeros(len(v))
        for i in range(v.shape[1]):
            change = 1.0 - 2.0 * v[:, i]  # the flip v_i → 1 − v_i
            flipped = np.logaddexp(0.0, field + change[:, None] * self.components_[:, i]).sum(1)
            gap = -change * self.intercept_visible_[i] - flipped + softplus  # F(ṽ^i) − F(v)
            total -= np.logaddexp(0.0, -gap)
        return total

    def score_samples(self, X: ArrayLike) -> np.ndarray:
        """The log pseudo-likelihood of each sample (:meth:`pseudo_likelihood`), exactly.

        scikit-learn's ``BernoulliRBM.score_samples`` estimates the same quantity from one
        randomly flipped unit per sample, n_visible · log σ(F(ṽ) − F(v)); its expectation
        is this value.
        """
        return self.pseudo_likelihood(X)

    # -- training ----------------------------------------------------------------------------
    def fit(self, X: ArrayLike, y: None = None) -> RBM:
        """Initialise (W ~ N(0, 0.01²), zero biases) and train for ``n_iter`` epochs.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_visible)
            Values in [0, 1] (values outside are used as given, with a warning).
        y : None
            Ignored.
        """
        self._check_params()
        for name in ("components_", "intercept_hidden_", "intercept_visible_", "h_samples_"):
            self.__dict__.pop(name, None)
        X = self._check_X(X, reset=True)
        self._warn_outside_unit_interval(X)
        self._rng = rng_from(self.random_state)
        self._initialise(X.shape[1], X.dtype)
        n_batches = int(np.ceil(X.shape[0] / self.batch_size))
        bounds = np.linspace(0, X.shape[0], n_batches + 1).round().astype(int)
        for epoch in range(self.n_iter):
            start = time.perf_counter()
            with _Restore(self, f"epoch {epoch + 1}"):
                for begin, end in itertools.pairwise(bounds):
                    self._update(_dense(X[begin:end]))
            if self.verbose:
                print(f"[RBM] Iteration {epoch + 1}, pseudo-likelihood = "
                      f"{self.pseudo_likelihood(X).mean():.2f}, "
                      f"time = {time.perf_counter() - start:.2f}s")
        return self

    def partial_fit(self, X: ArrayLike, y: None = None) -> RBM:
        """One update on the batch X (initialising on the first call); y is ignored."""
        self._check_params()
        first = not hasattr(self, "components_")
        X = self._check_X(X, reset=first)
        self._warn_outside_unit_interval(X)
        if first:
            self._rng = rng_from(self.random_state)
            self._initialise(X.shape[1], X.dtype)
        elif not hasattr(self, "_rng"):  # loaded from a file
            self._rng = rng_from(self.random_state)
        with _Restore(self, "this update"):
            self._update(_dense(X).astype(self.components_.dtype, copy=False))
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
        h_pos = self._mean_hiddens(v_pos)
        h = self.h_samples_ if self.persistent else _bernoulli(h_pos, rng)
        for _ in range(self.k):
            v_neg = _bernoulli(self._mean_visibles(h), rng)
            h_neg = self._mean_hiddens(v_neg)
            h = _bernoulli(h_neg, rng)
        pos_scale = self.learning_rate / len(v_pos)
        neg_scale = self.learning_rate / len(v_neg)
        self.components_ += pos_scale * (h_pos.T @ v_pos)
        self.components_ -= neg_scale * (h_neg.T @ v_neg)
        self.intercept_hidden_ += pos_scale * h_pos.sum(axis=0) - neg_scale * h_neg.sum(axis=0)
        self.intercept_visible_ += pos_scale * v_pos.sum(axis=0) - neg_scale * v_neg.sum(axis=0)
        if self.persistent:
            self.h_samples_ = h


class _Restore:
    """Within it, updates may overflow quietly; on leaving, non-finite parameters are
    replaced by the last finite ones and reported (a ValueError), as after any exception."""

    NAMES = ("components_", "intercept_hidden_", "intercept_visible_", "h_samples_")

    def __init__(self, rbm: RBM, when: str) -> None:
        self.rbm, self.when = rbm, when

    def __enter__(self) -> None:
        self.saved = {name: getattr(self.rbm, name).copy() for name in self.NAMES}
        self.errstate = np.errstate(over="ignore", invalid="ignore")
        self.errstate.__enter__()

    def __exit__(self, kind: type | None, *_: object) -> None:
        self.errstate.__exit__(None, None, None)
        finite = all(np.isfinite(getattr(self.rbm, name)).all() for name in self.NAMES)
        if kind is None and finite:
            return
        for name, value in self.saved.items():
            setattr(self.rbm, name, value)
        if kind is None:
            raise ValueError(f"training diverged in {self.when}: learning_rate="
                             f"{self.rbm.learning_rate:g} made the weights non-finite (the "
                             "last finite ones are kept); use a smaller learning_rate")


def _dense(X: Any) -> np.ndarray:
    return X.toarray() if sp.issparse(X) else X


def _bernoulli(p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Binary samples with P(1) = p, in p's dtype."""
    return (rng.random(p.shape) < p).astype(p.dtype)
