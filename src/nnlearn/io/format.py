"""The constants of nnlearn's model files (:mod:`nnlearn.io.model_file` describes the format),
shared by the writer and the reader without importing what either builds."""

from __future__ import annotations

import re
from importlib.metadata import version
from typing import Any

import numpy as np

FORMAT = "nnlearn"
VERSION = 1
DOCUMENT = "nnlearn.json"
TYPE = "$type"

FITTED_ATTRIBUTE = re.compile(r"[a-z][a-z0-9_]*_")

#: The dtypes a file may name (of arrays, of estimators' parameters and fitted state).
DTYPES = frozenset(np.dtype(code).name for code in "?bhilqBHILQefdO")

#: What makes a layer class savable and loadable, for the errors of a class that is not.
HOW_TO_REGISTER = ("decorate the class {name} with @nnlearn.layers.register_layer and give it a "
                    "config() method returning the constructor arguments that rebuild it "
                    "(nnlearn.load calls {name}(**config), then restores its parameters)")


def scikit_learn_release() -> str:
    """The installed scikit-learn's version, read without importing it."""
    return version("scikit-learn")


def by_this_scikit_learn(library: Any) -> bool:
    """Whether ``library``, as a transformer's description names what wrote it
    ("scikit-learn 1.9.1"), is this scikit-learn's minor version (1.9.x): the private state
    of its transformers changes between minor versions."""
    saved = library.removeprefix("scikit-learn ") if isinstance(library, str) else None
    return saved is not None and saved != library and \
        saved.split(".")[:2] == scikit_learn_release().split(".")[:2]
