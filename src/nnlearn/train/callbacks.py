"""Callbacks: code run by ``nl.fit`` at the start, after each epoch and at the end."""

from __future__ import annotations

import numpy as np

from nnlearn.checks import check_integer, check_real
from nnlearn.layers.module import Module
from nnlearn.train.history import History


class Callback:
    """Base class; override the hooks you need. ``on_epoch_end`` returns True to stop."""

    def on_train_begin(self, model: Module, history: History) -> None:
        """Called once before the first epoch."""

    def on_batch_begin(self, batch: int, n_samples: int, weight: float) -> None:
        """Called before each batch's step (not by L-BFGS): its number in the epoch (from
        1), its number of samples and its total sample weight (its number of samples when
        unweighted). Only callbacks that override it are called."""

    def on_epoch_end(self, epoch: int, model: Module, history: History) -> bool:
        """Called after each epoch (``history`` already holds it); True stops training."""
        return False

    def on_train_end(self, model: Module, history: History) -> None:
        """Called once when training ends, however it ends: after the last epoch, an early
        stop, a divergence or any exception (Ctrl-C included)."""


class EarlyStopping(Callback):
    """Stop when a monitored value has not improved for ``patience`` epochs.

    Parameters
    ----------
    monitor : str, default "val_loss"
        An entry of the history.
    patience : int, default 10
        Epochs without improvement before stopping.
    min_delta : float, default 0
        The smallest change that counts as an improvement.
    mode : {"min", "max"}, default "min"
        Whether lower (losses) or higher (accuracy, R²) is better.
    restore_best_weights : bool, default True
        On stopping or at the end, load the weights of the best epoch.
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 10, min_delta: float = 0.0,
                 mode: str = "min", restore_best_weights: bool = True) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        patience = check_integer(patience, "patience", minimum=0)
        min_delta = check_real(min_delta, "min_delta", minimum=0)
        self.monitor, self.patience, self.min_delta = monitor, patience, min_delta
        self.sign = 1.0 if mode == "min" else -1.0
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self, model: Module, history: History) -> None:
        self.best, self.best_epoch, self.wait = np.inf, None, 0
        self.best_state: dict[str, np.ndarray] | None = None

    def on_epoch_end(self, epoch: int, model: Module, history: History) -> bool:
        if self.monitor not in history:
            raise ValueError(
                f"EarlyStopping monitors {self.monitor!r}, which the history does not have; "
                f"it has {sorted(history)} (val_ entries need validation data)"
            )
        score = self.sign * history[self.monitor][-1]
        if score < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = score, epoch, 0
            if self.restore_best_weights:
                self.best_state = model.state_dict()
            return False
        self.wait += 1
        return self.wait > self.patience

    def on_train_end(self, model: Module, history: History) -> None:
        if self.restore_best_weights and self.best_state is not None:
            model.load_state_dict(self.best_state)
            history.best_epoch = self.best_epoch
