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
from nnlearn.models.adaline import Adaline
from nnlearn.models.annealing import SCHEDULES
from nnlearn.models.base import ConvergenceWarning, NotFittedError
from nnlearn.models.boltzmann import AnnealResult, BoltzmannMachine
from nnlearn.models.divergence import kl_divergence
from nnlearn.models.hopfield import Hopfield, RecallTrace
from nnlearn.models.hopfield_capacity import capacity_curve
from nnlearn.models.logistic_neuron import LogisticNeuron, logistic_hypothesis
from nnlearn.models.mcculloch_pitts import McCullochPitts
from nnlearn.models.perceptron import Perceptron
from nnlearn.models.polynomial import PolynomialFeatures, degree_sweep, polyfit, polyval
from nnlearn.models.rbm import RBM

__all__ = [
    "ACCEPTANCE",
    "RBM",
    "SCHEDULES",
    "Adaline",
    "AnnealResult",
    "BoltzmannMachine",
    "ConvergenceWarning",
    "Hopfield",
    "LogisticNeuron",
    "McCullochPitts",
    "NotFittedError",
    "Perceptron",
    "PolynomialFeatures",
    "RecallTrace",
    "boltzmann_acceptance",
    "capacity_curve",
    "degree_sweep",
    "kl_divergence",
    "logistic_hypothesis",
    "metropolis_acceptance",
    "metropolis_ratio",
    "polyfit",
    "polyval",
]
