"""How the tour writes numbers: one rule for every sentence, table and label."""

import numpy as np
import pytest

from nnlearn.tour.numbers import number, percent


@pytest.mark.parametrize(("value", "text"), [
    (0.0766667, "0.0767"),           # three significant digits, not six
    (1.75673e-20, "1.76 × 10⁻²⁰"),   # a power of ten, never 1.75673e-20
    (1.0, "1"),                      # no trailing zeros
    (0.25, "0.25"),
    (12.0, "12"),
    (-0.004, "−0.004"),              # the typographic minus
    (-1e-9 * 0.0, "0"),              # never −0
    (-0.0001, "−1 × 10⁻⁴"),
    (2000, "2,000"),                 # integers keep every digit, with a separator
    (123456.7, "123,000"),
    (2.5e6, "2.5 × 10⁶"),
    (float("nan"), "NaN"),
    (float("-inf"), "−∞"),
    (True, "yes"),
    (np.float32(0.5), "0.5"),        # NumPy scalars and 0-d arrays as Python's
    (np.int64(-3), "−3"),
    (np.array(0.125), "0.125"),
    ("w = 1", "w = 1"),              # text is left as it is
])
def test_number_writes_what_a_reader_expects(value, text):
    assert number(value) == text


def test_number_digits_and_the_threshold_of_rounding_error():
    assert number(0.593269992, 9) == "0.593269992"
    assert number(np.pi, 2) == "3.1"
    assert number(-2.31e-14, zero=1e-9) == "0"
    assert number(2.31e-6, zero=1e-9) == "2.31 × 10⁻⁶"


@pytest.mark.parametrize(("fraction", "text"), [
    (0.976, "97.6%"), (1, "100%"), (1.0, "100%"), (0, "0%"), (0.5, "50%"), (1 / 3, "33.3%"),
    (0.99993, "99.99%"),   # not 100%: it is not exactly 1
    (0.00001, "0.001%"),   # not 0%
])
def test_percent_never_rounds_to_all_or_nothing(fraction, text):
    assert percent(fraction) == text
