"""The compiled single-unit sweeps, against a plain loop and the acceptance functions."""

import numpy as np
import pytest
from boltzmann_helpers import random_machine

from nnlearn.models import kl_divergence
from nnlearn.models.energy.acceptance import (
    THRESHOLDS,
    barker_threshold,
    boltzmann_acceptance,
    metropolis_acceptance,
    metropolis_threshold,
)
from nnlearn.models.energy.binary import state_index
from nnlearn.models.energy.sweeps import (
    BLOCK,
    BLOCK_UNITS,
    _orders,
    _sweep_blocks,
    _sweep_chains,
    _sweep_each_chain,
    run_sweeps,
)


def called_as_sweep_chains(kernel):
    """One of the two loops behind _sweep_chains, called as it is (free units, shuffles)."""
    def sweep(states, weights, biases, free, shuffles, temperatures, *rest):
        orders = _orders(free, shuffles, len(temperatures))
        return kernel(states, weights, biases, orders, temperatures, *rest)
    return sweep


KERNELS = {"blocks": called_as_sweep_chains(_sweep_blocks),
           "each_chain": called_as_sweep_chains(_sweep_each_chain)}


def plain_sweeps(states, weights, biases, free, shuffles, temperatures, thresholds):
    """The sweep written the obvious way: every gap recomputed, one unit at a time; the
    states after every sweep, and their energies."""
    states = states.copy()
    history = np.empty((len(states), len(temperatures), states.shape[1]))
    for c, s in enumerate(states):
        for t, T in enumerate(temperatures):
            order = list(free)
            if len(shuffles):  # Fisher-Yates, from the last position down
                for k in range(len(order) - 1, 0, -1):
                    m = int(shuffles[t, k] * (k + 1))
                    order[k], order[m] = order[m], order[k]
            for k, i in enumerate(order):
                gap = weights[i] @ s + biases[i]
                rise = (2 * s[i] - 1) * gap / T  # E(s with s_i flipped) − E(s), over T
                if rise < thresholds[c, t, k]:
                    s[i] = 1 - s[i]
            history[c, t] = s
    energies = -0.5 * np.einsum("cti,ij,ctj->ct", history, weights, history) - history @ biases
    return states, history, energies


@pytest.mark.parametrize("kernel", ["chains", *KERNELS])
@pytest.mark.parametrize("order", ["random", "index"])
@pytest.mark.parametrize("threshold", [barker_threshold, metropolis_threshold])
def test_compiled_sweep_equals_a_plain_loop(order, threshold, kernel):
    sweep = _sweep_chains if kernel == "chains" else KERNELS[kernel]
    rng = np.random.default_rng(0)
    for n, free in ((7, np.arange(7)), (9, np.array([1, 4, 5, 8])),
                    (BLOCK_UNITS + 3, np.arange(1, BLOCK_UNITS + 2))):
        bm = random_machine(n, n)
        states = (rng.random((6, n)) < 0.5).astype(float)
        temperatures = np.array([3.0, 2.0, 1.0, 0.5])
        shuffles = rng.random((4 if order == "random" else 0, len(free)))
        thresholds = threshold(rng.random((6, 4, len(free))))
        expected, history, expected_energy = plain_sweeps(
            states, bm.weights, bm.biases, free, shuffles, temperatures, thresholds)
        energies, pairs, singles = np.empty((6, 4)), np.zeros((n, n)), np.zeros(n)
        sweep(states, bm.weights, bm.biases, free,
              shuffles, temperatures, thresholds, 2, energies, pairs, singles)
        np.testing.assert_array_equal(states, expected)
        np.testing.assert_allclose(energies, expected_energy, atol=1e-12)
        recorded = history[:, 2:].reshape(-1, n)  # the last two sweeps
        np.testing.assert_array_equal(pairs, recorded.T @ recorded)
        np.testing.assert_array_equal(singles, recorded.sum(axis=0))
        # units outside `free` never change
        clamped = np.setdiff1d(np.arange(n), free)
        np.testing.assert_array_equal(history[:, :, clamped],
                                      np.broadcast_to(states[:, None, clamped],
                                                      history[:, :, clamped].shape))


