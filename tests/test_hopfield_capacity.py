"""The capacity of the three storage rules, against the published figures.

Absolute capacity (the patterns stored before the first one is no longer a fixed point),
as Storkey (1997) defines it: L/(2 ln L) for Hebb's rule, L/√(2 ln L) for Storkey's,
L − 1 for the pseudo-inverse. Measured at L = 100 over 20 trials (about 0.5 s) the means
are 10.1 and 30.7 against 10.9 and 33.0: a tolerance of 15% is 3.5 standard errors of the
Hebbian mean. Retrieval capacity (Amit, Gutfreund and Sompolinsky 1985): α_c ≈ 0.138 for
Hebb's rule as L → ∞; finite networks recall a little beyond it (0.17 at L = 200, 0.151
at L = 1,000 in bench/bench_energy.py).
"""

import numpy as np
import pytest

from nnlearn.models.energy.hopfield_capacity import (
    THEORETICAL_CAPACITY,
    absolute_capacity,
    capacity_curve,
    flip_bits,
    published_absolute_capacity,
    retrieval_curve,
)

TOLERANCE = 0.15


def test_absolute_capacities_match_the_published_figures():
    hebb = absolute_capacity(100, "analytic", n_trials=20, random_state=0)
    storkey = absolute_capacity(100, "storkey", n_trials=20, random_state=1)
    log_l = np.log(100)
    assert published_absolute_capacity("hebbian", 100) == pytest.approx(100 / (2 * log_l))
    assert published_absolute_capacity("storkey", 100) == pytest.approx(100 / np.sqrt(2 * log_l))
    assert hebb.mean() == pytest.approx(published_absolute_capacity("analytic", 100),
                                        rel=TOLERANCE)
    assert storkey.mean() == pytest.approx(published_absolute_capacity("storkey", 100),
                                           rel=TOLERANCE)
    # the ratio Storkey / Hebb is √(2 ln L) = 3.03 at L = 100
    assert storkey.mean() / hebb.mean() == pytest.approx(np.sqrt(2 * np.log(100)), rel=TOLERANCE)
    # the pseudo-inverse keeps exactly L − 1 random patterns, in every trial
    pinv = absolute_capacity(32, "pseudoinverse", n_trials=3, random_state=2)
    np.testing.assert_array_equal(pinv, published_absolute_capacity("pseudoinverse", 32))
    assert hebb.max() < storkey.min() and storkey.max() < 99


def test_hebbian_recall_breaks_down_just_above_the_theoretical_load():
    curve = capacity_curve(200, loads=np.arange(0.12, 0.221, 0.02), n_trials=2, random_state=3)
    assert THEORETICAL_CAPACITY <= curve.breakdown() <= THEORETICAL_CAPACITY + 0.06
    assert curve.rule == "analytic"


def test_capacity_curves_order_the_three_rules():
    loads = [0.1, 0.2, 0.3, 0.5, 0.7, 0.9]
    curves = {rule: capacity_curve(100, loads, rule=rule, noise=0.1, random_state=4)
              for rule in ("analytic", "storkey", "pseudoinverse")}
    hebb, storkey, pinv = curves.values()
    np.testing.assert_array_equal(pinv.stable, 1.0)  # up to L − 1 patterns
    assert np.all(storkey.stable >= hebb.stable) and np.all(pinv.stable >= storkey.stable)
    assert (hebb.breakdown(measure="stable") < storkey.breakdown(measure="stable")
            < pinv.breakdown(measure="stable") == np.inf)
    # from 10% noise the basins matter: both rules beyond Hebb recall far past 0.138
    assert hebb.breakdown() < 0.25 < 0.3 < storkey.breakdown() and pinv.breakdown() > 0.3
    assert storkey.rule == "storkey" and pinv.rule == "pseudoinverse"


