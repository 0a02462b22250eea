"""scikit-learn's training rules for the MLP estimators, on top of ``nl.fit``.

``nl.fit`` runs the epochs and batches; :class:`ScikitLearnRules`, one of its callbacks,
adds what scikit-learn's ``MLPClassifier`` and ``MLPRegressor`` do around them:

* the L2 term of each batch B, α/(2 Σ_{i∈B} w_i) Σ_κ ‖W_κ‖²_F on the weight matrices only
  (the biases are free): its gradient is the optimizer's weight decay of the weights'
  group, set before each step, and its value is added to the loss the estimator reports;
* the stopping rule: after each epoch the training loss (with ``early_stopping``, the
  validation score, i.e. accuracy or R²) is compared with the best so far; once it has
  failed ``n_iter_no_change`` epochs in a row to improve it by ``tol``, training stops;
* the SGD solver's learning-rate schedules: ``"invscaling"`` sets η = η₀ / (t + 1)^p after
  each epoch, t the number of samples seen; ``"adaptive"`` divides η by 5 instead of
  stopping, and stops once η ≤ 10⁻⁶;
* with ``early_stopping``, the weights of the best validation epoch are restored at the end;
* with ``verbose``, scikit-learn's messages.
"""

from __future__ import annotations

import math
import sys
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from nnlearn.equations import implements
from nnlearn.layers.module import Module
from nnlearn.optim import LBFGS, SGD, Adam, Optimizer, decay_groups
from nnlearn.train import Callback, History, fit
from nnlearn.train.fit import TrainingDiverged

TEST = "tests/test_estimators_sklearn_parity.py"


def make_optimizer(estimator: Any, network: Module) -> Optimizer:
    """The estimator's Adam or SGD over ``network``, in scikit-learn's conventions: the
    weights' group first (its decay set per batch), the biases' without decay; SGD's
    velocity sums steps (v ← μv − ηg), Adam adds ε to √v_t."""
    groups = decay_groups(network, 0.0)
    rate = estimator.learning_rate if callable(estimator.learning_rate) else (
        estimator.learning_rate_init)
    if estimator.solver == "sgd":
        momentum = estimator.momentum
        return SGD(groups, lr=rate, momentum=momentum,
                   nesterov=bool(estimator.nesterovs_momentum) and momentum > 0,
                   accumulate="step")
    return Adam(groups, lr=rate, betas=(estimator.beta_1, estimator.beta_2),
                eps=estimator.epsilon, eps_on="v")


def fit_lbfgs(est: Any, X: Any, targets: np.ndarray, weights: np.ndarray | None) -> None:
    """One L-BFGS run over all samples: R(θ) with the L2 term α/(2 Σ w) Σ ‖W‖²."""
    total = X.shape[0] if weights is None else float(weights.sum())
    optimizer = LBFGS(decay_groups(est.model_, est.alpha / (2 * total)),
                      max_iter=est.max_iter, tol=est.tol, max_fun=est.max_fun)
    history = train(est, X, targets, loss=est._loss(), optimizer=optimizer, epochs=1,
                    batch_size=None, sample_weight=weights, progress=False)
    penalty = optimizer.penalty()
    est.loss_ = (history["loss"][-1] - penalty) * est._loss_scale() + penalty
    est.loss_curve_ = [*est.loss_curve_, est.loss_]
    est.n_iter_ = int(optimizer.result.nit)
    est._optimizer_ = None
    if est.verbose:
        print(f"L-BFGS: {est.n_iter_} iterations, loss = {est.loss_:.8f} "
              f"({optimizer.result.message})")
    if not optimizer.result.success:
        warn_caller(
            f"{type(est).__name__}: lbfgs stopped after {est.n_iter_} of max_iter="
            f"{est.max_iter} iterations ({optimizer.result.message}); raise max_iter "
            "(or max_fun) for a converged fit")


