"""nnlearn: the classic neural networks of an introductory course, from the equations up.

Conventionally imported as ``import nnlearn as nl``. The autodiff engine's names
(``nl.tensor``, ``nl.grad``, ``nl.hessian``, ``nl.exp``, ...) are available at the top level.
"""

from nnlearn import (
    activations,
    datasets,
    dynamics,
    estimators,
    init,
    losses,
    models,
    optim,
    second_order,
    train,
)
from nnlearn.autodiff import *  # noqa: F403  (the engine's public names, listed in its __all__)
from nnlearn.autodiff import __all__ as _engine_names
from nnlearn.io import load, save
from nnlearn.layers import (
    LSTM,
    RNN,
    BatchNorm,
    Dense,
    Dropout,
    LastStep,
    Maxout,
    Module,
    Parameter,
    PReLU,
    Residual,
    Sequential,
)
from nnlearn.train import EarlyStopping, History, fit

__version__ = "0.1.0"

__all__ = [
    *_engine_names,
    "BatchNorm",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "History",
    "LSTM",
    "LastStep",
    "Maxout",
    "Module",
    "PReLU",
    "Parameter",
    "RNN",
    "Residual",
    "Sequential",
    "activations",
    "datasets",
    "dynamics",
    "estimators",
    "fit",
    "init",
    "load",
    "losses",
    "models",
    "optim",
    "save",
    "second_order",
    "train",
]
