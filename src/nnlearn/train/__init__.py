"""Training: the fit loop, batching, History, callbacks, metrics and the progress bar."""

from nnlearn.train.callbacks import Callback, EarlyStopping
from nnlearn.train.fit import TrainingDiverged, evaluate, fit
from nnlearn.train.history import History
from nnlearn.train.metrics import METRICS, accuracy, r2
from nnlearn.train.targets import loss_targets, target_kind

__all__ = [
    "METRICS",
    "Callback",
    "EarlyStopping",
    "History",
    "TrainingDiverged",
    "accuracy",
    "evaluate",
    "fit",
    "loss_targets",
    "r2",
    "target_kind",
]
