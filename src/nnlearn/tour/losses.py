"""Chapter: learning from examples, the losses of the course and the risk they estimate."""

from __future__ import annotations

import numpy as np

from nnlearn import losses
from nnlearn.plots.energy import curves
from nnlearn.tour.numbers import number
from nnlearn.tour.page import Page

TITLE = "Learning from examples: loss and risk"
SUMMARY = ("What a model should minimise: the course's losses on one example, and the "
           "true risk of three lines estimated by Monte Carlo.")
INTRODUCTION = (
    "Supervised learning chooses, among the models h of a class, the one whose predictions "
    "h(u) lose least against the targets y. This chapter states the losses of the course "
    "and evaluates each on one small example, then estimates the risk R(h), the expected "
    "loss on new data, of three lines fitted to noisy data: the line that made the data "
    "has the smallest risk, and that risk is the variance of the noise."
)

#: the example every loss is evaluated on: two samples, two outputs
PREDICTION = np.array([[0.9, 0.2], [0.3, 0.6]])
TARGET = np.array([[1.0, 0.0], [0.0, 1.0]])
#: the course's softmax example: three logits
LOGITS = np.array([[2.33, -1.46, 0.56]])
#: Y = SLOPE U + INTERCEPT + ε with ε ~ N(0, NOISE²)
SLOPE, INTERCEPT, NOISE = 3.0, -1.0, 0.5


def the_losses(page: Page) -> None:
    page.section("The losses of the course")
    page.text("A loss compares a prediction with its target and is never negative; a loss "
              "function of nnlearn is called in the course's order, L(h(u), y), and averages "
              "over the samples.")
    page.equation("general_form_of_a_loss_function", "counting_loss", "quadratic_loss_l2",
                  "mean_squared_error_loss_mse", "half_squared_error", "binary_cross_entropy",
                  "categorical_cross_entropy")
    rows = [
        ("counting (0-1), classes by the larger output",
         losses.zero_one(PREDICTION.argmax(axis=1), TARGET.argmax(axis=1)).item()),
        *((label, losses.get(name)(PREDICTION, TARGET).item()) for label, name in (
            ("quadratic ‖h(u) − y‖²", "quadratic"), ("mean squared error", "mse"),
            ("half squared error (of the backpropagation example)", "half_squared_error"),
            ("binary cross-entropy", "bce"))),
        ("categorical cross-entropy of the logits (2.33, −1.46, 0.56), class 0",
         losses.cross_entropy(LOGITS, [0]).item()),
    ]
    page.table(("loss", "value"), rows,
               caption="The predictions [[0.9, 0.2], [0.3, 0.6]] against the targets "
                       "[[1, 0], [0, 1]]: each loss, averaged over the two samples")
    h = np.linspace(0.01, 0.99, 99)[:, None]
    one = np.ones_like(h)
    per_sample = {
        "counting, deciding class 1 when h ≥ 0.5": losses.zero_one(
            (h >= 0.5).astype(int), one.astype(int), reduction="none").data.ravel(),
        "quadratic (h − 1)²": losses.quadratic(h, one, reduction="none").data.ravel(),
        "binary cross-entropy −log h": losses.bce(h, one, reduction="none").data.ravel(),
    }
    worst = {label: float(values[0]) for label, values in per_sample.items()}
    page.text("For one sample of class y = 1 the losses differ most where the prediction is "
              f"confidently wrong: at h = {number(h[0, 0])} the counting loss is "
              f"{number(worst['counting, deciding class 1 when h ≥ 0.5'])}, the quadratic "
              f"{number(worst['quadratic (h − 1)²'])}, the cross-entropy "
              f"{number(worst['binary cross-entropy −log h'])}: only the cross-entropy grows "
              "without bound as h → 0, so a confident mistake costs it most.")
    page.figure(curves(list(per_sample.values()), list(per_sample), "prediction h(u)",
                       "loss L(h(u), 1)", xs=[h[:, 0]] * len(per_sample)),
                "against-prediction", "Three losses of one sample whose target is y = 1, "
                "against the prediction h(u).")


def noisy_line(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n samples of U ~ N(0, 1) and Y = SLOPE U + INTERCEPT + noise."""
    u = rng.normal(size=(n, 1))
    return u, SLOPE * u + INTERCEPT + NOISE * rng.normal(size=(n, 1))


def risk(page: Page) -> None:
    page.section("Empirical risk and true risk")
    page.equation("empirical_risk_of_a_model", "risk_of_a_model", "goal_of_supervised_learning")
    lines = {"3u − 1, the line that made the data": (3.0, -1.0),
             "3u − 0.5": (3.0, -0.5), "2u − 1": (2.0, -1.0)}
    risks = {label: losses.risk(lambda u, a=a, b=b: a * u + b, noisy_line,
                                n_samples=100_000, random_state=0)
             for label, (a, b) in lines.items()}
    best = min(risks, key=risks.get)
    page.text(f"The data: U ~ N(0, 1) and Y = {number(SLOPE)}U − {number(-INTERCEPT)} + ε "
              f"with ε ~ N(0, {number(NOISE)}²). nnlearn.losses.risk estimates R(h) = "
              "E[L(h(U), Y)] with the squared loss on 100,000 fresh samples. Any line but "
              "the true one adds its own error to the noise, so the true line's risk is the "
              f"noise variance {number(NOISE ** 2)}, and the others' are larger "
              "(by (Δintercept)² + (Δslope)² E[U²]). The smallest estimate, "
              f"{number(risks[best])}, is that of {best.split(',')[0]}.")
    page.table(("model h(u)", "risk R(h), Monte Carlo", "exact risk"),
               [(label, risks[label], NOISE ** 2 + (b - INTERCEPT) ** 2 + (a - SLOPE) ** 2)
                for label, (a, b) in lines.items()])


SECTIONS = (the_losses, risk)
