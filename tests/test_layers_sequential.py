"""Sequential.append, extend and insert, as torch.nn.Sequential's."""

import numpy as np
import pytest
import torch

import nnlearn as nl


def test_append_extend_insert_build_the_network_torch_builds():
    rng = np.random.default_rng(0)
    ours = nl.Sequential(nl.Dense(3, 4, activation="tanh", random_state=0))
    assert ours.append(nl.Dense(4, 5, random_state=1)) is ours
    assert ours.extend(nl.Sequential(nl.Dense(5, 2, random_state=2))) is ours
    assert ours.insert(-1, nl.Dense(5, 5, activation="relu", random_state=3)) is ours
    assert ours.insert(2, nl.Dense(5, 5, activation="sigmoid", random_state=4)) is ours

    def linear(layer):
        torch_layer = torch.nn.Linear(layer.n_in, layer.n_out).double()
        with torch.no_grad():
            torch_layer.weight.copy_(torch.tensor(layer.weight.data.T))
            torch_layer.bias.copy_(torch.tensor(layer.bias.data))
        return torch_layer

    dense = {i: layer for i, layer in enumerate(ours)}
    theirs = torch.nn.Sequential(torch.nn.Sequential(linear(dense[0]), torch.nn.Tanh()))
    theirs.append(linear(dense[1]))
    theirs.extend([linear(dense[4])])
    theirs.insert(-1, torch.nn.Sequential(linear(dense[3]), torch.nn.ReLU()))
    theirs.insert(2, torch.nn.Sequential(linear(dense[2]), torch.nn.Sigmoid()))
    x = rng.normal(size=(6, 3))
    np.testing.assert_allclose(ours(x).data, theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-12)
    assert [layer.n_out for layer in ours] == [4, 5, 5, 5, 2]
    assert [name for name, _ in ours.named_parameters()][-2:] == ["4.weight", "4.bias"]


def test_an_appended_layer_trains_and_saves(tmp_path):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    net = nl.Sequential(nl.Dense(2, 8, activation="tanh")).append(nl.Dense(8, 2))
    history = nl.fit(net.initialize(0), X, y, loss="cross_entropy", lr=0.05, epochs=300,
                     batch_size=None, random_state=0)
    assert history["loss"][-1] < 0.05
    nl.save(net, tmp_path / "net.nnl")
    np.testing.assert_array_equal(nl.load(tmp_path / "net.nnl")(X).data, net(X).data)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda net: net.append(np.ones(2)), TypeError, "append: layer is a ndarray, not a Module"),
    (lambda net: net.extend([nl.Dense(1, 1), "relu"]), TypeError, "extend: layer 1 is a str"),
    (lambda net: net.insert(3, nl.Dense(1, 1)), IndexError, "index 3 is out of range"),
    (lambda net: net.insert(-3, nl.Dense(1, 1)), IndexError, "index -3 is out of range"),
    (lambda net: net.insert(1.0, nl.Dense(1, 1)), ValueError, "insert: index must be an integer"),
])
def test_bad_layers_and_indices_are_clear_errors(call, error, message):
    net = nl.Sequential(nl.Dense(1, 1), nl.Dense(1, 1))
    with pytest.raises(error, match=message):
        call(net)
    assert len(net) == 2  # unchanged, extend too
