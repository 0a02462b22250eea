"""The playground's views compute what nnlearn computes, checked against independent
references: autodiff for the δ of backpropagation, matrix powers for a Markov chain,
enumeration for a Boltzmann machine, the stored patterns for a Hopfield recall.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.playground import export
from nnlearn.playground.boltzmann import BoltzmannView
from nnlearn.playground.hopfield import HopfieldView, pattern_word, word_pattern
from nnlearn.playground.markov import MarkovView
from nnlearn.playground.mlp import MLPView
from nnlearn.playground.neurons import NeuronsView
from nnlearn.playground.protocol import Fields
from nnlearn.playground.settings import read_setup

SRC = Path(__file__).resolve().parents[1] / "src"


def make(cls, **values):
    return cls(read_setup(cls.settings, values))


def act(view, name, **arguments):
    return view.act(name, Fields(arguments, name))


def autodiff_deltas(view: MLPView, sample: int) -> list[np.ndarray]:
    """δ^κ = ∂L/∂a^κ for one sample by nnlearn's autodiff: the gradient of the loss with
    respect to each layer's bias (∂a^κ/∂b^κ = I), from loss.backward()."""
    for p in view.net.parameters():
        p.grad = None
    target = view.targets[[sample]]
    nl.losses.get(view.loss)(view.net(nl.tensor(view.inputs[[sample]])), target).backward()
    return [layer.bias.grad.copy() for layer in view.net.layers]


@pytest.mark.parametrize("setup", [
    {"data": "spiral", "hidden": [5, 3], "activation": "tanh"},
    {"data": "blobs", "hidden": [4], "activation": "sigmoid", "features": ["x1", "x2", "x1x2"]},
    {"data": "bumps", "hidden": [6, 2], "activation": "elu"},
])
def test_backprop_and_neuron_deltas_equal_autodiff(setup):
    view = make(MLPView, **setup)
    for _ in range(3):
        view.advance()
    for sample in (0, 17):
        expected = autodiff_deltas(view, sample)
        trace = act(view, "backprop", sample=sample)
        for layer, delta in zip(trace["layers"], expected, strict=True):
            np.testing.assert_allclose(layer["deltas"], delta, rtol=1e-5, atol=1e-9)
        last = len(view.net.layers)
        for layer in (1, last):
            detail = act(view, "inspect", layer=layer, neuron=0, sample=sample)
            assert detail["delta"] == pytest.approx(expected[layer - 1][0], rel=1e-5, abs=1e-9)
            assert len(detail["mathml"]) >= 4
            assert all(m.startswith("<math") for m in detail["mathml"])


def test_the_neuron_formula_shows_its_weights_and_inputs():
    view = make(MLPView, data="xor", hidden=[2])
    act(view, "set_weight", layer=1, source=0, neuron=1, value=0.75)
    act(view, "set_bias", layer=1, neuron=1, value=-0.5)
    detail = act(view, "inspect", layer=1, neuron=1, sample=3)
    x = view.inputs[3]
    assert detail["weights"][0] == 0.75 and detail["bias"] == -0.5
    assert detail["potential"] == pytest.approx(0.75 * x[0] + view.net.layers[0].weight.data[1, 1]
                                                * x[1] - 0.5, rel=1e-5)
    assert "0.75" in detail["mathml"][1] and np.tanh(detail["potential"]) == pytest.approx(
        detail["output"], rel=1e-5)


def test_the_exported_script_rebuilds_and_retrains_the_same_network(tmp_path):
    view = make(MLPView, data="spiral", hidden=[6, 4], optimizer="momentum", l2=0.001,
                features=["x1", "x2", "sin1"], seed=4, batch=16)
    for _ in range(5):
        view.advance()
    (tmp_path / "train.py").write_text(export.script(view))
    run = subprocess.run([sys.executable, "train.py"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120, env={"PYTHONPATH": str(SRC)})
    assert run.returncode == 0, run.stderr
    assert "after 5 epochs" in run.stdout
    retrained = nl.load(tmp_path / "model.nnl")
    for ours, theirs in zip(view.net.parameters(), retrained.parameters(), strict=True):
        np.testing.assert_allclose(ours.data, theirs.data, rtol=1e-12, atol=1e-15)  # rounding


def test_views_in_threads_equal_serial_views():
    def train(seed: int) -> np.ndarray:
        view = make(MLPView, data="circle", hidden=[4, 4], seed=seed)
        for _ in range(4):
            view.advance()
        return np.concatenate([p.data.ravel() for p in view.net.parameters()])

    serial = [train(seed) for seed in range(8)]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(train, range(8)))
    for one, other in zip(serial, threaded, strict=True):
        np.testing.assert_array_equal(one, other)


def test_hopfield_recalls_a_pattern_with_a_fifth_of_its_cells_flipped():
    view = make(HopfieldView, patterns=["d0", "d1", "d7"], rule="storkey", flip=20, speed=7)
    stored = word_pattern("d0", 10)
    assert np.sum(view.state != stored) == 20
    while view.advance():
        pass
    np.testing.assert_array_equal(view.state, stored)
    assert view.recognised() == "stored pattern 1" and view.frame()["stable"]
    energies = np.array(view.energies)
    assert np.all(np.diff(energies) <= 1e-12)   # asynchronous updates never raise E
    assert energies[-1] == pytest.approx(view.net.energy(stored))


def test_hopfield_beyond_its_capacity_ends_in_a_spurious_state():
    view = make(HopfieldView, patterns=[f"d{d}" for d in range(10)], speed=50)
    while view.advance():
        pass
    assert view.frame()["stable"] and view.recognised() == ""


