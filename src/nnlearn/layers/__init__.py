"""Layers: modules with parameters, and the ways of joining them into networks."""

from nnlearn.layers.dense import Dense, Maxout, PReLU, Residual, Sequential
from nnlearn.layers.module import Module, Parameter
from nnlearn.layers.normalization import BatchNorm, Dropout

__all__ = [
    "BatchNorm",
    "Dense",
    "Dropout",
    "Maxout",
    "Module",
    "PReLU",
    "Parameter",
    "Residual",
    "Sequential",
]
