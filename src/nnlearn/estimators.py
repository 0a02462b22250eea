"""scikit-learn estimators over nnlearn's layers and training loop: MLPClassifier, MLPRegressor.

Thin wrappers: ``fit`` builds ``nl.Sequential`` of ``nl.Dense`` layers and trains it with
``nl.fit``; ``partial_fit`` trains one epoch more (Adam and SGD keep their state between
calls, so k calls equal a ``fit`` of k epochs); ``predict`` runs the network. The
settings follow scikit-learn's ``MLPClassifier`` and ``MLPRegressor`` (names, defaults, the
``batch_size="auto"`` rule, the L2 term α, the stopping rule on the loss), so the two can be
compared side by side.

The network maps an input u through hidden layers x^κ = σ(x^{κ−1} W_κ + b_κ) to an output
layer without activation; training minimizes the empirical risk plus the L2 penalty

    R(θ) = 1/N Σ_i L(N_θ(u_i), y_i) + α/(2B) Σ_κ ‖W_κ‖²,

with B the batch size (the whole sample for L-BFGS), as scikit-learn does; nnlearn's
penalty also covers the biases. L is the cross-entropy of softmax(output) for several
classes, the binary cross-entropy of σ(output) for two, and ½‖y − ŷ‖² for regression.
"""

from __future__ import annotations

import itertools
import numbers
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from nnlearn import activations
from nnlearn.autodiff.tensor import Tensor, no_grad
from nnlearn.checks import check_integer, check_real_array
from nnlearn.init import rng_from
from nnlearn.layers import Dense, Sequential
from nnlearn.layers.module import as_float_dtype
from nnlearn.optim import LBFGS, SGD, Adam, Optimizer
from nnlearn.train import EarlyStopping, History, fit
from nnlearn.train.fit import TrainingDiverged

