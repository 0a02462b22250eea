"""The classic neurons: McCulloch-Pitts, the perceptron, Adaline, the logistic neuron, and
polynomial decision boundaries; each with the course's own learning rule."""

from typing import TYPE_CHECKING

from nnlearn.lazy import attach

if TYPE_CHECKING:
    from nnlearn.models.neurons.adaline import Adaline
    from nnlearn.models.neurons.logistic_neuron import LogisticNeuron, logistic_hypothesis
    from nnlearn.models.neurons.mcculloch_pitts import McCullochPitts
    from nnlearn.models.neurons.perceptron import Perceptron
    from nnlearn.models.neurons.polynomial import PolynomialFeatures, degree_sweep, polyfit, polyval

__getattr__, __dir__ = attach(__name__)
