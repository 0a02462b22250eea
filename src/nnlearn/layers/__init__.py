"""Layers: modules with parameters, and the ways of joining them into networks."""

from nnlearn.layers.activation import PReLU
from nnlearn.layers.dense import Dense, Maxout, Residual, Sequential
from nnlearn.layers.dropout import Dropout
from nnlearn.layers.module import LAYERS, Module, Parameter, register_layer
from nnlearn.layers.normalization import BatchNorm

__all__ = [
    "LAYERS",
    "BatchNorm",
    "Dense",
    "Dropout",
    "Maxout",
    "Module",
    "PReLU",
    "Parameter",
    "Residual",
    "Sequential",
    "register_layer",
]
