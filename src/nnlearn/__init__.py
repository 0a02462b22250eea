"""nnlearn: the classic neural networks of an introductory course, from the equations up.

Conventionally imported as ``import nnlearn as nl``. The autodiff engine's names
(``nl.tensor``, ``nl.grad``, ``nl.hessian``, ``nl.exp``, ...) are available at the top level.
Each name is imported on its first use (:mod:`nnlearn.lazy`), so that ``import nnlearn``
costs little more than ``import numpy``.
"""

from typing import TYPE_CHECKING

from nnlearn.lazy import attach

__version__ = "0.1.0"

if TYPE_CHECKING:
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
    from nnlearn.autodiff import *  # noqa: F403  (the engine's public names, in its __all__)
    from nnlearn.io import export_onnx, load, save
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

__getattr__, __dir__ = attach(__name__)
