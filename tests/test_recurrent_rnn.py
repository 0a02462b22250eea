"""nl.RNN: the course's equations in NumPy, torch.nn.RNN with copied weights, BPTT by
finite differences, long unrolls, truncated BPTT and clear errors."""

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


def numpy_rnn(rnn, u, x0, y0=None):
    """The course's equations in column form: x(n) = σ(W x(n−1) + W^in u(n) [+ W^fb y(n−1)] + b),
    y(n) = f(W^out x(n) + b^out), one sample at a time."""
    sigma = np.tanh
    W, W_in = rnn.weight_hidden.data.T, rnn.weight_input.data.T
    b = rnn.bias.data if rnn.bias is not None else 0.0
    outputs, states = [], []
    for sample in range(len(u)):
        x, y = x0[sample], None if y0 is None else y0[sample]
        ys = []
        for n in range(u.shape[1]):
            potential = W @ x + W_in @ u[sample, n] + b
            if rnn.feedback:
                potential = potential + rnn.weight_feedback.data.T @ y
            x = sigma(potential)
            y = rnn.weight_output.data.T @ x
            if rnn.bias_output is not None:
                y = y + rnn.bias_output.data
            y = 1 / (1 + np.exp(-y))  # f = logistic in these tests
            ys.append(y)
        outputs.append(ys)
        states.append((x, y))
    return np.array(outputs), states


