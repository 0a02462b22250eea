"""Optimizers: the course's update rules, PyTorch trajectories, scikit-learn's L-BFGS."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

import nnlearn as nl
from nnlearn.optim import schedules, updates

torch.set_num_threads(1)  # tiny problems: threads only cost time on a shared machine


def quadratic_step(opt, w):
    opt.zero_grad()
    (w * w).sum().backward()  # ∇ = 2w
    opt.step()


def test_sgd_is_the_course_update():
    w = nl.Parameter([1.0, -2.0, 0.5])
    opt = nl.optim.SGD([w], lr=0.1)
    theta = w.data.copy()
    for _ in range(3):
        quadratic_step(opt, w)
        theta = theta - 0.1 * (2 * theta)  # θ ← θ − μ ∇R(θ)
        np.testing.assert_allclose(w.data, theta, rtol=1e-15)


def test_weight_decay_is_the_course_rule():
    w = nl.Parameter([1.0, -2.0])
    opt = nl.optim.SGD([w], lr=0.1, weight_decay=0.3)
    quadratic_step(opt, w)
    theta = np.array([1.0, -2.0])
    np.testing.assert_allclose(w.data, theta - 0.1 * (2 * theta + 2 * 0.3 * theta), rtol=1e-15)


def test_weight_decay_converges_to_ridge_regression():
    """Minimizing 1/N ‖Xw − y‖² + λ‖w‖² has the closed form w = (XᵀX/N + λI)⁻¹ Xᵀy/N."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 3)), rng.normal(size=50)
    lam = 0.3
    layer = nl.Dense(3, 1, bias=False, random_state=0)
    opt = nl.optim.SGD(layer.parameters(), lr=0.1, momentum=0.5, weight_decay=lam)
    nl.fit(layer, X, y, loss="mse", optimizer=opt, epochs=500, batch_size=None)
    ridge = np.linalg.solve(X.T @ X / 50 + lam * np.eye(3), X.T @ y / 50)
    np.testing.assert_allclose(layer.weight.data[:, 0], ridge, rtol=1e-9)


def test_parameters_and_gradients_are_views_of_the_flat_buffers():
    net = nl.Sequential(nl.Dense(2, 3), nl.Dense(3, 1)).initialize(0)
    opt = nl.optim.Adam(net.parameters())
    assert opt.theta.size == net.n_parameters
    for p in net.parameters():
        assert np.shares_memory(p.data, opt.theta) and np.shares_memory(p.grad, opt.grad)
    opt.zero_grad()
    net(np.ones((4, 2))).sum().backward()
    assert np.any(opt.grad != 0)
    net.astype(np.float32)
    net(np.ones((4, 2), np.float32)).sum().backward()  # a new gradient, not the old buffer
    assert all(p.grad.dtype == np.float32 for p in net.parameters())
    for stale in (opt.zero_grad, lambda: opt.grad, opt.step):
        with pytest.raises(RuntimeError, match="make the optimizer after converting"):
            stale()


