"""Layers: modules with parameters, and the ways of joining them into networks."""

from nnlearn.layers.activation import PReLU
from nnlearn.layers.dense import Dense, Maxout, Residual, Sequential
from nnlearn.layers.dropout import Dropout
from nnlearn.layers.lstm import LSTM
from nnlearn.layers.module import LAYERS, Module, Parameter, register_layer
from nnlearn.layers.normalization import BatchNorm
from nnlearn.layers.recurrent import LastStep, Recurrent
from nnlearn.layers.rnn import RNN

__all__ = [
    "LAYERS",
    "LSTM",
    "RNN",
    "BatchNorm",
    "Dense",
    "Dropout",
    "LastStep",
    "Maxout",
    "Module",
    "PReLU",
    "Parameter",
    "Recurrent",
    "Residual",
    "Sequential",
    "register_layer",
]
