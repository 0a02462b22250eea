"""Tour: the activation functions and their derivatives (the course's table)."""

from __future__ import annotations

import numpy as np

from nnlearn import activations
from nnlearn.equations import CATALOGUE
from nnlearn.plots.curves import function_and_derivative
from nnlearn.tour.report import Report

TITLE = "Activation functions and their derivatives"


def run(report: Report) -> None:
    report.text(
        "Each activation carries its closed-form derivative from the course's table; the "
        "tests check it against autodiff and against finite differences."
    )
    for name in activations.ACTIVATIONS:
        act = activations.get(name)
        report.text(f"{name}: {CATALOGUE[act.equation].name}")
        report.equation(CATALOGUE[act.equation].latex)
        report.figure(function_and_derivative(act), f"activation_{name}.png", name)
    logits = np.array([2.33, -1.46, 0.56])
    report.text("The course's softmax example: logits (2.33, -1.46, 0.56) give the probabilities")
    report.preformatted(np.array2string(activations.softmax(logits), precision=8))
