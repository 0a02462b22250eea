"""The classic neurons: McCulloch-Pitts, the perceptron, Adaline, the logistic neuron, and
polynomial decision boundaries; each with the course's own learning rule."""

from nnlearn.models.neurons.adaline import Adaline
from nnlearn.models.neurons.logistic_neuron import LogisticNeuron, logistic_hypothesis
from nnlearn.models.neurons.mcculloch_pitts import McCullochPitts
from nnlearn.models.neurons.perceptron import Perceptron
from nnlearn.models.neurons.polynomial import PolynomialFeatures, degree_sweep, polyfit, polyval

__all__ = [
    "Adaline",
    "LogisticNeuron",
    "McCullochPitts",
    "Perceptron",
    "PolynomialFeatures",
    "degree_sweep",
    "logistic_hypothesis",
    "polyfit",
    "polyval",
]