def fit_stochastic(est: Any, X: Any, targets: np.ndarray, y: np.ndarray,
                   weights: np.ndarray | None, patience: float, incremental: bool) -> None:
    """Epochs of Adam or SGD under scikit-learn's rules (one epoch for partial_fit)."""
    validation = None
    if est.early_stopping:
        X, targets, weights, validation = split(est, X, targets, y, weights)
    n_samples = X.shape[0]
    if not incremental or est._optimizer_ is None:
        est._optimizer_ = make_optimizer(est, est.model_)
    rules = ScikitLearnRules(est, est._optimizer_, n_samples, est._loss_scale(), patience,
                             None if validation is None else validation.for_score)
    history = train(
        est, X, targets, loss=est._loss(), optimizer=est._optimizer_,
        epochs=1 if incremental else est.max_iter, batch_size=batch_size(est, n_samples),
        shuffle=est.shuffle, sample_weight=weights,
        validation_data=None if validation is None else validation.for_loss,
        callbacks=[rules], random_state=est._rng,
        progress=False if incremental else est.progress)
    est.n_iter_ = len(history.epochs)
    if est.early_stopping:
        est.validation_loss_curve_ = [*est.validation_loss_curve_, *history["val_loss"]]
    if not incremental and history.stopped_epoch is None:
        warn_caller(
            f"{type(est).__name__}: {est.solver} stopped after {est.n_iter_} of "
            f"max_iter={est.max_iter} iterations before the loss stopped improving; raise "
            "max_iter for a converged fit")


def split(est: Any, X: Any, targets: np.ndarray, y: np.ndarray, weights: np.ndarray | None
          ) -> tuple[Any, np.ndarray, np.ndarray | None, HeldOut]:
    """The training part (inputs, targets, weights) and the held-out one, as
    scikit-learn splits them: stratified by the labels for one label per sample, the
    same split at every fit for an integer random_state."""
    seed = (est.random_state if isinstance(est.random_state, int | np.integer)
            else int(est._rng.integers(2**32)))
    weights_given = weights is not None
    arrays = [X, targets, y, weights if weights_given else np.ones(len(y))]
    parts = train_test_split(*arrays, test_size=est.validation_fraction,
                             random_state=seed, stratify=est._split_labels(y))
    kept, held = parts[0::2], parts[1::2]
    if held[0].shape[0] < 2:
        raise ValueError("The validation set is too small. Increase 'validation_fraction' "
                         "or the size of your dataset.")
    held_out = HeldOut(held[0], held[1], held[2], held[3] if weights_given else None)
    return kept[0], kept[1], kept[3] if weights_given else None, held_out


def train(est: Any, *args: Any, **options: Any) -> History:
    """``nl.fit`` of the estimator's network, with divergence reported as scikit-learn's MLP
    reports it: a ``ValueError`` (non-finite weights), and a ``ConvergenceWarning`` when the
    training loss ends higher than after the first epoch (the learning rate is too large)."""
    try:
        history = fit(est.model_, *args, **options)
    except TrainingDiverged as error:
        raise ValueError(
            f"{type(est).__name__}: the solver produced non-finite weights or loss ({error})."
            " X may contain large values and need to be preprocessed "
            "(standardize=True), or learning_rate_init may be too large"
        ) from error
    curve = history["loss"]
    if len(curve) > 1 and curve[-1] > curve[0]:
        warn_caller(
            f"{type(est).__name__}: the training loss rose from {curve[0]:.4g} after the "
            f"first epoch to {curve[-1]:.4g}; learning_rate_init="
            f"{est.learning_rate_init:g} is probably too large")
    return history


def batch_size(est: Any, n_samples: int) -> int:
    """scikit-learn's batch size: "auto" is min(200, n_samples); more than n_samples is
    clipped, with a warning."""
    if est.batch_size == "auto":
        return min(200, n_samples)
    if est.batch_size > n_samples:
        warn_caller(f"Got batch_size={est.batch_size} larger than the {n_samples} "
                    "samples; it is clipped to the sample size", UserWarning)
    return min(int(est.batch_size), n_samples)


@dataclass(frozen=True)
class HeldOut:
    """The validation part of an early-stopping fit: prepared inputs, encoded targets (for
    the loss), labels or targets as given (for the score), weights."""

    X: Any
    targets: np.ndarray
    y: np.ndarray
    weights: np.ndarray | None

    @property
    def for_loss(self) -> tuple[Any, np.ndarray, np.ndarray | None]:
        return self.X, self.targets, self.weights

    @property
    def for_score(self) -> tuple[Any, np.ndarray, np.ndarray | None]:
        return self.X, self.y, self.weights


@implements("mlp_l2_penalty_per_batch", test=f"{TEST}::test_sgd_and_adam_follow_scikit_learn")
@implements("inverse_scaling_learning_rate",
            test=f"{TEST}::test_learning_rate_schedules_follow_scikit_learn")
@implements("adaptive_learning_rate",
            test=f"{TEST}::test_learning_rate_schedules_follow_scikit_learn")
