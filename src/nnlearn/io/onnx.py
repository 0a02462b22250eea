"""ONNX export: ``export_onnx(obj, path)`` writes a network or a fitted MLP estimator as an
ONNX model, which onnxruntime (and any ONNX runtime) runs without nnlearn.

What the graph computes, in the model's dtype (float32 or float64), for a batch of any size
(its first dimension is named ``batch``):

* a network of :class:`~nnlearn.layers.Dense` (any activation of
  :data:`nnlearn.activations.ACTIVATIONS`), :class:`~nnlearn.layers.PReLU`,
  :class:`~nnlearn.layers.BatchNorm`, :class:`~nnlearn.layers.Dropout`,
  :class:`~nnlearn.layers.Residual`, :class:`~nnlearn.layers.Maxout` and
  :class:`~nnlearn.layers.Sequential` layers: input ``input`` of shape (batch, n_features),
  output ``output`` of shape (batch, n_outputs), as the network computes in evaluation mode
  (BatchNorm with its running statistics, Dropout the identity) whatever its mode;
* a fitted :class:`~nnlearn.estimators.MLPRegressor`: input ``X`` of shape
  (batch, n_features_in_), output ``predictions``, what ``predict`` returns: of shape
  (batch,) for one output, else (batch, n_outputs_);
* a fitted :class:`~nnlearn.estimators.MLPClassifier`: input ``X``, outputs ``label``, what
  ``predict`` returns (a tensor of the type of ``classes_``: integers, floats, booleans or
  strings; for several labels per sample the int64 indicator matrix), and
  ``probabilities``, what ``predict_proba`` returns, of shape (batch, n_classes).

An estimator fitted with ``standardize=True`` standardizes its input in the graph as it does
in ``predict``: (X − mean_) / scale_ in float64, then in the model's dtype.

The graph uses the ONNX operator set 17 (onnxruntime ≥ 1.12 runs it); how each layer and
activation becomes operators is in :mod:`nnlearn.io.onnx_graph`.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from nnlearn.checks import check_size
from nnlearn.io.atomic import atomic_write
from nnlearn.layers.module import Module

INSTALL = "pip install onnx (or pip install 'nnlearn[onnx]')"


def export_onnx(obj: Module | Any, path: str | os.PathLike[str], *,
                n_features: int | None = None) -> None:
    """Write ``obj`` to ``path`` as an ONNX model (atomically).

    Parameters
    ----------
    obj : Module, MLPClassifier or MLPRegressor
        A network of the layers :mod:`nnlearn.io.onnx` lists, or a fitted MLP estimator.
    path : str or path-like
        The file to write (by convention ``*.onnx``); an existing file is replaced only once
        the new one is complete.
    n_features : int, optional
        The width of a network's input, for a network that does not fix it (one of PReLU
        and Dropout layers only); otherwise it must agree with the network's.

    Raises
    ------
    ImportError
        If the ``onnx`` package is not installed (the message says how to install it).
    TypeError
        If ``obj`` is neither a network nor an MLP estimator, if its arrays mix dtypes, or
        if a layer has no ONNX form (the message names the layer, where it is, and the
        layers that have one).
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np, onnxruntime
    >>> import nnlearn as nl
    >>> from nnlearn.io import export_onnx
    >>> net = nl.Sequential(nl.Dense(2, 3, activation="tanh", random_state=0), nl.Dense(3, 1))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.onnx"
    >>> export_onnx(net, path)
    >>> session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    >>> x = np.array([[1.0, 2.0]])
    >>> bool(np.allclose(session.run(None, {"input": x})[0], net(x).data, atol=1e-12))
    True
    """
    onnx = _import_onnx()
    from nnlearn.estimators import MLPClassifier, MLPRegressor
    from nnlearn.io import onnx_graph

    if isinstance(obj, MLPClassifier | MLPRegressor):
        graph, inputs, outputs, summary = _estimator_graph(onnx_graph, obj)
    elif isinstance(obj, Module):
        graph, inputs, outputs, summary = _network_graph(onnx_graph, obj, n_features)
    else:
        raise TypeError(f"export_onnx: obj must be an nnlearn network (a Module) or a fitted "
                        f"MLPClassifier or MLPRegressor, got {type(obj).__name__}")
    model = _model(onnx, onnx_graph, graph, inputs, outputs, summary)
    onnx.checker.check_model(model, full_check=True)
    with atomic_write(path, "wb") as file:
        file.write(model.SerializeToString())


def _import_onnx() -> Any:
    """The ``onnx`` package, or an ImportError saying how to install it."""
    try:
        import onnx
    except ImportError as error:
        raise ImportError(f"export_onnx needs the onnx package, which is not installed: "
                          f"{INSTALL}") from error
    return onnx


def _dtype_of(module: Module, where: str) -> np.dtype:
    """The one dtype of the module's arrays (float64 for a module without any)."""
    dtypes = {value.dtype.name for value in module.state_dict().values()}
    if len(dtypes) > 1:
        raise TypeError(f"export_onnx: {where}'s arrays mix dtypes {sorted(dtypes)}; convert "
                        "it with astype first")
    return np.dtype(dtypes.pop() if dtypes else np.float64)


