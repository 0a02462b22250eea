"""The whole-sequence primitive (nnlearn.layers.sequence) against the unrolled graph:
the same values and gradients for every cell, direction and truncation; second
derivatives; float32; the compiled σ and tanh against NumPy; subnormals flushed."""

import numpy as np
import pytest
import torch
from recurrent_helpers import sequences

import nnlearn as nl
from nnlearn.compiled import compiled
from nnlearn.layers.gate_math import (
    MOST_HALVINGS,
    MOST_HALVINGS_SINGLE,
    power_of_half,
    sigmoid,
    tanh,
)
from nnlearn.layers.kernel_tools import transpose_into
from nnlearn.subnormals import flushed

CELLS = {
    **{f"rnn_{name}": (lambda name=name, **kw: nl.RNN(3, 4, activation=name, **kw))
       for name in ("tanh", "relu", "sigmoid", "identity")},
    "lstm": lambda **kw: nl.LSTM(3, 4, **kw),
    "lstm_course": lambda **kw: nl.LSTM(3, 4, variant="course", **kw),
}


def randomized(layer, seed=0):
    rng = np.random.default_rng(seed)
    for p in layer.parameters():
        p.data[...] = rng.normal(scale=0.5, size=p.shape)
    return layer


def unrolled(layer):
    """The same layer, forced onto the op-by-op graph."""
    layer.cell = lambda: None
    return layer


def run(layer, u, state, seed):
    """Outputs, final state and every gradient (input, state, parameters)."""
    ut = nl.tensor(u, requires_grad=True)
    parts = [nl.tensor(s, requires_grad=True) for s in state]
    out, final = layer(ut, tuple(parts) if len(parts) > 1 else parts[0], return_state=True)
    final = final if isinstance(final, tuple) else (final,)
    loss = (out * seed).sum() + sum((f * f).sum() for f in final)
    for p in layer.parameters():
        p.grad = None
    loss.backward()
    return [out.data, *(f.data for f in final), ut.grad, *(p.grad for p in parts),
            *(p.grad for p in layer.parameters())]


@pytest.mark.parametrize("truncate", [None, 3])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("name", sorted(CELLS))
def test_fused_sequence_equals_the_unrolled_graph(name, bidirectional, truncate):
    make = CELLS[name]
    options = {"bidirectional": bidirectional, "truncate": truncate, "num_layers": 2}
    fused = randomized(make(**options))
    slow = unrolled(randomized(make(**options)))
    assert fused.cell() is not None
    u = sequences(3, 8, 3)
    cells = 4 if bidirectional else 2
    rng = np.random.default_rng(5)
    state = [rng.normal(size=(cells, 3, 4)) for _ in fused.state_names]
    seed = rng.normal(size=(3, 8, fused.out_features))
    for a, b in zip(run(fused, u, state, seed), run(slow, u, state, seed), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["rnn_tanh", "lstm"])
def test_second_derivatives_go_through_the_unrolled_steps(name):
    """With create_graph the primitive's rule returns recorded gradients: Hessian-vector
    products equal those of the unrolled graph and central differences of the gradient."""
    fused, slow = randomized(CELLS[name](random_state=0)), unrolled(randomized(CELLS[name]()))
    u = sequences(2, 5, 3, seed=1)
    direction = np.random.default_rng(2).normal(size=fused.weight_hidden.shape)

    def gradient_along(layer, eps=0.0, create_graph=False):
        w = layer.weight_hidden
        w.data[...] += eps * direction
        loss = (layer(u) ** 2).sum()
        (grad,) = nl.gradients(loss, [w], create_graph=create_graph)
        w.data[...] -= eps * direction
        return grad

    hvps = []
    for layer in (fused, slow):
        grad = gradient_along(layer, create_graph=True)
        (hvp,) = nl.gradients((grad * direction).sum(), [layer.weight_hidden])
        hvps.append(hvp.data)
    np.testing.assert_allclose(hvps[0], hvps[1], rtol=1e-11, atol=1e-11)
    eps = 1e-5
    numeric = (gradient_along(fused, eps).data - gradient_along(fused, -eps).data) / (2 * eps)
    np.testing.assert_allclose(hvps[0], numeric, rtol=1e-6, atol=1e-7)


def test_a_state_given_twice_gets_both_shares():
    fused, slow = randomized(nl.LSTM(3, 4)), unrolled(randomized(nl.LSTM(3, 4)))
    u, s0 = sequences(2, 4, 3), np.random.default_rng(3).normal(size=(2, 4))
    grads = []
    for layer in (fused, slow):
        s = nl.tensor(s0, requires_grad=True)
        layer(u, state=(s, s)).sum().backward()
        grads.append(s.grad)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["rnn_tanh", "lstm"])
