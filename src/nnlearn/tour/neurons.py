"""Chapter: the classic neurons, from McCulloch-Pitts to polynomial curve fitting."""

from __future__ import annotations

import warnings

import numpy as np

from nnlearn import datasets
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
from nnlearn.tour.numbers import number, percent
from nnlearn.tour.page import Page

TITLE = "The classic neurons"
SUMMARY = ("McCulloch-Pitts units and the perceptron on the logic gates, XOR, three linear "
           "neurons on the Iris flowers, a circle from polynomial features, curve fitting.")
INTRODUCTION = (
    "One neuron weighs its inputs, adds them and compares the sum with a threshold. This "
    "chapter follows the lectures: the logic gates designed by hand and learned by the "
    "perceptron, the XOR gate that no single neuron can compute, the perceptron, Adaline "
    "and the logistic neuron side by side on the Iris flowers, a curved boundary from "
    "polynomial features, and the over- and under-fitting of polynomial curves."
)

#: epochs the perceptron is given on XOR when it is not stopped at the first cycle
XOR_EPOCHS = 12


def logic_gates(page: Page) -> None:
    page.section("The exercise: OR, AND, NOT with one perceptron, XOR with none")
    page.equation("mcculloch_pitts_neuron", "function_estimated_by_perceptron",
                  "perceptron_learning_rule")
    rows, designs = [], {}
    for gate, (weights, threshold) in GATES.items():
        X, y = datasets.logic_gate(gate)
        unit = McCullochPitts(weights, threshold)
        learned = Perceptron().fit(X, y)
        designs[gate] = (X, y, (weights, threshold), (learned.coef_[0], learned.intercept_[0]))
        rows.append((gate.upper(), f"w = {_vector(weights)}, T = {number(threshold)}",
                     bool((unit.predict(X) == y).all()),
                     f"w = {_vector(learned.coef_[0])}, b = {number(learned.intercept_[0])}",
                     ", ".join(map(str, learned.errors_))))
    X, y = datasets.xor()
    xor = _perceptron_on_xor(X, y)
    designs["xor"] = (X, y, None, (xor.coef_[0], xor.intercept_[0]))
    page.text("The lecture's designs compute their gates; the perceptron rule, started from "
              "w = 0 with η = 1, learns weights of its own for each, making fewer mistakes "
              "epoch by epoch until an epoch has none:")
    page.table(("gate", "McCulloch-Pitts design", "design correct", "learned",
                "mistakes per epoch"), rows)
    (w1, w2), w3 = designs["and"][3]
    page.text(f"The AND weights learned, w = ({number(w1)}, {number(w2)}, {number(w3)}) with "
              f"w₃ the bias, satisfy the lecture's four constraints: w₃ < 0 ({_yes(w3 < 0)}), "
              f"w₂ + w₃ < 0 ({_yes(w2 + w3 < 0)}), w₁ + w₃ < 0 ({_yes(w1 + w3 < 0)}), "
              f"w₁ + w₂ + w₃ ≥ 0 ({_yes(w1 + w2 + w3 >= 0)}).")
    page.figure(boundaries.gates_figure(designs), "gates",
                "The truth tables (blue circles: output 0, vermillion squares: output 1) with "
                "the designed boundary (dashed) and the learned one. For XOR the line is "
                f"where the perceptron stands after {XOR_EPOCHS} epochs: no line separates "
                "the two classes.")


def _perceptron_on_xor(X: np.ndarray, y: np.ndarray) -> Perceptron:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return Perceptron(max_epochs=XOR_EPOCHS, detect_cycles=False).fit(X, y)


def xor(page: Page) -> None:
    page.section("XOR is not linearly separable")
    X, y = datasets.xor()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        stopped = Perceptron(max_epochs=50).fit(X, y)
    long_run = _perceptron_on_xor(X, y)
    gate_and = Perceptron().fit(*datasets.logic_gate("and"))
    first, period = stopped.cycle_
    page.text("XOR's outputs 1 lie on one diagonal of the square and its outputs 0 on the "
              "other: every line leaves a mistake, so every epoch has one. nnlearn's "
              "perceptron notices when its weights repeat and stops there, with a warning:")
    page.code(str(caught[0].message))
    page.text(f"Here the weights after epoch {first + 1} repeat those after epoch {first}, a "
              f"cycle of period {period}. Without that check the rule runs on: in "
              f"{XOR_EPOCHS} epochs its mistakes never fall below "
              f"{min(long_run.errors_)} of 4, while AND reaches "
              f"{gate_and.errors_[-1]} mistakes in epoch {len(gate_and.errors_)}.")
    page.figure(boundaries.errors_per_epoch({"AND": gate_and.errors_,
                                             "XOR, never stopped": long_run.errors_}),
                "xor-mistakes", "Mistakes per epoch of the perceptron: AND reaches zero, XOR "
                "never does.")