def test_backward_writes_gradients_into_the_flat_buffer():
    """After zero_grad, backward computes each gradient in the optimizer's buffer."""
    net = nl.Sequential(nl.Dense(2, 3), nl.Dense(3, 1), nl.Dense(1, 1)).initialize(0)
    opt = nl.optim.SGD(net.parameters(), lr=0.1)
    x = np.random.default_rng(0).normal(size=(4, 2))
    opt.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net[1](net[0](x)).sum().backward()  # the last layer is not reached
    reached = net[0].parameters() + net[1].parameters()
    assert all(p.grad is p.grad_buffer for p in reached) and net[2].weight.grad is None
    flat = opt.grad  # reading the flat gradient counts unreached parameters as 0
    assert all(np.shares_memory(p.grad, flat) for p in reached)
    assert np.all(net[2].weight.grad == 0) and np.shares_memory(net[2].weight.grad, flat)
    first = [p.grad.copy() for p in reached]
    net[1](net[0](x)).sum().backward()  # without zero_grad, gradients add up
    for p, g in zip(reached, first, strict=True):
        np.testing.assert_allclose(p.grad, 2 * g, rtol=1e-15)
    net[2].bias.grad = np.array([5.0])  # a gradient set by hand is taken into the update
    before = net[2].bias.data.copy()
    opt.step()
    np.testing.assert_allclose(net[2].bias.data, before - 0.1 * 5.0, rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradients_of_one_sample_written_into_the_flat_buffer_match_torch(dtype):
    """Batch 1: a weight's gradient xᵀδ is an outer product (inner dimension 1), written
    into the flat buffer by another routine than a batch's; the same values as PyTorch's."""
    rng = np.random.default_rng(3)
    net = nl.Sequential(nl.Dense(7, 5, activation="relu"), nl.Dense(5, 3)).initialize(0)
    net.astype(dtype)
    opt = nl.optim.SGD(net.parameters(), lr=0.1)
    x, y = rng.normal(size=(1, 7)).astype(dtype), np.array([2])
    opt.zero_grad()
    nl.losses.cross_entropy(net(x), y).backward()
    w1, b1, w2, b2 = (torch.tensor(p.data.T.copy() if p.ndim == 2 else p.data,
                                   requires_grad=True) for p in net.parameters())
    hidden = torch.relu(torch.from_numpy(x) @ w1.T + b1)
    F_loss = torch.nn.functional.cross_entropy(hidden @ w2.T + b2, torch.from_numpy(y))
    F_loss.backward()
    tol = 1e-6 if dtype == np.float32 else 1e-14
    for p, q in zip(net.parameters(), (w1, b1, w2, b2), strict=True):
        assert p.grad is p.grad_buffer
        expected = q.grad.numpy()
        np.testing.assert_allclose(p.grad, expected.T if p.ndim == 2 else expected,
                                   rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ["sgd", "adagrad", "rmsprop", "adam"])
def test_step_keeps_the_previous_parameters_when_asked(name):
    w = nl.Parameter([1.0, -2.0, 0.5])
    opt = nl.optim.OPTIMIZERS.get(name)([w], lr=0.1)
    previous = np.empty(3)
    for _ in range(2):
        before = w.data.copy()
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step(previous=previous)
        np.testing.assert_array_equal(previous, before)
        assert np.all(w.data != before)


def test_flat_buffers_are_aligned_and_staggered():
    """θ, g, m and v start on a cache line and at distinct offsets modulo 4 KiB."""
    net = nl.Sequential(nl.Dense(30, 20), nl.Dense(20, 3)).astype(np.float32)
    opt = nl.optim.Adam(net.parameters())
    addresses = [a.ctypes.data for a in (opt.theta, opt.grad, opt.m, opt.v)]
    assert all(a % 64 == 0 for a in addresses)
    assert len({a % 4096 for a in addresses}) == 4
    assert opt.m.dtype == np.float32 and opt.m.shape == opt.theta.shape and not opt.m.any()


def test_flat_gradient_is_the_gradient_of_the_empirical_risk():
    """opt.grad = (∂R/∂θ_1, ..., ∂R/∂θ_L), checked by central differences on each θ_i."""
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(7, 2)), rng.normal(size=(7, 1))
    net = nl.Sequential(nl.Dense(2, 3, activation="tanh"), nl.Dense(3, 1)).initialize(2)
    opt = nl.optim.SGD(net.parameters(), lr=0.1)

    def risk():
        return float(nl.losses.empirical_risk(net, X, y).data)

    opt.zero_grad()
    nl.losses.empirical_risk(net, X, y).backward()
    h = 1e-6
    numeric = np.empty_like(opt.theta)
    for i in range(opt.theta.size):
        keep = opt.theta[i]
        opt.theta[i] = keep + h
        up = risk()
        opt.theta[i] = keep - h
        numeric[i] = (up - risk()) / (2 * h)
        opt.theta[i] = keep
    np.testing.assert_allclose(opt.grad, numeric, rtol=1e-6, atol=1e-9)