@pytest.mark.parametrize("feedback", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_rnn_matches_numpy_equations(feedback, bias):
    rnn = nl.RNN(3, 5, output_size=2, output_activation="sigmoid", feedback=feedback,
                 bias=bias, random_state=1)
    for p in rnn.parameters():  # non-zero biases too
        p.data[...] = np.random.default_rng(p.size).normal(scale=0.7, size=p.shape)
    u = sequences(4, 6, 3)
    rng = np.random.default_rng(2)
    x0, y0 = rng.normal(size=(4, 5)), rng.uniform(size=(4, 2))
    expected, states = numpy_rnn(rnn, u, x0, y0 if feedback else None)
    out, final = rnn(u, state=(x0, y0) if feedback else x0, return_state=True)
    np.testing.assert_allclose(out.data, expected, **TOL)
    x_final = final[0] if feedback else final
    np.testing.assert_allclose(x_final.data, [s[0] for s in states], **TOL)
    if feedback:
        np.testing.assert_allclose(final[1].data, [s[1] for s in states], **TOL)
        # the feedback really enters: other y(0) give other outputs
        assert not np.allclose(rnn(u, state=(x0, 1 - y0)).data, out.data)


def test_free_run_is_the_rnn_update_equation():
    """Without input and bias the state follows h(n+1) = σ(W h(n)); it decays to 0 when the
    largest singular value of W is below 1 (|tanh a| ≤ |a| makes the map a contraction)."""
    rng = np.random.default_rng(3)
    rnn = nl.RNN(1, 6, bias=False, random_state=0)
    W = rng.normal(size=(6, 6))
    W *= 0.9 / np.linalg.norm(W, 2)
    rnn.weight_hidden.data[...] = W.T
    h0 = rng.normal(size=(1, 6))
    states = rnn(np.zeros((1, 40, 1)), state=h0).data[0]
    h = h0[0]
    for n in range(40):
        h = np.tanh(W @ h)
        np.testing.assert_allclose(states[n], h, **TOL)
    norms = np.linalg.norm(states, axis=1)
    assert np.all(np.diff(norms) < 0) and norms[-1] < 0.9**40 * np.linalg.norm(h0)


def test_unrolled_rnn_is_the_recursive_definition():
    """x(3) written out as the seed's nested formula, from x(0)."""
    rnn = nl.RNN(2, 3, bias=False, random_state=4)
    u = sequences(1, 3, 2, seed=5)
    x0 = np.random.default_rng(6).normal(size=(1, 3))
    W, W_in, s = rnn.weight_hidden.data.T, rnn.weight_input.data.T, np.tanh
    u1, u2, u3 = u[0]
    nested = s(W @ s(W @ s(W @ x0[0] + W_in @ u1) + W_in @ u2) + W_in @ u3)
    np.testing.assert_allclose(rnn(u, state=x0).data[0, -1], nested, **TOL)


def torch_copy(rnn, nonlinearity):
    torch_rnn = torch.nn.RNN(rnn.n_in, rnn.n_hidden, nonlinearity=nonlinearity,
                             batch_first=True).double()
    with torch.no_grad():
        torch_rnn.weight_ih_l0.copy_(torch.tensor(rnn.weight_input.data.T))
        torch_rnn.weight_hh_l0.copy_(torch.tensor(rnn.weight_hidden.data.T))
        torch_rnn.bias_ih_l0.copy_(torch.tensor(rnn.bias.data))
        torch_rnn.bias_hh_l0.zero_()  # torch has two biases; their sum is the course's b
    return torch_rnn


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_matches_torch(nonlinearity):
    rnn = nl.RNN(3, 4, activation=nonlinearity, random_state=0)
    rnn.bias.data[...] = np.random.default_rng(1).normal(size=4)
    torch_rnn = torch_copy(rnn, nonlinearity)
    u, x0 = sequences(5, 7, 3), np.random.default_rng(2).normal(size=(5, 4))
    seed = np.random.default_rng(3).normal(size=(5, 7, 4))
    ours, theirs = nnlearn_run(rnn, u, [x0], seed), torch_rnn_run(torch_rnn, u, [x0], seed)
    assert_runs_match(ours, theirs)
    grads = theirs["params"]
    np.testing.assert_allclose(ours["params"]["weight_input"], grads["weight_ih_l0"].T, **TOL)
    np.testing.assert_allclose(ours["params"]["weight_hidden"], grads["weight_hh_l0"].T, **TOL)
    np.testing.assert_allclose(ours["params"]["bias"], grads["bias_ih_l0"], **TOL)
    np.testing.assert_allclose(ours["params"]["bias"], grads["bias_hh_l0"], **TOL)


def test_bptt_is_the_delta_recursion_through_time():
    """The engine's gradients equal BPTT written out in NumPy for L = Σ_n ½‖y(n) − t(n)‖²:
    δ(n) = W^outᵀ (y(n) − t(n)) + Wᵀ (σ'(a(n+1)) ⊙ δ(n+1)),
    ∂L/∂W = Σ_n (σ'(a(n)) ⊙ δ(n)) x(n−1)ᵀ."""
    rnn = nl.RNN(3, 4, output_size=2, random_state=0)
    for p in rnn.parameters():
        p.data[...] = np.random.default_rng(p.size).normal(scale=0.5, size=p.shape)
    u, target = sequences(1, 8, 3, seed=1)[0], sequences(1, 8, 2, seed=2)[0]
    W, W_in, W_out = rnn.weight_hidden.data.T, rnn.weight_input.data.T, rnn.weight_output.data.T
    b, b_out = rnn.bias.data, rnn.bias_output.data
    xs, potentials = [np.zeros(4)], []
    for n in range(8):
        potentials.append(W @ xs[-1] + W_in @ u[n] + b)
        xs.append(np.tanh(potentials[-1]))
    errors = [W_out @ x + b_out - t for x, t in zip(xs[1:], target, strict=True)]
    grads = {name: np.zeros_like(m) for name, m in (("W", W), ("W_in", W_in), ("b", b),
                                                    ("W_out", W_out), ("b_out", b_out))}
    back = np.zeros(4)  # Wᵀ (σ'(a(n+1)) ⊙ δ(n+1)), zero after the last step
    for n in reversed(range(8)):
        delta = W_out.T @ errors[n] + back
        local = (1 - np.tanh(potentials[n]) ** 2) * delta  # σ'(a(n)) ⊙ δ(n)
        grads["W"] += np.outer(local, xs[n])
        grads["W_in"] += np.outer(local, u[n])
        grads["b"] += local
        grads["W_out"] += np.outer(errors[n], xs[n + 1])
        grads["b_out"] += errors[n]
        back = W.T @ local
    (0.5 * ((rnn(u[None])[0] - target) ** 2).sum()).backward()
    for ours, name in ((rnn.weight_hidden.grad.T, "W"), (rnn.weight_input.grad.T, "W_in"),
                       (rnn.bias.grad, "b"), (rnn.weight_output.grad.T, "W_out"),
                       (rnn.bias_output.grad, "b_out")):
        np.testing.assert_allclose(ours, grads[name], **TOL, err_msg=name)


@pytest.mark.parametrize("feedback", [False, True])
def test_bptt_gradients_match_finite_differences(feedback):
    rnn = nl.RNN(2, 3, output_size=2, output_activation="tanh", feedback=feedback,
                 random_state=7)
    for p in rnn.parameters():
        p.data[...] = np.random.default_rng(p.size + 10).normal(scale=0.5, size=p.shape)
    u = sequences(2, 6, 2, seed=8)
    seed = np.random.default_rng(9).normal(size=(2, 6, 2))
    assert_gradients_match_finite_differences(rnn, u, seed)


def test_long_unroll_backpropagates_and_matches_torch():
    """2,000 steps: no RecursionError, and the BPTT gradients are PyTorch's."""
    rnn = nl.RNN(1, 4, random_state=0)
    torch_rnn = torch_copy(rnn, "tanh")
    u, x0 = sequences(2, 2000, 1, seed=1), np.zeros((2, 4))
    seed = np.zeros((2, 2000, 4))
    seed[:, -1] = 1.0  # only the last output: gradients travel back through every step
    ours, theirs = nnlearn_run(rnn, u, [x0], seed), torch_rnn_run(torch_rnn, u, [x0], seed)
    assert_runs_match(ours, theirs)
    np.testing.assert_allclose(ours["params"]["weight_hidden"], theirs["params"]["weight_hh_l0"].T,
                               **TOL)


def test_truncated_bptt_stops_gradients_every_k_steps():
    """With truncate=k the gradient of a late output is the one of the last chunk alone,
    started from the (constant) state the earlier chunks reached."""
    u, k = sequences(3, 10, 2, seed=11), 4
    full = nl.RNN(2, 3, output_size=1, random_state=12)
    truncated = nl.RNN(2, 3, output_size=1, truncate=k, random_state=12)
    np.testing.assert_allclose(truncated(u).data, full(u).data, **TOL)  # same forward pass
    truncated(u)[:, -1].sum().backward()
    _, state = full(u[:, :8], return_state=True)  # the last chunk starts at step 8
    full(u[:, 8:], state=state.data)[:, -1].sum().backward()
    for (name, p), q in zip(truncated.named_parameters(), full.parameters(), strict=True):
        np.testing.assert_allclose(p.grad, q.grad, **TOL, err_msg=name)
    untruncated = nl.RNN(2, 3, output_size=1, random_state=12)
    untruncated(u)[:, -1].sum().backward()  # full BPTT reaches further back: other gradients
    assert not np.allclose(untruncated.weight_hidden.grad, truncated.weight_hidden.grad)


def test_float32_runs_in_float32():
    rnn = nl.RNN(2, 3, output_size=1, random_state=0)
    u = sequences(2, 5, 2)
    expected = rnn(u).data
    rnn.astype(np.float32)
    out = rnn(u.astype(np.float32))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("make", "call", "message"),
    [
        (lambda: nl.RNN(2, 3), lambda r: r(np.zeros(4)), "expected \\(n_samples, n_steps"),
        (lambda: nl.RNN(2, 3), lambda r: r(np.zeros((4, 5, 3))), "input_size 2"),
        (lambda: nl.RNN(2, 3), lambda r: r(np.zeros((4, 0, 2))), "at least one step"),
        (lambda: nl.RNN(2, 3), lambda r: r(np.zeros((4, 5, 2)), state=np.zeros((4, 2))),
         "initial state"),
        (lambda: nl.RNN(2, 3, 1, feedback=True), lambda r: r(np.zeros((4, 5, 2)),
                                                            state=np.zeros((4, 3))), "x and y"),
        (lambda: nl.RNN(2, 3, feedback=True), None, "needs output_size"),
        (lambda: nl.RNN(0, 3), None, "input_size must be a positive integer, got 0"),
        (lambda: nl.RNN(2, 3, truncate=0), None, "truncate must be a positive integer, got 0"),
    ],
)
def test_bad_input_gets_a_clear_error(make, call, message):
    with pytest.raises(ValueError, match=message):
        layer = make()
        call(layer)