SOLVERS = ("adam", "sgd", "lbfgs")


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
        iterations, not epochs).
    alpha : float, default 1e-4
        α of the L2 penalty α/(2B) Σ‖W‖².
    batch_size : int or "auto", default "auto"
        Samples per mini-batch; "auto" is min(200, n_samples).
    learning_rate_init : float, default 1e-3
        η of Adam and SGD.
    max_iter : int, default 200
        The most epochs (L-BFGS: iterations).
    tol : float, default 1e-4
        Training stops when the monitored loss has not fallen by ``tol`` for
        ``n_iter_no_change`` epochs in a row (the L-BFGS gradient tolerance).
    n_iter_no_change : int, default 10
    momentum : float, default 0.9
        μ of SGD (with Nesterov's correction when μ > 0).
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the samples, monitor their loss instead of the
        training loss, and keep the weights of the best validation epoch (Adam and SGD;
        L-BFGS ignores it).
    validation_fraction : float, default 0.1
    standardize : bool, default False
        Scale each input feature to zero mean and unit variance (statistics of the training
        data, kept in ``mean_`` and ``scale_``) before the network sees it.
    random_state : int, Generator or None, default None
        Seeds the initial weights, the shuffling and the validation split.
    dtype : {"float64", "float32"}, default "float64"
        The dtype of the weights and of the computation.
    progress : bool or None, default False
        Show a progress bar over the epochs (None: when stderr is a terminal).
    """

    def __init__(
        self,
        hidden_layer_sizes: tuple[int, ...] = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 1e-4,
        batch_size: int | str = "auto",
        learning_rate_init: float = 1e-3,
        max_iter: int = 200,
        tol: float = 1e-4,
        n_iter_no_change: int = 10,
        momentum: float = 0.9,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        standardize: bool = False,
        random_state: int | np.random.Generator | None = None,
        dtype: Any = "float64",
        progress: bool | None = False,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.momentum = momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.standardize = standardize
        self.random_state = random_state
        self.dtype = dtype
        self.progress = progress

    # ----- what the subclasses define -------------------------------------------------
    #: whether ``y`` may be 2-d (regression with several outputs)
    _multi_output = False

    def _encode_targets(self, y: np.ndarray, classes: ArrayLike | None,
                        first: bool) -> tuple[np.ndarray, int, str]:
        """The targets as the loss sees them, the number of outputs and the loss name
        (``first``: the first fit or partial_fit, which fixes the classes)."""
        raise NotImplementedError

    # ----- validation ----------------------------------------------------------------
    def _check_params(self) -> tuple[int, ...]:
        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, numbers.Integral) else tuple(sizes)
        if not all(isinstance(s, numbers.Integral) and s >= 1 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers, got {self.hidden_layer_sizes!r}"
            )
        activations.ACTIVATIONS.canonical(self.activation)
        if self.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {SOLVERS}, got {self.solver!r}")
        _check_real("alpha", self.alpha, lambda v: v >= 0, "a number ≥ 0")
        _check_real("tol", self.tol, lambda v: v >= 0, "a number ≥ 0")
        _check_real("learning_rate_init", self.learning_rate_init, lambda v: v > 0,
                    "a number > 0")
        _check_real("momentum", self.momentum, lambda v: 0 <= v < 1, "a number in [0, 1)")
        _check_real("validation_fraction", self.validation_fraction, lambda v: 0 < v < 1,
                    "a number in (0, 1)")
        for name in ("max_iter", "n_iter_no_change"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.batch_size != "auto" and not (
            isinstance(self.batch_size, numbers.Integral) and self.batch_size >= 1
        ):
            raise ValueError(f"batch_size must be 'auto' or a positive integer, got "
                             f"{self.batch_size!r}")
        return tuple(int(s) for s in sizes)

    # ----- training ------------------------------------------------------------------
    def fit(self, X: ArrayLike, y: ArrayLike) -> BaseMLP:
        """Build the network and train it on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) (or (n_samples, n_outputs) for regression)

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, dtype=(np.float64, np.float32),
                             multi_output=self._multi_output, y_numeric=self._multi_output)
        targets, n_outputs, loss = self._encode_targets(y, None, first=True)
        model, rng = self._build(X, n_outputs)
        inputs = self._inputs(X, model.dtype)
        batch = len(inputs) if self.solver == "lbfgs" else self._batch_size(len(inputs))
        optimizer = self._optimizer(model, self.alpha / (2 * batch))
        stochastic = not isinstance(optimizer, LBFGS)
        stopping = EarlyStopping(
            monitor="val_loss" if self.early_stopping else "loss",
            patience=self.n_iter_no_change, min_delta=self.tol,
            restore_best_weights=self.early_stopping,
        )
        history = self._train(
            model, inputs, targets, loss=loss, optimizer=optimizer,
            epochs=self.max_iter if stochastic else 1, batch_size=batch,
            validation_split=self.validation_fraction if self.early_stopping and stochastic
            else None,
            callbacks=[stopping] if stochastic else [], random_state=rng, progress=self.progress,
        )
        self.model_ = model.eval()
        self._optimizer_, self._rng = (optimizer, rng) if stochastic else (None, None)
        self.loss_curve_ = history["loss"]
        self.loss_ = self.loss_curve_[-1]
        self.n_outputs_ = n_outputs
        self.validation_loss_curve_ = history.get("val_loss")
        if stochastic:
            self.n_iter_ = len(history.epochs)
            unfinished = history.stopped_epoch is None
            reason = "before the loss stopped improving"
        else:
            self.n_iter_ = int(optimizer.result.nit)
            unfinished = not optimizer.result.success
            reason = f"({optimizer.result.message})"
        if unfinished:
            warnings.warn(
                f"{type(self).__name__}: {self.solver} stopped after {self.n_iter_} of "
                f"max_iter={self.max_iter} iterations {reason}; raise max_iter for a "
                "converged fit", ConvergenceWarning, stacklevel=2,
            )
        return self

    def _build(self, X: np.ndarray, n_outputs: int) -> tuple[Sequential, np.random.Generator]:
        """A new network for X (and the input statistics, with ``standardize``)."""
        sizes = self._check_params()
        self.mean_ = self.scale_ = None
        if self.standardize:
            self.mean_ = X.mean(axis=0)
            scale = X.std(axis=0)
            self.scale_ = np.where(scale > 0, scale, 1.0)
        rng = rng_from(self.random_state)
        widths = [X.shape[1], *sizes]
        layers = [Dense(a, b, activation=self.activation, random_state=rng)
                  for a, b in itertools.pairwise(widths)]
        output = Dense(widths[-1], n_outputs, random_state=rng)
        return Sequential(*layers, output).astype(as_float_dtype(self.dtype)), rng

    def _partial_fit(self, X: ArrayLike, y: ArrayLike, classes: ArrayLike | None) -> BaseMLP:
        """One epoch of the stochastic solver over (X, y), from the current weights."""
        self._check_params()
        if self.solver == "lbfgs":
            raise ValueError("partial_fit needs a stochastic solver ('adam' or 'sgd'), got "
                             "solver='lbfgs'")
        first = not hasattr(self, "model_")
        X, y = validate_data(self, X, y, dtype=(np.float64, np.float32), reset=first,
                             multi_output=self._multi_output, y_numeric=self._multi_output)
        targets, n_outputs, loss = self._encode_targets(y, classes, first)
        if first:
            self.model_, self._rng = self._build(X, n_outputs)
            self.loss_curve_, self.n_iter_, self.n_outputs_ = [], 0, n_outputs
            self.validation_loss_curve_ = None
        elif n_outputs != self.n_outputs_:
            raise ValueError(f"y has {n_outputs} output(s), but the model was fitted with "
                             f"{self.n_outputs_}")
        inputs = self._inputs(X, self.model_.dtype)
        batch = self._batch_size(len(inputs))
        if getattr(self, "_optimizer_", None) is None:  # first call, or a loaded model
            self._optimizer_ = self._optimizer(self.model_, self.alpha / (2 * batch))
        if getattr(self, "_rng", None) is None:
            self._rng = rng_from(self.random_state)
        history = self._train(self.model_, inputs, targets, loss=loss,
                              optimizer=self._optimizer_, epochs=1, batch_size=batch,
                              random_state=self._rng, progress=False)
        self.model_.eval()
        self.loss_curve_ = [*self.loss_curve_, *history["loss"]]
        self.loss_ = self.loss_curve_[-1]
        self.n_iter_ += 1
        return self

    def _train(self, model: Sequential, *args: Any, **options: Any) -> History:
        """``nl.fit``, with divergence reported as scikit-learn's MLP reports it: a
        ``ValueError`` (non-finite weights), and a ``ConvergenceWarning`` when the training
        loss ends higher than after the first epoch (the learning rate is too large)."""
        try:
            history = fit(model, *args, **options)
        except TrainingDiverged as error:
            raise ValueError(
                f"{type(self).__name__}: the solver produced non-finite weights or loss ({error})."
                " The input data may contain large values and need to be preprocessed "
                "(standardize=True), or learning_rate_init may be too large"
            ) from error
        curve = history["loss"]
        if len(curve) > 1 and curve[-1] > curve[0]:
            warnings.warn(
                f"{type(self).__name__}: the training loss rose from {curve[0]:.4g} after the "
                f"first epoch to {curve[-1]:.4g}; learning_rate_init="
                f"{self.learning_rate_init:g} is probably too large", ConvergenceWarning,
                stacklevel=3)
        return history

    def _batch_size(self, n_samples: int) -> int:
        return min(200 if self.batch_size == "auto" else int(self.batch_size), n_samples)

    def _optimizer(self, model: Sequential, weight_decay: float) -> Optimizer:
        params = model.parameters()
        if self.solver == "lbfgs":
            return LBFGS(params, max_iter=self.max_iter, tol=self.tol, weight_decay=weight_decay)
        if self.solver == "sgd":
            return SGD(params, lr=self.learning_rate_init, momentum=self.momentum,
                       nesterov=self.momentum > 0, weight_decay=weight_decay)
        return Adam(params, lr=self.learning_rate_init, weight_decay=weight_decay)

    # ----- fitted state --------------------------------------------------------------
    def _check_fitted_attributes(self) -> None:
        """A ``ValueError`` unless the fitted attributes agree with each other and with the
        parameters (``nnlearn.load`` calls this before it returns a loaded estimator)."""
        sizes = self._check_params()
        model, n_in = self.model_, self.n_features_in_
        if not isinstance(model, Sequential) or not all(isinstance(layer, Dense)
                                                        for layer in model.layers):
            raise ValueError(f"model_ must be a Sequential of Dense layers, got {model!r}")
        n_out = check_integer(self.n_outputs_, "n_outputs_", minimum=1)
        widths = [check_integer(n_in, "n_features_in_", minimum=1), *sizes, n_out]
        found = [model.layers[0].in_features, *(layer.out_features for layer in model.layers)]
        if found != widths:
            raise ValueError(f"model_ has layer widths {found}, but n_features_in_, "
                             f"hidden_layer_sizes and n_outputs_ give {widths}")
        if model.dtype != as_float_dtype(self.dtype):
            raise ValueError(f"model_ is {model.dtype}, but dtype is {self.dtype!r}")
        for name in ("mean_", "scale_"):
            value = getattr(self, name, None)
            if (value is None) != (not self.standardize):
                raise ValueError(f"{name} must be {'an array' if self.standardize else 'None'} "
                                 f"when standardize={self.standardize}")
            if value is not None:
                value = check_real_array(value, name, ndim=1)
                if value.shape != (n_in,):
                    raise ValueError(f"{name} has shape {value.shape}, expected ({n_in},)")
        if self.standardize and np.any(self.scale_ <= 0):
            raise ValueError("scale_ must be positive")
        check_integer(self.n_iter_, "n_iter_", minimum=0)
        check_real_array(self.loss_curve_, "loss_curve_", ndim=1, finite=False)

    # ----- prediction ----------------------------------------------------------------
    def _inputs(self, X: np.ndarray, dtype: np.dtype) -> np.ndarray:
        """X standardized as in fit (if it was), C-contiguous in ``dtype``."""
        if self.mean_ is not None:
            X = (X - self.mean_) / self.scale_
        return np.ascontiguousarray(X, dtype=dtype)

    def _forward(self, X: ArrayLike) -> np.ndarray:
        """The network's output for X, of shape (n_samples, n_outputs)."""
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        with no_grad():
            return self.model_(Tensor(self._inputs(X, self.model_.dtype))).data


