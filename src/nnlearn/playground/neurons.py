"""The classic neurons view: McCulloch-Pitts gates by hand, the perceptron rule and
Adaline learning sample by sample.

The models are nnlearn's: ``nl.models.McCullochPitts`` with the weights and threshold of
the sliders, and ``nl.models.Perceptron`` and ``nl.models.Adaline``, each update one call
of ``partial_fit`` on one sample (one application of the learning rule). The page shows
the boundary w₁x₁ + w₂x₂ + b = 0 moving, and the mistakes of each epoch: they reach zero
on linearly separable data, never on XOR.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nnlearn import datasets
from nnlearn.models import Adaline, McCullochPitts, Perceptron
from nnlearn.playground.mlp import grid_points
from nnlearn.playground.protocol import encode_map, rounded
from nnlearn.playground.settings import Setting, seed
from nnlearn.playground.views import VIEWS, View

GATES = ("and", "or", "nand", "nor", "xor")
MODELS = {"perceptron": Perceptron, "adaline": Adaline}
#: the resolution of the map of predictions
GRID = 40


def load(name: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The view's data sets: a gate's truth table, separable clouds, two Iris species."""
    if name in GATES:
        X, y = datasets.logic_gate(name)
        return X.astype(float), y
    if name == "separable":
        return datasets.separable(n_samples=40, margin=0.3, random_state=seed)
    return datasets.iris_pair(standardize=True)


def boundary(w1: float, w2: float, b: float, box: list[float]) -> list[list[float]]:
    """The two ends of the line w₁x₁ + w₂x₂ + b = 0 inside ``box`` = [x_lo, x_hi, y_lo,
    y_hi] (none if the weights are zero or the line misses the box)."""
    x_lo, x_hi, y_lo, y_hi = box
    ends = []
    if w2 != 0:
        ends += [[x, -(w1 * x + b) / w2] for x in (x_lo, x_hi)]
    if w1 != 0:
        ends += [[-(w2 * y + b) / w1, y] for y in (y_lo, y_hi)]
    inside = [p for p in ends if x_lo - 1e-9 <= p[0] <= x_hi + 1e-9
              and y_lo - 1e-9 <= p[1] <= y_hi + 1e-9]
    unique = list({(round(x, 9), round(y, 9)): [x, y] for x, y in inside}.values())
    return unique[:2] if len(unique) >= 2 else []


class NeuronsView(View):
    """One neuron on 2-D data: designed by hand, or learning by its rule."""

    name = "neurons"
    title = "Classic neurons"
    settings = (
        Setting("model", "Neuron", "choice", "perceptron",
                options=("mcculloch_pitts", *MODELS),
                option_labels=("McCulloch-Pitts (by hand)", "Perceptron rule", "Adaline (LMS)")),
        Setting("data", "Data", "choice", "and", options=(*GATES, "separable", "iris"),
                option_labels=("AND", "OR", "NAND", "NOR", "XOR", "Separable clouds",
                               "Iris: setosa and versicolor")),
        Setting("w1", "Weight w₁", "real", 1.0, minimum=-5, maximum=5, step=0.1),
        Setting("w2", "Weight w₂", "real", 1.0, minimum=-5, maximum=5, step=0.1),
        Setting("threshold", "Threshold T", "real", 1.5, minimum=-5, maximum=5, step=0.1),
        Setting("lr", "Learning rate", "real", 0.1, minimum=0.001, maximum=10),
        Setting("epochs", "Most epochs", "integer", 30, minimum=1, maximum=200, step=1),
        Setting("speed", "Samples per update", "integer", 1, minimum=1, maximum=100, step=1,
                live=True),
        seed(),
    )
    equations = ("mcculloch_pitts_neuron", "perceptron_learning_rule", "adaline_lms_rule")

    def __init__(self, setup: dict[str, Any], files: Mapping[str, Any] | None = None) -> None:
        super().__init__(setup, files)
        self.X, self.y = load(setup["data"], setup["seed"])
        low, high = self.X.min(axis=0) - 0.5, self.X.max(axis=0) + 0.5
        self.box = [float(low[0]), float(high[0]), float(low[1]), float(high[1])]
        centre, half = (low + high) / 2, (high - low) / 2
        unit = grid_points(1.0, GRID)
        self.grid = centre + unit * half
        if setup["model"] == "mcculloch_pitts":
            self.model = McCullochPitts([setup["w1"], setup["w2"]], setup["threshold"])
        else:
            self.model = MODELS[setup["model"]](learning_rate=setup["lr"])
        self.sample, self.epoch, self.mistakes, self.errors = 0, 0, 0, []
        self.converged = False

    @property
    def learns(self) -> bool:
        return self.setup["model"] != "mcculloch_pitts"

    def advance(self) -> bool:
        """The rule on the next ``speed`` samples, one at a time, in order."""
        if not self.learns:
            return False
        classes = np.unique(self.y)
        for _ in range(self.setup["speed"]):
            if self.converged or self.epoch >= self.setup["epochs"]:
                return False
            i = self.sample
            self.model.partial_fit(self.X[i:i + 1], self.y[i:i + 1], classes=classes)
            self.mistakes += self.model.errors_[-1]
            self.sample += 1
            if self.sample == len(self.X):
                self.errors.append(int(self.mistakes))
                self.converged = self.mistakes == 0
                self.sample, self.mistakes, self.epoch = 0, 0, self.epoch + 1
        return not self.converged and self.epoch < self.setup["epochs"]

    def weights(self) -> tuple[float, float, float] | None:
        """(w₁, w₂, b) of the boundary w₁x₁ + w₂x₂ + b = 0, None before the first update."""
        if not self.learns:
            w1, w2 = self.model.weights
            return float(w1), float(w2), -self.model.threshold
        if not hasattr(self.model, "coef_"):
            return None
        (w1, w2), b = self.model.coef_[0], self.model.intercept_[0]
        return float(w1), float(w2), float(b)

    def scene(self) -> dict[str, Any]:
        return {"points": rounded(self.X, 4), "labels": self.y.tolist(), "box": self.box,
                "grid": GRID, "learns": self.learns}

    def frame(self) -> dict[str, Any]:
        weights = self.weights()
        frame: dict[str, Any] = {
            "epoch": self.epoch, "sample": self.sample, "errors": self.errors,
            "mistakes": int(self.mistakes), "converged": bool(self.converged),
            "weights": None if weights is None else rounded(weights),
            "boundary": [] if weights is None else boundary(*weights, self.box),
            "map": None if weights is None else encode_map(self.model.predict(self.grid), 0, 1)}
        if not self.learns:
            inputs, _ = datasets.logic_gate("and")
            outputs = self.model.predict(inputs)
            frame["table"] = {"inputs": inputs.tolist(), "outputs": outputs.tolist(),
                              "net": rounded(self.model.net_input(inputs))}
            frame["computes"] = next((gate for gate in GATES if np.array_equal(
                datasets.logic_gate(gate)[1], outputs)), "")
        return frame


VIEWS.register("neurons")(NeuronsView)
