"""The McCulloch-Pitts neuron: fixed weights, a threshold, an all-or-none output."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_real, check_real_array
from nnlearn.equations import implements
from nnlearn.models.base import check_array

TEST = "tests/test_models_mcculloch_pitts.py"

#: The course's designs (seed 001, "Desired weights to classify"): weights and threshold T.
GATES: dict[str, tuple[tuple[float, ...], float]] = {
    "and": ((1.0, 1.0), 1.5),
    "or": ((1.0, 1.0), 0.5),
    "not": ((-1.0,), -0.5),
}

RULES = (">=", ">")


@implements("mcculloch_pitts_neuron", test=f"{TEST}::test_course_designs_compute_their_gates")
class McCullochPitts:
    r"""A McCulloch-Pitts threshold unit with fixed weights.

    .. math:: y = \begin{cases} 1 & \text{if } \sum_i w_i I_i \ge T \\ 0 & \text{otherwise}
              \end{cases}

    The course writes the comparison both as ≥ T (the table of desired weights) and as
    > T (the training procedure: "if V > 0 set C to 1"); ``rule`` chooses. Nothing is
    learned: the weights are the design. Geometrically the unit splits the input space by
    the hyperplane Σ_i w_i I_i = T, a line for two inputs (:meth:`boundary_line`).

    Parameters
    ----------
    weights : array-like of shape (n_inputs,)
    threshold : float
        T.
    rule : {">=", ">"}, default ">="

    Examples
    --------
    >>> unit = McCullochPitts.gate("and")
    >>> unit.predict([[0, 0], [0, 1], [1, 0], [1, 1]])
    array([0, 0, 0, 1])
    >>> float(unit.boundary_line(0.0))
    1.5
    """

    def __init__(self, weights: ArrayLike, threshold: float, rule: str = ">=") -> None:
        weights = check_real_array(weights, "weights", dtype=np.float64, ndim=1,
                                   allow_empty=False)
        threshold = check_real(threshold, "threshold")
        if rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
        self.weights = weights
        self.threshold = threshold
        self.rule = rule

    @classmethod
    def gate(cls, name: str, rule: str = ">=") -> McCullochPitts:
        """The course's design for the logic gate ``name`` ("and", "or", "not")."""
        if not isinstance(name, str) or name not in GATES:
            raise ValueError(f"name must be one of {sorted(GATES)}, got {name!r}")
        weights, threshold = GATES[name]
        return cls(weights, threshold, rule)

    def net_input(self, X: ArrayLike) -> np.ndarray:
        """Σ_i w_i I_i for each row of X, shape (n_samples,)."""
        X = check_array(X, n_features=len(self.weights), owner="McCullochPitts")
        return X @ self.weights

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The output, 0 or 1, for each row of X of shape (n_samples, n_inputs)."""
        net = self.net_input(X)
        fires = net >= self.threshold if self.rule == ">=" else net > self.threshold
        return fires.astype(int)

    def boundary_line(self, x1: Any) -> Any:
        """For two inputs: the I_2 on the boundary w_1 I_1 + w_2 I_2 = T at I_1 = ``x1``."""
        if len(self.weights) != 2 or self.weights[1] == 0:
            raise ValueError("boundary_line needs two inputs with w_2 ≠ 0")
        w1, w2 = self.weights
        return (self.threshold - w1 * check_real_array(x1, "x1")) / w2

    def __repr__(self) -> str:
        return f"McCullochPitts(weights={self.weights.tolist()}, threshold={self.threshold})"
