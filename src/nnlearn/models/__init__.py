"""The classic models, each learning by its own rule (scikit-learn-compatible estimators)."""

from nnlearn.models.adaline import Adaline
from nnlearn.models.base import ConvergenceWarning, NotFittedError
from nnlearn.models.logistic_neuron import LogisticNeuron, logistic_hypothesis
from nnlearn.models.mcculloch_pitts import McCullochPitts
from nnlearn.models.perceptron import Perceptron
from nnlearn.models.polynomial import PolynomialFeatures, degree_sweep, polyfit, polyval

__all__ = [
    "Adaline",
    "ConvergenceWarning",
    "LogisticNeuron",
    "McCullochPitts",
    "NotFittedError",
    "Perceptron",
    "PolynomialFeatures",
    "degree_sweep",
    "logistic_hypothesis",
    "polyfit",
    "polyval",
]
