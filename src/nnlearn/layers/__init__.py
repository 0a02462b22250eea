"""Layers: modules with parameters, and the ways of joining them into networks."""

from nnlearn.layers.activation import PReLU
from nnlearn.layers.dense import Dense, Maxout, Residual, Sequential
from nnlearn.layers.dropout import Dropout
from nnlearn.layers.lstm import LSTM
from nnlearn.layers.module import Module, Parameter
from nnlearn.layers.normalization import BatchNorm
from nnlearn.layers.recurrent import LastStep, Recurrent
from nnlearn.layers.registration import LAYERS, register_layer
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
