"""What MLPClassifier and MLPRegressor share: scikit-learn's parameters, fit, partial_fit,
the fitted state and prediction.

The estimators are thin: ``fit`` builds ``nl.Sequential`` of ``nl.Dense`` layers
(:func:`~nnlearn.estimators.network.mlp_network`) and trains it with ``nl.fit``, whose
callback :class:`~nnlearn.estimators.training.ScikitLearnRules` adds scikit-learn's
L2 term, stopping rule and schedules. Training minimizes, batch after batch,

    R_B(θ) = Σ_{i∈B} w_i L(N_θ(u_i), y_i) / Σ_{i∈B} w_i + α/(2 Σ_{i∈B} w_i) Σ_κ ‖W_κ‖²_F,

with w_i = 1 without sample weights (B is the whole sample for L-BFGS), as scikit-learn
does. The L2 term is the course's R(W) = Σ_κ ‖W_κ‖²_F: weight matrices only, biases free.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from nnlearn.autodiff.tensor import Tensor
from nnlearn.checks import naming
from nnlearn.estimators import inputs, network, prediction
from nnlearn.estimators.params import Settings, check_params
from nnlearn.estimators.state import check_fitted_state
from nnlearn.estimators.training import fit_lbfgs, fit_stochastic
from nnlearn.init import rng_from
from nnlearn.train.data import check_sample_weight, is_sparse
from nnlearn.train.objective import outputs


class BaseMLP(BaseEstimator):
    """What MLPClassifier and MLPRegressor share; not used directly.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default (100,)
        The number of neurons of each hidden layer.
    activation : str, default "relu"
        σ of the hidden layers, any name of :data:`nnlearn.activations.ACTIVATIONS`
        (scikit-learn's "identity", "logistic", "tanh", "relu" among them).
    solver : {"adam", "sgd", "lbfgs"}, default "adam"
        Adam or SGD over mini-batches, or full-batch L-BFGS (then ``max_iter`` counts its
        iterations, not epochs, and there is no ``partial_fit``).
    alpha : float, default 1e-4
        α of the L2 term α/(2 Σ_B w) Σ_κ ‖W_κ‖²_F of each batch B: on the weight matrices,
        not the biases (scikit-learn's α; in ``nl.optim`` terms, a weight decay
        λ = α/(2 Σ_B w) of the weights' param group, see :func:`nnlearn.optim.decay_groups`).
    batch_size : int or "auto", default "auto"
        Samples per mini-batch; "auto" is min(200, n_samples); a larger one is clipped to
        n_samples, with a warning.
    learning_rate : {"constant", "invscaling", "adaptive"} or callable, default "constant"
        scikit-learn's schedules of the SGD solver (Adam keeps η₀, as scikit-learn's):
        "constant" η₀; "invscaling" η₀ / (t + 1)^power_t after each epoch, t the samples
        seen; "adaptive" η₀ until ``n_iter_no_change`` epochs fail to improve by ``tol``,
        then η/5 each time, stopping at η ≤ 10⁻⁶. A callable ``t -> η`` (an
        :mod:`nnlearn.optim.schedules` schedule, t counting steps) is used as Adam's or
        SGD's rate instead of ``learning_rate_init``.
    learning_rate_init : float, default 1e-3
        η₀ of Adam and SGD.
    power_t : float, default 0.5
        The exponent of "invscaling".
    max_iter : int, default 200
        The most epochs (L-BFGS: iterations).
    shuffle : bool, default True
        Shuffle the samples every epoch.
    random_state : int, Generator or None, default None
        Seeds the initial weights, the shuffling and the validation split.
    tol : float, default 1e-4
        The improvement of the loss (or validation score) that counts; L-BFGS's gradient
        tolerance.
    verbose : bool or int, default False
        Print the loss after each epoch (and the validation score), as scikit-learn does.
    warm_start : bool, default False
        ``fit`` goes on from the fitted weights (with a fresh optimizer; ``t_``, the loss
        curve and the best loss carry on), as scikit-learn's.
    momentum : float, default 0.9
        μ of SGD, in [0, 1).
    nesterovs_momentum : bool, default True
        Nesterov's correction of SGD's momentum (when μ > 0).
    early_stopping : bool or "loss", default False
        Hold out ``validation_fraction`` of the samples (stratified, for one label per
        sample), stop when their score (accuracy, R²) fails to improve by ``tol`` for
        ``n_iter_no_change`` epochs, and keep the weights of the best one: scikit-learn's
        rule. ``"loss"``: the course's rule, the same with the held-out loss falling by
        ``tol`` (finer than the accuracy of a small held-out set, which moves in steps of
        one sample).
    validation_fraction : float, default 0.1
    beta_1, beta_2 : float, default 0.9, 0.999
        Adam's β₁ and β₂, in [0, 1).
    epsilon : float, default 1e-8
        Adam's ε, added to √v_t (scikit-learn's and the paper's efficient form).
    n_iter_no_change : int or np.inf, default 10
        The epochs without an improvement by ``tol`` that stop training (np.inf: never).
    max_fun : int, default 15000
        The most loss evaluations of L-BFGS.
    standardize : bool, default False
        Scale each input feature to zero mean and unit variance (weighted statistics of the
        training data, kept in ``mean_`` and ``scale_``) before the network sees it; a
        sparse X is scaled, not centered.
    dtype : {None, "float64", "float32"}, default None
        The dtype of the weights and of the computation; None: float32 for float32 X,
        float64 otherwise.
    progress : bool or None, default False
        Show a progress bar over the epochs (None: when stderr is a terminal).

    Notes
    -----
    Differences from scikit-learn: the biases start at zero (scikit-learn draws them like
    the weights), the generator is NumPy's ``Generator``, not ``RandomState`` (so equal
    seeds give other draws), ``partial_fit`` goes on with the shuffling stream of the
    previous calls (k calls give a ``fit`` of k epochs), and the activation may be any of
    nnlearn's.
    """

    def __init__(
        self,
        hidden_layer_sizes: tuple[int, ...] = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 1e-4,
        batch_size: int | str = "auto",
        learning_rate: str | Callable[[int], float] = "constant",
        learning_rate_init: float = 1e-3,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: int | np.random.Generator | None = None,
        tol: float = 1e-4,
        verbose: bool | int = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int | float = 10,
        max_fun: int = 15000,
        standardize: bool = False,
        dtype: Any = None,
        progress: bool | None = False,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.standardize = standardize
        self.dtype = dtype
        self.progress = progress

    # ----- what the subclasses define -------------------------------------------------
    #: whether the targets are class labels (they set classes_ and use class_weight)
    _classifier = False

    def _encode_targets(self, y: np.ndarray, classes: ArrayLike | None, first: bool,
                        incremental: bool) -> tuple[np.ndarray, int]:
        """The targets as the loss sees them and the number of outputs (``first``: the
        call that fixes the classes)."""
        raise NotImplementedError

    def _loss(self) -> str | Callable[..., Tensor]:
        """The data loss L, for ``nl.fit``."""
        raise NotImplementedError

    #: the data loss as ``nl.fit`` reports it, times this, is scikit-learn's loss
    def _loss_scale(self) -> float:
        return 1.0

    def _validation_score(self, X: Any, y: np.ndarray, weights: np.ndarray | None) -> float:
        """scikit-learn's score (accuracy, R²) on held-out prepared inputs."""
        raise NotImplementedError

    def _split_labels(self, y: np.ndarray) -> np.ndarray | None:
        """The labels to stratify the validation split by (None: a plain random split)."""
        return None

    def _sample_weights(self, y: np.ndarray, sample_weight: ArrayLike | None,
                        incremental: bool) -> np.ndarray | None:
        return check_sample_weight(sample_weight, len(y))

    # ----- training ------------------------------------------------------------------
    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
            ) -> BaseMLP:
        """Build the network (or, with ``warm_start``, keep the fitted one) and train it.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Labels (a 2-d 0/1 indicator matrix for multi-label classification) or targets.
        sample_weight : array-like of shape (n_samples,), optional
            w_i ≥ 0: each batch minimizes its weighted mean loss.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, None, incremental=False)

    def _fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None,
             classes: ArrayLike | None, incremental: bool) -> BaseMLP:
        settings = check_params(self)
        first = not hasattr(self, "model_") or (not self.warm_start and not incremental)
        dtype = settings.dtype if first else self.model_.dtype
        X, y = inputs.training_inputs(self, X, y, reset=first,
                                      dtype=inputs.FLOATS if dtype is None else dtype)
        weights = self._sample_weights(y, sample_weight, incremental)
        with naming("y"):  # scikit-learn's target checks, their errors naming y
            targets, n_outputs = self._encode_targets(y, classes, first, incremental)
        if first:
            self._initialize(X, weights, n_outputs, settings)
        elif n_outputs != self.n_outputs_:
            raise ValueError(f"y has {n_outputs} output(s), but the model was fitted with "
                             f"{self.n_outputs_}")
        else:
            self._resume()
        prepared = prediction.standardized(X, self.mean_, self.scale_, self.model_.dtype)
        if self.solver == "lbfgs":
            fit_lbfgs(self, prepared, targets, weights)
        else:
            fit_stochastic(self, prepared, targets, y, weights, settings.patience, incremental)
        self.model_.eval()
        return self

    def _initialize(self, X: Any, weights: np.ndarray | None, n_outputs: int,
                    settings: Settings) -> None:
        """A new network for X and the fitted state of a first fit."""
        self.mean_, self.scale_ = (inputs.statistics(X, weights) if self.standardize
                                   else (None, None))
        self._rng = rng_from(self.random_state)
        self.model_ = network.mlp_network(X.shape[1], settings.hidden_layer_sizes, n_outputs,
                                          self.activation, settings.dtype or X.dtype,
                                          self._rng)
        self.n_outputs_ = n_outputs
        self.n_iter_ = self.t_ = 0
        self.loss_curve_: list[float] = []
        self.loss_ = math.nan
        stochastic, early = self.solver != "lbfgs", self.early_stopping
        self.best_loss_ = math.inf if stochastic and not early else None
        self.validation_scores_: list[float] | None = [] if stochastic and early else None
        self.best_validation_score_ = -math.inf if stochastic and early else None
        self.validation_loss_curve_: list[float] | None = [] if stochastic and early else None
        self._no_improvement_count = 0
        self._optimizer_ = None
        self._best_state = self.model_.state_dict()

    def _resume(self) -> None:
        """The private training state a loaded estimator lacks (``nl.load`` restores the
        fitted attributes only): a fresh optimizer and shuffling stream, no count of epochs
        without improvement, the current weights as the best."""
        if not hasattr(self, "_rng"):
            self._rng = rng_from(self.random_state)
            self._optimizer_ = None
            self._no_improvement_count = 0
            self._best_state = self.model_.state_dict()

    def _check_partial_fit(self) -> bool:
        """Whether the solver learns incrementally: ``partial_fit`` exists for Adam and SGD
        only (an AttributeError says so otherwise, as scikit-learn's ``available_if``)."""
        if self.solver == "lbfgs":
            raise AttributeError("partial_fit is only available for the stochastic solvers "
                                 "('adam', 'sgd'); solver='lbfgs' is not stochastic")
        return True

    def _partial_fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None,
                     classes: ArrayLike | None) -> BaseMLP:
        if self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True: early "
                             "stopping holds out part of the data given to fit, and "
                             "partial_fit sees one part of the data at a time")
        return self._fit(X, y, sample_weight, classes, incremental=True)

    # ----- the fitted weights --------------------------------------------------------
    #: W_κ of each layer, shape (n_in, n_out): the network's own arrays
    coefs_ = network.LayerArrays("weight")
    #: b_κ of each layer, shape (n_out,): the network's own arrays
    intercepts_ = network.LayerArrays("bias")

    @property
    def n_layers_(self) -> int:
        """The number of layers, input and output layers included (scikit-learn's count)."""
        check_is_fitted(self, "model_")
        return len(self.model_) + 1

    # ----- fitted state --------------------------------------------------------------
    def _check_fitted_attributes(self) -> None:
        """A ``ValueError`` unless the fitted attributes agree with each other and with the
        parameters (``nnlearn.load`` calls this before it returns a loaded estimator)."""
        check_fitted_state(self, check_params(self))

    # ----- prediction ----------------------------------------------------------------
    def _forward(self, X: ArrayLike) -> np.ndarray:
        """The network's output for X, of shape (n_samples, n_outputs)."""
        if not hasattr(self, "model_"):
            check_is_fitted(self, "model_")
        X = inputs.prediction_inputs(self, X)
        if not is_sparse(X):
            return prediction.network_output(self.model_, X, self.mean_, self.scale_)
        prepared = prediction.standardized(X, self.mean_, self.scale_,
                                           prediction.dtype_of(self.model_))
        return outputs(self.model_, prepared).data

    def _outputs(self, X: Any) -> np.ndarray:
        """The network's output for prepared inputs (standardized, in the model's dtype)."""
        with self.model_.evaluation_mode():
            return outputs(self.model_, X).data

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
