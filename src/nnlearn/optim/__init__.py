"""Optimizers: pure update rules (``updates``) and thin stateful classes over flat buffers."""

from nnlearn.optim import schedules, updates
from nnlearn.optim.base import Optimizer
from nnlearn.optim.lbfgs import LBFGS
from nnlearn.optim.optimizers import OPTIMIZERS, SGD, Adagrad, Adam, RMSProp

__all__ = [
    "LBFGS",
    "OPTIMIZERS",
    "SGD",
    "Adagrad",
    "Adam",
    "Optimizer",
    "RMSProp",
    "schedules",
    "updates",
]