class MLPClassifier(ClassifierMixin, BaseMLP):
    """A multi-layer perceptron classifier, trained by backpropagation with ``nl.fit``.

    Labels of any type are accepted (numbers, strings); ``classes_`` holds them sorted.
    Two classes use one output unit with σ and the binary cross-entropy; k > 2 classes k
    output units with softmax and the cross-entropy.

    Parameters
    ----------
    See :class:`BaseMLP`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    model_ : nl.Sequential
        The trained network (outputs: logits).
    loss_curve_ : list of float
        The mean training loss of each epoch (L-BFGS: the final loss).
    loss_ : float
    n_iter_ : int
        Epochs run (L-BFGS: iterations).
    n_features_in_, n_outputs_ : int
    validation_loss_curve_ : list of float or None
        The validation loss of each epoch, with ``early_stopping``.
    mean_, scale_ : ndarray of shape (n_features,) or None
        The input statistics, with ``standardize``.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlearn.estimators import MLPClassifier
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 8)
    >>> y = np.array(["no", "yes", "yes", "no"] * 8)
    >>> clf = MLPClassifier((8,), activation="tanh", solver="lbfgs", random_state=0).fit(X, y)
    >>> clf.predict([[0, 1], [1, 1]]).tolist(), clf.score(X, y)
    (['yes', 'no'], 1.0)
    """

    def partial_fit(self, X: ArrayLike, y: ArrayLike,
                    classes: ArrayLike | None = None) -> MLPClassifier:
        """One epoch of Adam or SGD over (X, y), continuing from the current weights and
        optimizer state (a loaded model starts a fresh optimizer).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like, optional
            Every label there will be; required on the first call, when ``y`` may not
            hold them all.

        Returns
        -------
        self
        """
        if classes is None and not hasattr(self, "model_"):
            raise ValueError("classes must be passed on the first call to partial_fit")
        return self._partial_fit(X, y, classes)

    def _encode_targets(self, y: np.ndarray, classes: ArrayLike | None,
                        first: bool) -> tuple[np.ndarray, int, str]:
        check_classification_targets(y)
        if first:
            self.classes_ = np.unique(y if classes is None else classes)
            if len(self.classes_) < 2:
                raise ValueError(
                    f"y holds one class only ({self.classes_.tolist()}); a classifier needs "
                    "samples of at least two classes"
                )
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(f"y holds labels {unknown.tolist()[:10]} that are not among the "
                             f"classes {self.classes_.tolist()[:10]}")
        indices = np.searchsorted(self.classes_, y)
        if len(self.classes_) == 2:
            return indices.reshape(-1, 1).astype(np.float64), 1, "bce_with_logits"
        return indices, len(self.classes_), "cross_entropy"

    def _check_fitted_attributes(self) -> None:
        super()._check_fitted_attributes()
        classes = np.asarray(self.classes_)
        if classes.ndim != 1 or len(classes) < 2 or len(np.unique(classes)) != len(classes):
            raise ValueError(f"classes_ must be at least two distinct labels, got {classes!r}")
        outputs = 1 if len(classes) == 2 else len(classes)
        if self.n_outputs_ != outputs:
            raise ValueError(f"{len(classes)} classes need {outputs} output(s), but n_outputs_ "
                             f"is {self.n_outputs_}")

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """The logits: shape (n_samples,) for two classes, else (n_samples, n_classes)."""
        output = self._forward(X)
        return output.ravel() if output.shape[1] == 1 else output

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """P(class | x): [1 − σ(z), σ(z)] for two classes, softmax(z) for more.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        output = self._forward(X)
        if output.shape[1] == 1:
            p = activations.sigmoid(output)
            return np.hstack([1 - p, p])
        return activations.softmax(output)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The most probable class of each sample, shape (n_samples,)."""
        output = self._forward(X)
        index = (output[:, 0] >= 0).astype(np.intp) if output.shape[1] == 1 else output.argmax(1)
        return self.classes_[index]