def test_flip_bits_flips_exactly_the_asked_number_of_bits():
    rng = np.random.default_rng(5)
    patterns = rng.choice([-1.0, 1.0], size=(50, 40))
    flipped = flip_bits(patterns, 7, rng)
    np.testing.assert_array_equal((flipped != patterns).sum(axis=1), 7)
    np.testing.assert_array_equal(np.abs(flipped), 1.0)
    np.testing.assert_array_equal(flip_bits(patterns, 0, rng), patterns)


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"n_units": 0}, ValueError, r"n_units must be a[^,]*integer[^,]*, got 0"),
    ({"n_units": 10.0}, TypeError, r"n_units must be a[^,]*integer[^,]*, got 10.0 \(float\)"),
    ({"loads": []}, ValueError, r"loads must not be empty"),
    ({"loads": [0.1, -0.2]}, ValueError, "loads must be positive, got -0.2"),
    ({"loads": [0.1, np.nan]}, ValueError, "loads must be finite, got nan at index 1"),
    ({"loads": [[0.1]]}, ValueError, r"loads must have 1 dimension\(s\)"),
    ({"loads": [0.1j]}, TypeError, "loads must hold real numbers, got complex values"),
    ({"tolerance": 1.5}, ValueError, "tolerance must be a finite real number ≥ 0 and ≤ 1"),
    ({"n_trials": 0}, ValueError, r"n_trials must be a[^,]*integer[^,]*, got 0"),
    ({"max_steps": -1}, ValueError, "max_steps must be an integer ≥ 0, got -1"),
    ({"noise": np.inf}, ValueError, "noise must be a finite real number ≥ 0 and ≤ 1, got inf"),
    ({"rule": "oja"}, ValueError, "unknown Hopfield storage rule 'oja'"),
    ({"random_state": "x"}, TypeError, "random_state must be None, an integer seed ≥ 0 or a numpy"),
])
def test_capacity_curve_names_every_bad_argument(kwargs, error, message):
    arguments = {"n_units": 10, "loads": [0.1]} | kwargs
    with pytest.raises(error, match=message):
        capacity_curve(**arguments)


def test_absolute_capacity_and_breakdown_name_their_bad_arguments():
    with pytest.raises(ValueError, match=r"n_trials must be a[^,]*integer[^,]*, got 0"):
        absolute_capacity(10, n_trials=0)
    with pytest.raises(TypeError, match="Hopfield storage rule name must be a str"):
        absolute_capacity(10, rule=None)
    with pytest.raises(ValueError, match="n_units must be an integer ≥ 2, got 1"):
        published_absolute_capacity("storkey", 1)
    curve = capacity_curve(20, [0.1, 0.5], random_state=0, n_trials=np.int64(1))
    with pytest.raises(ValueError, match="level must be a finite real number ≥ 0 and ≤ 1"):
        curve.breakdown(2.0)
    with pytest.raises(ValueError, match="measure must be 'recalled' or 'stable', got 'x'"):
        curve.breakdown(measure="x")
    assert curve.breakdown(np.float32(0.5)) == curve.breakdown(0.5)


def first_below_half(curve_counts, fraction):
    return curve_counts[np.flatnonzero(fraction < 0.5)[0]]


def test_modern_capacity_grows_exponentially_with_d_the_classical_linearly():
    counts = 2 ** np.arange(1, 13)
    small, large = (retrieval_curve(d, counts, noise=0.2, random_state=d) for d in (16, 32))
    assert small.noise == 3 / 16 and large.noise == 6 / 32  # whole bits
    # doubling d multiplies the modern network's capacity by 2^3 at least (measured 2^5);
    # the classical one stays below L / 2 in both
    gain = np.log2(first_below_half(large.counts, large.modern)
                   / first_below_half(small.counts, small.modern))
    assert gain >= 3
    for curve in (small, large):
        assert first_below_half(curve.counts, curve.classical) <= curve.n_units / 2
        assert np.all(curve.modern[:3] >= 0.85) and curve.classical[-1] == 0.0


def test_retrieval_curve_names_its_bad_arguments():
    with pytest.raises(ValueError, match=r"counts must be whole numbers ≥ 1, got \[2.0, 0.5\]"):
        retrieval_curve(8, [2, 0.5])
    with pytest.raises(ValueError, match="beta must be a finite real number > 0, got -1"):
        retrieval_curve(8, [2], beta=-1)
    with pytest.raises(ValueError, match=r"n_probes must be a[^,]*integer[^,]*, got 0"):
        retrieval_curve(8, [2], n_probes=0)
    with pytest.raises(ValueError, match="noise must be a finite real number ≥ 0 and ≤ 1"):
        retrieval_curve(8, [2], noise=-0.1)
    curve = retrieval_curve(np.int64(8), np.array([2, 4], dtype=np.int32), noise=np.float32(0),
                            n_probes=np.int16(5), random_state=0)
    np.testing.assert_array_equal(curve.counts, [2, 4])
    np.testing.assert_array_equal(curve.modern[:1], 1.0)  # uncorrupted, 2 patterns