def test_an_empty_batch_gives_empty_outputs_and_zero_gradients(name):
    layer = CELLS[name](bidirectional=True, random_state=0)
    x = nl.tensor(np.zeros((0, 5, 3)), requires_grad=True)
    out = layer(x)
    (out * out).sum().backward()
    assert out.shape == (0, 5, 8) and x.grad.shape == (0, 5, 3)
    assert not layer.weight_hidden.grad.any()


@pytest.mark.parametrize("name", sorted(CELLS))
def test_a_nan_weight_shows_in_the_outputs_and_gradients(name):
    """NaN is never flushed or clipped away: a diverged weight is seen downstream."""
    layer = CELLS[name](random_state=0)
    layer.weight_hidden.data[0, 0] = np.nan
    out = layer(sequences(2, 4, 3))
    out.sum().backward()
    assert np.isnan(out.data[:, 1:]).any() and np.isnan(layer.weight_input.grad).any()


def test_without_recording_nothing_is_kept():
    lstm = nl.LSTM(3, 4, random_state=0)
    with nl.no_grad():
        out = lstm(sequences(2, 5, 3))
    assert not out.requires_grad and out.is_leaf


@pytest.mark.parametrize("shape", [(1024, 32), (32, 1024), (7, 3), (1, 5), (0, 4)])
@pytest.mark.parametrize("strided", [False, True])
def test_transpose_into_either_walk_gives_the_transpose(shape, strided):
    """Both walks of kernel_tools.transpose_into (chosen by the row strides), into a
    contiguous target and into a block of a wider one."""
    source = np.random.default_rng(0).normal(size=shape[::-1]).astype(np.float32)
    wide = np.full((shape[0], shape[1] + 3 * strided), np.nan, np.float32)
    target = wide[:, : shape[1]]
    transpose_into(target, source)
    np.testing.assert_array_equal(target, source.T)
    assert np.isnan(wide[:, shape[1] :]).all()


@pytest.mark.parametrize("name", sorted(CELLS))
def test_the_kernels_get_a_c_contiguous_stacked_weight(name):
    """Their per-step np.dot takes a slower BLAS path for a Fortran-ordered W."""
    layer = CELLS[name](bidirectional=True, random_state=0)
    layouts = []

    def watched(cell):
        forward = cell.forward
        cell.forward = lambda inputs, weight, initial: (
            layouts.append(weight.flags.c_contiguous) or forward(inputs, weight, initial))
        return cell

    make_cell = layer.cell
    layer.cell = lambda: watched(make_cell())
    layer(sequences(2, 5, 3))
    assert layouts == [True, True]


@pytest.mark.parametrize("name", sorted(CELLS))
def test_float32_runs_in_float32_and_matches_float64(name):
    layer = randomized(CELLS[name](num_layers=2, bidirectional=True, random_state=0))
    u = sequences(4, 30, 3)
    expected = layer(u).data
    single = layer.astype(np.float32)
    x = nl.tensor(u.astype(np.float32), requires_grad=True)
    out = single(x)
    out.sum().backward()
    assert out.dtype == x.grad.dtype == single.weight_hidden.grad.dtype == np.float32
    np.testing.assert_allclose(out.data, expected, rtol=2e-5, atol=2e-5)


def test_an_activation_without_compiled_loops_runs_unrolled():
    """ELU has no kernel: the layer unrolls and still matches the course's equations."""
    rnn = randomized(nl.RNN(3, 4, activation="elu", random_state=0))
    assert rnn.cell() is None
    u = sequences(1, 5, 3)[0]
    x = np.zeros(4)
    W_in, W, b = rnn.weight_input.data.T, rnn.weight_hidden.data.T, rnn.bias.data
    for n in range(5):
        a = W @ x + W_in @ u[n] + b
        x = np.where(a >= 0, a, np.expm1(a))
    np.testing.assert_allclose(rnn(u).data[-1], x, rtol=1e-12)


@compiled
def _apply(kind, x, out):
    for i in range(x.size):
        out[i] = sigmoid(x[i]) if kind == 0 else tanh(x[i])


