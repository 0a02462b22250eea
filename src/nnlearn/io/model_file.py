"""nnlearn's model files: their format, its constants, and saving, ``nl.save(obj, path)``.

A file is a zip archive, as ``np.savez`` writes one (``unzip -l model.nnl`` lists it):

* ``nnlearn.json``: ``{"format": "nnlearn", "version": 1, "object": ..., "metadata": {...}}``,
  the object described as JSON: a network as its layers' constructor arguments
  (``Module.config()``) plus the names of its arrays, an estimator as its ``get_params()``
  plus its fitted attributes (scikit-learn's transformers and pipelines as
  :mod:`nnlearn.io.transformers` describes them);
* one ``.npy`` entry per array (weights, running statistics, ``classes_`` ...).

Loading (:mod:`nnlearn.io.model_reader`) reads the JSON with :mod:`json` and the arrays
through :class:`~nnlearn.io.archive.Archive` (regular files only, sizes bounded and checked
before anything is inflated or allocated): nothing is unpickled, no name read from the file is
imported, the only classes built are the layers of :data:`nnlearn.layers.LAYERS` (nnlearn's,
and a user's own that :func:`nnlearn.layers.register_layer` registered), the estimators of
:data:`ESTIMATORS` and the scikit-learn classes of :data:`nnlearn.io.transformers.TRANSFORMERS`,
and every part is checked against the others before the object is returned.
Files are written through :func:`nnlearn.io.atomic_write`, so a failed save leaves an
existing file as it was.

Examples
--------
>>> import pathlib, tempfile
>>> import nnlearn as nl
>>> net = nl.Sequential(nl.Dense(2, 3, activation="tanh", random_state=0), nl.Dense(3, 1))
>>> path = pathlib.Path(tempfile.mkdtemp()) / "net.nnl"
>>> nl.save(net, path)
>>> copy = nl.load(path)
>>> bool((copy([[1.0, 2.0]]).data == net([[1.0, 2.0]]).data).all())
True
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.lib.format import write_array
from sklearn.base import BaseEstimator

from nnlearn import activations
from nnlearn.checks import check_path
from nnlearn.estimators import MLPClassifier, MLPRegressor
from nnlearn.io.atomic import atomic_write
from nnlearn.io.format import DOCUMENT, FITTED_ATTRIBUTE, FORMAT, HOW_TO_REGISTER, TYPE, VERSION
from nnlearn.layers.module import Module
from nnlearn.layers.registration import LAYERS
from nnlearn.models import RBM, Adaline, BoltzmannMachine, LogisticNeuron, Perceptron
from nnlearn.registry import Registry

#: The estimator classes that ``nnlearn.load`` may build, by class name.
ESTIMATORS: Registry[type[BaseEstimator]] = Registry("estimator")
for _estimator in (MLPClassifier, MLPRegressor, Perceptron, Adaline, LogisticNeuron, RBM,
                   BoltzmannMachine):
    ESTIMATORS.register(_estimator.__name__)(_estimator)


def save(obj: Module | BaseEstimator, path: str | os.PathLike[str],
         metadata: Mapping[str, Any] | None = None) -> None:
    """Write a network or a fitted estimator to one file (atomically).

    Parameters
    ----------
    obj : Module or estimator
        A network built from nnlearn's layers, an estimator of :data:`ESTIMATORS`, or a
        scikit-learn transformer or pipeline of :data:`nnlearn.io.transformers.TRANSFORMERS`
        (holding such estimators).
    path : str or path-like
        The file to write (by convention ``*.nnl``); an existing file is replaced only
        once the new one is complete.
    metadata : mapping, optional
        JSON-compatible values kept beside the object (read back with :func:`load_metadata`).

    Raises
    ------
    TypeError
        If ``obj`` holds something that cannot be stored (the message says where).
    IsADirectoryError
        If ``path`` is a directory.
    """
    path = check_path(path)
    if path.is_dir():
        raise IsADirectoryError(f"path {str(path)!r} is a directory; expected a file name "
                                "such as model.nnl")
    writer = _Writer()
    document = {"format": FORMAT, "version": VERSION, "object": writer.encode(obj, "obj"),
                "metadata": _plain_json(dict(metadata or {}), "metadata")}
    text = json.dumps(document, indent=1)
    with atomic_write(path, "wb") as file, zipfile.ZipFile(file, "w") as archive:
        archive.writestr(DOCUMENT, text)
        for name, array in writer.arrays.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as entry:
                write_array(entry, array, allow_pickle=False)


class _Writer:
    """Turns an object into JSON values, setting its arrays aside by name."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def array(self, value: np.ndarray, where: str) -> dict[str, Any]:
        record: dict[str, Any] = {TYPE: "array"}
        if value.dtype == object:
            if not all(isinstance(item, str) for item in value.flat):
                raise TypeError(f"cannot save {where}: an object array that is not all strings")
            value, record["object"] = value.astype(str), True
        if value.dtype.kind not in "biufU":
            raise TypeError(f"cannot save {where}: arrays of dtype {value.dtype} are not supported")
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", where)
        while name in self.arrays:
            name += "_"
        self.arrays[name] = np.ascontiguousarray(value)
        record["name"] = name
        return record

    def encode(self, value: Any, where: str, in_layer: bool = False) -> Any:
        """``value`` as JSON; ``where`` names it in error messages."""
        if value is None or isinstance(value, bool | str):
            return value
        if isinstance(value, np.bool_ | np.integer | np.floating):
            return value.item()
        if isinstance(value, int | float):
            return value
        if isinstance(value, slice):
            return {TYPE: "slice", "items": self.encode([value.start, value.stop, value.step],
                                                        where)}
        if isinstance(value, np.ndarray):
            return self.array(value, where)
        if isinstance(value, np.dtype):
            return {TYPE: "dtype", "name": value.name}
        if isinstance(value, type) and issubclass(value, np.generic):  # np.float64 itself
            return {TYPE: "dtype", "name": np.dtype(value).name, "scalar": True}
        if isinstance(value, activations.Activation):
            return {TYPE: "activation", "name": value.name,
                    "options": self.encode(value.options, f"{where}.options")}
        if isinstance(value, Module):
            return self.layer(value, where) if in_layer else self.module(value, where)
        if isinstance(value, BaseEstimator):
            return self.estimator(value, where)
        if isinstance(value, list):
            return [self.encode(v, f"{where}[{i}]", in_layer) for i, v in enumerate(value)]
        if isinstance(value, tuple):
            return {TYPE: "tuple", "items": self.encode(list(value), where, in_layer)}
        if isinstance(value, dict) and all(isinstance(key, str) for key in value):
            return {TYPE: "dict", "items": {k: self.encode(v, f"{where}.{k}", in_layer)
                                            for k, v in value.items()}}
        raise TypeError(
            f"cannot save {where}: a {type(value).__name__} (nnlearn files hold numbers, "
            "strings, arrays, dtypes, activations, nnlearn layers and estimators; give "
            "initializers and the like by registry name)"
        )

    def layer(self, module: Module, where: str) -> dict[str, Any]:
        """A layer's architecture: its registered class name and constructor arguments."""
        name = type(module).__name__
        if name not in LAYERS or LAYERS.get(name) is not type(module):
            raise TypeError(f"cannot save {where}: {name} is not registered in "
                            f"nnlearn.layers.LAYERS; {HOW_TO_REGISTER.format(name=name)}")
        try:
            config = module.config()
        except NotImplementedError as error:
            raise TypeError(f"cannot save {where}: {error}") from None
        return {TYPE: "layer", "name": name, "config": {
            key: self.encode(value, f"{where}.{key}", in_layer=True)
            for key, value in config.items()}}

    def module(self, module: Module, where: str) -> dict[str, Any]:
        """A network: its architecture, its arrays, its frozen parameters and its mode."""
        state = module.state_dict()
        dtypes = {value.dtype.name for value in state.values()}
        if len(dtypes) > 1:
            raise TypeError(f"cannot save {where}: its arrays mix dtypes {sorted(dtypes)}; "
                            "convert it with astype first")
        return {
            TYPE: "module",
            "architecture": self.layer(module, where),
            "dtype": dtypes.pop() if dtypes else "float64",
            "state": {key: self.array(value, f"{where}.{key}") for key, value in state.items()},
            "frozen": [key for key, p in module.named_parameters() if not p.requires_grad],
            "training": module.training,
        }

    def estimator(self, estimator: BaseEstimator, where: str) -> dict[str, Any]:
        """An estimator: its parameters and its fitted attributes (``name_``); a scikit-learn
        transformer: its parameters, all that its fit set, and the scikit-learn version."""
        from nnlearn.io import transformers  # scikit-learn's transformers load on first use

        name = type(estimator).__name__
        if name in ESTIMATORS and ESTIMATORS.get(name) is type(estimator):
            fitted = {key: value for key, value in vars(estimator).items()
                      if FITTED_ATTRIBUTE.fullmatch(key)}
            library = {}
        elif transformers.is_transformer(estimator):
            fitted = transformers.fitted_state(estimator)
            library = {"library": transformers.LIBRARY}
        else:
            raise TypeError(f"cannot save {where}: {name} is not one of nnlearn's estimators "
                            f"({', '.join(sorted(ESTIMATORS))}) or of the scikit-learn "
                            f"classes it saves ({', '.join(sorted(transformers.TRANSFORMERS))})")
        return {TYPE: "estimator", "name": name, **library,
                "params": self.encode(estimator.get_params(deep=False), f"{where}.params"),
                "fitted": self.encode(fitted, where)}


def _plain_json(value: dict[str, Any], where: str) -> dict[str, Any]:
    """``value`` if JSON can hold it as it is, else a clear error."""
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError) as error:
        raise TypeError(f"{where} must hold JSON values only: {error}") from None
