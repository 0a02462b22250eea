"""Chapter: optimization and the Hessian: Taylor's model, Newton's method, critical points."""

from __future__ import annotations

import numpy as np

import nnlearn as nl
from nnlearn import second_order as so
from nnlearn.plots.surfaces import cost_contours
from nnlearn.tour.numbers import number
from nnlearn.tour.page import Page

TITLE = "Optimization and the Hessian"
SUMMARY = ("The cost surface of the presentation on how networks learn: Taylor's "
           "second-order model, critical points by Newton's method, when gradient descent "
           "converges.")
INTRODUCTION = (
    "Gradient descent sees only the slope of the cost; the Hessian, the matrix of its "
    "second derivatives, sees its curvature. This chapter takes the cost surface of the "
    "presentation on how networks learn, checks that Taylor's second-order model is "
    "accurate to the third order in the step, finds the surface's critical points by "
    "Newton's method and tells minima from saddles by the Hessian's eigenvalues, and "
    "shows on a quadratic landscape the learning rate beyond which gradient descent "
    "diverges. nnlearn computes every Hessian exactly, as the Jacobian of the gradient."
)

STARTS = ([0.1, 0.1], [0.5, -0.5], [-0.5, 0.5], [0.5, 0.5], [1.0, 1.0])
CURVATURES = np.array([1.0, 4.0])


def cost(t: nl.Tensor) -> nl.Tensor:
    """C(θ) = sin R + R + 2 sin 3θ₁ sin 3θ₂ with R = θ₁² + θ₂², the presentation's surface."""
    x, y = t[0], t[1]
    r = x * x + y * y
    return nl.sin(r) + r + 2 * nl.sin(3 * x) * nl.sin(3 * y)


def cost_on_grid(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The same surface on NumPy grids, for drawing."""
    r = x**2 + y**2
    return np.sin(r) + r + 2 * np.sin(3 * x) * np.sin(3 * y)


def taylor(page: Page) -> None:
    page.section("The Hessian and Taylor's second-order model")
    page.equation("gradient_of_the_performance_surface", "hessian_matrix", "second_order_taylor")
    theta, direction = np.array([0.3, -0.2]), np.array([1.0, 0.5])
    model = so.taylor_expansion(cost, theta)
    steps = (0.3, 0.1, 0.03, 0.01)
    errors = [abs(model(h * direction) - float(cost(nl.tensor(theta + h * direction))))
              for h in steps]
    orders = [np.log(errors[k] / errors[k + 1]) / np.log(steps[k] / steps[k + 1])
              for k in range(len(steps) - 1)]
    page.text("The surface is C(θ) = sin R + R + 2 sin 3θ₁ sin 3θ₂ with R = θ₁² + θ₂². Around "
              "θ = (0.3, −0.2), Taylor's model uses the exact gradient and Hessian; its error "
              "along a direction Δ = h (1, 0.5) should shrink like h³, the first term it "
              "leaves out. Measured, the error falls as h to the power "
              + ", ".join(number(p, 3) for p in orders) + " between successive steps:")
    page.table(("step h", "|C(θ + Δ) − model|"), list(zip(steps, errors, strict=True)))


def critical_points(page: Page) -> None:
    page.section("Critical points by Newton's method")
    page.equation("newton_step")
    rows, points = [], []
    for start in STARTS:
        point = so.find_critical_point(cost, start)
        kind = so.classify_critical_point(cost, point)
        eigenvalues = np.linalg.eigvalsh(nl.hessian(cost)(point))
        coordinates = f"({number(point[0], zero=1e-9)}, {number(point[1], zero=1e-9)})"
        rows.append((f"({number(start[0])}, {number(start[1])})", coordinates, kind,
                     ", ".join(number(e) for e in eigenvalues)))
        if all(np.linalg.norm(point - p) > 1e-6 for p, _, _ in points):
            points.append((point, kind, f"{kind} at {coordinates}"))
    path = so.gradient_descent_path(cost, [1.2, -0.2], 0.05, 60)
    kinds = [kind for _, kind, _ in points]
    end = so.classify_critical_point(cost, so.find_critical_point(cost, path[-1]))
    found = ", ".join(_count(kinds.count(kind), kind, plural)
                      for kind, plural in (("minimum", "minima"), ("maximum", "maxima"),
                                           ("saddle", "saddles")) if kind in kinds)
    page.text("Newton's method jumps to the critical point its quadratic model predicts, "
              f"whatever its kind. From {len(STARTS)} starts it finds {len(points)} distinct "
              f"points, {found}: a minimum has both eigenvalues of the Hessian positive, a "
              "maximum both negative, a saddle one of each sign. Gradient descent only goes "
              f"downhill; from (1.2, −0.2) it ends at a {end}:")
    page.table(("start", "critical point", "kind", "Hessian eigenvalues"), rows)
    page.figure(cost_contours(cost_on_grid, points,
                              [(path, f"gradient descent, μ = 0.05, {len(path) - 1} steps")]),
                "surface", "The cost surface with the critical points Newton's method found "
                f"and a gradient-descent path from ({number(path[0, 0])}, "
                f"{number(path[0, 1])}) to ({number(path[-1, 0])}, {number(path[-1, 1])}).")


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def learning_rate(page: Page) -> None:
    page.section("When gradient descent converges")
    page.equation("approximation_of_performance_landscape")
    limit = 1 / CURVATURES.max()
    rows = []
    for mu in (0.2, 0.24, 0.26):
        final = so.gradient_descent_path(so.quadratic_landscape(CURVATURES), [1.0, 1.0], mu, 50)
        factor = np.abs(1 - 2 * mu * CURVATURES).max()
        rows.append((mu, float(factor), float(np.linalg.norm(final[-1]))))
    page.text(f"On the landscape R(θ) = Σ xᵢ θᵢ² with x = ({number(CURVATURES[0])}, "
              f"{number(CURVATURES[1])}), a step multiplies θᵢ by 1 − 2μxᵢ, so gradient "
              f"descent converges exactly when μ < 1 / max xᵢ = {number(limit)}: just below "
              "the limit the iterates shrink, just above it they grow without bound.")
    page.table(("learning rate μ", "largest |1 − 2μxᵢ|", "‖θ‖ after 50 steps from (1, 1)"),
               rows)


SECTIONS = (taylor, critical_points, learning_rate)