def test_a_drawn_pattern_is_stored_in_the_link():
    view = make(HopfieldView, size=6, patterns=[])
    act(view, "clear")
    act(view, "set_cells", cells=[0, 7, 14], value=1)
    message = act(view, "store")
    (word,) = message["setup"]["patterns"]
    assert word == pattern_word(view.state) and np.flatnonzero(word_pattern(word, 6) > 0).tolist() \
        == [0, 7, 14]
    assert f"patterns={word}" in message["query"]


def test_boltzmann_samples_follow_the_exact_distribution():
    view = make(BoltzmannView, units=3, weights=[1.0, -0.5, 2.0], biases=[0.2, -0.3, 0.1],
                T=1.5, chains=400)
    for _ in range(30):
        view.advance()
    frame = view.frame()
    states = view.machine.states()
    energy = -(0.5 * np.einsum("si,ij,sj->s", states, view.machine.weights, states)
               + states @ view.machine.biases)
    exact = np.exp(-energy / 1.5) / np.exp(-energy / 1.5).sum()    # by enumeration, here
    np.testing.assert_allclose(frame["exact"], exact, rtol=1e-5)
    assert frame["samples"] == 400 * (150 - 20)
    assert frame["total_variation"] < 0.02


def test_annealing_finds_the_ground_state_of_a_small_machine():
    view = make(BoltzmannView, units=6, seed=3)
    result = act(view, "anneal", schedule="geometric", sweeps=300, t_start=5.0)
    energies = view.machine.energy(view.machine.states())
    assert result["reached"] and result["energy"] == pytest.approx(energies.min(), abs=1e-5)


def test_markov_distributions_are_matrix_powers_and_paths_follow_the_matrix():
    T = [0.5, 0.5, 0.0, 0.1, 0.6, 0.3, 0.2, 0.2, 0.6]
    view = make(MarkovView, matrix=T, start=2, chains=30)
    for _ in range(12):
        view.advance()
    frame = view.frame()
    matrix = np.reshape(T, (3, 3))
    np.testing.assert_allclose(frame["p"], np.linalg.matrix_power(matrix, 12)[2], rtol=1e-5)
    pi = np.array(view.scene()["stationary"])
    np.testing.assert_allclose(pi @ matrix, pi, atol=1e-5)
    steps = view.paths[:, :-1], view.paths[:, 1:]
    assert np.all(matrix[steps] > 0)   # no path takes a step of probability zero
    assert view.paths[:, 0].tolist() == [2] * 30


def test_markov_refuses_a_matrix_that_is_not_stochastic_and_normalizes_one():
    view = make(MarkovView, states=2, matrix=[0.5, 0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match=r"row 1 of T sums to 1\.3"):
        view.change("matrix", [0.5, 0.5, 0.9, 0.4])
    normalized = act(view, "normalize", matrix=[1, 3, 2, 2])
    assert normalized.setup["matrix"] == [0.25, 0.75, 0.5, 0.5]


def test_a_reducible_chain_says_why_it_has_no_unique_stationary_distribution():
    view = make(MarkovView, matrix=[1, 0, 0, 0.5, 0, 0.5, 0, 0, 1])
    scene = view.scene()
    assert scene["stationary"] is None and "not unique" in scene["why_no_stationary"]
    assert scene["transient"] == [1]


def run_to_the_end(view: NeuronsView) -> dict:
    while view.advance():
        pass
    return view.frame()


def test_the_perceptron_learns_and_but_never_xor():
    learned = run_to_the_end(make(NeuronsView, data="and", speed=3))
    reference = nl.models.Perceptron(learning_rate=0.1).fit(*nl.datasets.logic_gate("and"))
    assert learned["converged"] and learned["errors"] == reference.errors_
    never = run_to_the_end(make(NeuronsView, data="xor", epochs=40, speed=50))
    assert not never["converged"] and len(never["errors"]) == 40 and min(never["errors"]) > 0


def test_a_mcculloch_pitts_unit_computes_the_gate_of_its_weights():
    for (w1, w2, threshold), gate in [((1, 1, 1.5), "and"), ((1, 1, 0.5), "or"),
                                      ((-1, -1, -1.5), "nand"), ((1, -1, 5), "")]:
        frame = make(NeuronsView, model="mcculloch_pitts", w1=w1, w2=w2,
                     threshold=threshold).frame()
        assert frame["computes"] == gate
        assert len(frame["boundary"]) in (0, 2)


def test_a_diverging_network_stops_with_a_message_and_valid_frames():
    import json

    view = make(MLPView, data="plane", lr=10.0, optimizer="sgd", activation="relu")
    for _ in range(60):
        if not view.advance():
            break
    assert "lower the learning rate" in view.diverged and not view.advance()
    json.dumps(view.frame(), allow_nan=False)   # the page can read every frame


def test_the_data_functions_name_their_bad_arguments():
    from nnlearn.playground import datasets

    with pytest.raises(ValueError, match="name must be one of"):
        datasets.make("moons")
    with pytest.raises(ValueError, match="noise"):
        datasets.make("xor", noise=0.9)
    with pytest.raises(ValueError, match="names must be features among"):
        datasets.input_features(np.zeros((3, 2)), ["x1", "cos1"])
    with pytest.raises(ValueError, match="train_fraction"):
        datasets.split(10, 1.5, 0)
    with pytest.raises(TypeError, match="n_samples"):
        datasets.split(True, 0.5, 0)
    train, test = datasets.split(np.int64(10), np.float32(0.3), 0)
    assert len(train) == 3 and sorted([*train, *test]) == list(range(10))