def test_repr_and_state_dict_round_trip():
    rnn = nl.RNN(2, 3, output_size=1, feedback=True, random_state=0)
    assert repr(rnn) == "RNN(2 → 3 → 1, activation='tanh', feedback=True)"
    names = [name for name, _ in rnn.named_parameters()]
    assert names == ["weight_input", "weight_hidden", "bias", "weight_feedback",
                     "weight_output", "bias_output"]
    other = nl.RNN(2, 3, output_size=1, feedback=True, random_state=1)
    u = sequences(2, 4, 2)
    assert not np.allclose(other(u).data, rnn(u).data)
    other.load_state_dict(rnn.state_dict())
    np.testing.assert_array_equal(other(u).data, rnn(u).data)


@pytest.mark.parametrize("n_steps", [1, 2, 3, 4, 5, 10, 17])
def test_time_steps_slices_every_step_once_and_passes_gradients_back(n_steps):
    x = nl.tensor(sequences(2, n_steps, 3), requires_grad=True)
    steps = [x[:, n] for n in range(n_steps)]
    assert len(steps) == n_steps
    for n, u in enumerate(steps):
        np.testing.assert_array_equal(u.data, x.data[:, n])
    weights = np.random.default_rng(1).normal(size=(n_steps, 2, 3))
    sum((u * w).sum() for u, w in zip(steps, weights, strict=True)).backward()
    np.testing.assert_array_equal(x.grad, weights.transpose(1, 0, 2))