class ScikitLearnRules(Callback):
    """The per-batch L2 term, the stopping rule, the schedules and the bookkeeping of
    scikit-learn's stochastic solvers (see the module's docstring).

    It keeps the estimator's fitted state up to date: ``t_``, ``loss_curve_``, ``loss_``,
    ``best_loss_``, ``validation_scores_``, ``best_validation_score_``.

    Parameters
    ----------
    estimator : BaseMLP
    optimizer : Optimizer
        The estimator's; its first group holds the weight matrices.
    n_samples : int
        The training samples of an epoch (t grows by this much).
    loss_scale : float
        The data loss as ``nl.fit`` reports it, times this, is scikit-learn's (the
        regressor averages the squared error over its outputs too).
    patience : float
        n_iter_no_change (an integer, or inf).
    validation : tuple, optional
        (inputs, y, weights) held out, with ``early_stopping``.
    """

    def __init__(self, estimator: Any, optimizer: Optimizer, n_samples: int, loss_scale: float,
                 patience: float, validation: tuple[Any, np.ndarray, np.ndarray | None] | None
                 ) -> None:
        self.estimator, self.optimizer = estimator, optimizer
        self.n_samples, self.loss_scale, self.patience = n_samples, loss_scale, patience
        self.validation = validation
        # the best held-out score (carried over by warm_start), or minus the best loss
        carried = getattr(estimator, "best_validation_score_", None)
        self.best_watched = (carried if estimator.early_stopping is True and carried is not None
                             else -math.inf)
        self.weights_part, self.weights_group = next(optimizer.groups())
        self.epoch_penalty = 0.0

    def on_batch_begin(self, batch: int, n_samples: int, weight: float) -> None:
        alpha = self.estimator.alpha
        if not alpha:
            return
        lam = alpha / (2 * weight)  # α/(2 Σ w) ‖W‖²: its gradient is 2λW
        self.weights_group["weight_decay"] = lam
        theta = self.optimizer.theta[self.weights_part]
        self.epoch_penalty += lam * float(np.dot(theta, theta)) * n_samples

    def on_epoch_end(self, epoch: int, model: Module, history: History) -> bool:
        est = self.estimator
        loss = history["loss"][-1] * self.loss_scale + self.epoch_penalty / self.n_samples
        self.epoch_penalty = 0.0
        est.t_ += self.n_samples
        est.loss_curve_.append(loss)
        est.loss_ = loss
        if est.verbose:
            print(f"Iteration {epoch}, loss = {loss:.8f}")
        self._count_no_improvement(model, loss, history)
        if est.solver == "sgd" and est.learning_rate == "invscaling":
            self._set_rate(est.learning_rate_init / (est.t_ + 1) ** est.power_t)
        if est._no_improvement_count <= self.patience:
            return False
        what = {True: "Validation score", "loss": "Validation loss"}.get(est.early_stopping,
                                                                       "Training loss")
        message = (f"{what} did not improve more than tol={est.tol:f} for "
                   f"{est.n_iter_no_change} consecutive epochs.")
        if est.solver != "sgd" or est.learning_rate != "adaptive":
            return self._say(message + " Stopping.", stop=True)
        rate = self.optimizer.param_groups[0]["lr"]
        if rate <= 1e-6:
            return self._say(message + " Learning rate too small. Stopping.", stop=True)
        self._set_rate(rate / 5)
        est._no_improvement_count = 0
        return self._say(message + f" Setting learning rate to {rate / 5:f}", stop=False)

    def _count_no_improvement(self, model: Module, loss: float, history: History) -> None:
        """scikit-learn's count of epochs without an improvement by tol, and the best (with
        ``early_stopping="loss"``, of the held-out loss; the score is still recorded)."""
        est = self.estimator
        if est.early_stopping:
            score = est._validation_score(*self.validation)
            est.validation_scores_.append(score)
            if est.verbose:
                print(f"Validation score: {score:f}")
            if est.early_stopping == "loss":
                watched = -history["val_loss"][-1] * self.loss_scale
            else:
                watched = score
            improved = not watched < self.best_watched + est.tol
            if watched > self.best_watched:
                self.best_watched = watched
                est.best_validation_score_ = score
                est._best_state = model.state_dict()
        else:
            improved = not loss > est.best_loss_ - est.tol
            est.best_loss_ = min(est.best_loss_, loss)
        est._no_improvement_count = 0 if improved else est._no_improvement_count + 1

    def _set_rate(self, rate: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = rate

    def _say(self, message: str, stop: bool) -> bool:
        if self.estimator.verbose:
            print(message)
        return stop

    def on_train_end(self, model: Module, history: History) -> None:
        if self.estimator.early_stopping:
            model.load_state_dict(self.estimator._best_state)


def warn_caller(message: str, category: type[Warning] = ConvergenceWarning) -> None:
    """Warn with the user's line: the first frame outside this package."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith(__package__):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