class MLPRegressor(RegressorMixin, BaseMLP):
    """A multi-layer perceptron regressor (linear output layer, loss ½‖y − ŷ‖²).

    ``y`` may have several columns (one output unit each).

    Parameters
    ----------
    See :class:`BaseMLP`.

    Attributes
    ----------
    model_ : nl.Sequential
    loss_curve_, loss_, n_iter_, n_features_in_, n_outputs_, validation_loss_curve_, mean_, scale_
        As for :class:`MLPClassifier`.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlearn.estimators import MLPRegressor
    >>> X = np.linspace(-1, 1, 50).reshape(-1, 1); y = X.ravel() ** 2
    >>> reg = MLPRegressor((16,), activation="tanh", solver="lbfgs", random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.99
    True
    """

    _multi_output = True

    def partial_fit(self, X: ArrayLike, y: ArrayLike) -> MLPRegressor:
        """One epoch of Adam or SGD over (X, y), continuing from the current weights and
        optimizer state (a loaded model starts a fresh optimizer).

        Returns
        -------
        self
        """
        return self._partial_fit(X, y, None)

    def _encode_targets(self, y: np.ndarray, classes: ArrayLike | None,
                        first: bool) -> tuple[np.ndarray, int, str]:
        targets = y.reshape(len(y), -1)
        return targets, targets.shape[1], "half_squared_error"

    def predict(self, X: ArrayLike) -> np.ndarray:
        """ŷ: shape (n_samples,) for one output, else (n_samples, n_outputs)."""
        output = self._forward(X)
        return output.ravel() if output.shape[1] == 1 else output

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


def _check_real(name: str, value: Any, valid: Callable[[float], bool], expected: str) -> None:
    """A clear error unless ``value`` is a real number that passes ``valid``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not valid(float(value)):
        raise ValueError(f"{name} must be {expected}, got {value!r}")
