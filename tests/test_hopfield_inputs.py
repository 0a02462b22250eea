"""Every bad argument of the Hopfield network gets a clear error; NumPy scalars are numbers.

Regression tests of issue 10: a negative ``n_steps`` was accepted, NaN and infinite
learning rates were used, complex patterns and weights were silently made real.
nnlearn.checks refuses a count below 1 as "a positive integer" or "an integer ≥ 1" (its
wording is changing): the patterns accept both, ``a[^,]*integer[^,]*``.
"""

import numpy as np
import pytest

from nnlearn.models import Hopfield

PATTERNS = [[1, -1, 1, -1], [1, 1, -1, -1]]


@pytest.fixture
def net():
    return Hopfield(4).store(PATTERNS)


def test_a_negative_number_of_steps_is_refused(net):
    with pytest.raises(ValueError, match="n_steps must be an integer ≥ 0, got -1"):
        net.recall_sequence(PATTERNS[0], -1)
    with pytest.raises(ValueError, match="max_steps must be an integer ≥ 0, got -3"):
        net.recall(PATTERNS[0], max_steps=-3)
    assert net.recall_sequence(PATTERNS[0], 0).shape == (1, 4)


@pytest.mark.parametrize(("value", "error", "shown"), [
    (2.5, TypeError, "2.5 (float)"), (True, TypeError, "True (bool)"),
    ("3", TypeError, "'3'"), (None, TypeError, "None"),
])
def test_a_count_must_be_an_integer(net, value, error, shown):
    with pytest.raises(error, match="n_steps must be an integer ≥ 0, got") as info:
        net.recall_sequence(PATTERNS[0], value)
    assert shown in str(info.value)
    with pytest.raises(error, match="max_steps must be an integer ≥ 0, got"):
        net.recall(PATTERNS[0], max_steps=value)
    with pytest.raises(error, match=r"n_units must be a[^,]*integer[^,]*, got"):
        Hopfield(value)


def test_numpy_integer_scalars_are_integers(net):
    assert Hopfield(np.int64(4)).n_units == 4 and type(Hopfield(np.uint8(4)).n_units) is int
    np.testing.assert_array_equal(
        net.recall(PATTERNS[0], max_steps=np.int32(5), random_state=np.int64(1)),
        net.recall(PATTERNS[0], max_steps=5, random_state=1))
    assert net.recall_sequence(PATTERNS[0], np.int64(2)).shape == (3, 4)


@pytest.mark.parametrize(("value", "error", "message"), [
    (float("nan"), ValueError, "learning_rate must be a finite real number, got nan"),
    (float("inf"), ValueError, "learning_rate must be a finite real number, got inf"),
    (-np.inf, ValueError, "learning_rate must be a finite real number, got -inf"),
    (0.1 + 0j, TypeError, r"learning_rate must be a finite real number, got \(0.1\+0j\)"),
    (True, TypeError, r"learning_rate must be a finite real number, got True \(bool\)"),
    ("0.1", TypeError, "learning_rate must be a finite real number, got '0.1'"),
])
def test_a_learning_rate_must_be_a_finite_real_number(value, error, message):
    with pytest.raises(error, match=message):
        Hopfield(4).store(PATTERNS, rule="incremental", learning_rate=value)
    with pytest.raises(error, match=message):
        Hopfield(4).store_sequence(PATTERNS, learning_rate=value)


def test_numpy_real_scalars_are_learning_rates():
    a = Hopfield(4).store(PATTERNS, rule="incremental", learning_rate=np.float32(0.5))
    b = Hopfield(4).store(PATTERNS, rule="incremental", learning_rate=0.5)
    np.testing.assert_array_equal(a.weights, b.weights)
    c = Hopfield(4).store_sequence(PATTERNS, learning_rate=np.float64(0.5))
    np.testing.assert_array_equal(c.weights, Hopfield(4).store_sequence(PATTERNS, 0.5).weights)


@pytest.mark.parametrize("rule", ["analytic", "storkey", "pseudoinverse"])
def test_a_learning_rate_is_refused_by_the_rules_without_one(rule):
    with pytest.raises(ValueError, match=f"learning_rate applies only to rule='incremental', "
                                         f"not to rule='{rule}'"):
        Hopfield(4).store(PATTERNS, rule=rule, learning_rate=0.1)


