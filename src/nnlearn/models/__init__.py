"""The classic models with their own learning rules.

>>> import nnlearn as nl
>>> nl.models.Hopfield(4).store([[1, -1, 1, -1]]).weights[0].tolist()
[0.0, -0.25, 0.25, -0.25]
"""

from nnlearn.models.acceptance import (
    ACCEPTANCE,
    boltzmann_acceptance,
    metropolis_acceptance,
    metropolis_ratio,
)
from nnlearn.models.annealing import SCHEDULES
from nnlearn.models.boltzmann import AnnealResult, BoltzmannMachine
from nnlearn.models.divergence import kl_divergence
from nnlearn.models.hopfield import Hopfield, RecallTrace
from nnlearn.models.hopfield_capacity import capacity_curve
from nnlearn.models.rbm import RBM

__all__ = [
    "ACCEPTANCE",
    "RBM",
    "SCHEDULES",
    "AnnealResult",
    "BoltzmannMachine",
    "Hopfield",
    "RecallTrace",
    "boltzmann_acceptance",
    "capacity_curve",
    "kl_divergence",
    "metropolis_acceptance",
    "metropolis_ratio",
]
