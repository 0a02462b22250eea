"""nl.LSTM: torch.nn.LSTM with copied weights (variant "pytorch"), the seed's equations in
NumPy (variant "course"), BPTT by finite differences, and clear errors."""

import numpy as np
import pytest
import torch
from recurrent_helpers import (
    TOL,
    assert_gradients_match_finite_differences,
    assert_runs_match,
    nnlearn_run,
    sequences,
    torch_rnn_run,
)

import nnlearn as nl

torch.set_num_threads(1)


def randomize(layer, seed=0):
    for k, p in enumerate(layer.parameters()):
        p.data[...] = np.random.default_rng(seed + k).normal(scale=0.6, size=p.shape)
    return layer


@pytest.mark.parametrize("bias", [True, False])
def test_lstm_matches_torch(bias):
    lstm = randomize(nl.LSTM(3, 4, bias=bias, random_state=0))
    torch_lstm = torch.nn.LSTM(3, 4, bias=bias, batch_first=True).double()
    with torch.no_grad():
        torch_lstm.weight_ih_l0.copy_(torch.tensor(lstm.weight_input.data.T))
        torch_lstm.weight_hh_l0.copy_(torch.tensor(lstm.weight_hidden.data.T))
        if bias:
            torch_lstm.bias_ih_l0.copy_(torch.tensor(lstm.bias.data))
            torch_lstm.bias_hh_l0.zero_()
    rng = np.random.default_rng(1)
    u, h0, c0 = sequences(5, 6, 3), rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    seed = rng.normal(size=(5, 6, 4))
    ours, theirs = nnlearn_run(lstm, u, [h0, c0], seed), torch_rnn_run(torch_lstm, u, [h0, c0],
                                                                        seed)
    assert_runs_match(ours, theirs)
    grads = theirs["params"]
    np.testing.assert_allclose(ours["params"]["weight_input"], grads["weight_ih_l0"].T, **TOL)
    np.testing.assert_allclose(ours["params"]["weight_hidden"], grads["weight_hh_l0"].T, **TOL)
    if bias:
        np.testing.assert_allclose(ours["params"]["bias"], grads["bias_ih_l0"], **TOL)
        np.testing.assert_allclose(ours["params"]["bias"], grads["bias_hh_l0"], **TOL)


def test_stacked_lstms_match_a_two_layer_torch_lstm():
    """Sequential(LSTM, LSTM): the second layer reads the first one's outputs h(n)."""
    net = nl.Sequential(randomize(nl.LSTM(2, 3), seed=1), randomize(nl.LSTM(3, 3), seed=5))
    torch_lstm = torch.nn.LSTM(2, 3, num_layers=2, batch_first=True).double()
    with torch.no_grad():
        for k, layer in enumerate(net.layers):
            getattr(torch_lstm, f"weight_ih_l{k}").copy_(torch.tensor(layer.weight_input.data.T))
            getattr(torch_lstm, f"weight_hh_l{k}").copy_(torch.tensor(layer.weight_hidden.data.T))
            getattr(torch_lstm, f"bias_ih_l{k}").copy_(torch.tensor(layer.bias.data))
            getattr(torch_lstm, f"bias_hh_l{k}").zero_()
    u = sequences(3, 7, 2)
    ut = torch.tensor(u, requires_grad=True)
    torch_lstm(ut)[0].sum().backward()
    un = nl.tensor(u, requires_grad=True)
    out = net(un)
    out.sum().backward()
    np.testing.assert_allclose(out.data, torch_lstm(ut)[0].detach().numpy(), **TOL)
    np.testing.assert_allclose(un.grad, ut.grad.numpy(), **TOL)
    np.testing.assert_allclose(net[0].weight_hidden.grad, torch_lstm.weight_hh_l0.grad.numpy().T,
                               **TOL)