def iris(page: Page) -> None:
    page.section("Three linear neurons on the Iris flowers")
    page.equation("adaline_lms_rule", "logistic_delta_cross_entropy")
    X, y = datasets.iris_pair(features=("sepal length", "petal length"), standardize=True)
    models = {
        "perceptron": Perceptron(learning_rate=0.1),
        "Adaline (LMS)": Adaline(learning_rate=0.01, normalized=False),
        "logistic neuron": LogisticNeuron(learning_rate=0.5),
    }
    rows = []
    for name, model in models.items():
        model.fit(X, y)
        rows.append((name, model.n_epochs_, bool(model.converged_),
                     percent(model.score(X, y))))
    page.text("Iris setosa (class 0) against Iris versicolor (class 1), by sepal and petal "
              "length, standardized. The perceptron stops at its first epoch without a "
              "mistake; Adaline and the logistic neuron descend their losses until the "
              "weights settle, each at a line of its own:")
    page.table(("model", "epochs", "converged", "training accuracy"), rows)
    page.figure(boundaries.boundaries_figure(
        {name: model.predict for name, model in models.items()}, X, y,
        ("sepal length (standardized)", "petal length (standardized)")),
        "iris", "The regions each neuron assigns to setosa (blue) and versicolor (vermillion).")


def circle(page: Page) -> None:
    page.section("A circle from polynomial features")
    page.equation("logistic_hypothesis", "polynomial_features")
    theta = np.array([-1.0, 0.0, 0.0, 1.0, 1.0])
    expand = PolynomialFeatures(degree=2, cross_terms=False)
    X, y = datasets.circle(300, random_state=1)
    features = expand.fit_transform(X)
    agree = np.mean((logistic_hypothesis(theta, features) >= 0.5) == (y == 1))
    learned = LogisticNeuron(learning_rate=1.0, max_epochs=3000).fit(features[:, 1:], y)
    scaled = np.r_[learned.intercept_, learned.coef_[0]] / learned.coef_[0, 2]
    page.text("A linear boundary in the features (1, x₁, x₂, x₁², x₂²) is a conic in the "
              f"plane. The lecture's Θ = {_vector(theta)} predicts class 1 exactly outside "
              f"the unit circle: it agrees with the labels of {percent(agree)} of 300 points. "
              "A logistic neuron trained on the same features reaches a training accuracy "
              f"of {percent(learned.score(features[:, 1:], y))}; its Θ, scaled so that "
              f"Θ₃ = 1, is {_vector(scaled, 2)}, close to the lecture's.")
    page.figure(boundaries.boundaries_figure(
        {"the lecture's Θ": lambda P: (logistic_hypothesis(theta, expand.transform(P))
                                       >= 0.5).astype(int),
         "learned Θ": lambda P: learned.predict(expand.transform(P)[:, 1:])}, X, y),
        "circle", "The circular boundary from polynomial features: the lecture's Θ and the "
        "learned one.")


def curve_fitting(page: Page) -> None:
    page.section("Polynomial curve fitting: under-fitting and over-fitting")
    page.equation("polynomial_curve_fitting", "loss_minimization_with_regularization",
                  "l2_regularization")
    u, y = datasets.noisy_sine(10, random_state=0)
    u_test, y_test = datasets.noisy_sine(200, random_state=1)
    rows = degree_sweep(u, y, u_test, y_test, range(10))
    best = min(rows, key=lambda row: row[2])
    ridge = polyfit(u, y, 9, alpha=0.01)
    ridge_test = float(np.mean((polyval(ridge, u_test) - y_test) ** 2))
    page.text("Ten noisy samples of sin 2πu, fitted by polynomials of degree k = 0 to 9 by "
              "least squares, and tested on 200 new samples. The training error falls from "
              f"{_mse(rows[0][1])} at k = 0 to {_mse(rows[-1][1])} at k = 9, where the curve "
              "passes through all ten points; the test error is lowest at "
              f"k = {best[0]} ({_mse(best[2])}) and is {_mse(rows[-1][2])} at k = 9. "
              "Degree 9 with the penalty α² ‖ω‖², α = 0.01, keeps the curve smooth: test "
              f"MSE {_mse(ridge_test)}.")
    page.table(("degree k", "training MSE", "test MSE"),
               [(k, _mse(train), _mse(test)) for k, train, test in rows])
    shown = (0, 1, best[0], 9)
    curves = {f"k = {k}": (lambda g, k=k: polyval(polyfit(u, y, k), g)) for k in shown}
    curves["k = 9, α = 0.01"] = lambda g: polyval(ridge, g)
    page.figure(boundaries.polynomial_fits(u, y, curves,
                                           truth=(lambda g: np.sin(2 * np.pi * g), "sin 2πu")),
                "polynomials", f"Under-fitting (k = 0, 1), the best test error (k = {best[0]}), "
                "over-fitting (k = 9), and degree 9 kept in check by the penalty.")


def _mse(value: float) -> str:
    """A mean squared error, rounding error (below 10⁻¹²) written as 0."""
    return number(value, zero=1e-12)


def _vector(values: np.ndarray | tuple[float, ...], digits: int = 3) -> str:
    return "(" + ", ".join(number(v, digits) for v in values) + ")"


def _yes(condition: bool) -> str:
    return number(bool(condition))


SECTIONS = (logic_gates, xor, iris, circle, curve_fitting)