@pytest.mark.parametrize("rule", ["gibbs", "metropolis"])
@pytest.mark.parametrize("n", [1, 5, BLOCK_UNITS])
def test_the_block_loop_gives_the_states_of_the_chain_by_chain_loop(rule, n):
    """The same draws, so the same states: over several blocks and a partial one, with
    clamped units, the co-activations too; the energies to rounding (summed in another
    order)."""
    rng = np.random.default_rng(n)
    bm = random_machine(n, n + 1, scale=0.7)
    n_chains, n_sweeps = 2 * BLOCK + 17, 5
    start = (rng.random((n_chains, n)) < 0.5).astype(float)
    free = np.flatnonzero(rng.random(n) < 0.7) if n > 1 else np.arange(1)
    orders = _orders(free, rng.random((n_sweeps, len(free))), n_sweeps)
    temperatures = np.linspace(2.0, 0.5, n_sweeps)
    threshold = THRESHOLDS[{"gibbs": boltzmann_acceptance,
                            "metropolis": metropolis_acceptance}[rule]]
    thresholds = threshold(rng.random((n_chains, n_sweeps, len(free))))
    results = []
    for kernel in (_sweep_blocks, _sweep_each_chain):
        states, energies = start.copy(), np.empty((n_chains, n_sweeps))
        pairs, singles = np.zeros((n, n)), np.zeros(n)
        kernel(states, bm.weights, bm.biases, orders, temperatures, thresholds, 2, energies,
               pairs, singles)
        results.append((states, energies, pairs, singles))
    (blocks, block_energies, block_pairs, block_singles), (chains, energies, pairs, singles) = \
        results
    np.testing.assert_array_equal(blocks, chains)
    assert not np.array_equal(blocks[:, free], start[:, free])  # the sweeps moved
    clamped = np.setdiff1d(np.arange(n), free)
    np.testing.assert_array_equal(blocks[:, clamped], start[:, clamped])
    np.testing.assert_allclose(block_energies, energies, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(block_pairs, pairs)
    np.testing.assert_array_equal(block_singles, singles)


def test_sweeps_of_few_units_go_by_blocks_and_of_many_chain_by_chain():
    """_sweep_chains takes the block loop up to BLOCK_UNITS units: seen through the energies,
    which the two loops sum in different orders."""
    for n, kernel in ((BLOCK_UNITS, _sweep_blocks), (BLOCK_UNITS + 1, _sweep_each_chain)):
        rng = np.random.default_rng(n)
        bm = random_machine(n, 3)
        start = (rng.random((40, n)) < 0.5).astype(float)
        shuffles, thresholds = rng.random((2, n)), barker_threshold(rng.random((40, 2, n)))
        outputs = []
        for sweep in (_sweep_chains, KERNELS["blocks"], KERNELS["each_chain"]):
            energies = np.empty((40, 2))
            sweep(start.copy(), bm.weights, bm.biases, np.arange(n), shuffles, np.ones(2),
                  thresholds, 2, energies, np.zeros((n, n)), np.zeros(n))
            outputs.append(energies)
        assert not np.array_equal(outputs[1], outputs[2])  # so the energies tell them apart
        expected = outputs[1] if kernel is _sweep_blocks else outputs[2]
        np.testing.assert_array_equal(outputs[0], expected)


def test_thresholds_are_the_inverse_of_the_acceptance_functions():
    rng = np.random.default_rng(1)
    rise, u = rng.normal(0, 3, 100_000), rng.random(100_000)
    for accept, threshold in ((boltzmann_acceptance, barker_threshold),
                              (metropolis_acceptance, metropolis_threshold)):
        np.testing.assert_array_equal(u < accept(0.0, rise), rise < threshold(u))
        assert THRESHOLDS[accept] is threshold
    assert metropolis_threshold(np.array([0.0]))[0] == np.inf  # u = 0 accepts every move


def test_a_sweep_visits_every_free_unit_exactly_once():
    bm = random_machine(12, 2)
    states = np.zeros((3, 12))
    free = np.array([0, 3, 4, 7, 11])
    rng = np.random.default_rng(3)
    # a draw that accepts every proposal flips each visited unit: after one sweep, each
    # free unit has flipped once, whatever the order
    _sweep_chains(states, bm.weights, bm.biases, free,
                  rng.random((1, 5)), np.ones(1), np.full((3, 1, 5), np.inf), 1,
                  np.empty((3, 1)), np.zeros((12, 12)), np.zeros(12))
    expected = np.zeros((3, 12))
    expected[:, free] = 1
    np.testing.assert_array_equal(states, expected)


@pytest.mark.parametrize("order", ["random", "index"])
@pytest.mark.parametrize("rule", ["gibbs", "metropolis"])
def test_both_orders_sample_the_boltzmann_distribution(order, rule):
    bm = random_machine(5, 6, scale=0.8)
    samples = bm.sample(20000, T=1.3, n_sweeps=20, random_state=7, rule=rule, order=order)
    freq = np.bincount(state_index(samples), minlength=32) / 20000
    assert kl_divergence(freq, bm.exact_distribution(1.3)) < 0.01


def test_sweep_in_place_for_any_layout_and_seeded():
    bm = random_machine(6, 4)
    start = (np.random.default_rng(5).random((50, 6)) < 0.5).astype(float)
    c_order, f_order = start.copy(), np.asfortranarray(start)
    assert bm.sweep(c_order, 1.0, np.random.default_rng(9)) is c_order
    assert bm.sweep(f_order, 1.0, np.random.default_rng(9)) is f_order
    np.testing.assert_array_equal(c_order, f_order)
    assert not np.array_equal(c_order, start)
    with pytest.raises(ValueError, match=r"states must be an array of shape \(m, 6\)"):
        bm.sweep(start[0], 1.0)


def test_recorded_statistics_are_averages_over_chains_and_sweeps():
    bm = random_machine(8, 7)
    states = (np.random.default_rng(8).random((4, 8)) < 0.5).astype(float)
    start = states.copy()
    sweeps = run_sweeps(states, bm.weights, bm.biases, np.linspace(2, 0.5, 6),
                        np.random.default_rng(0), np.arange(8), n_record=3)
    np.testing.assert_allclose(sweeps.energies[:, -1], bm.energy(states), atol=1e-12)
    # replay the same draws sweep by sweep, averaging the last three states by hand
    replay, rng, recorded = start.copy(), np.random.default_rng(0), []
    shuffles, draws = rng.random((6, 8)), rng.random((4, 6, 8))
    for t, T in enumerate(np.linspace(2, 0.5, 6)):
        _sweep_chains(replay, bm.weights, bm.biases, np.arange(8), shuffles[t:t + 1],
                      np.array([T]),
                      barker_threshold(draws[:, t:t + 1]), 1, np.empty((4, 1)),
                      np.zeros((8, 8)), np.zeros(8))
        if t >= 3:
            recorded.append(replay.copy())
    recorded = np.concatenate(recorded)
    np.testing.assert_array_equal(replay, states)
    np.testing.assert_allclose(sweeps.co_activation, recorded.T @ recorded / 12, atol=1e-15)
    np.testing.assert_allclose(sweeps.activation, recorded.mean(axis=0), atol=1e-15)
    assert run_sweeps(states, bm.weights, bm.biases, np.ones(2), np.random.default_rng(0),
                      np.arange(8)).co_activation is None
