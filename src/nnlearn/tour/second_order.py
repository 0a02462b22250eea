"""Tour: the Hessian, Taylor's second-order model, Newton's method, critical points."""

from __future__ import annotations

import numpy as np

import nnlearn as nl
from nnlearn import second_order as so
from nnlearn.equations import CATALOGUE
from nnlearn.plots.surfaces import cost_contours
from nnlearn.tour.report import Report

TITLE = "The Hessian and the shape of the cost surface"


def talk_cost(t: nl.Tensor) -> nl.Tensor:
    x, y = t[0], t[1]
    r = x * x + y * y
    return nl.sin(r) + r + 2 * nl.sin(3 * x) * nl.sin(3 * y)


def run(report: Report) -> None:
    for key in ("gradient_of_the_performance_surface", "hessian_matrix", "second_order_taylor",
                "newton_step", "approximation_of_performance_landscape"):
        report.equation(CATALOGUE[key].latex)
    report.text("The talk's cost surface C(x, y) = sin(R) + R + 2 sin(3x) sin(3y), R = x² + y². "
                "Newton's method from a few starts; each critical point is classified by the "
                "eigenvalues of its exact Hessian.")
    rows, points = [], []
    for start in ([0.1, 0.1], [0.5, -0.5], [0.5, 0.5], [1.0, 1.0]):
        p = so.find_critical_point(talk_cost, start)
        kind = so.classify_critical_point(talk_cost, p)
        eig = np.linalg.eigvalsh(nl.hessian(talk_cost)(p))
        rows.append((str(start), f"({p[0]:.4f}, {p[1]:.4f})", kind,
                     f"{eig[0]:.3f}, {eig[1]:.3f}"))
        points.append((p, f"{kind} ({p[0]:.2f}, {p[1]:.2f})"))
    report.table(("start", "critical point", "kind", "Hessian eigenvalues"), rows)
    theta = np.array([0.3, -0.2])
    model = so.taylor_expansion(talk_cost, theta)
    errors = [(h, abs(model(h * np.array([1.0, 0.5]))
                      - float(talk_cost(nl.tensor(theta + h * np.array([1.0, 0.5]))))))
              for h in (0.3, 0.1, 0.03, 0.01)]
    report.text("Taylor's second-order model around θ = (0.3, −0.2): its error falls as the "
                "cube of the step length.")
    report.table(("step", "|C - model|"), errors)
    path = so.gradient_descent_path(talk_cost, [1.2, -0.2], 0.05, 60)
    report.figure(
        cost_contours(lambda x, y: np.sin(x**2 + y**2) + x**2 + y**2
                      + 2 * np.sin(3 * x) * np.sin(3 * y), points,
                      [(path, "gradient descent, mu = 0.05")], title="cost surface of the talk"),
        "second_order_surface.png", "critical points and a gradient-descent path",
    )
    curv = np.array([1.0, 4.0])
    report.text(f"The quadratic landscape R(θ) = Σ x_i θ_i² with x = {curv.tolist()}: gradient "
                f"descent converges exactly when μ < 1/max x_i = {1 / curv.max()}.")
    for mu in (0.2, 0.24, 0.26):
        final = so.gradient_descent_path(so.quadratic_landscape(curv), [1.0, 1.0], mu, 50)[-1]
        report.text(f"  mu = {mu}: |θ| after 50 steps = {np.linalg.norm(final):.3g}")
