"""Tour: the classic neurons, from McCulloch-Pitts to polynomial curve fitting."""

from __future__ import annotations

import warnings

import numpy as np

from nnlearn import datasets
from nnlearn.equations import CATALOGUE
from nnlearn.models import (
    Adaline,
    ConvergenceWarning,
    LogisticNeuron,
    McCullochPitts,
    Perceptron,
    PolynomialFeatures,
    degree_sweep,
    logistic_hypothesis,
    polyfit,
    polyval,
)
from nnlearn.models.neurons.mcculloch_pitts import GATES
from nnlearn.plots import boundaries
from nnlearn.tour.report import Report

TITLE = "The classic neurons"


def _equation(report: Report, key: str) -> None:
    report.text(CATALOGUE[key].name)
    report.equation(CATALOGUE[key].latex)


def run(report: Report) -> None:
    _logic_gates(report)
    _xor(report)
    _iris(report)
    _circle(report)
    _curve_fitting(report)


def _logic_gates(report: Report) -> None:
    _equation(report, "mcculloch_pitts_neuron")
    _equation(report, "function_estimated_by_perceptron")
    _equation(report, "perceptron_learning_rule")
    rows, designs = [], {}
    for gate, (weights, threshold) in GATES.items():
        X, y = datasets.logic_gate(gate)
        unit = McCullochPitts(weights, threshold)
        learned = Perceptron().fit(X, y)
        designs[gate] = (X, y, (weights, threshold), (learned.coef_[0], learned.intercept_[0]))
        rows.append(
            (
                gate.upper(),
                f"w={list(weights)}, T={threshold}",
                bool((unit.predict(X) == y).all()),
                f"w={learned.coef_[0].tolist()}, b={learned.intercept_[0]:g}",
                str(learned.errors_),
            )
        )
    report.text("The course's designs, and what the perceptron learns from w = 0, η = 1:")
    report.table(
        ("gate", "McCulloch-Pitts design", "design correct", "learned", "mistakes per epoch"),
        rows,
    )
    report.figure(
        boundaries.gates_figure(designs),
        "neurons_gates.png",
        "logic gates: the designed (dashed) and the learned (red) boundaries",
    )
    (_, _, _, ((w1, w2), w3)) = designs["and"]
    report.text(
        f"The AND weights w = ({w1:g}, {w2:g}, {w3:g}) satisfy the course's constraints: "
        f"w3 < 0: {w3 < 0}, w2 + w3 < 0: {w2 + w3 < 0}, w1 + w3 < 0: {w1 + w3 < 0}, "
        f"w1 + w2 + w3 >= 0: {w1 + w2 + w3 >= 0}."
    )


def _xor(report: Report) -> None:
    X, y = datasets.xor()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        xor = Perceptron(max_epochs=50).fit(X, y)
        long_run = Perceptron(max_epochs=12, detect_cycles=False).fit(X, y)
    report.text(
        "XOR is not linearly separable: the perceptron never has an epoch without a "
        f"mistake. converged_ = {xor.converged_}; cycle_ (first epoch, period) = {xor.cycle_}."
    )
    report.preformatted(str(caught[0].message))
    report.figure(
        boundaries.errors_per_epoch(
            {
                "AND": Perceptron().fit(*datasets.logic_gate("and")).errors_,
                "XOR (no cycle detection)": long_run.errors_,
            }
        ),
        "neurons_xor_errors.png",
        "mistakes per epoch: AND reaches 0, XOR never does",
    )


def _iris(report: Report) -> None:
    features = ("sepal length", "petal length")
    X, y = datasets.iris_pair(features=features, standardize=True)
    _equation(report, "adaline_lms_rule")
    _equation(report, "logistic_delta_cross_entropy")
    models = {
        "perceptron": Perceptron(learning_rate=0.1),
        "Adaline (online LMS)": Adaline(learning_rate=0.01, normalized=False),
        "logistic neuron (BCE)": LogisticNeuron(learning_rate=0.5),
    }
    rows = []
    for name, model in models.items():
        model.fit(X, y)
        rows.append((name, model.n_epochs_, model.converged_, model.score(X, y)))
    report.text("Iris setosa (0) against versicolor (1), standardized sepal and petal length:")
    report.table(("model", "epochs", "converged", "training accuracy"), rows)
    report.figure(
        boundaries.boundaries_figure(
            {name: model.predict for name, model in models.items()},
            X,
            y,
            ("sepal length (std.)", "petal length (std.)"),
        ),
        "neurons_iris.png",
        "Iris setosa vs versicolor: three linear neurons",
    )


def _circle(report: Report) -> None:
    _equation(report, "polynomial_features")
    theta = np.array([-1.0, 0.0, 0.0, 1.0, 1.0])
    expand = PolynomialFeatures(degree=2, cross_terms=False)
    X, y = datasets.circle(300, random_state=1)
    features = expand.fit_transform(X)
    agree = np.array_equal(logistic_hypothesis(theta, features) >= 0.5, y == 1)
    report.text(f"Θ = {theta.tolist()} predicts y = 1 exactly where x1² + x2² ≥ 1: {agree}.")
    learned = LogisticNeuron(learning_rate=1.0, max_epochs=3000).fit(features[:, 1:], y)
    scaled = np.r_[learned.intercept_, learned.coef_[0]] / learned.coef_[0, 2]
    report.text(
        f"A logistic neuron trained on (x1, x2, x1², x2²) reaches accuracy "
        f"{learned.score(features[:, 1:], y):.3f}; its Θ scaled to Θ_3 = 1 is "
        f"{np.round(scaled, 2).tolist()}."
    )
    report.figure(
        boundaries.boundaries_figure(
            {
                "course's Θ": lambda P: (
                    logistic_hypothesis(theta, expand.transform(P)) >= 0.5
                ).astype(int),
                "learned": lambda P: learned.predict(expand.transform(P)[:, 1:]),
            },
            X,
            y,
        ),
        "neurons_circle.png",
        "the circular boundary from polynomial features",
    )


def _curve_fitting(report: Report) -> None:
    _equation(report, "polynomial_curve_fitting")
    _equation(report, "loss_minimization_with_regularization")
    u, y = datasets.noisy_sine(10, random_state=0)
    u_test, y_test = datasets.noisy_sine(200, random_state=1)
    rows = degree_sweep(u, y, u_test, y_test, range(10))
    report.text("Polynomials of growing degree k on 10 noisy samples of sin(2πu):")
    report.table(("degree k", "train MSE", "test MSE"), rows)
    ridge = polyfit(u, y, 9, alpha=0.01)
    ridge_test = float(np.mean((polyval(ridge, u_test) - y_test) ** 2))
    report.text(f"Degree 9 with α = 0.01 (α² ‖ω‖² added): test MSE {ridge_test:.4g}.")
    curves = {f"k = {k}": (lambda g, k=k: polyval(polyfit(u, y, k), g)) for k in (0, 1, 3, 9)}
    curves["k = 9, α = 0.01"] = lambda g: polyval(ridge, g)
    report.figure(
        boundaries.polynomial_fits(u, y, curves, truth=lambda g: np.sin(2 * np.pi * g)),
        "neurons_polyfit.png",
        "under-fitting (k = 0, 1), a good fit (k = 3), over-fitting (k = 9)",
    )
