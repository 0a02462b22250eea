"""Layers: modules with parameters, and the ways of joining them into networks."""

from nnlearn.layers.activation import PReLU
from nnlearn.layers.dense import Dense, Maxout, Residual, Sequential
from nnlearn.layers.dropout import Dropout
from nnlearn.layers.module import Module, Parameter
from nnlearn.layers.normalization import BatchNorm

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