def course_matrices(lstm):
    """W^u, W^{g_input}, W^{g_forget}, W^{g_output} of the seed, each acting on [1; u; y]."""
    n = lstm.n_hidden
    stacked = np.vstack([lstm.bias.data, lstm.weight_input.data, lstm.weight_hidden.data]).T
    blocks = {"input": 0, "forget": 1, "u": 2, "output": 3}
    return {name: stacked[k * n : (k + 1) * n] for name, k in blocks.items()}


def test_course_lstm_matches_numpy_equations():
    """The seed's LSTM, one sample and one step at a time:
    u(n+1) = σ(W^u[1; x]), g(n+1) = σ(W^g[1; x]) for the three gates,
    c(n+1) = g^forget c(n) + g^input u(n+1), y(n+1) = g^output(n+1) · c(n+1),
    with x = [input(n+1); y(n)]."""
    lstm = randomize(nl.LSTM(2, 3, variant="course", random_state=0), seed=5)
    W = course_matrices(lstm)
    sigma = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    rng = np.random.default_rng(2)
    inputs, y0, c0 = sequences(4, 5, 2, seed=3), rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    out, (y_final, c_final) = lstm(inputs, state=(y0, c0), return_state=True)
    for i in range(4):
        y, c = y0[i], c0[i]
        for n in range(5):
            x = np.concatenate([[1.0], inputs[i, n], y])
            u = sigma(W["u"] @ x)
            g_input, g_forget, g_output = (sigma(W[k] @ x) for k in ("input", "forget", "output"))
            c = g_forget * c + g_input * u
            y = g_output * c
            np.testing.assert_allclose(out.data[i, n], y, **TOL)
        np.testing.assert_allclose(y_final.data[i], y, **TOL)
        np.testing.assert_allclose(c_final.data[i], c, **TOL)


def numpy_lstm_bptt(W_in, W, b, u, h0, c0, seed, course, truncate):
    """The LSTM's forward pass and backpropagation through time for one sequence, written
    out in NumPy (column vectors, the course's form): the recursion of the catalogue's
    ``lstm_backpropagation_through_time``, no error crossing a truncation boundary."""
    sigma = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    phi, psi = (sigma, lambda c: c) if course else (np.tanh, np.tanh)
    n = len(b) // 4
    hs, cs, gates = [h0], [c0], []
    for x in u:
        a = W @ hs[-1] + W_in @ x + b
        g = (sigma(a[:n]), sigma(a[n : 2 * n]), phi(a[2 * n : 3 * n]), sigma(a[3 * n :]))
        gates.append(g)
        cs.append(g[1] * cs[-1] + g[0] * g[2])
        hs.append(g[3] * psi(cs[-1]))
    grads = {"W_in": np.zeros_like(W_in), "W": np.zeros_like(W), "b": np.zeros_like(b),
             "u": np.zeros_like(u)}
    dh_next, dc_next = np.zeros(n), np.zeros(n)
    for t in reversed(range(len(u))):
        g_in, g_forget, cell, g_out = gates[t]
        dh = seed[t] + dh_next
        squash_slope = 1.0 if course else 1 - np.tanh(cs[t + 1]) ** 2
        dc = dc_next + dh * g_out * squash_slope
        da = np.concatenate([
            dc * cell * g_in * (1 - g_in),
            dc * cs[t] * g_forget * (1 - g_forget),
            dc * g_in * (cell * (1 - cell) if course else 1 - cell**2),
            dh * psi(cs[t + 1]) * g_out * (1 - g_out),
        ])
        grads["W"] += np.outer(da, hs[t])
        grads["W_in"] += np.outer(da, u[t])
        grads["b"] += da
        grads["u"][t] = W_in.T @ da
        dh_next, dc_next = W.T @ da, dc * g_forget
        if truncate and t and t % truncate == 0:
            dh_next, dc_next = np.zeros(n), np.zeros(n)
    return grads, dh_next, dc_next


