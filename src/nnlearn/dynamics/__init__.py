"""Dynamical systems of the course: deterministic and stochastic, discrete and continuous,
and their analysis (Markov-chain structure, hidden-Markov inference, fixed points,
Lyapunov exponents).

>>> import nnlearn as nl
>>> nl.dynamics.MarkovChain([[0.5, 0.5], [0.2, 0.8]]).n_step_matrix(2)
array([[0.35, 0.65],
       [0.26, 0.74]])
"""

from typing import TYPE_CHECKING

from nnlearn.lazy import attach

if TYPE_CHECKING:
    from nnlearn.dynamics.deterministic import ContinuousSystem, DiscreteSystem, Trajectory
    from nnlearn.dynamics.fixed_points import FixedPoint
    from nnlearn.dynamics.markov import MarkovChain
    from nnlearn.dynamics.one_dimensional import logistic_map
    from nnlearn.dynamics.stochastic import StochasticSystem
    from nnlearn.dynamics.validation import check_stochastic_matrix

__getattr__, __dir__ = attach(__name__)
