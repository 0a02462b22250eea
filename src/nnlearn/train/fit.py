"""``nl.fit``: train a network by minimizing the empirical risk over mini-batches."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn import activations, losses
from nnlearn.autodiff.tensor import Tensor, grad_mode_state, no_grad
from nnlearn.checks import check_integer, check_real
from nnlearn.equations import implements
from nnlearn.init import rng_from
from nnlearn.layers.module import Module
from nnlearn.optim import LBFGS, OPTIMIZERS, Optimizer
from nnlearn.train import data, objective, targets
from nnlearn.train.callbacks import Callback
from nnlearn.train.history import History
from nnlearn.train.metrics import METRICS
from nnlearn.train.progress import Progress

TEST = "tests/test_train.py"


class TrainingDiverged(FloatingPointError):
    """The loss or the weights became NaN or infinite; the model holds its last weights
    with a finite loss (or, with ``EarlyStopping(restore_best_weights=True)``, its best).

    Attributes
    ----------
    epoch, batch : int
        Where it happened (both counted from 1).
    history : History
        The epochs completed before.
    """

    def __init__(self, epoch: int, batch: int, value: float, history: History,
                 what: str = "the loss") -> None:
        super().__init__(
            f"{what} became {value} at epoch {epoch}, batch {batch}; training stopped and the "
            "model keeps its last weights with a finite loss (try a smaller learning rate, "
            "gradient clipping or scaled inputs)"
        )
        self.epoch, self.batch, self.history = epoch, batch, history


def make_optimizer(optimizer: str | Optimizer, model: Module, lr: float | None) -> Optimizer:
    """An optimizer object from a registry name (with ``lr`` if given) or as given."""
    if isinstance(optimizer, Optimizer):
        if lr is not None:
            raise ValueError("lr: give the learning rate to the optimizer object, not to fit")
        return optimizer
    if not isinstance(optimizer, str):
        raise TypeError(
            f"optimizer must be a name or an nnlearn.optim.Optimizer, got {type(optimizer)!r}"
        )
    return OPTIMIZERS.get(optimizer)(model.parameters(), **({} if lr is None else {"lr": lr}))


def evaluate(model: Module, X: Any, y: np.ndarray, loss: str | Callable[..., Tensor],
             metrics: Sequence[str] = (), prefix: str = "",
             sample_weight: np.ndarray | None = None) -> dict[str, float]:
    """The loss and ``metrics`` of ``model`` on (X, y), in evaluation mode, without a graph
    (the loss weighted by ``sample_weight`` if given).

    Outputs of a model trained with ``bce_with_logits`` are logits: metrics see σ(output).
    """
    with model.evaluation_mode(), no_grad():
        output = objective.outputs(model, X)
        value = objective.batch_loss(losses.get(loss), output, y, sample_weight)
        values = {prefix + "loss": float(value.data)}
    scores = output.data
    if isinstance(loss, str) and losses.LOSSES.canonical(loss) in targets.LOGIT_LOSSES:
        scores = activations.sigmoid(scores)
    for name in metrics:
        values[prefix + METRICS.canonical(name)] = METRICS.get(name)(scores, y)
    return values


@implements("risk_minimization_for_mlps", test=f"{TEST}::test_fit_minimizes_the_empirical_risk")
@implements("operationalization_of_supervised_learning",
            test="tests/test_risk.py::test_fit_finds_the_empirical_risk_minimizer")
@implements("risk_of_optimal_model",
            test="tests/test_risk.py::test_fit_finds_the_empirical_risk_minimizer")
@implements("gradient_empirical_risk_sum_of_gradients",
            test=f"{TEST}::test_batch_gradient_is_mean_of_sample_gradients")
def fit(
    model: Module,
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: str | Callable[..., Tensor] = "mse",
    optimizer: str | Optimizer = "adam",
    lr: float | None = None,
    epochs: int = 10,
    batch_size: int | None = 32,
    shuffle: bool = True,
    sample_weight: ArrayLike | None = None,
    validation_split: float | None = None,
    validation_data: tuple[ArrayLike, ...] | None = None,
    metrics: Sequence[str] = (),
    callbacks: Iterable[Callback] = (),
    random_state: int | np.random.Generator | None = None,
    progress: bool | None = None,
) -> History:
    """Train ``model`` to minimize the empirical risk R^emp(θ) = 1/N Σ_i L(N_θ(u_i), y_i).

    Each epoch is one pass over the training data in batches; each batch gives the
    gradient of its mean loss, ∇R = 1/B Σ_i ∇L(N_θ(u_i), y_i) (with sample weights, the
    weighted mean Σ_i w_i ∇L_i / Σ_i w_i), and one optimizer step. Training runs in the
    parameters' dtype (the data are converted to it).

    Parameters
    ----------
    model : Module
    X : array_like of shape (n_samples, n_features) or (n_samples, n_steps, n_features)
        Sequences (3-d) are for recurrent layers such as :class:`~nnlearn.layers.RNN`. A
        SciPy sparse matrix (n_samples, n_features) stays sparse: each batch is made dense
        as the model reads it.
    y : array_like of shape (n_samples,), (n_samples, n_outputs) or (n_samples, n_steps, n_outputs)
        Class indices 0..n_classes−1 for ``loss="cross_entropy"`` (the model outputs
        logits), else targets of the model's output shape: ``y`` is checked for the kind of
        target the loss takes (:mod:`nnlearn.train.targets`).
    loss : str or callable, default "mse"
        A name from :data:`nnlearn.losses.LOSSES` or ``loss(prediction, target)``. A
        callable takes targets of the model's output shape unless it declares otherwise
        with :func:`~nnlearn.train.targets.loss_targets` (``"classes"`` passes integer
        labels through); with ``sample_weight`` it must accept ``reduction="none"``.
    optimizer : str or Optimizer, default "adam"
        A name from :data:`nnlearn.optim.OPTIMIZERS` (made with its defaults and ``lr``) or
        an optimizer over ``model.parameters()``. With ``"lbfgs"`` each epoch is one
        full-batch L-BFGS run of ``max_iter`` iterations.
    lr : float, optional
        The learning rate for an optimizer given by name.
    epochs : int, default 10
    batch_size : int or None, default 32
        None: full-batch gradient descent; 1: stochastic gradient descent; n: mini-batches.
    shuffle : bool, default True
        Shuffle the samples every epoch (under ``random_state``).
    sample_weight : array_like of shape (n_samples,), optional
        w_i ≥ 0: each batch minimizes its weighted mean loss (a batch whose weights are all
        0 is skipped). The epoch's loss is the mean of the batch losses, each counted by
        its number of samples (as scikit-learn counts them).
    validation_split : float, optional
        A random fraction of the samples held out for ``val_`` entries (with their weights).
    validation_data : (X_val, y_val) or (X_val, y_val, w_val), optional
        Held-out data (instead of ``validation_split``), optionally weighted.
    metrics : sequence of str, default ()
        Names from :data:`nnlearn.train.metrics.METRICS` ("accuracy", "r2"), computed on the
        training (and validation) data after each epoch.
    callbacks : iterable of Callback, default ()
        E.g. :class:`~nnlearn.train.callbacks.EarlyStopping`.
    random_state : int, Generator or None
        Seeds the validation split and the shuffling: the same seed and initial weights
        give bit-identical results.
    progress : bool or None, default None
        Show a progress bar; None: only when stderr is a terminal.

    Returns
    -------
    History
        ``history["loss"]`` (the mean batch loss of each epoch), ``history["val_loss"]``,
        and the metrics.

    Raises
    ------
    ValueError
        Bad data or arguments, before any training.
    TrainingDiverged
        The loss, the validation loss or a weight became NaN or infinite (the model keeps
        its last weights with a finite loss). However ``fit`` ends — normally, early, by
        divergence or by an exception such as Ctrl-C — the callbacks' ``on_train_end`` runs,
        so ``EarlyStopping(restore_best_weights=True)`` leaves the best weights.

    Examples
    --------
    >>> import numpy as np, nnlearn as nl
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]); y = np.array([0, 1, 1, 0])
    >>> net = nl.Sequential(nl.Dense(2, 8, activation="tanh"), nl.Dense(8, 2))
    >>> history = nl.fit(net.initialize(0), X, y, loss="cross_entropy", lr=0.05,
    ...                  epochs=300, batch_size=None, random_state=0)
    >>> history["loss"][-1] < 0.05
    True
    """
    if not isinstance(model, Module):
        raise TypeError(f"model must be an nnlearn Module, got {type(model).__name__}")
    epochs = check_integer(epochs, "epochs", minimum=1)
    batch_size = check_integer(batch_size, "batch_size", minimum=1, allow_none=True)
    if validation_split is not None:
        validation_split = check_real(validation_split, "validation_split")  # range: data.split
    if validation_split is not None and validation_data is not None:
        raise ValueError("give validation_split or validation_data, not both")
    loss_fn = losses.get(loss)
    targets.target_kind(loss)  # a callable's declared kind, checked
    for name in metrics:
        METRICS.canonical(name)
    X = data.check_inputs(model, X)
    output = data.output_shape(model, X)
    y = targets.check_targets(y, X.shape[0], output, model.dtype, loss)
    weights = data.check_sample_weight(sample_weight, X.shape[0])
    if weights is not None and not objective.takes_reduction(loss_fn):
        raise ValueError("sample_weight needs the loss of each sample: the loss must accept "
                         "reduction='none' (as nnlearn's losses do)")
    rng = rng_from(random_state)
    X_val = y_val = w_val = None
    if validation_split is not None:
        X, y, weights, X_val, y_val, w_val = data.split(X, y, weights, validation_split, rng)
    elif validation_data is not None:
        X_val, y_val, w_val = _check_validation_data(model, validation_data, output, loss)
    opt = make_optimizer(optimizer, model, lr)
    callbacks = list(callbacks)
    history = History()
    last_good = opt.state_array()  # the latest weights known to give a finite loss
    last_good[...] = opt.theta
    n_batches = (1 if batch_size is None or isinstance(opt, LBFGS)
                 else -(-X.shape[0] // batch_size))
    bar = Progress(epochs, progress)
    model.train()
    grad_mode = grad_mode_state()
    recording, depth = grad_mode.enabled, len(grad_mode.previous)
    for callback in callbacks:
        callback.on_train_begin(model, history)
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # caught below, with a clear message
            for epoch in range(1, epochs + 1):
                if isinstance(opt, LBFGS):
                    train_loss = _lbfgs_epoch(model, X, y, weights, loss_fn, opt, epoch,
                                              history)
                else:
                    order_rng = rng if shuffle else None
                    train_loss = _epoch(model, X, y, weights, loss_fn, opt, batch_size,
                                        order_rng, epoch, history, last_good, callbacks)
                _check_weights(opt, last_good, epoch, n_batches, history)
                if isinstance(opt, LBFGS):  # it ends where its loss was lowest, and finite
                    last_good[...] = opt.theta
                values = {"loss": train_loss}  # the mean over the epoch's batches
                if metrics:
                    on_train = evaluate(model, X, y, loss, metrics, sample_weight=weights)
                    values.update((k, v) for k, v in on_train.items() if k != "loss")
                if X_val is not None:
                    values.update(evaluate(model, X_val, y_val, loss, metrics, prefix="val_",
                                           sample_weight=w_val))
                    if not math.isfinite(values["val_loss"]):
                        opt.theta[...] = last_good
                        raise TrainingDiverged(epoch, 1, values["val_loss"], history,
                                               "the validation loss")
                history.record(epoch, values)
                bar.update(values)
                if any([c.on_epoch_end(epoch, model, history) for c in callbacks]):
                    history.stopped_epoch = epoch
                    break
    finally:
        # First, with no call on the way: the grad mode as it was, even if Ctrl-C skipped
        # the exit of a switch inside (it is raised at the start of a function).
        grad_mode.enabled = recording
        del grad_mode.previous[depth:]
        model.train()  # evaluate's switch to evaluation mode may have been skipped so too
        bar.close()
        for callback in callbacks:  # on every way out: EarlyStopping restores the best weights
            callback.on_train_end(model, history)
    return history


def _check_weights(opt: Optimizer, last_good: np.ndarray, epoch: int, batch: int,
                   history: History) -> None:
    """TrainingDiverged, with the last good weights restored, if a weight is NaN or ±inf.

    Each batch's loss is checked as it is computed, so this catches the one step after the
    last loss: the last of a full-batch run, where a huge rate leaves weights of 1e201 or inf.
    """
    if data.sum_of_zeros(opt.theta) != 0:
        bad = opt.theta[~np.isfinite(opt.theta)][0]
        opt.theta[...] = last_good
        raise TrainingDiverged(epoch, batch, float(bad), history, "a weight")


def _check_validation_data(model: Module, validation_data: tuple[ArrayLike, ...],
                           output: tuple[int, ...], loss: str | Callable[..., Tensor]
                           ) -> tuple[Any, np.ndarray, np.ndarray | None]:
    if not isinstance(validation_data, tuple | list) or len(validation_data) not in (2, 3):
        raise ValueError("validation_data must be (X_val, y_val) or (X_val, y_val, w_val)")
    X_val = data.check_inputs(model, validation_data[0], "X_val")
    y_val = targets.check_targets(validation_data[1], X_val.shape[0], output, model.dtype,
                                  loss, "y_val")
    w_val = (data.check_sample_weight(validation_data[2], X_val.shape[0], "w_val")
             if len(validation_data) == 3 else None)
    return X_val, y_val, w_val


def _epoch(model: Module, X: Any, y: np.ndarray, weights: np.ndarray | None,
           loss: Callable[..., Tensor], opt: Optimizer, batch_size: int | None,
           rng: np.random.Generator | None, epoch: int, history: History,
           last_good: np.ndarray, callbacks: list[Callback]) -> float:
    """One pass over the data, one optimizer step per batch; returns the mean batch loss
    (each batch counted by its number of samples)."""
    watchers = [c for c in callbacks if type(c).on_batch_begin is not Callback.on_batch_begin]
    total = 0.0
    for number, index in enumerate(data.batches(X.shape[0], batch_size, rng), start=1):
        x_batch, y_batch = data.rows(X, index), y[index]
        w_batch = None if weights is None else weights[index]
        size = len(x_batch)
        weight = size if w_batch is None else float(w_batch.sum())
        if weight == 0:
            continue  # nothing to learn from samples that do not count
        for callback in watchers:
            callback.on_batch_begin(number, size, weight)
        opt.zero_grad()
        value = objective.batch_loss(loss, model(Tensor(x_batch)), y_batch, w_batch)
        scalar = float(value.data)
        if not math.isfinite(scalar):
            opt.theta[...] = last_good
            raise TrainingDiverged(epoch, number, scalar, history)
        value.backward()
        opt.step(previous=last_good)
        total += scalar * size
    return total / X.shape[0]


def _lbfgs_epoch(model: Module, X: Any, y: np.ndarray, weights: np.ndarray | None,
                 loss: Callable[..., Tensor], opt: LBFGS, epoch: int, history: History) -> float:
    """One full-batch L-BFGS run; returns the final loss."""

    def closure() -> float:
        value = objective.full_pass(model, loss, X, y, weights, backward=True)
        if not math.isfinite(value):
            raise TrainingDiverged(epoch, 1, value, history)
        return value

    start = opt.theta.copy()
    try:
        return opt.step(closure)
    except TrainingDiverged:
        opt.theta[...] = start  # the line search probed a point with a non-finite loss
        raise
