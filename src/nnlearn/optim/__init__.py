"""Optimizers: pure update rules (``updates``) and thin stateful classes over flat buffers,
with PyTorch's parameter groups (``groups``)."""

from nnlearn.optim import schedules, updates
from nnlearn.optim.base import Optimizer
from nnlearn.optim.groups import ParamGroup, decay_groups
from nnlearn.optim.lbfgs import LBFGS
from nnlearn.optim.optimizers import OPTIMIZERS, SGD, Adagrad, Adam, RMSProp

__all__ = [
    "LBFGS",
    "OPTIMIZERS",
    "SGD",
    "Adagrad",
    "Adam",
    "Optimizer",
    "ParamGroup",
    "RMSProp",
    "decay_groups",
    "schedules",
    "updates",
]
