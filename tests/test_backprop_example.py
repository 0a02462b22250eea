"""The backpropagation example of the lecture decks (seeds 001/002), to the printed digits."""

import numpy as np
import pytest
import torch

import nnlearn as nl
from nnlearn.train.backprop import backpropagate, course_example

torch.set_num_threads(1)  # tiny problems: threads only cost time on a shared machine

U = [[0.05, 0.10]]
TARGET = [[0.01, 0.99]]


def printed(value: str) -> tuple[float, float]:
    """The number and half a unit of its last printed digit."""
    digits = len(value.split(".")[1])
    return float(value), 0.5 * 10.0**-digits


def example_network() -> nl.Sequential:
    """The library's copy of the example, checked against the slides' weights."""
    net, u, target = course_example()
    np.testing.assert_array_equal(u, U)
    np.testing.assert_array_equal(target, TARGET)
    w = np.concatenate([net[0].weight.data.T.ravel(), net[1].weight.data.T.ravel()])
    np.testing.assert_array_equal(w, [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55])
    assert [list(layer.bias.data) for layer in net.layers] == [[0.35, 0.35], [0.60, 0.60]]
    assert not any(layer.bias.requires_grad for layer in net.layers)
    return net


def test_forward_pass_and_error_match_the_printed_numbers():
    trace = backpropagate(example_network(), U, TARGET)
    checks = {
        "0.3775": trace.potentials[0][0, 0],  # net_h1
        "0.593269992": trace.activations[1][0, 0],  # out_h1
        "0.596884378": trace.activations[1][0, 1],  # out_h2
        "1.105905967": trace.potentials[1][0, 0],  # net_o1
        "0.75136507": trace.activations[2][0, 0],  # out_o1
        "0.772928465": trace.activations[2][0, 1],  # out_o2
        "0.298371109": trace.loss,  # E_total
    }
    for text, value in checks.items():
        expected, tolerance = printed(text)
        assert abs(value - expected) <= tolerance, (text, value)


def test_intermediate_derivatives_match_the_printed_numbers():
    trace = backpropagate(example_network(), U, TARGET)
    delta_o1 = trace.deltas[1][0, 0]  # ∂E/∂out_o1 · ∂out_o1/∂net_o1
    assert abs(delta_o1 - printed("0.138498562")[0]) <= printed("0.138498562")[1]
    assert abs(trace.weight_gradients[1][0, 0] - 0.082167041) <= 0.5e-9  # ∂E/∂w5
    assert abs(trace.weight_gradients[0][0, 0] - 0.000438568) <= 0.5e-9  # ∂E/∂w1


def test_one_gradient_descent_step_gives_every_printed_weight():
    net = example_network()
    opt = nl.optim.SGD(net.parameters(), lr=0.5)
    history = nl.fit(net, U, TARGET, loss="half_squared_error", optimizer=opt, epochs=1,
                     batch_size=None)
    assert abs(history["loss"][0] - 0.298371109) <= 0.5e-9
    w_hidden, w_out = net.layers[0].weight.data, net.layers[1].weight.data
    updated = {
        "w1": (w_hidden[0, 0], "0.149780716"),
        "w2": (w_hidden[1, 0], "0.19956143"),
        "w3": (w_hidden[0, 1], "0.24975114"),
        "w4": (w_hidden[1, 1], "0.29950229"),
        "w5": (w_out[0, 0], "0.35891648"),
        "w6": (w_out[1, 0], "0.408666186"),
        "w7": (w_out[0, 1], "0.511301270"),
        "w8": (w_out[1, 1], "0.561370121"),
    }
    for name, (value, text) in updated.items():
        expected, tolerance = printed(text)
        assert abs(value - expected) <= tolerance, (name, value, text)
    # the example leaves the biases unchanged
    np.testing.assert_array_equal(net.layers[0].bias.data, [0.35, 0.35])
    np.testing.assert_array_equal(net.layers[1].bias.data, [0.60, 0.60])


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus", "arctan"])
def test_deltas_equal_autodiff_gradients(activation):
    rng = np.random.default_rng(3)
    net = nl.Sequential(
        nl.Dense(3, 4, activation=activation), nl.Dense(4, 5, activation=activation),
        nl.Dense(5, 2),
    ).initialize(random_state=1)
    u, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    trace = backpropagate(net, u, y, loss="mse")
    value = nl.losses.mse(net(u), y)
    value.backward()
    for k, layer in enumerate(net.layers):
        np.testing.assert_allclose(trace.weight_gradients[k], layer.weight.grad, atol=1e-12)
        np.testing.assert_allclose(trace.bias_gradients[k], layer.bias.grad, atol=1e-12)
    # and against PyTorch autograd, independently
    tw = [torch.tensor(layer.weight.data, requires_grad=True) for layer in net.layers]
    tb = [torch.tensor(layer.bias.data, requires_grad=True) for layer in net.layers]
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh,
           "softplus": torch.nn.functional.softplus, "arctan": torch.atan}[activation]
    h = torch.tensor(u)
    for k in range(3):
        h = h @ tw[k] + tb[k]
        h = act(h) if k < 2 else h
    torch.mean((h - torch.tensor(y)) ** 2).backward()
    for k in range(3):
        np.testing.assert_allclose(trace.weight_gradients[k], tw[k].grad.numpy(), atol=1e-12)


def test_backpropagate_rejects_non_dense_layers():
    with pytest.raises(ValueError, match="expected Dense layers"):
        backpropagate(nl.Sequential(nl.Dense(2, 2), nl.BatchNorm(2)), U, TARGET)
