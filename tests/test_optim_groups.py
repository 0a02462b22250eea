"""Parameter groups against torch.optim with the same groups, and optimizers that survive
pickle, deepcopy and joblib with their parameters."""

import copy
import io
import pickle

import joblib
import numpy as np
import pytest
import torch
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

import nnlearn as nl
from nnlearn.optim import ParamGroup, decay_groups

torch.set_num_threads(1)


def two_layer_problem(seed=0):
    """A 4-8-3 tanh network on both sides (PyTorch's copy of the same weights) and 40
    batches of 16 of 64 samples."""
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(64, 4)), rng.integers(0, 3, size=64)
    net = nl.Sequential(nl.Dense(4, 8, activation="tanh"), nl.Dense(8, 3)).initialize(seed)
    torch_net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(),
                                    torch.nn.Linear(8, 3)).double()
    with torch.no_grad():
        for ours, theirs in ((net[0], torch_net[0]), (net[1], torch_net[2])):
            theirs.weight.copy_(torch.tensor(ours.weight.data.T))
            theirs.bias.copy_(torch.tensor(ours.bias.data))
    batches = [rng.choice(64, size=16, replace=False) for _ in range(40)]
    return X, y, net, torch_net, batches


def torch_groups(torch_net, weights, biases):
    """The same two groups on PyTorch's side: its weight matrices, then its biases."""
    layers = (torch_net[0], torch_net[2])
    return [{"params": [layer.weight for layer in layers], **weights},
            {"params": [layer.bias for layer in layers], **biases}]


def run_both(make_ours, make_theirs, weights, biases, adjust=None):
    """Train both with the groups ``weights`` and ``biases``; the largest parameter gap.

    ``weights`` and ``biases`` are nnlearn's group values; PyTorch's weight_decay is 2λ.
    ``adjust(step, groups)``, if given, changes group values between steps on both sides.
    """
    X, y, net, torch_net, batches = two_layer_problem()
    ours = make_ours([{"params": [net[0].weight, net[1].weight], **weights},
                      {"params": [net[0].bias, net[1].bias], **biases}])

    def torch_values(values):
        return {k: 2 * v if k == "weight_decay" else v for k, v in values.items()}

    theirs = make_theirs(torch_groups(torch_net, torch_values(weights), torch_values(biases)))
    for step, index in enumerate(batches):
        if adjust is not None:
            adjust(step, ours.param_groups)
            adjust(step, theirs.param_groups)
        ours.zero_grad()
        nl.losses.cross_entropy(net(X[index]), y[index]).backward()
        ours.step()
        theirs.zero_grad()
        torch.nn.functional.cross_entropy(torch_net(torch.tensor(X[index])),
                                          torch.tensor(y[index])).backward()
        theirs.step()
    pairs = [(net[0].weight.data, torch_net[0].weight.T), (net[0].bias.data, torch_net[0].bias),
             (net[1].weight.data, torch_net[2].weight.T), (net[1].bias.data, torch_net[2].bias)]
    return max(float(np.abs(a - b.detach().numpy()).max()) for a, b in pairs)


WEIGHTS = {"lr": 0.05, "weight_decay": 0.01}
BIASES = {"lr": 0.2, "weight_decay": 0.0}


@pytest.mark.parametrize(("ours", "theirs", "rule"), [
    (nl.optim.SGD, torch.optim.SGD, {}),
    (nl.optim.SGD, torch.optim.SGD, {"momentum": 0.9}),
    (nl.optim.SGD, torch.optim.SGD, {"momentum": 0.8, "nesterov": True}),
    (nl.optim.Adam, torch.optim.Adam, {"betas": (0.8, 0.99)}),
    (nl.optim.RMSProp, torch.optim.RMSprop, {"alpha": 0.9}),
    (nl.optim.Adagrad, torch.optim.Adagrad, {}),
], ids=["sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad"])
def test_param_groups_track_torch_optim_with_the_same_groups(ours, theirs, rule):
    gap = run_both(lambda groups: ours(groups, **rule), lambda groups: theirs(groups, **rule),
                   WEIGHTS, BIASES)
    assert gap < 1e-12


def test_group_values_changed_between_steps_as_a_torch_scheduler_does():
    def halve_every_ten(step, groups):
        if step and step % 10 == 0:
            for group in groups:
                group["lr"] = group["lr"] / 2

    gap = run_both(lambda g: nl.optim.SGD(g, momentum=0.9), lambda g: torch.optim.SGD(
        g, momentum=0.9), WEIGHTS, BIASES, adjust=halve_every_ten)
    assert gap < 1e-12


