"""Loading nnlearn's model files, checked before anything is built: ``nl.load(path)``,
``nl.load_metadata(path)``.

The file format is :mod:`nnlearn.io.model_file`'s. :class:`_Reader` checks the JSON document
(format, version, the kind of object), then decodes it: arrays through
:class:`~nnlearn.io.archive.Archive`, classes only from the registries (layers, estimators,
scikit-learn transformers), a network built only once its arrays' shapes and dtypes are known
to fit its architecture, an estimator's fitted attributes checked against its parameters.
Whatever disagrees is a :class:`~nnlearn.io.archive.FileFormatError` saying what and where.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nnlearn import activations
from nnlearn.checks import check_integer
from nnlearn.io.archive import DEFAULT_MAX_BYTES, Archive, FileFormatError
from nnlearn.io.format import (
    DOCUMENT,
    DTYPES,
    FITTED_ATTRIBUTE,
    FORMAT,
    HOW_TO_REGISTER,
    TYPE,
    VERSION,
)
from nnlearn.layers.module import (
    Module,
    ParameterAllowanceExceeded,
    as_float_dtype,
    parameter_allowance,
)
from nnlearn.layers.registration import LAYERS
from nnlearn.registry import Registry

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

#: Bytes a network may allocate beyond its arrays while it is built from a file.
ALLOWANCE_SLACK = 1 << 16


def load(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """The network or estimator saved in ``path`` by :func:`~nnlearn.io.model_file.save`.

    The file is checked before anything is built from it: its declared sizes against
    ``max_bytes`` and against each other, every array's dtype and shape against the
    architecture, every estimator's fitted attributes against its parameters.

    Parameters
    ----------
    path : str or path-like
        A regular file written by :func:`~nnlearn.io.model_file.save`.
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


@dataclass(frozen=True)
class EstimatorParts:
    """An estimator as its file describes it, not built: its class name, the library that
    wrote it, its parameters and its fitted attributes (decoded: arrays, and networks built
    and checked as :func:`load` builds them). Both read as attributes, fitted first, as the
    built estimator's would: ``parts.classes_``, ``parts.hidden_layer_sizes``."""

    name: str
    library: str | None
    params: dict[str, Any]
    fitted: dict[str, Any]

    def __getattr__(self, key: str) -> Any:
        for values in (self.fitted, self.params):
            if key in values:
                return values[key]
        raise AttributeError(f"{self.name} has no {key!r}")


def load_parts(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
               ) -> tuple[Any, dict[str, Any]]:
    """What ``path`` holds, with every estimator (scikit-learn's transformers and pipelines
    included) left as its :class:`EstimatorParts`, and the metadata: for a reader that knows
    what to do with the parts, such as ``nnlearn predict``, without importing scikit-learn.
    The document and the arrays are checked as :func:`load` checks them; what the parts mean
    is for the reader to check."""
    with _Reader(path, max_bytes, build_estimators=False) as reader:
        return reader.decode(reader.document["object"], "object"), reader.document["metadata"]


class _Reader:
    """An open nnlearn file: its JSON document, checked, and its arrays, read on demand."""

    def __init__(self, path: str | os.PathLike[str], max_bytes: int, *,
                 build_estimators: bool = True) -> None:
        max_bytes = check_integer(max_bytes, "max_bytes", minimum=1)
        self.build_estimators = build_estimators
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
        """The object that :func:`~nnlearn.io.model_file.save` encoded as ``value``."""
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
                             f"{HOW_TO_REGISTER.format(name=name)}")
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

    def estimator(self, value: dict[str, Any], where: str) -> BaseEstimator | EstimatorParts:
        """An estimator, its fitted attributes checked against each other and its parameters
        (by its ``_check_fitted_attributes()``) before it is returned; a scikit-learn
        transformer, checked by :func:`nnlearn.io.transformers.rebuild`; or, unless
        ``build_estimators``, its :class:`EstimatorParts`."""
        name = value["name"]
        if not self.build_estimators:
            library = value.get("library")
            return EstimatorParts(name, library if isinstance(library, str) else None,
                                  self._decode(value["params"], where),
                                  self._decode(value["fitted"], where))
        from nnlearn.io import transformers
        from nnlearn.io.model_file import ESTIMATORS

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
