"""Saving and loading networks and fitted estimators: ``nl.save(obj, path)``, ``nl.load(path)``.

A file is a zip archive, as ``np.savez`` writes one (``unzip -l model.nnl`` lists it):

* ``nnlearn.json``: ``{"format": "nnlearn", "version": 1, "object": ..., "metadata": {...}}``,
  the object described as JSON: a network as its layers' constructor arguments
  (``Module.config()``) plus the names of its arrays, an estimator as its ``get_params()``
  plus its fitted attributes (scikit-learn's transformers and pipelines as
  :mod:`nnlearn.io.transformers` describes them);
* one ``.npy`` entry per array (weights, running statistics, ``classes_`` ...).

Loading reads the JSON with :mod:`json` and the arrays through :class:`~nnlearn.io.archive.
Archive` (regular files only, sizes bounded and checked before anything is inflated or
allocated): nothing is unpickled, no name read from the file is imported, the only classes
built are the layers of :data:`nnlearn.layers.LAYERS` (nnlearn's, and a user's own that
:func:`nnlearn.layers.register_layer` registered), the estimators of :data:`ESTIMATORS`
and the scikit-learn classes of :data:`nnlearn.io.transformers.TRANSFORMERS`, and every part
is checked against the others before the object is returned.
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
import math
import os
import re
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.lib.format import write_array
from sklearn.base import BaseEstimator

from nnlearn import activations
from nnlearn.checks import check_integer, check_path
from nnlearn.estimators import MLPClassifier, MLPRegressor
from nnlearn.io.archive import DEFAULT_MAX_BYTES, Archive, FileFormatError
from nnlearn.io.atomic import atomic_write
from nnlearn.layers.module import (
    LAYERS,
    Module,
    ParameterAllowanceExceeded,
    as_float_dtype,
    parameter_allowance,
)
from nnlearn.models import RBM, Adaline, BoltzmannMachine, LogisticNeuron, Perceptron
from nnlearn.registry import Registry

FORMAT = "nnlearn"
VERSION = 1
DOCUMENT = "nnlearn.json"
TYPE = "$type"

#: The estimator classes that ``nnlearn.load`` may build, by class name.
ESTIMATORS: Registry[type[BaseEstimator]] = Registry("estimator")
for _estimator in (MLPClassifier, MLPRegressor, Perceptron, Adaline, LogisticNeuron, RBM,
                   BoltzmannMachine):
    ESTIMATORS.register(_estimator.__name__)(_estimator)

FITTED_ATTRIBUTE = re.compile(r"[a-z][a-z0-9_]*_")

#: The dtypes a file may name (of arrays, of estimators' parameters and fitted state).
DTYPES = frozenset(np.dtype(code).name for code in "?bhilqBHILQefdO")

#: What makes a layer class savable and loadable, for the errors of a class that is not.
_HOW_TO_REGISTER = ("decorate the class {name} with @nnlearn.layers.register_layer and give it a "
                    "config() method returning the constructor arguments that rebuild it "
                    "(nnlearn.load calls {name}(**config), then restores its parameters)")

#: Bytes a network may allocate beyond its arrays while it is built from a file.
ALLOWANCE_SLACK = 1 << 16


# ----- saving -------------------------------------------------------------------------------
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
                            f"nnlearn.layers.LAYERS; {_HOW_TO_REGISTER.format(name=name)}")
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


# ----- loading ------------------------------------------------------------------------------
def load(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """The network or estimator saved in ``path`` by :func:`save`.

    The file is checked before anything is built from it: its declared sizes against
    ``max_bytes`` and against each other, every array's dtype and shape against the
    architecture, every estimator's fitted attributes against its parameters.

    Parameters
    ----------
    path : str or path-like
        A regular file written by :func:`save`.
    max_bytes : int, default 2**30 (1 GiB)
        The most bytes the file may inflate to; raise it to load a larger model you trust.

    Raises
    ------
    FileNotFoundError, IsADirectoryError
        If there is no file at ``path``.
    FileFormatError
        (a ``ValueError``) If the file is not an nnlearn file (or not a regular file), is
        truncated or corrupted, inflates past ``max_bytes``, has a format version this
        nnlearn does not know, names an unknown class, or describes an object whose parts
        disagree (an array of another shape than its layer's, a coefficient matrix of another
        width than the estimator's number of features, ...).
    """
    with _Reader(path, max_bytes) as reader:
        return reader.decode(reader.document["object"], "object")


def load_metadata(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
                  ) -> dict[str, Any]:
    """The ``metadata`` saved with the object in ``path`` (without building the object)."""
    with _Reader(path, max_bytes) as reader:
        return reader.document["metadata"]


class _Reader:
    """An open nnlearn file: its JSON document, checked, and its arrays, read on demand."""

    def __init__(self, path: str | os.PathLike[str], max_bytes: int) -> None:
        max_bytes = check_integer(max_bytes, "max_bytes", minimum=1)
        self.archive = Archive(path, max_bytes)
        try:
            self.document = self.read_document()
        except BaseException:
            self.archive.close()
            raise

    def read_document(self) -> dict[str, Any]:
        """The JSON document, checked to be an nnlearn one of a version this code reads."""
        if DOCUMENT not in self.archive.entries:
            raise self.error(f"is not an nnlearn file (it has no {DOCUMENT})")
        try:
            document = json.loads(self.archive.read_text(DOCUMENT))
        except ValueError as error:
            raise self.archive.corrupted(error) from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise self.error(f"is not an nnlearn file ({DOCUMENT} does not name the format)")
        version = document.get("version")
        if version != VERSION:
            raise self.error(f"has format version {version!r}; this nnlearn reads version "
                             f"{VERSION} (a newer nnlearn may have written it)")
        obj = document.get("object")
        if not isinstance(obj, dict) or obj.get(TYPE) not in ("module", "estimator"):
            raise self.error(f"does not describe a network or an estimator (its object is "
                             f"{_kind_of(obj)})")
        if not isinstance(document.get("metadata", {}), dict):
            raise self.error(f"has metadata that is {_kind_of(document['metadata'])}, not an "
                             "object of names and values")
        document.setdefault("metadata", {})
        return document

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.archive.close()

    def error(self, message: str) -> FileFormatError:
        return self.archive.error(message)

    def decode(self, value: Any, where: str) -> Any:
        """The object that :meth:`_Writer.encode` turned into ``value``."""
        try:
            return self._decode(value, where)
        except FileFormatError:
            raise
        except MemoryError:
            raise self.error(f"describes {where} larger than this machine's memory") from None
        except Exception as error:
            raise self.archive.corrupted(error) from None

    def _decode(self, value: Any, where: str) -> Any:
        if isinstance(value, list):
            return [self._decode(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if not isinstance(value, dict):
            return value
        kind = value[TYPE]
        if kind == "array":
            array = self.archive.array(_entry(value))
            return array.astype(object) if value.get("object") else array
        if kind == "dtype":
            if value["name"] not in DTYPES:
                raise self.error(f"gives {where} the dtype {value['name']!r}; nnlearn files "
                                 f"name {', '.join(sorted(DTYPES))}")
            dtype = np.dtype(value["name"])
            return dtype.type if value.get("scalar") else dtype
        if kind == "tuple":
            return tuple(self._decode(value["items"], where))
        if kind == "slice":
            return slice(*self._decode(value["items"], where))
        if kind == "dict":
            return {k: self._decode(v, f"{where}.{k}") for k, v in value["items"].items()}
        if kind == "activation":
            options = self._decode(value["options"], f"{where}.options")
            return activations.get(self.known(activations.ACTIVATIONS, value["name"]), **options)
        if kind == "layer":
            name = value["name"]
            cls = self.known(LAYERS, name, f"if {name} is a layer of your own, import the module "
                             f"that defines it before nnlearn.load, and there "
                             f"{_HOW_TO_REGISTER.format(name=name)}")
            return cls.from_config(self._decode({TYPE: "dict", "items": value["config"]}, where))
        if kind == "module":
            return self.module(value, where)
        if kind == "estimator":
            return self.estimator(value, where)
        raise self.error(f"describes {where} as an unknown kind {kind!r}")

    def known(self, registry: Registry[Any], name: str, advice: str = "") -> Any:
        """``registry``'s entry ``name``, or a clear error naming what this nnlearn knows
        (and ``advice``, what to do)."""
        if name not in registry:
            raise self.error(f"names an unknown {registry.kind} {name!r}; this nnlearn knows "
                             f"{', '.join(sorted(registry))}" + (f"; {advice}" if advice else ""))
        return registry.get(name)

    def module(self, value: dict[str, Any], where: str) -> Module:
        """A network, built only once its arrays are known to fit its architecture.

        The arrays' headers give their shapes before any is read; the architecture is built
        under an allowance of that many parameter values (as float64, the dtype layers are
        built in), so a description that declares more than its arrays hold is refused before
        it is allocated.
        """
        dtype = as_float_dtype(value["dtype"])
        training, frozen = value["training"], value["frozen"]
        if not isinstance(training, bool):
            raise self.error(f"gives {where} a training flag {training!r}; expected true or false")
        if not isinstance(frozen, list) or not all(isinstance(key, str) for key in frozen):
            raise self.error(f"gives {where} a list of frozen parameters that is not a list of "
                             "names")
        refs = value["state"]
        headers = {key: self.archive.header(_entry(ref)) for key, ref in refs.items()}
        values = sum(math.prod(shape) for shape, _ in headers.values())
        try:
            with parameter_allowance(8 * values + ALLOWANCE_SLACK):
                module = self._decode(value["architecture"], where)
        except ParameterAllowanceExceeded as error:
            raise self.error(f"describes {where} with more parameters than its arrays hold "
                             f"({values:,} values): {error}") from None
        expected = {key: p.shape for key, p in module.named_parameters()}
        expected.update((key, buffer.shape) for key, buffer in module.named_buffers())
        found = {key: shape for key, (shape, _) in headers.items()}
        if expected != found:
            raise self.error(f"has arrays that do not fit the architecture of {where}: "
                             f"{_difference(expected, found)}")
        wrong = sorted(key for key, (_, kind) in headers.items() if kind != dtype)
        if wrong:
            raise self.error(f"has arrays {wrong} of another dtype than {where}'s {dtype}")
        module.astype(dtype).load_state_dict(
            {key: self.archive.array(_entry(ref)) for key, ref in refs.items()})
        for key, parameter in module.named_parameters():
            parameter.requires_grad = key not in set(frozen)
        return module.train(training)

    def estimator(self, value: dict[str, Any], where: str) -> BaseEstimator:
        """An estimator, its fitted attributes checked against each other and its parameters
        (by its ``_check_fitted_attributes()``) before it is returned; a scikit-learn
        transformer, checked by :func:`nnlearn.io.transformers.rebuild`."""
        from nnlearn.io import transformers

        name = value["name"]
        if name in transformers.TRANSFORMERS:
            params = self._decode(value["params"], where)
            state = self._decode(value["fitted"], where)
            try:
                return transformers.rebuild(name, params, state, value.get("library"))
            except (ValueError, TypeError, AttributeError) as error:
                raise self.error(f"describes a {name} that cannot be rebuilt: {error}") from None
        if name not in ESTIMATORS:
            raise self.error(f"names an unknown estimator {name!r}; this nnlearn knows "
                             f"{', '.join(sorted([*ESTIMATORS, *transformers.TRANSFORMERS]))}")
        estimator = ESTIMATORS.get(name)(**self._decode(value["params"], where))
        for key, fitted in self._decode(value["fitted"], where).items():
            if not FITTED_ATTRIBUTE.fullmatch(key):
                raise self.error(f"gives {where} an attribute {key!r} that is not a fitted one")
            setattr(estimator, key, fitted)
        check = getattr(estimator, "_check_fitted_attributes", None)
        if check is not None and any(FITTED_ATTRIBUTE.fullmatch(key) for key in vars(estimator)):
            try:
                check()
            except (ValueError, TypeError, AttributeError) as error:
                raise self.error(f"describes a {value['name']} whose fitted attributes "
                                 f"disagree: {error}") from None
        return estimator


def _entry(ref: dict[str, Any]) -> str:
    """The archive entry of an array reference."""
    name = ref["name"]
    if not isinstance(name, str):
        raise TypeError(f"an array is named by {name!r}, not by a string")
    return name + ".npy"


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return f"an object of kind {value.get(TYPE)!r}"
    return f"a {type(value).__name__} ({str(value)[:40]})"


def _difference(expected: dict[str, tuple[int, ...]], found: dict[str, tuple[int, ...]]) -> str:
    missing = sorted(set(expected) - set(found))
    unexpected = sorted(set(found) - set(expected))
    shapes = [f"{key} is {found[key]}, expected {expected[key]}"
              for key in expected if key in found and found[key] != expected[key]]
    parts = ([f"missing {missing}"] if missing else []) + \
            ([f"unexpected {unexpected}"] if unexpected else []) + shapes
    return "; ".join(parts)