def test_complex_patterns_and_weights_are_refused_not_made_real(net):
    complex_patterns = np.array(PATTERNS, dtype=complex)
    for call in (lambda: net.store(complex_patterns), lambda: net.energy(complex_patterns),
                 lambda: net.recall(complex_patterns), lambda: net.update(complex_patterns)):
        with pytest.raises(TypeError, match="must hold real numbers, got complex values"):
            call()
    before = net.weights.copy()
    with pytest.raises(TypeError, match="weights must hold real numbers, got complex values"):
        net.weights = before + 1j
    np.testing.assert_array_equal(net.weights, before)  # the refused value left no trace


@pytest.mark.parametrize(("weights", "error", "message"), [
    (np.full((4, 4), np.nan), ValueError, r"weights must be finite, got nan at index \(0, 0\)"),
    (np.eye(3), ValueError, r"weights must have shape \(4, 4\), got \(3, 3\)"),
    (np.ones(4), ValueError, r"weights must have 2 dimension\(s\), got shape \(4,\)"),
    ([["a"] * 4] * 4, TypeError, "weights must be an array of real numbers, got text"),
    (None, TypeError, "weights must be an array of real numbers, got None"),
])
def test_bad_weights_are_refused(net, weights, error, message):
    with pytest.raises(error, match=message):
        net.weights = weights


@pytest.mark.parametrize(("patterns", "error", "message"), [
    ([[1, 0, 1, -1]], ValueError, r"patterns must be bipolar: every entry -1 or \+1, got 0.0 "
                                  r"at index \(0, 1\)"),
    ([[1, np.nan, 1, -1]], ValueError, r"patterns must be bipolar.*got nan at index \(0, 1\)"),
    ([[1, None, 1, -1]], TypeError, "patterns must be an array of real numbers, got None"),
    ([[1, -1, 1]], ValueError, r"patterns must have shape \(4,\) or \(m, 4\), got \(1, 3\)"),
    (np.ones((2, 2, 4)), ValueError, r"patterns must have shape \(4,\) or \(m, 4\)"),
    (np.ones((0, 4)), ValueError, "patterns must hold at least one pattern"),
])
def test_bad_patterns_are_refused(net, patterns, error, message):
    with pytest.raises(error, match=message):
        net.store(patterns)
    with pytest.raises(error, match=message):
        net.store_sequence(patterns)


def test_states_are_checked_by_every_method_that_takes_one(net):
    for name in ("energy", "update", "local_field", "stable"):
        with pytest.raises(ValueError, match=r"state must be bipolar.*got 2.0 at index 3"):
            getattr(net, name)([1, -1, 1, 2])
    with pytest.raises(ValueError, match=r"start must be bipolar"):
        net.recall_sequence([1, -1, 1, 2], 1)
    with pytest.raises(TypeError, match="probe must hold real numbers"):
        net.recall([1j, 1, 1, 1])


def test_bad_recall_options_are_refused(net):
    with pytest.raises(ValueError, match="mode must be 'async' or 'sync', got 'parallel'"):
        net.recall(PATTERNS[0], mode="parallel")
    with pytest.raises(TypeError, match=r"return_trace must be True or False, got 1"):
        net.recall(PATTERNS[0], return_trace=1)
    with pytest.raises(TypeError, match="random_state must be None, an integer seed"):
        net.recall(PATTERNS[0], random_state="seed")


def test_bad_rule_names_are_refused():
    with pytest.raises(ValueError, match="unknown Hopfield storage rule 'oja'; expected one of "
                                         "analytic, incremental, pseudoinverse, storkey"):
        Hopfield(4).store(PATTERNS, rule="oja")
    with pytest.raises(TypeError, match="Hopfield storage rule name must be a str, got int"):
        Hopfield(4).store(PATTERNS, rule=3)


def test_a_dtype_other_than_float64_or_float32_is_refused():
    with pytest.raises(ValueError, match="dtype must be float64 or float32, got complex128"):
        Hopfield(4, dtype=np.complex128)
