"""The classic models with their own learning rules.

>>> import nnlearn as nl
>>> nl.models.Hopfield(4).store([[1, -1, 1, -1]]).weights[0].tolist()
[0.0, -0.25, 0.25, -0.25]
"""

from nnlearn.models.hopfield import Hopfield

__all__ = ["Hopfield"]