def test_groups_that_agree_are_one_group():
    """Groups whose values agree are updated in one pass: the same θ, bit for bit."""
    results = []
    for split in (False, True):
        X, y, net, _, batches = two_layer_problem()
        params = net.parameters()
        groups = ([{"params": params[:2]}, {"params": params[2:]}] if split else params)
        opt = nl.optim.Adam(groups, lr=0.01, weight_decay=1e-3)
        for index in batches:
            opt.zero_grad()
            nl.losses.cross_entropy(net(X[index]), y[index]).backward()
            opt.step()
        results.append(opt.theta.copy())
    np.testing.assert_array_equal(*results)


def test_decay_groups_leave_biases_and_scales_free():
    net = nl.Sequential(nl.Dense(3, 4), nl.BatchNorm(4), nl.PReLU(), nl.Dense(4, 2))
    groups = decay_groups(net, 0.1)
    names = {id(p): name for name, p in net.named_parameters()}
    assert [names[id(p)] for p in groups[0]["params"]] == ["0.weight", "3.weight"]
    assert sorted(names[id(p)] for p in groups[1]["params"]) == [
        "0.bias", "1.beta", "1.gamma", "2.alpha", "3.bias"]
    opt = nl.optim.SGD(groups, lr=0.1)
    assert [g["weight_decay"] for g in opt.param_groups] == [0.1, 0.0]
    before = {name: p.data.copy() for name, p in net.named_parameters()}
    opt.zero_grad()
    for p in net.parameters():
        p.grad = np.zeros_like(p.data)  # no data gradient: only the decay moves θ
    opt.step()
    for name, p in net.named_parameters():
        expected = before[name] * (1 - 0.1 * 2 * 0.1) if name.endswith("weight") else before[name]
        np.testing.assert_allclose(p.data, expected, rtol=1e-15)


def test_sgd_step_form_is_scikit_learns_sgd_under_a_changing_rate():
    """accumulate="step" (v ← μv − ηg) follows scikit-learn's SGDOptimizer when η changes
    between steps, where PyTorch's form (v ← μv + g) does not."""
    rng = np.random.default_rng(0)
    start, gradients = rng.normal(size=(3, 4)), rng.normal(size=(30, 3, 4))
    rates = [0.1 / (1 + t) ** 0.5 for t in range(30)]
    for nesterov in (False, True):
        sk_params = [start.copy()]
        theirs = SGDOptimizer(sk_params, 0.1, momentum=0.9, nesterov=nesterov)
        runs = {form: nl.Parameter(start) for form in ("step", "gradient")}
        opts = {form: nl.optim.SGD([w], lr=0.1, momentum=0.9, nesterov=nesterov,
                                   accumulate=form) for form, w in runs.items()}
        for g, lr in zip(gradients, rates, strict=True):
            theirs.learning_rate = lr
            theirs.update_params(sk_params, [g])
            for form, opt in opts.items():
                opt.param_groups[0]["lr"] = lr
                opt.zero_grad()
                runs[form].grad = g.copy()
                opt.step()
        np.testing.assert_allclose(runs["step"].data, sk_params[0], rtol=1e-13, atol=1e-15)
        assert np.abs(runs["gradient"].data - sk_params[0]).max() > 1e-3


def test_adam_eps_on_v_is_scikit_learns_adam():
    rng = np.random.default_rng(1)
    start = rng.normal(size=10)
    gradients = rng.normal(size=(25, 10)) * np.logspace(-9, 0, 10)  # some √v near ε
    sk_params = [start.copy()]
    theirs = AdamOptimizer(sk_params, 0.01, 0.9, 0.999, 1e-8)
    w = nl.Parameter(start)
    ours = nl.optim.Adam([w], lr=0.01, eps_on="v")
    torch_like = nl.optim.Adam([nl.Parameter(start)], lr=0.01)
    for g in gradients:
        theirs.update_params(sk_params, [g])
        for opt in (ours, torch_like):
            opt.zero_grad()
            opt.params[0].grad = g.copy()
            opt.step()
    np.testing.assert_allclose(w.data, sk_params[0], rtol=1e-13)
    assert np.abs(torch_like.theta - sk_params[0]).max() > 1e-6  # ε placed differently


