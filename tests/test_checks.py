"""The shared argument checks: what they accept and the messages of what they refuse."""

from __future__ import annotations

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.checks import (
    MAX_SIZE,
    check_bool,
    check_integer,
    check_real,
    check_real_array,
    check_size,
    naming,
)


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3), np.int32(3)])
def test_check_integer_accepts_every_integral_type(value):
    result = check_integer(value, "epochs", minimum=1)
    assert result == 3 and type(result) is int


@pytest.mark.parametrize(("value", "error", "shown"), [
    (True, TypeError, "True (bool)"), (np.bool_(True), TypeError, "True"),
    (2.0, TypeError, "2.0 (float)"), ("3", TypeError, "'3'"), (None, TypeError, "None"),
    (0, ValueError, "got 0"), (11, ValueError, "got 11"),
])
def test_check_integer_refuses_with_the_name_and_the_value(value, error, shown):
    with pytest.raises(error, match=r"epochs must be an integer ≥ 1 and ≤ 10, got") as info:
        check_integer(value, "epochs", minimum=1, maximum=10)
    assert shown in str(info.value)


@pytest.mark.parametrize("value", [0.5, np.float32(0.5), np.float64(0.5), 1, np.int64(1)])
def test_check_real_accepts_every_real_type(value):
    result = check_real(value, "lr", minimum=0, open_minimum=True)
    assert result == float(value) and type(result) is float


@pytest.mark.parametrize(("value", "error"), [
    (float("nan"), ValueError), (float("inf"), ValueError), (-float("inf"), ValueError),
    (0.0, ValueError), (-1e-3, ValueError), (True, TypeError), (1 + 0j, TypeError),
    (None, TypeError), ("0.1", TypeError), (np.array([0.1]), TypeError),
])
def test_check_real_refuses_with_the_name(value, error):
    with pytest.raises(error, match=r"^lr must be a finite real number > 0, got"):
        check_real(value, "lr", minimum=0, open_minimum=True)


def test_check_real_can_allow_infinity_but_never_nan():
    assert check_real(float("inf"), "n_iter_no_change", minimum=1, finite=False) == np.inf
    with pytest.raises(ValueError, match="n_iter_no_change must be a real number ≥ 1, got nan"):
        check_real(float("nan"), "n_iter_no_change", minimum=1, finite=False)


def test_check_real_array_keeps_float32_and_converts_the_rest():
    assert check_real_array(np.ones(2, np.float32), "X").dtype == np.float32
    assert check_real_array([1, 2], "X").dtype == np.float64
    assert check_real_array([True, False], "X").tolist() == [1.0, 0.0]
    assert check_real_array(np.ones(2), "X", dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize(("value", "message"), [
    (np.array([1 + 2j]), r"X must hold real numbers, got complex values \(dtype complex128\)"),
    (np.array([1.0, None]), r"X must be an array of real numbers, got None or other objects"),
    (["a", "b"], r"X must be an array of real numbers, got text"),
    (None, r"X must be an array of real numbers, got None"),
])
def test_check_real_array_refuses_what_is_not_real_numbers(value, message):
    with pytest.raises(TypeError, match=message):
        check_real_array(value, "X")


def test_check_real_array_says_where_the_first_non_finite_value_is():
    with pytest.raises(ValueError, match=r"X must be finite, got nan at index \(1, 0\)"):
        check_real_array([[1.0, 2.0], [np.nan, 3.0]], "X")
    with pytest.raises(ValueError, match=r"x must be finite, got -inf; NaN and infinity are not"):
        check_real_array(-np.inf, "x")
    assert np.isnan(check_real_array([np.nan], "x", finite=False)[0])


def test_check_real_array_checks_dimensions_and_emptiness():
    with pytest.raises(ValueError, match=r"X must have 2 dimension\(s\), got shape \(3,\)"):
        check_real_array([1, 2, 3], "X", ndim=2)
    with pytest.raises(ValueError, match=r"X must not be empty, got shape \(0, 2\)"):
        check_real_array(np.empty((0, 2)), "X", allow_empty=False)


@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_check_bool_accepts_python_and_numpy_booleans(value):
    result = check_bool(value, "return_trace")
    assert result == bool(value) and type(result) is bool


@pytest.mark.parametrize(("value", "shown"), [
    (1, "got 1"), (0.0, r"got 0.0 \(float\)"), ("no", "got 'no'"), (None, "got None"),
])
def test_check_bool_refuses_what_is_not_a_boolean(value, shown):
    with pytest.raises(TypeError, match=f"return_trace must be True or False, {shown}"):
        check_bool(value, "return_trace")


def test_check_size_refuses_what_no_array_axis_can_hold():
    assert check_size(np.int64(3), "n") == 3
    assert check_size(MAX_SIZE, "n") == MAX_SIZE
    with pytest.raises(ValueError, match=f"n must be at most {MAX_SIZE - 1} .*got {2**70}"):
        check_size(2**70, "n", extra=1)
    with pytest.raises(ValueError, match="n_steps must be at most"):
        nl.dynamics.MarkovChain([[0.5, 0.5], [0.2, 0.8]]).sample(2**70, 0)


def test_naming_prefixes_errors_that_do_not_name_the_argument():
    with pytest.raises(TypeError, match=r"^X: Found array with dim 3$"), naming("X"):
        raise ValueError("Found array with dim 3")
    # a message that names it is unchanged
    with pytest.raises(ValueError, match=r"^Input X contains NaN$"), naming("X"):
        raise ValueError("Input X contains NaN")
    with naming("X"):  # NumPy's warnings inside a check are silenced (inf + -inf)
        np.array([np.inf, -np.inf]).sum()