def tracking_problem(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(64, 4))
    y = rng.integers(0, 3, size=64)
    net = nl.Sequential(nl.Dense(4, 8, activation="tanh"), nl.Dense(8, 3)).initialize(seed)
    torch_net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    torch_net = torch_net.double()
    with torch.no_grad():
        for k, t in ((0, 0), (1, 2)):
            torch_net[t].weight.copy_(torch.tensor(net[k].weight.data.T))
            torch_net[t].bias.copy_(torch.tensor(net[k].bias.data))
    batches = [rng.choice(64, size=16, replace=False) for _ in range(50)]
    return X, y, net, torch_net, batches


def track(make_ours, make_torch, clip_value=None, clip_norm=None):
    """50 steps on both sides with the same batches; the largest loss and parameter gaps."""
    X, y, net, torch_net, batches = tracking_problem()
    ours, theirs = make_ours(net.parameters()), make_torch(torch_net.parameters())
    loss_gap = 0.0
    for index in batches:
        ours.zero_grad()
        loss = nl.losses.cross_entropy(net(X[index]), y[index])
        loss.backward()
        ours.step()
        theirs.zero_grad()
        torch_loss = torch.nn.functional.cross_entropy(torch_net(torch.tensor(X[index])),
                                                       torch.tensor(y[index]))
        torch_loss.backward()
        if clip_value is not None:
            torch.nn.utils.clip_grad_value_(torch_net.parameters(), clip_value)
        if clip_norm is not None:
            torch.nn.utils.clip_grad_norm_(torch_net.parameters(), clip_norm)
        theirs.step()
        loss_gap = max(loss_gap, abs(float(loss.data) - torch_loss.item()))
    pairs = [(net[0].weight.data, torch_net[0].weight.T), (net[0].bias.data, torch_net[0].bias),
             (net[1].weight.data, torch_net[2].weight.T), (net[1].bias.data, torch_net[2].bias)]
    param_gap = max(np.abs(ours - theirs.detach().numpy()).max() for ours, theirs in pairs)
    return loss_gap, param_gap, net


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_tracks_torch(nesterov):
    loss_gap, param_gap, _ = track(
        lambda p: nl.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=nesterov, weight_decay=0.01,
                               clip_norm=0.5),
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=nesterov, weight_decay=0.02),
        clip_norm=0.5,
    )
    assert loss_gap < 1e-8 and param_gap < 1e-8


@pytest.mark.parametrize("clip", [{"clip_norm": 0.3}, {"clip_value": 0.05}])
def test_adam_tracks_torch_with_decay_and_clipping(clip):
    loss_gap, param_gap, _ = track(
        lambda p: nl.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), weight_decay=0.005, **clip),
        lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), weight_decay=0.01),
        **clip,
    )
    assert loss_gap < 1e-8 and param_gap < 1e-8


def test_rmsprop_and_adagrad_track_torch():
    for ours, theirs in (
        (lambda p: nl.optim.RMSProp(p, lr=0.01, alpha=0.9),
         lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9)),
        (lambda p: nl.optim.Adagrad(p, lr=0.1), lambda p: torch.optim.Adagrad(p, lr=0.1)),
    ):
        loss_gap, param_gap, _ = track(ours, theirs)
        assert loss_gap < 1e-8 and param_gap < 1e-8


def test_adam_without_bias_correction_follows_the_raw_moments():
    w = nl.Parameter([1.0])
    opt = nl.optim.Adam([w], lr=0.1, betas=(0.9, 0.999), bias_correction=False)
    quadratic_step(opt, w)  # g = 2, m = 0.2, v = 0.004
    np.testing.assert_allclose(w.data, [1.0 - 0.1 * 0.2 / (np.sqrt(0.004) + 1e-8)], rtol=1e-14)


