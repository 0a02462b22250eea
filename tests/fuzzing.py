"""A fuzzing harness for nnlearn's public entry points: hostile values in, verdicts out.

Every entry point of :data:`ENTRY_POINTS` takes one argument that the harness fills with
a hostile value (NaN, ±inf, empty, 0-d, wrong ranks, complex, object, text and bool dtypes,
huge numbers, read-only and non-contiguous arrays, pandas objects, SciPy sparse matrices,
NumPy scalars ...), the other arguments being valid. :func:`verdict` then judges what came
back:

* ``good``: a result, sound (no NaN or inf that finite input did not call for, in the
  models' fitted state and predictions), or a ``ValueError``/``TypeError`` whose message
  names the argument and which nnlearn (or scikit-learn, for its estimators' checks) raised;
* ``unclear``: such an error that does not name the argument, or one raised from deep
  inside NumPy, SciPy or Numba;
* ``wrong``: any other exception (``IndexError``, ``ZeroDivisionError``, a ``RuntimeWarning``
  from a model, ...) or a silent NaN. (A ``MemoryError`` from NumPy for a size the machine
  cannot allocate is good: it says how much was asked.)

``tests/test_fuzz.py`` runs a bounded number of examples per entry point in the test suite;
``python tests/fuzz_report.py`` runs a long campaign in child processes and counts crashes
and hangs as well.
"""

from __future__ import annotations

import tempfile
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from hypothesis import strategies as st

import nnlearn as nl
from nnlearn.estimators import MLPClassifier, MLPRegressor

RNG = np.random.default_rng(0)
X_VALID = RNG.normal(size=(12, 3))
Y_CLASSES = np.array([0, 1, 2] * 4)
Y_BINARY = np.array([0, 1] * 6)
Y_REAL = X_VALID @ np.array([1.0, -2.0, 0.5])
PATTERNS = np.where(RNG.normal(size=(2, 6)) > 0, 1, -1)
T_VALID = np.array([[0.5, 0.5], [0.2, 0.8]])

#: Where an error may be raised and still be clear: nnlearn's code, and scikit-learn's input
#: checks (which nnlearn's estimators call, and which name the argument).
CLEAR_SOURCES = (f"{Path(nl.__file__).parent}", "sklearn")
DEEP_SOURCES = ("numpy", "scipy", "numba", "llvmlite", "torch")


# ----- hostile values --------------------------------------------------------------------------
HUGE = 2**70
SPECIAL = (np.nan, np.inf, -np.inf, 0.0, -0.0, 1e308, -1e308, 5e-324, 1e-310)
ODD_SCALARS = (None, True, False, "3", "abc", 1 + 2j, np.complex128(1j), [], [[]], {}, object(),
               np.int64(3), np.uint8(2), np.float32(0.5), np.bool_(True), HUGE, -1, 0, 2.5)