@compiled
def _powers_of_half(like, out):
    for n in range(out.size):
        out[n] = power_of_half(np.int32(n), like)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_power_of_half_is_exact_down_to_the_subnormals(dtype):
    """2^−n made from exponent bits: every n up to the type's last (where it rounds to 0)."""
    last = MOST_HALVINGS if dtype == np.float64 else MOST_HALVINGS_SINGLE
    out = np.full(last + 1, np.nan, dtype)
    _powers_of_half(dtype(1), out)
    expected = np.ldexp(dtype(1), -np.arange(last + 1)).astype(dtype)
    np.testing.assert_array_equal(out, expected)
    assert out[-1] == 0 < out[-2] < np.finfo(dtype).tiny


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_compiled_sigmoid_and_tanh_match_numpy_to_the_last_places(dtype):
    x = np.concatenate([np.linspace(-50, 50, 20001), np.geomspace(1e-30, 800, 3000),
                        -np.geomspace(1e-30, 800, 3000), [0.0, 744.0, -744.0]]).astype(dtype)
    x = np.concatenate([x, [np.finfo(dtype).max, np.finfo(dtype).min]]).astype(dtype)
    out = np.empty_like(x)
    eps = np.finfo(dtype).eps
    for kind, reference in ((0, torch.sigmoid), (1, torch.tanh)):
        _apply(kind, x, out)
        expected = reference(torch.from_numpy(x.astype(np.float64))).numpy().astype(dtype)
        normal = np.abs(expected) >= np.finfo(dtype).tiny
        relative = np.abs(out - expected)[normal] / np.abs(expected)[normal]
        assert relative.max() <= 4 * eps
        assert np.all(np.abs(out - expected)[~normal] <= np.finfo(dtype).tiny)
    special = np.array([np.nan, np.inf, -np.inf], dtype)
    _apply(0, special, out[:3])
    np.testing.assert_array_equal(out[:3], [np.nan, 1, 0])
    _apply(1, special, out[:3])
    np.testing.assert_array_equal(out[:3], [np.nan, 1, -1])


@compiled
def _flush(x, tiny, out):
    for i in range(x.size):
        out[i] = flushed(x[i], tiny)


def test_subnormals_are_flushed_and_nan_is_kept():
    tiny = np.finfo(np.float32).tiny
    x = np.array([tiny, tiny / 2, -tiny / 4, 1.0, np.nan, -np.inf], np.float32)
    out = np.empty_like(x)
    _flush(x, tiny, out)
    np.testing.assert_array_equal(out, [tiny, 0, 0, 1, np.nan, -np.inf])


@pytest.mark.parametrize("n_steps", [100, 140])
def test_errors_fading_below_the_normal_range_are_flushed(n_steps):
    """A forget gate of exactly 1/2 and nothing else: ∂c(n)/∂c(0) = 2^−n. At 100 steps that
    is a normal float32, at 140 a subnormal one, which the compiled loops flush to zero
    (the unrolled graph, plain NumPy, keeps it)."""
    lstm = nl.LSTM(1, 1, random_state=0).astype(np.float32)
    for p in lstm.parameters():
        p.data[...] = 0
    lstm.bias.data[0] = -30  # the input gate shut; the forget gate σ(0) = 1/2
    grads = []
    for layer in (lstm, unrolled(lstm.__class__(1, 1).astype(np.float32))):
        layer.load_state_dict(lstm.state_dict())
        c0 = nl.tensor(np.ones((1, 1), np.float32), requires_grad=True)
        _, (_, c) = layer(np.zeros((1, n_steps, 1), np.float32),
                          state=(np.zeros((1, 1), np.float32), c0), return_state=True)
        c.sum().backward()
        grads.append(c0.grad.item())
    if n_steps == 100:
        assert grads == [2.0**-100, 2.0**-100]
    else:
        assert grads[0] == 0 and 0 < grads[1] < np.finfo(np.float32).tiny


def test_graphs_alive_at_once_keep_their_own_work_arrays():
    """Work arrays are reused only once free: two forward passes before their backward
    passes give each its own gradients (those of one pass after the other)."""
    lstm = randomized(nl.LSTM(3, 4, random_state=0))
    u1, u2 = sequences(2, 6, 3, seed=1), sequences(2, 6, 3, seed=2)
    expected = []
    for u in (u1, u2):
        for p in lstm.parameters():
            p.grad = None
        (lstm(u) ** 2).sum().backward()
        expected.append(lstm.weight_hidden.grad.copy())
    first, second = (lstm(u1) ** 2).sum(), (lstm(u2) ** 2).sum()  # both graphs alive
    for loss, want in ((second, expected[1]), (first, expected[0])):
        for p in lstm.parameters():
            p.grad = None
        loss.backward()
        np.testing.assert_allclose(lstm.weight_hidden.grad, want, rtol=1e-13, atol=1e-13)


def test_layers_trained_in_threads_equal_serial_training():
    """No state is shared between threads: N fits in N threads equal N fits in a row."""
    import threading

    def train(seed, results):
        net = nl.LSTM(3, 4, output_size=1, random_state=seed)
        x, y = sequences(16, 12, 3, seed=seed), sequences(16, 12, 1, seed=seed + 10)
        nl.fit(net, x, y, loss="mse", optimizer="adam", lr=0.01, epochs=3, batch_size=4,
               random_state=0, progress=False)
        results[seed] = net.weight_hidden.data.copy()

    serial, threaded = {}, {}
    for seed in range(3):
        train(seed, serial)
    threads = [threading.Thread(target=train, args=(seed, threaded)) for seed in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for seed in range(3):
        np.testing.assert_array_equal(threaded[seed], serial[seed])