def test_clipping_matches_torch():
    g = np.random.default_rng(0).normal(size=20)
    t = torch.tensor(g.copy(), requires_grad=True)
    t.grad = torch.tensor(g.copy())
    torch.nn.utils.clip_grad_norm_([t], 0.7)
    ours = g.copy()
    updates.clip_by_norm(ours, 0.7)
    np.testing.assert_allclose(ours, t.grad.numpy(), rtol=1e-15)
    small = g * 1e-3
    updates.clip_by_norm(small, 0.7)
    np.testing.assert_array_equal(small, g * 1e-3)  # under the norm: unchanged
    by_value = g.copy()
    updates.clip_by_value(by_value, 0.5)
    np.testing.assert_array_equal(by_value, np.clip(g, -0.5, 0.5))


def test_schedules():
    assert schedules.Constant(0.1)(1000) == 0.1
    assert schedules.InverseScaling(0.1, power=0.5)(4) == pytest.approx(0.05)
    step = schedules.StepDecay(1.0, step_size=2, gamma=0.5)
    assert [step(t) for t in range(1, 6)] == [1.0, 1.0, 0.5, 0.5, 0.25]
    w = nl.Parameter([1.0])
    opt = nl.optim.SGD([w], lr=lambda t: 0.1 / t)
    seen = []
    for _ in range(3):
        seen.append(opt.lr)
        quadratic_step(opt, w)
    assert seen == pytest.approx([0.1, 0.05, 0.1 / 3])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: nl.optim.SGD(p, lr=-1), "lr must be a finite real number ≥ 0, got -1"),
        (lambda p: nl.optim.SGD(p, lr=np.inf), "lr must be a finite real number ≥ 0, got inf"),
        (lambda p: nl.optim.Adagrad(p, lr=np.nan), "lr must be a finite real number ≥ 0, got nan"),
        (lambda p: nl.optim.SGD(p, lr=0.1, momentum=-0.5), "momentum must be a finite real "
                                                            "number ≥ 0"),
        (lambda p: nl.optim.SGD(p, lr=0.1, nesterov=True), "nesterov=True needs momentum"),
        (lambda p: nl.optim.Adam(p, betas=(1.0, 0.999)), r"betas\[0\] must be in \[0, 1\)"),
        (lambda p: nl.optim.Adam(p, betas=(0.9, -0.1)), r"betas\[1\] must be in \[0, 1\)"),
        (lambda p: nl.optim.Adam(p, betas=(0.9, np.nan)), r"betas\[1\] must be a finite real"),
        (lambda p: nl.optim.Adam(p, eps=-1), "eps must be a finite real number ≥ 0"),
        (lambda p: nl.optim.Adam(p, eps=np.inf), "eps must be a finite real number ≥ 0, got inf"),
        (lambda p: nl.optim.Adam(p, weight_decay=-1), "weight_decay must be a finite real number"),
        (lambda p: nl.optim.Adam(p, clip_norm=0), "clip_norm must be a finite real number > 0"),
        (lambda p: nl.optim.RMSProp(p, alpha=1.5), r"alpha must be in \[0, 1\)"),
        (lambda p: nl.optim.LBFGS(p, tol=0), "tol must be a finite real number > 0"),
        (lambda p: nl.optim.SGD([], lr=0.1), "at least one parameter"),
    ],
)
def test_bad_hyperparameters_are_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make([nl.Parameter([1.0])])


def test_optimizers_reachable_by_name():
    for name in nl.optim.OPTIMIZERS:
        opt = nl.optim.OPTIMIZERS.get(name)([nl.Parameter([1.0, 2.0])])
        assert isinstance(opt, nl.optim.Optimizer)


