"""Tour: the loss functions, evaluated on one small example."""

from __future__ import annotations

import numpy as np

from nnlearn import losses
from nnlearn.equations import CATALOGUE
from nnlearn.tour.report import Report

TITLE = "Loss functions"


def run(report: Report) -> None:
    report.text("Losses are called in the course's order L(h(u), y); all reduce by the mean.")
    for key in (
        "counting_loss",
        "quadratic_loss_l2",
        "mean_squared_error_loss_mse",
        "half_squared_error",
        "binary_cross_entropy",
        "categorical_cross_entropy",
        "empirical_risk_of_a_model",
        "l2_regularization",
    ):
        report.text(CATALOGUE[key].name)
        report.equation(CATALOGUE[key].latex)
    prediction = np.array([[0.9, 0.2], [0.3, 0.6]])
    target = np.array([[1.0, 0.0], [0.0, 1.0]])
    rows = [
        (name, float(losses.get(name)(prediction, target).item()))
        for name in ("quadratic", "mse", "half_squared_error", "bce")
    ]
    logits = np.array([[2.33, -1.46, 0.56]])
    rows.append(("cross_entropy (class 0)", float(losses.cross_entropy(logits, [0]).item())))
    report.text("On predictions [[0.9, 0.2], [0.3, 0.6]] for targets [[1, 0], [0, 1]]:")
    report.table(("loss", "value"), rows)
    report.text("The risk R(f) = E[L(f(U), Y)] by Monte Carlo, for Y = 3U − 1 + ε, ε ~ N(0, 0.5²): "
                "the true line's risk is the noise variance 0.25, and any other line's is larger.")
    rows = [(label, losses.risk(model, _noisy_line, n_samples=100_000, random_state=0))
            for label, model in (("3u − 1 (the regression function)", lambda u: 3 * u - 1),
                                 ("3u − 0.5", lambda u: 3 * u - 0.5),
                                 ("2u − 1", lambda u: 2 * u - 1))]
    report.table(("model", "risk (MSE)"), rows)


def _noisy_line(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    u = rng.normal(size=(n, 1))
    return u, 3 * u - 1 + 0.5 * rng.normal(size=(n, 1))