@pytest.mark.parametrize("truncate", [None, 2])
@pytest.mark.parametrize("variant", ["pytorch", "course"])
def test_lstm_bptt_is_the_delta_recursion(variant, truncate):
    lstm = randomize(nl.LSTM(2, 3, variant=variant, truncate=truncate, random_state=0), seed=3)
    rng = np.random.default_rng(4)
    u, h0, c0, seed = (rng.normal(size=(7, 2)), rng.normal(size=3), rng.normal(size=3),
                       rng.normal(size=(7, 3)))
    grads, dh0, dc0 = numpy_lstm_bptt(lstm.weight_input.data.T, lstm.weight_hidden.data.T,
                                      lstm.bias.data, u, h0, c0, seed, variant == "course",
                                      truncate)
    ut, h0t, c0t = (nl.tensor(a, requires_grad=True) for a in (u, h0, c0))
    (lstm(ut, state=(h0t, c0t)) * seed).sum().backward()
    for ours, name in ((lstm.weight_input.grad.T, "W_in"), (lstm.weight_hidden.grad.T, "W"),
                       (lstm.bias.grad, "b"), (ut.grad, "u")):
        np.testing.assert_allclose(ours, grads[name], **TOL, err_msg=name)
    np.testing.assert_allclose(h0t.grad, dh0, **TOL)
    np.testing.assert_allclose(c0t.grad, dc0, **TOL)


@pytest.mark.parametrize("variant", ["pytorch", "course"])
def test_bptt_gradients_match_finite_differences(variant):
    lstm = randomize(nl.LSTM(2, 3, output_size=2, variant=variant, random_state=0), seed=7)
    seed = np.random.default_rng(9).normal(size=(2, 5, 2))
    assert_gradients_match_finite_differences(lstm, sequences(2, 5, 2, seed=8), seed)


def test_variants_differ_only_in_cell_input_and_output():
    pytorch = randomize(nl.LSTM(2, 3, random_state=0))
    course = nl.LSTM(2, 3, variant="course", random_state=0)
    course.load_state_dict(pytorch.state_dict())
    u = sequences(2, 4, 2)
    assert not np.allclose(course(u).data, pytorch(u).data)
    assert np.all(np.abs(pytorch(u).data) < 1)  # o ⊙ tanh(c) stays in (−1, 1)


def test_initialization_and_forget_bias():
    lstm = nl.LSTM(2, 3, forget_bias=1.5, random_state=0)
    np.testing.assert_array_equal(lstm.bias.data, [0] * 3 + [1.5] * 3 + [0] * 6)
    again = nl.LSTM(2, 3, forget_bias=1.5).initialize(random_state=0)
    np.testing.assert_array_equal(again.weight_hidden.data, lstm.weight_hidden.data)
    assert lstm.weight_input.shape == (2, 12) and lstm.weight_hidden.shape == (3, 12)
    assert repr(lstm) == "LSTM(2 → 3, variant='pytorch')"


def test_lstm_remembers_over_a_long_unroll():
    """A cell with its forget gate held open carries c(0) through 2,000 steps, and the
    gradient of the last output reaches the initial cell state undiminished."""
    lstm = nl.LSTM(1, 1, random_state=0)
    lstm.weight_input.data[...] = 0
    lstm.weight_hidden.data[...] = 0
    lstm.bias.data[...] = [-30.0, 30.0, 0.0, 30.0]  # input gate shut, forget and output open
    c0 = nl.tensor([[0.5]], requires_grad=True)
    out = lstm(np.zeros((1, 2000, 1)), state=(np.zeros((1, 1)), c0))
    out[0, -1, 0].backward()
    np.testing.assert_allclose(out.data[0, -1, 0], np.tanh(0.5), rtol=1e-9)
    np.testing.assert_allclose(c0.grad, 1 - np.tanh(0.5) ** 2, rtol=1e-9)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: nl.LSTM(2, 3, variant="keras"), "variant must be one of"),
        (lambda: nl.LSTM(2, 3)(np.zeros((1, 2, 2)), state=np.zeros((1, 3))), "h and c"),
        (lambda: nl.LSTM(2, 0), "hidden_size must be a positive integer, got 0"),
    ],
)
def test_bad_input_gets_a_clear_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()
