"""Chapter: the activation functions of the course and their closed-form derivatives."""

from __future__ import annotations

import numpy as np

from nnlearn import activations
from nnlearn.plots.curves import activation_grid
from nnlearn.tour.numbers import number
from nnlearn.tour.page import Page

TITLE = "Activation functions"
SUMMARY = "Every activation of the course with its derivative, on one grid; softmax's example."
INTRODUCTION = (
    "Between the layers of a network sits a non-linear function σ: without it, layers of "
    "linear maps collapse into one. Backpropagation needs its derivative σ′ at every "
    "unit, so each activation of nnlearn carries the closed form from the course's table; "
    "the tests check each against automatic differentiation and against finite "
    "differences. This chapter shows them all side by side, and the lecture's softmax "
    "example."
)

#: the lecture's softmax example: three logits
LOGITS = np.array([2.33, -1.46, 0.56])


def the_activations(page: Page) -> None:
    page.section("The activations and their derivatives")
    chosen = [activations.get(name) for name in activations.ACTIVATIONS]
    page.text(f"nnlearn has {len(chosen)} activations; each is stated with its derivative "
              "where the course gives one, and drawn on one grid below.")
    page.equation(*(act.equation for act in chosen))
    page.figure(activation_grid(chosen), "grid",
                "Each activation σ(x) (solid) and its derivative σ′(x) (dashed), for x from "
                "−4 to 4. Softmax and log-softmax act on vectors: their panels show the "
                "first component of σ((x, 0)) and its diagonal derivative ∂σ₁/∂x₁.")


def softmax_example(page: Page) -> None:
    page.section("Softmax: the lecture's example")
    probabilities = activations.softmax(LOGITS)
    page.text("The logits (2.33, −1.46, 0.56) become the probabilities "
              + ", ".join(number(p, 4) for p in probabilities)
              + f", which sum to {number(probabilities.sum())}; the largest logit keeps the "
              f"largest share, {number(probabilities.max(), 4)}.")


SECTIONS = (the_activations, softmax_example)
