"""The MLP view's network, exported: an nnlearn model file, and a Python script that
rebuilds the data and the network from the setup and trains it again.

The script repeats the view's calls in the view's order, on one generator seeded with the
setup's seed (the data, the split, the initial weights, the batches), so that for a
network trained without edits by hand or changed rates it ends with the same weights.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import nnlearn as nl
from nnlearn.playground.datasets import DATASETS

if TYPE_CHECKING:
    from nnlearn.playground.mlp import MLPView

#: the epochs the script trains when the network in the page has not been trained yet
DEFAULT_EPOCHS = 100


def model_file(view: MLPView) -> bytes:
    """The view's network as an nnlearn model file (``nl.save``), with the setup's link,
    the input features and the classes as metadata (``nl.io.load_metadata``)."""
    metadata = {"playground": view.query, "features": list(view.setup["features"]),
                "task": view.task, "classes": list(view.class_names), "epochs": view.epoch}
    with tempfile.TemporaryDirectory(prefix="nnlearn-export-") as folder:
        path = Path(folder) / "model.nnl"
        nl.save(view.net, path, metadata=metadata)
        return path.read_bytes()


def _array(values: np.ndarray) -> str:
    return np.array2string(np.asarray(values), separator=", ", threshold=np.inf,
                           max_line_width=96, floatmode="unique")


def _data_lines(view: MLPView) -> list[str]:
    setup = view.setup
    if setup["data"] in DATASETS:
        return [f'X, y = make({json.dumps(setup["data"])}, n_samples={setup["samples"]}, '
                f'noise={setup["noise"] / 100!r}, random_state=rng)']
    return ["# the uploaded file, its features scaled to [-6, 6]",
            f"X = np.array({_array(view.X)})",
            f"y = np.array({_array(view.y)})"]


def _optimizer_line(view: MLPView) -> str:
    from nnlearn.playground.mlp import OPTIMIZERS

    registered, options = OPTIMIZERS[view.setup["optimizer"]]
    cls = nl.optim.OPTIMIZERS.get(registered).__name__
    extra = "".join(f", {key}={value!r}" for key, value in options.items())
    return (f"optimizer = nl.optim.{cls}(net.parameters(), lr={view.setup['lr']!r}{extra}, "
            f"weight_decay={view.setup['l2']!r})")


def script(view: MLPView) -> str:
    """A short Python script that rebuilds the view's data and network and trains it."""
    setup = view.setup
    epochs = view.epoch or DEFAULT_EPOCHS
    sizes = [view.inputs.shape[1], *setup["hidden"]]
    layers = [f'    nl.Dense({a}, {b}, activation={json.dumps(setup["activation"])}),'
              for a, b in itertools.pairwise(sizes)]
    layers.append(f"    nl.Dense({sizes[-1]}, {view.n_outputs}),")
    targets = "y" if view.classify else "y[:, None]"
    lines = [
        '"""Rebuild and train the network of an nnlearn playground session.',
        "",
        f"The setup: #{view.query}",
        "Weights edited by hand, and rates changed during training, are not repeated here:",
        "the model file of the same session holds the network as it was.",
        '"""',
        "",
        "import numpy as np",
        "",
        "import nnlearn as nl",
        "from nnlearn.playground.datasets import input_features, make, split",
        "",
        f"rng = np.random.default_rng({setup['seed']})  # the data, the split, the weights, "
        "the batches",
        *_data_lines(view),
        f"targets = {targets}",
        f"inputs = input_features(X, {json.dumps(list(setup['features']))})",
        f"train, test = split(len(X), {setup['train'] / 100!r}, rng)",
        "",
        "net = nl.Sequential(",
        *layers,
        ").initialize(rng)",
        _optimizer_line(view),
        f"history = nl.fit(net, inputs[train], targets[train], loss={json.dumps(view.loss)}, "
        "optimizer=optimizer,",
        f"                 epochs={epochs}, batch_size={min(setup['batch'], len(view.train_index))}"
        ", random_state=rng, progress=False)",
        f"scores = nl.train.evaluate(net, inputs[test], targets[test], {json.dumps(view.loss)})",
        f'print(f"after {epochs} epochs: training loss {{history[\'loss\'][-1]:.4g}}, '
        'test loss {scores[\'loss\']:.4g}")',
        'nl.save(net, "model.nnl")',
        "",
    ]
    return "\n".join(lines)
