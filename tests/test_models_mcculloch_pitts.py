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


def test_mcculloch_pitts_refuses_bad_weights_and_thresholds_by_name():
    with pytest.raises(TypeError, match="threshold must be a finite real number, got None"):
        McCullochPitts([1.0, 1.0], None)
    with pytest.raises(ValueError, match="threshold must be a finite real number, got inf"):
        McCullochPitts([1.0, 1.0], np.inf)
    with pytest.raises(TypeError, match="weights must be an array of real numbers, got None"):
        McCullochPitts(None, 1.0)
    with pytest.raises(TypeError, match="weights must hold real numbers, got complex values"):
        McCullochPitts([1.0, 1j], 1.0)
    with pytest.raises(ValueError, match=r"weights must have 1 dimension\(s\)"):
        McCullochPitts([[1.0, 1.0]], 1.0)
    with pytest.raises(ValueError, match="weights must be finite, got nan at index 1"):
        McCullochPitts([1.0, np.nan], 1.0)
    with pytest.raises(ValueError, match="name must be one of"):
        McCullochPitts.gate(["and"])
    unit = McCullochPitts(np.array([1, 1], dtype=np.int64), np.float32(1.5))
    np.testing.assert_array_equal(unit.predict(nl.datasets.logic_gate("or")[0]), [0, 0, 0, 1])
    with pytest.raises(TypeError, match="x1 must hold real numbers"):
        unit.boundary_line(1j)
    with pytest.raises(ValueError, match="Complex data not supported"):
        unit.predict(np.ones((1, 2)) + 1j)
