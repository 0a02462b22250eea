"""The MLP view: a multi-layer perceptron learning a 2-D data set, live.

TensorFlow Playground's controls (data set, noise, training fraction, batch size, input
features, hidden layers, activation, learning rate, L2 rate, optimizer), with more than
two classes (a softmax output), uploaded data, editable weights, the formula of a neuron
with its numbers, and backpropagation step by step (:mod:`.mlp_inspect`).

Everything is nnlearn's: the network is an ``nl.Sequential`` of ``nl.Dense`` layers,
each update is one epoch of ``nl.fit`` with an optimizer that lives as long as the view,
the losses come from ``nl.train.evaluate``, the maps from the network's own layers.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

import nnlearn as nl
from nnlearn.activations import ACTIVATIONS
from nnlearn.autodiff.tensor import Tensor, no_grad
from nnlearn.playground import datasets, mlp_inspect
from nnlearn.playground.protocol import Fields, ProtocolError, encode_map, rounded
from nnlearn.playground.settings import Setting, seed
from nnlearn.playground.views import VIEWS, View
from nnlearn.train import TrainingDiverged, evaluate

#: the heat maps' resolution: GRID × GRID points over the data's square
GRID = 40
#: every elementwise activation of the course (softmax and log-softmax act on a layer)
HIDDEN_ACTIVATIONS = tuple(name for name in ACTIVATIONS if ACTIVATIONS.get(name).elementwise)
#: the optimizers offered: a registry name and its options
OPTIMIZERS = {"sgd": ("sgd", {}), "momentum": ("sgd", {"momentum": 0.9}),
              "adagrad": ("adagrad", {}), "rmsprop": ("rmsprop", {}), "adam": ("adam", {})}
UPLOAD = "upload"
#: the largest value a weight may be set to by hand
MAX_WEIGHT = 100.0


def _setting_list() -> tuple[Setting, ...]:
    data = (*datasets.DATASETS, UPLOAD)
    data_labels = (*(d.label for d in datasets.DATASETS.values()), "Your data (upload a CSV)")
    features = tuple(datasets.FEATURES)
    return (
        Setting("data", "Data", "choice", "circle", options=data, option_labels=data_labels),
        Setting("samples", "Samples", "integer", 400, minimum=20, maximum=1000, step=10),
        Setting("noise", "Noise (%)", "integer", 0, minimum=0, maximum=50, step=5),
        Setting("train", "Training data (%)", "integer", 50, minimum=10, maximum=90, step=10),
        Setting("batch", "Batch size", "integer", 10, minimum=1, maximum=100, live=True),
        Setting("features", "Features", "choices", ["x1", "x2"], options=features,
                option_labels=tuple(label for label, _ in datasets.FEATURES.values())),
        Setting("hidden", "Hidden layers", "sizes", [4, 2], minimum=1, maximum=8, max_items=6,
                help="neurons per hidden layer, from the input to the output"),
        Setting("activation", "Activation", "choice", "tanh", options=HIDDEN_ACTIVATIONS),
        Setting("lr", "Learning rate", "real", 0.03, minimum=1e-5, maximum=10, live=True),
        Setting("l2", "L2 regularization", "real", 0.0, minimum=0, maximum=10, live=True),
        Setting("optimizer", "Optimizer", "choice", "adam", options=tuple(OPTIMIZERS),
                live=True),
        seed("draws the data, the split, the initial weights and the batches"),
    )


def grid_points(extent: float = datasets.EXTENT, size: int = GRID) -> np.ndarray:
    """The centres of a size × size grid over [−extent, extent]², row by row from the top
    (x₂ = +extent) down, as an array of shape (size², 2)."""
    centres = (np.arange(size) + 0.5) / size * 2 * extent - extent
    x1, x2 = np.meshgrid(centres, centres[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


def build_network(n_features: int, hidden: list[int], activation: str, n_outputs: int,
                  seed_or_rng: int | np.random.Generator) -> nl.Sequential:
    """Dense layers of ``hidden`` sizes with ``activation``, then a linear output layer of
    ``n_outputs`` (logits, or the regression value), initialized from one generator."""
    sizes = [n_features, *hidden]
    layers = [nl.Dense(a, b, activation=activation) for a, b in itertools.pairwise(sizes)]
    return nl.Sequential(*layers, nl.Dense(sizes[-1], n_outputs)).initialize(seed_or_rng)


def make_optimizer(net: nl.Sequential, name: str, lr: float, l2: float) -> nl.optim.Optimizer:
    """The optimizer ``name`` of :data:`OPTIMIZERS` with learning rate and L2 rate λ."""
    registered, options = OPTIMIZERS[name]
    return nl.optim.OPTIMIZERS.get(registered)(net.parameters(), lr=lr, weight_decay=l2,
                                               **options)


class MLPView(View):
    """A network learning a 2-D data set, one epoch per update.

    Parameters
    ----------
    setup : dict
    files : dict, optional
        ``files["mlp"]``: the uploaded data (for ``data="upload"``) as
        :func:`~.datasets.read_upload` gives them, ``(X, y, task, class names)``.
    """

    name = "mlp"
    title = "Multi-layer perceptron"
    settings = _setting_list()
    equations = ("activation_of_a_neuron", "delta_equation_by_backpropagation", "softmax")

    def __init__(self, setup: dict[str, Any], files: Mapping[str, Any] | None = None) -> None:
        super().__init__(setup, files)
        if not setup["features"]:
            raise ProtocolError("features: choose at least one input feature")
        upload = self.files.get(self.name) if setup["data"] == UPLOAD else None
        if setup["data"] == UPLOAD and upload is None:
            raise ProtocolError("data: no file is uploaded in this tab yet; upload a CSV file "
                                "(a header, then rows of x1, x2, label)")
        self.rng = np.random.default_rng(setup["seed"])
        if upload is None:
            self.X, self.y = datasets.make(setup["data"], setup["samples"],
                                           setup["noise"] / 100, self.rng)
            self.task = datasets.DATASETS[setup["data"]].task
            self.class_names = [str(k) for k in np.unique(self.y)] if self.classify else []
        else:
            self.X, self.y, self.task, self.class_names = upload
        self.train_index, self.test_index = datasets.split(len(self.X), setup["train"] / 100,
                                                           self.rng)
        self.inputs = datasets.input_features(self.X, setup["features"])
        #: what the loss compares the outputs with: class indices, or a column of values
        self.targets = self.y if self.classify else self.y[:, None]
        self.n_outputs = len(self.class_names) if self.classify else 1
        self.net = build_network(self.inputs.shape[1], setup["hidden"], setup["activation"],
                                 self.n_outputs, self.rng)
        self.optimizer = make_optimizer(self.net, setup["optimizer"], setup["lr"], setup["l2"])
        self.grid = grid_points()
        self.grid_inputs = datasets.input_features(self.grid, setup["features"])
        self.epoch, self.diverged = 0, ""
        self.losses = [self._losses()]

    # ----- the model ---------------------------------------------------------------------
    @property
    def classify(self) -> bool:
        return self.task == "classification"

    @property
    def loss(self) -> str:
        """Cross-entropy of the softmax of the logits for classes, else the mean squared error."""
        return "cross_entropy" if self.classify else "mse"

    def _losses(self) -> dict[str, float | None]:
        """Loss (and accuracy for classes) on the training and the test data; None for a
        loss that overflowed (the weights grew too large to evaluate)."""
        metrics = ["accuracy"] if self.classify else []
        values = {}
        with np.errstate(over="ignore", invalid="ignore"):
            for prefix, index in (("train_", self.train_index), ("test_", self.test_index)):
                values.update(evaluate(self.net, self.inputs[index], self.targets[index],
                                       self.loss, metrics, prefix=prefix))
        return {key: value if np.isfinite(value) else None for key, value in values.items()}

    def advance(self) -> bool:
        """One epoch of ``nl.fit`` over the training data; False once training diverged."""
        if self.diverged:
            return False
        train = self.train_index
        try:
            nl.fit(self.net, self.inputs[train], self.targets[train], loss=self.loss,
                   optimizer=self.optimizer, epochs=1,
                   batch_size=min(self.setup["batch"], len(train)), random_state=self.rng,
                   progress=False)
        except TrainingDiverged as error:
            self.diverged = str(error)
            return False
        self.epoch += 1
        self.losses.append(self._losses())
        if None in self.losses[-1].values():
            self.diverged = (f"the loss overflowed after epoch {self.epoch}: the weights grew too "
                             "large (lower the learning rate, or press Reset)")
            return False
        return True

    def retune(self, name: str) -> None:
        """A new learning rate, L2 rate or optimizer takes over from the current weights."""
        if name != "batch":
            setup = self.setup
            self.optimizer = make_optimizer(self.net, setup["optimizer"], setup["lr"],
                                            setup["l2"])
            self.diverged = ""

    def outputs_on(self, inputs: np.ndarray) -> list[np.ndarray]:
        """Every layer's outputs x^κ (κ = 1..K) for the rows of ``inputs``, without a graph."""
        outputs, x = [], Tensor(inputs)
        with no_grad():
            for layer in self.net.layers:
                x = layer(x)
                outputs.append(x.data)
        return outputs

    def prediction_surface(self, logits: np.ndarray) -> dict[str, str]:
        """The output over the grid, as the page draws it: P(class 1) for two classes, the
        winning class and its probability for more, the value for regression."""
        if not self.classify:
            return {"value": encode_map(logits[:, 0], -1.0, 1.0)}
        p = nl.activations.softmax(logits)
        if self.n_outputs == 2:
            return {"probability": encode_map(p[:, 1], 0.0, 1.0)}
        return {"winner": encode_map(np.argmax(p, axis=1), 0, 255),
                "probability": encode_map(p.max(axis=1), 0.0, 1.0)}

    # ----- what the page draws -------------------------------------------------------------
    def scene(self) -> dict[str, Any]:
        labels = [datasets.FEATURES[name][0] for name in self.setup["features"]]
        return {
            "task": self.task, "classes": self.class_names, "extent": datasets.EXTENT,
            "grid": GRID, "points": rounded(self.X, 4), "targets": rounded(self.y, 4),
            "train": self.train_index.tolist(), "test": self.test_index.tolist(),
            "features": labels, "layers": [self.inputs.shape[1], *self.setup["hidden"],
                                           self.n_outputs],
            "feature_maps": [_symmetric_map(column) for column in self.grid_inputs.T],
            "loss": self.loss, "history": self.losses,
        }

    def frame(self) -> dict[str, Any]:
        outputs = self.outputs_on(self.grid_inputs)
        return {
            "epoch": self.epoch, "losses": self.losses[-1], "diverged": self.diverged,
            "weights": [rounded(layer.weight.data) for layer in self.net.layers],
            "biases": [rounded(layer.bias.data) for layer in self.net.layers],
            "neuron_maps": [[_symmetric_map(column) for column in x.T] for x in outputs],
            "surface": self.prediction_surface(outputs[-1]),
        }

    # ----- actions ---------------------------------------------------------------------------
    def _layer(self, fields: Fields) -> nl.Dense:
        return self.net.layers[fields.integer("layer", 1, len(self.net.layers)) - 1]

    def action_set_weight(self, fields: Fields) -> None:
        """Set W^κ[source, neuron] (``layer`` κ from 1) to ``value``."""
        layer = self._layer(fields)
        source = fields.integer("source", 0, layer.n_in - 1)
        neuron = fields.integer("neuron", 0, layer.n_out - 1)
        layer.weight.data[source, neuron] = fields.real("value", -MAX_WEIGHT, MAX_WEIGHT)

    def action_set_bias(self, fields: Fields) -> None:
        """Set b^κ[neuron] (``layer`` κ from 1) to ``value``."""
        layer = self._layer(fields)
        neuron = fields.integer("neuron", 0, layer.n_out - 1)
        layer.bias.data[neuron] = fields.real("value", -MAX_WEIGHT, MAX_WEIGHT)

    def _sample(self, fields: Fields) -> int:
        return fields.integer("sample", 0, len(self.X) - 1)

    def action_inspect(self, fields: Fields) -> dict[str, Any]:
        """The formula of one neuron with its numbers for one sample, and its δ."""
        layer = fields.integer("layer", 1, len(self.net.layers))
        neuron = fields.integer("neuron", 0, self.net.layers[layer - 1].n_out - 1)
        sample = self._sample(fields)
        return {"type": "detail", "kind": "neuron",
                **mlp_inspect.neuron(self, sample, layer, neuron)}

    def action_backprop(self, fields: Fields) -> dict[str, Any]:
        """Every number of one forward and backward pass for one sample, layer by layer."""
        return {"type": "detail", "kind": "backprop",
                **mlp_inspect.backprop(self, self._sample(fields))}


def _symmetric_map(values: np.ndarray) -> str:
    """A neuron's values over the grid, scaled by their largest magnitude (0 stays 0)."""
    values = np.nan_to_num(values, posinf=np.finfo(float).max, neginf=-np.finfo(float).max)
    scale = float(np.max(np.abs(values))) or 1.0
    return encode_map(values / scale, -1.0, 1.0)


VIEWS.register("mlp")(MLPView)