@st.composite
def arrays(draw: st.DrawFn, shape: tuple[int, ...]) -> Any:
    """An array-like near ``shape`` (so that it often passes the shape checks and reaches
    deeper), with hostile contents, dtype, layout or container."""
    rank_change = draw(st.sampled_from(["same"] * 6 + ["scalar", "flat", "extra", "empty"]))
    if rank_change == "scalar":
        target: tuple[int, ...] = ()
    elif rank_change == "flat":
        target = (int(np.prod(shape)),)
    elif rank_change == "extra":
        target = (*shape, 2)
    elif rank_change == "empty":
        target = (0, *shape[1:])
    else:
        target = shape
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))  # replayable draws
    scale = draw(st.sampled_from([1.0, 1.0, 1e-300, 1e150, 1e308]))
    with np.errstate(over="ignore"):
        values = np.asarray(rng.normal(size=target) * scale)
    if values.size and draw(st.booleans()):
        values.flat[draw(st.integers(0, values.size - 1))] = draw(st.sampled_from(SPECIAL))
    dtype = draw(st.sampled_from(["float64"] * 4 + ["float32", "int64", "bool", "complex128",
                                                    "object", "str", "float16"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        array = values.astype(dtype) if dtype not in ("object", "str") else values.astype(object)
    if dtype == "object" and array.size:
        array.flat[0] = draw(st.sampled_from([None, "x", 1.5, [1]]))
    if dtype == "str":
        array = array.astype(str)
    layout = draw(st.sampled_from(["plain"] * 3 + ["readonly", "fortran", "strided"]))
    if layout == "readonly":
        array.flags.writeable = False
    elif layout == "fortran" and array.ndim > 1:
        array = np.asfortranarray(array)
    elif layout == "strided" and array.ndim:
        array = np.repeat(array, 2, axis=0)[::2]
    container = draw(st.sampled_from(["array"] * 5 + ["list", "pandas", "sparse"]))
    if container == "list":
        return array.tolist()
    if container == "pandas" and array.ndim in (1, 2) and array.dtype.kind in "biufc":
        return pd.Series(array) if array.ndim == 1 else pd.DataFrame(array)
    if container == "sparse" and array.ndim == 2 and array.dtype.kind in "biuf" \
            and array.dtype != np.float16:  # SciPy's sparse matrices have no float16
        return sp.csr_matrix(array)
    return array


def scalars() -> st.SearchStrategy[Any]:
    return st.sampled_from(SPECIAL + ODD_SCALARS)


def counts() -> st.SearchStrategy[Any]:
    """Hostile values for a count of work (epochs): 2**70 epochs is a valid, endless request."""
    return st.sampled_from([v for v in SPECIAL + ODD_SCALARS if v is not HUGE])


# ----- entry points ----------------------------------------------------------------------------
@dataclass(frozen=True)
class EntryPoint:
    """One public entry point with one argument left to fill.

    ``call(value)`` runs it; ``names`` are the words an error about the argument may use;
    ``values`` draws the hostile values; ``check_result``: whether the arrays of a result (a
    model's fitted state) must be finite when the input was, or may be whatever the
    mathematics gives (the engine's operations propagate NaN as PyTorch's do);
    ``answers``: further exceptions that are the documented answer to some values (training
    that diverges at a learning rate of 1e308 raises :class:`nnlearn.train.TrainingDiverged`).
    """

    name: str
    call: Callable[[Any], Any]
    names: tuple[str, ...]
    values: st.SearchStrategy[Any]
    check_result: bool = True
    answers: tuple[type[Exception], ...] = ()


def not_file_names() -> st.SearchStrategy[Any]:
    """Odd values that are not strings (a string is a file name, and would be written)."""
    return st.sampled_from([v for v in SPECIAL + ODD_SCALARS if not isinstance(v, str)])


#: where the ONNX entry point would write, were a value ever a network
ONNX_TARGET = Path(tempfile.mkdtemp(prefix="nnlearn-fuzz-")) / "fuzz.onnx"


def _fit(model: Any, X: Any, y: Any) -> Any:
    return model.fit(X, y)


def _net() -> nl.Sequential:
    return nl.Sequential(nl.Dense(3, 4, activation="tanh", random_state=0),
                         nl.Dense(4, 3, random_state=1))


def _nl_fit(**overrides: Any) -> Any:
    options = {"loss": "cross_entropy", "epochs": 2, "batch_size": 4, "progress": False,
               "random_state": 0}
    X, y = overrides.pop("X", X_VALID), overrides.pop("y", Y_CLASSES)
    options.update(overrides)
    net = _net()
    nl.fit(net, X, y, **options)
    return net


X_ = arrays(X_VALID.shape)
Y_ = arrays((12,))

ENTRY_POINTS: tuple[EntryPoint, ...] = (
    # the engine
    EntryPoint("tensor", lambda v: nl.tensor(v, requires_grad=True), ("data", "tensor"),
               arrays((3,)), check_result=False),
    EntryPoint("tanh", lambda v: nl.tanh(v), ("x", "tanh", "input"), arrays((3,)),
               check_result=False),
    EntryPoint("backward seed", lambda v: (nl.tensor([1.0, 2.0], requires_grad=True) * 2)
               .backward(v), ("gradient", "seed"), arrays((2,)), check_result=False),
    EntryPoint("grad", lambda v: nl.grad(lambda w: (w ** 2).sum())(v), ("x", "argument", "w"),
               arrays((3,)), check_result=False),
    EntryPoint("hessian", lambda v: nl.hessian(lambda w: (w ** 3).sum())(v),
               ("x", "argument", "w"), arrays((2,)), check_result=False),
    EntryPoint("activation derivative", lambda v: nl.activations.get("elu").derivative(v),
               ("x", "elu"), arrays((3,)), check_result=False),
    EntryPoint("mse", lambda v: nl.losses.mse(nl.tensor(np.zeros(3)), v),
               ("target", "y", "mse"), arrays((3,)), check_result=False),
    # layers and training
    EntryPoint("Dense forward", lambda v: _net()(v), ("Dense", "input", "x"), X_,
               check_result=False),
    EntryPoint("Dense size", lambda v: nl.Dense(v, 2), ("in_features",), scalars()),
    EntryPoint("fit X", lambda v: _nl_fit(X=v), ("X",), X_),
    EntryPoint("fit y", lambda v: _nl_fit(y=v), ("y",), Y_),
    EntryPoint("fit epochs", lambda v: _nl_fit(epochs=v), ("epochs",), counts()),
    EntryPoint("fit batch_size", lambda v: _nl_fit(batch_size=v), ("batch_size",), scalars()),
    EntryPoint("fit lr", lambda v: _nl_fit(lr=v, optimizer="sgd"), ("lr",), scalars(),
               answers=(nl.train.TrainingDiverged,)),
    EntryPoint("Adam eps", lambda v: nl.optim.Adam(_net().parameters(), eps=v), ("eps",),
               scalars()),
    # estimators
    EntryPoint("MLPClassifier X", lambda v: _fit(MLPClassifier((4,), max_iter=3), v, Y_CLASSES),
               ("X",), X_),
    EntryPoint("MLPClassifier y", lambda v: _fit(MLPClassifier((4,), max_iter=3), X_VALID, v),
               ("y", "label", "class"), Y_),
    EntryPoint("MLPRegressor lr", lambda v: _fit(MLPRegressor((4,), learning_rate_init=v,
                                                              max_iter=3), X_VALID, Y_REAL),
               ("learning_rate_init",), scalars()),
    # the classic neurons
    EntryPoint("Perceptron X", lambda v: _fit(nl.models.Perceptron(), v, Y_BINARY), ("X",), X_),
    EntryPoint("Adaline y", lambda v: _fit(nl.models.Adaline(), X_VALID, v), ("y",), Y_),
    EntryPoint("LogisticNeuron lr", lambda v: _fit(nl.models.LogisticNeuron(learning_rate=v),
                                                   X_VALID, Y_BINARY), ("learning_rate",),
               scalars()),
    EntryPoint("McCullochPitts threshold", lambda v: nl.models.McCullochPitts([1, 1], v)
               .predict([[0, 1]]), ("threshold",), scalars()),
    # energy models
    EntryPoint("Hopfield store", lambda v: nl.models.Hopfield(6).store(v), ("patterns",),
               arrays(PATTERNS.shape)),
    EntryPoint("Hopfield recall n_steps", lambda v: nl.models.Hopfield(6).store(PATTERNS)
               .recall(PATTERNS[0], n_steps=v), ("n_steps", "max_steps"), scalars()),
    EntryPoint("RBM fit", lambda v: nl.models.RBM(n_hidden=2, n_iter=2, random_state=0)
               .fit(v), ("X", "data", "v"), arrays((8, 4))),
    EntryPoint("BoltzmannMachine weights", lambda v: nl.models.BoltzmannMachine(3, weights=v)
               .energy([0, 1, 1]), ("weights",), arrays((3, 3))),
    # files: a path that is no file name, an object that is no model
    EntryPoint("save path", lambda v: nl.save(_net(), v), ("path",), not_file_names()),
    EntryPoint("load path", lambda v: nl.load(v), ("path",), not_file_names()),
    EntryPoint("export_onnx obj", lambda v: nl.export_onnx(v, ONNX_TARGET), ("obj",),
               st.one_of(scalars(), arrays((3, 3)))),
    # Markov chains
    EntryPoint("MarkovChain T", lambda v: nl.dynamics.MarkovChain(v).stationary_distribution(),
               ("T",), arrays(T_VALID.shape)),
    EntryPoint("MarkovChain p0", lambda v: nl.dynamics.MarkovChain(T_VALID).distributions(3, v),
               ("p0",), arrays((2,))),
    EntryPoint("MarkovChain sample", lambda v: nl.dynamics.MarkovChain(T_VALID).sample(v, 0),
               ("n_steps",), scalars()),
)


# ----- the verdict ----------------------------------------------------------------------------
def _arrays_in(result: Any) -> list[np.ndarray]:
    """The floating arrays a result holds: itself, or a model's fitted attributes."""
    if isinstance(result, nl.Module):
        return [p.data for p in result.parameters()]
    if isinstance(result, np.ndarray):
        return [result] if result.dtype.kind == "f" else []
    found = []
    for key, value in getattr(result, "__dict__", {}).items():
        if key.endswith("_") and isinstance(value, np.ndarray) and value.dtype.kind == "f":
            found.append(value)
    return found


def _finite_input(value: Any) -> bool:
    try:
        array = value.toarray() if sp.issparse(value) else np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return True
    return bool(np.isfinite(array).all() and np.abs(array).max(initial=0) < 1e300)


def _raised_where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    return frames[-1].filename if frames else ""


def verdict(entry: EntryPoint, value: Any) -> tuple[str, str]:
    """(``good`` | ``unclear`` | ``wrong``, what happened) for ``entry`` called with ``value``."""
    try:
        with warnings.catch_warnings():
            # The engine's operations compute with NaN and ±inf as PyTorch does, and NumPy's
            # floating-point warnings about them follow the caller's np.errstate; a model
            # refuses such values before computing, so a warning there is a finding.
            warnings.simplefilter("error" if entry.check_result else "ignore", RuntimeWarning)
            warnings.simplefilter("ignore", UserWarning)  # ConvergenceWarning and kin
            result = entry.call(value)
    except entry.answers as error:
        return "good", f"answered: {type(error).__name__}: {error}"
    except MemoryError as error:  # a valid request the machine cannot meet: NumPy says so
        if "Unable to allocate" in str(error):
            return "good", f"refused: {error}"
        return "wrong", f"MemoryError: {error}"
    except (ValueError, TypeError) as error:
        where, message = _raised_where(error), str(error)
        if any(part in where for part in DEEP_SOURCES) and not any(
                part in where for part in CLEAR_SOURCES):
            return "unclear", f"{type(error).__name__} from {where}: {message}"
        if not any(name in message for name in entry.names):
            return "unclear", f"{type(error).__name__} not naming {entry.names}: {message}"
        return "good", f"refused: {message}"
    except Exception as error:
        return "wrong", f"{type(error).__name__} from {_raised_where(error)}: {error}"
    if entry.check_result and _finite_input(value):
        for array in _arrays_in(result):
            if not np.isfinite(array).all():
                return "wrong", "a silent NaN or inf in the result"
    return "good", "worked"