@pytest.mark.parametrize(("change", "message"), [
    (lambda g: g.__setitem__("lr", -1.0), "lr of param group 0 must be a finite real number ≥ 0"),
    (lambda g: g.__setitem__("momentun", 0.9), "unknown hyperparameter 'momentun'"),
    (lambda g: g.update(momentum=0.0), "nesterov=True needs momentum > 0"),
    (lambda g: g.__setitem__("accumulate", "velocity"), "accumulate of param group 0 must be"),
])
def test_bad_group_values_are_refused_and_leave_the_group_as_it_was(change, message):
    opt = nl.optim.SGD([{"params": [nl.Parameter([1.0])]}, {"params": [nl.Parameter([2.0])]}],
                       lr=0.1, momentum=0.5, nesterov=True)
    group = opt.param_groups[0]
    before = dict(group)
    with pytest.raises(ValueError, match=message):
        change(group)
    assert dict(group) == before


@pytest.mark.parametrize(("params", "error", "message"), [
    ([{"lr": 0.1}], TypeError, "param group 0 has no 'params' entry"),
    ([{"params": [np.ones(2)]}], TypeError, "expected Parameters"),
    ("shared", ValueError, "a parameter is in param groups 0 and 1"),
    ([{"params": [nl.Parameter([1.0])], "betas": (0.9, 1.0)}], ValueError,
     r"betas\[1\] must be in \[0, 1\)"),
])
def test_bad_groups_are_clear_errors(params, error, message):
    if params == "shared":
        w = nl.Parameter([1.0])
        params = [{"params": [w]}, {"params": [w]}]
    with pytest.raises(error, match=message):
        nl.optim.Adam(params)


def test_lbfgs_decays_each_group_by_its_own_lambda():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 3)), rng.normal(size=30)
    layer = nl.Dense(3, 1, random_state=0)
    lam = 0.2
    opt = nl.optim.LBFGS(decay_groups(layer, lam), max_iter=200, tol=1e-10)
    nl.fit(layer, X, y, loss="mse", optimizer=opt, epochs=1)
    # min 1/N ‖Xw + b − y‖² + λ‖w‖²: the bias is free, so it centres the data
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    ridge = np.linalg.solve(Xc.T @ Xc / 30 + lam * np.eye(3), Xc.T @ yc / 30)
    np.testing.assert_allclose(layer.weight.data[:, 0], ridge, rtol=1e-6)
    np.testing.assert_allclose(layer.bias.data, y.mean() - X.mean(axis=0) @ ridge, rtol=1e-6)
    with pytest.raises(AttributeError, match="LBFGS has no learning rate"):
        opt.lr  # noqa: B018
    with pytest.raises(ValueError, match="unknown hyperparameter 'lr'"):
        nl.optim.LBFGS([{"params": layer.parameters(), "lr": 0.1}])


def joblib_round_trip(obj):
    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


@pytest.mark.parametrize("name", ["sgd", "adam", "rmsprop", "adagrad"])
@pytest.mark.parametrize("copier", [lambda o: pickle.loads(pickle.dumps(o)), copy.deepcopy,
                                    joblib_round_trip], ids=["pickle", "deepcopy", "joblib"])
def test_a_copied_optimizer_trains_its_copied_network_exactly_as_the_original(name, copier):
    X, y, net, _, batches = two_layer_problem()
    options = {"momentum": 0.9} if name == "sgd" else {}
    opt = nl.optim.OPTIMIZERS.get(name)(decay_groups(net, 1e-3), lr=0.01, **options)

    def train(net, opt, steps):
        for index in steps:
            opt.zero_grad()
            nl.losses.cross_entropy(net(X[index]), y[index]).backward()
            opt.step()

    train(net, opt, batches[:10])
    net_copy, opt_copy = copier((net, opt))
    for p in net_copy.parameters():
        assert np.shares_memory(p.data, opt_copy.theta)
        assert not np.shares_memory(p.data, opt.theta)
    assert opt_copy.theta.ctypes.data % 64 == 0
    train(net, opt, batches[10:])
    train(net_copy, opt_copy, batches[10:])
    np.testing.assert_array_equal(opt_copy.theta, opt.theta)
    for a, b in zip(net.parameters(), net_copy.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)


def test_param_group_pickles_with_its_checks():
    opt = nl.optim.Adam([nl.Parameter([1.0])], lr=0.1)
    group = pickle.loads(pickle.dumps(opt.param_groups[0]))
    assert isinstance(group, ParamGroup) and group["lr"] == 0.1
    with pytest.raises(ValueError, match="betas"):
        group["betas"] = (2.0, 0.5)
