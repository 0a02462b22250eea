"""The McCulloch-Pitts neuron: the course's designs compute their gates."""

import itertools

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.models import McCullochPitts


@pytest.mark.parametrize("gate", ["and", "or", "not"])
@pytest.mark.parametrize("rule", [">=", ">"])
def test_course_designs_compute_their_gates(gate, rule):
    X, y = nl.datasets.logic_gate(gate)
    np.testing.assert_array_equal(McCullochPitts.gate(gate, rule).predict(X), y)


def test_rule_decides_the_boundary_case():
    unit = McCullochPitts([1.0, 1.0], threshold=2.0)
    assert unit.predict([[1, 1]])[0] == 1
    assert McCullochPitts([1.0, 1.0], 2.0, rule=">").predict([[1, 1]])[0] == 0


def test_boundary_line_separates_the_truth_table():
    unit = McCullochPitts.gate("and")
    X, y = nl.datasets.logic_gate("and")
    above = X[:, 1] > unit.boundary_line(X[:, 0])
    np.testing.assert_array_equal(above.astype(int), y)
    for x1 in (-1.0, 0.3, 2.0):
        assert unit.net_input([[x1, unit.boundary_line(x1)]])[0] == pytest.approx(1.5)


def test_enumerates_every_threshold_function_of_two_inputs():
    # Exactly 14 of the 16 Boolean functions of two inputs are linearly separable.
    X = np.array(list(itertools.product([0, 1], repeat=2)))
    found = set()
    for w1, w2, T in itertools.product([-1, 0, 1], [-1, 0, 1], [-1.5, -0.5, 0.5, 1.5]):
        found.add(tuple(McCullochPitts([w1, w2], T).predict(X)))
    assert len(found) == 14
    assert (0, 1, 1, 0) not in found  # XOR
    assert (1, 0, 0, 1) not in found  # XNOR


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="weights"):
        McCullochPitts([], 1.0)
    with pytest.raises(ValueError, match="threshold"):
        McCullochPitts([1.0], float("nan"))
    with pytest.raises(ValueError, match="rule"):
        McCullochPitts([1.0], 0.0, rule="=>")
    with pytest.raises(ValueError, match="name must be one of"):
        McCullochPitts.gate("xor")
    with pytest.raises(ValueError, match="X has 3 features"):
        McCullochPitts.gate("and").predict([[1, 0, 1]])