def _network_graph(onnx_graph: Any, module: Module, n_features: int | None) -> tuple:
    """A network's graph: ``input`` → ``output``."""
    width = module.in_features
    if n_features is not None:
        n_features = check_size(n_features, "n_features")
        if width is not None and width != n_features:
            raise ValueError(f"export_onnx: n_features={n_features}, but the network takes "
                             f"{width} features")
        width = n_features
    if width is None:
        raise ValueError("export_onnx: the network does not fix the width of its input; give "
                         "it as n_features")
    graph = onnx_graph.Graph(_dtype_of(module, "network"))
    output = onnx_graph.network(graph, module, "input")
    graph.node("Identity", output, output="output")
    outputs = [("output", graph.dtype, module.out_features or width)]
    return graph, [("input", graph.dtype, width)], outputs, f"nnlearn {type(module).__name__}"


def _estimator_graph(onnx_graph: Any, estimator: Any) -> tuple:
    """A fitted MLP estimator's graph: ``X`` → ``predictions``, or ``label`` and
    ``probabilities``."""
    from onnx import TensorProto
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator, "model_")
    graph = onnx_graph.Graph(_dtype_of(estimator.model_, "model_"))
    x = "X"
    if estimator.mean_ is not None:  # as prediction.standardized: in float64, then the dtype
        if graph.dtype != np.float64:
            x = graph.node("Cast", x, to=TensorProto.DOUBLE)
        x = graph.node("Sub", x, graph.constant(estimator.mean_, "mean", np.float64))
        x = graph.node("Div", x, graph.constant(estimator.scale_, "scale", np.float64))
        if graph.dtype != np.float64:
            x = graph.node("Cast", x, to=TensorProto.FLOAT)
    z = onnx_graph.network(graph, estimator.model_, x, "model_")
    n_outputs = estimator.n_outputs_
    inputs = [("X", graph.dtype, estimator.n_features_in_)]
    name = type(estimator).__name__
    if estimator.out_activation_ == "identity":  # the regressor
        if n_outputs == 1:
            graph.node("Reshape", z, graph.constant([-1], "flat", np.int64), output="predictions")
            return graph, inputs, [("predictions", graph.dtype, None)], f"nnlearn {name}"
        graph.node("Identity", z, output="predictions")
        return graph, inputs, [("predictions", graph.dtype, n_outputs)], f"nnlearn {name}"
    classes = _labels(estimator.classes_)
    if estimator.out_activation_ == "softmax":
        graph.node("Softmax", z, axis=1, output="probabilities")
        index = graph.node("ArgMax", z, axis=1, keepdims=0)
    elif n_outputs == 1:  # two classes: P = [σ(−z), σ(z)], label 1 where z > 0
        graph.node("Concat", graph.node("Sigmoid", graph.node("Neg", z)),
                   graph.node("Sigmoid", z), axis=1, output="probabilities")
        flat = graph.node("Reshape", z, graph.constant([-1], "flat", np.int64))
        index = graph.node("Cast", graph.node("Greater", flat, graph.constant(0)),
                           to=TensorProto.INT64)
    else:  # several labels per sample: σ(z_k) each, the indicator of z_k > 0
        graph.node("Sigmoid", z, output="probabilities")
        graph.node("Cast", graph.node("Greater", z, graph.constant(0)), to=TensorProto.INT64,
                   output="label")
        outputs = [("label", np.dtype(np.int64), n_outputs),
                   ("probabilities", graph.dtype, len(classes))]
        return graph, inputs, outputs, f"nnlearn {name} (several labels per sample)"
    graph.node("Gather", graph.constant(classes, "classes", classes.dtype), index, axis=0,
               output="label")
    outputs = [("label", classes.dtype, None), ("probabilities", graph.dtype, len(classes))]
    return graph, inputs, outputs, f"nnlearn {name}"


def _labels(classes: np.ndarray) -> np.ndarray:
    """``classes_`` as an array that ONNX can hold: numbers, booleans or text."""
    classes = np.asarray(classes)
    if classes.dtype == object:
        classes = np.asarray(classes.tolist())
    if classes.dtype.kind not in "biufU":
        raise TypeError(f"export_onnx: the classes are of dtype {classes.dtype}; ONNX labels "
                        "are numbers, booleans or strings")
    return classes.astype(np.int64) if classes.dtype.kind in "iu" else classes


def _model(onnx: Any, onnx_graph: Any, graph: Any, inputs: list, outputs: list,
           summary: str) -> Any:
    """The ONNX model of ``graph`` with its inputs and outputs declared as
    ``(name, dtype, width)`` (width None: a vector over the batch)."""
    from onnx import TensorProto, helper

    from nnlearn import __version__

    def value(name: str, dtype: np.dtype, width: int | None) -> Any:
        kind = TensorProto.STRING if dtype.kind == "U" else helper.np_dtype_to_tensor_dtype(dtype)
        return helper.make_tensor_value_info(name, kind, ["batch"] + ([] if width is None
                                                                      else [width]))

    body = helper.make_graph(graph.nodes, "nnlearn", [value(*v) for v in inputs],
                             [value(*v) for v in outputs], initializer=graph.initializers)
    opsets = [helper.make_opsetid("", onnx_graph.OPSET)]
    model = helper.make_model(body, opset_imports=opsets, producer_name="nnlearn",
                              producer_version=__version__, doc_string=summary)
    model.ir_version = helper.find_min_ir_version_for(opsets)
    return model