def test_lbfgs_reaches_sklearns_final_loss():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(40, 2))
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1] ** 2 + 0.1 * rng.normal(size=40)
    net = nl.Sequential(nl.Dense(2, 3, activation="tanh"), nl.Dense(3, 1)).initialize(0)
    start = net.state_dict()
    sk = MLPRegressor(hidden_layer_sizes=(3,), activation="tanh", solver="lbfgs", alpha=0.0,
                      max_iter=1, tol=1e-6, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk.fit(X, y)  # sets up the estimator; its weights are replaced by ours below
        sk.coefs_ = [start["0.weight"].copy(), start["1.weight"].copy()]
        sk.intercepts_ = [start["0.bias"].copy(), start["1.bias"].copy()]
        sk.set_params(warm_start=True, max_iter=2000)
        sk.fit(X, y)
    history = nl.fit(net, X, y, loss="half_squared_error",
                     optimizer=nl.optim.LBFGS(net.parameters(), max_iter=2000, tol=1e-6),
                     epochs=1)
    sk_loss = 0.5 * np.mean((sk.predict(X) - y) ** 2)  # scikit-learn's squared_error / 2
    ours = history["loss"][-1]
    assert ours == pytest.approx(0.5 * np.mean((net(X).data[:, 0] - y) ** 2), rel=1e-9)
    # at least as low as scikit-learn's (1.9 stops its L-BFGS about 1.6% higher here)
    assert ours <= 1.01 * sk_loss
    assert ours < 0.1 * 0.5 * np.var(y)  # and it really learned


def decaying_state(dtype, decay, signed=True):
    """State values around the smallest normal number ``tiny`` of ``dtype`` (and normal
    and zero ones; all ≥ 0 unless ``signed``), with what one step of ``decay`` at zero
    gradient must leave of them: decay·s, or exactly 0 where that is below ``tiny``."""
    tiny = np.finfo(dtype).tiny
    sign = -1 if signed else 1
    start = np.array([tiny, sign * tiny, 1.001 * tiny / decay, sign * 1.001 * tiny / decay,
                      5 * tiny, tiny / 4, 1e-3, 0.0], dtype=dtype)
    decayed = decay * start.astype(np.float64)
    return start, np.where(np.abs(decayed) < tiny, 0.0, decayed)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_state_decaying_below_the_normal_range_is_flushed_to_zero(dtype):
    def check(state, want):
        assert state.dtype == dtype
        flushed = want == 0
        np.testing.assert_array_equal(state[flushed], 0.0)
        np.testing.assert_allclose(state[~flushed], want[~flushed], rtol=1e-6)
        assert flushed.sum() == 4  # tiny, −tiny, tiny/4 (already subnormal), and 0 itself

    theta, g = np.ones(8, dtype), np.zeros(8, dtype)
    m, want_m = decaying_state(dtype, 0.9)
    v, want_v = decaying_state(dtype, 0.999, signed=False)
    updates.adam(theta, g, m, v, step=5, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    check(m, want_m)
    check(v, want_v)
    for accumulate in ("gradient", "step"):
        velocity, want = decaying_state(dtype, 0.9)
        updates.sgd(theta, g, 0.1, velocity, momentum=0.9, accumulate=accumulate)
        check(velocity, want)
    square_avg, want = decaying_state(dtype, 0.99, signed=False)
    updates.rmsprop(theta, g, square_avg, lr=0.01, alpha=0.99, eps=1e-8)
    check(square_avg, want)


def test_adam_moments_of_a_parameter_without_gradient_end_at_zero():
    """A float32 parameter that never gets a gradient after its first step: its moments
    decay to exactly 0, never through the subnormal numbers."""
    w = nl.Parameter(np.ones(3, np.float32))
    opt = nl.optim.Adam([w], lr=1e-3, betas=(0.5, 0.6))
    tiny = np.finfo(np.float32).tiny
    for step in range(300):
        w.grad = np.full(3, 1.0 if step == 0 else 0.0, np.float32)
        opt.step()
        for state in (opt.m, opt.v):
            assert not np.any((state != 0) & (np.abs(state) < tiny))
    np.testing.assert_array_equal(opt.m, 0.0)
    np.testing.assert_array_equal(opt.v, 0.0)
