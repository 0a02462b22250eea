"""The classic models with their own learning rules, in two families: ``neurons`` (the
classic neurons) and ``energy`` (Hopfield networks and Boltzmann machines).

>>> import nnlearn as nl
>>> nl.models.Hopfield(4).store([[1, -1, 1, -1]]).weights[0].tolist()
[0.0, -0.25, 0.25, -0.25]
"""

from typing import TYPE_CHECKING

from nnlearn.lazy import attach

if TYPE_CHECKING:
    from nnlearn.models.base import ConvergenceWarning, NotFittedError
    from nnlearn.models.energy import *  # noqa: F403  (listed in energy.__all__)
    from nnlearn.models.neurons import *  # noqa: F403  (listed in neurons.__all__)

__getattr__, __dir__ = attach(__name__)
