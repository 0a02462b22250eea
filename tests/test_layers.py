"""Module mechanics: parameters, state, modes, dtype, initializers, errors."""

import numpy as np
import pytest

import nnlearn as nl
from nnlearn import init


def small_net():
    return nl.Sequential(
        nl.Dense(3, 4, activation="relu"), nl.BatchNorm(4), nl.Dropout(0.5, random_state=0),
        nl.Dense(4, 2),
    ).initialize(random_state=0)


def test_parameters_are_found_in_order_with_dotted_names():
    net = small_net()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.gamma", "1.beta", "3.weight", "3.bias"]
    assert net.n_parameters == 3 * 4 + 4 + 4 + 4 + 4 * 2 + 2
    assert net[0].weight.shape == (3, 4) and net[3].bias.shape == (2,)


def test_course_layout_of_weight_shapes():
    net = nl.Sequential(nl.Dense(2, 5), nl.Dense(5, 2), nl.Dense(2, 1))
    assert [l.weight.shape for l in net.layers] == [(2, 5), (5, 2), (2, 1)]
    assert [l.bias.shape for l in net.layers] == [(5,), (2,), (1,)]


def test_frozen_parameters_get_no_gradient_and_are_not_counted():
    layer = nl.Dense(2, 2, random_state=0)
    layer.bias.requires_grad = False
    layer(np.ones((3, 2))).sum().backward()
    assert layer.bias.grad is None and layer.weight.grad is not None
    assert layer.n_parameters == 4


def test_state_dict_round_trip_includes_buffers():
    net = small_net()
    net(np.random.default_rng(0).normal(size=(8, 3)))  # moves the running statistics
    state = net.state_dict()
    assert "1.running_mean" in state and not np.all(state["1.running_mean"] == 0)
    other = small_net().initialize(random_state=5)
    other.load_state_dict(state)
    for name, value in other.state_dict().items():
        np.testing.assert_array_equal(value, state[name])
    state["0.weight"][...] = 7  # a copy: the model is unchanged
    assert not np.any(net[0].weight.data == 7)


def test_load_state_dict_errors_name_the_key_and_change_nothing():
    net = small_net()
    before = net.state_dict()
    bad = dict(before, **{"3.weight": np.zeros((2, 4))})
    with pytest.raises(ValueError, match=r"'3.weight' has shape \(2, 4\), expected \(4, 2\)"):
        net.load_state_dict(bad)
    missing = {k: v for k, v in before.items() if k != "0.bias"}
    with pytest.raises(ValueError, match=r"missing keys \['0.bias'\]"):
        net.load_state_dict(missing)
    with pytest.raises(ValueError, match=r"unexpected keys \['extra'\]"):
        net.load_state_dict(dict(before, extra=np.zeros(1)))
    for name, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def test_train_and_eval_modes_reach_every_module():
    net = small_net().eval()
    assert not any(m.training for m in net.modules())
    x = np.random.default_rng(1).normal(size=(4, 3))
    np.testing.assert_array_equal(net(x).data, net(x).data)  # no dropout, running stats
    net.train()
    assert all(m.training for m in net.modules())


def test_astype_converts_parameters_buffers_and_inputs():
    net = small_net().astype(np.float32)
    assert {p.dtype for p in net.parameters()} == {np.dtype(np.float32)}
    assert net[1].running_var.dtype == np.float32
    assert net(np.ones((4, 3))).dtype == np.float32
    with pytest.raises(ValueError, match="float64 or float32"):
        net.astype(np.int32)


def test_repr_shows_the_architecture():
    text = small_net().summary()
    assert "(0): Dense(3 → 4, activation='relu')" in text
    assert "(1): BatchNorm(4" in text and "learnable parameters" in text


def test_initialize_is_seeded_and_dense_random_state_too():
    a, b = small_net(), small_net()
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)
    np.testing.assert_array_equal(nl.Dense(3, 3, random_state=4).weight.data,
                                  nl.Dense(3, 3, random_state=4).weight.data)
    assert not np.array_equal(nl.Dense(3, 3, random_state=4).weight.data,
                              nl.Dense(3, 3, random_state=5).weight.data)


@pytest.mark.parametrize("name", sorted(init.INITIALIZERS))
def test_every_initializer_round_trips_by_name_and_has_its_variance(name):
    rng = np.random.default_rng(0)
    fan_in, fan_out = 200, 300
    w = init.get(name)((fan_in, fan_out), fan_in, fan_out, rng)
    assert w.shape == (fan_in, fan_out)
    expected_var = {
        "normal": 0.01**2, "uniform": 0.05**2 / 3,
        "glorot_uniform": 2 / (fan_in + fan_out), "glorot_normal": 2 / (fan_in + fan_out),
        "he_uniform": 2 / fan_in, "he_normal": 2 / fan_in, "zeros": 0.0, "ones": 0.0,
    }[name]
    assert w.var() == pytest.approx(expected_var, rel=0.03, abs=1e-12)
    assert abs(w.mean() - (1.0 if name == "ones" else 0.0)) < 0.01 * np.sqrt(expected_var) + 1e-3
    assert nl.Dense(2, 2, init=name, random_state=0).weight.shape == (2, 2)
    for alias, target in init.INITIALIZERS.aliases().items():
        assert init.get(alias) is init.get(target)


def test_layer_errors_name_the_argument():
    with pytest.raises(ValueError, match="out_features must be a positive integer, got 0"):
        nl.Dense(2, 0)
    with pytest.raises(ValueError, match="unknown activation 'nope'"):
        nl.Dense(2, 2, activation="nope")
    with pytest.raises(ValueError, match="unknown initializer 'nope'"):
        nl.Dense(2, 2, init="nope")
    with pytest.raises(ValueError, match=r"Dense: input of shape \(4, 3\); expected 2 features"):
        nl.Dense(2, 2)(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\), got 1"):
        nl.Dropout(1)
    with pytest.raises(ValueError, match="at least 2 samples"):
        nl.BatchNorm(2)(np.ones((1, 2)))
    with pytest.raises(ValueError, match="expected the shape to be kept"):
        nl.Residual(nl.Dense(2, 3))(np.ones((1, 2)))
    with pytest.raises(TypeError, match="layer 1 is a int"):
        nl.Sequential(nl.Dense(2, 2), 3)
    with pytest.raises(TypeError, match="random_state must be"):
        nl.Dense(2, 2, random_state="seed")


def test_a_shared_parameter_is_counted_and_optimized_once():
    first = nl.Dense(3, 3, random_state=0)
    second = nl.Dense(3, 3, random_state=1)
    second.weight = first.weight  # weight sharing
    net = nl.Sequential(first, second)
    assert len(net.parameters()) == 3 and net.n_parameters == 9 + 3 + 3
    opt = nl.optim.SGD([*net.parameters(), first.weight], lr=0.1)
    assert opt.theta.size == 15
    opt.zero_grad()
    net(np.ones((2, 3))).sum().backward()
    assert np.shares_memory(first.weight.grad, opt.grad)


def test_relu_dense_layer_is_one_fused_node():
    """σ(xW + b) with ReLU is recorded as one node whose inputs are the parameters."""
    layer = nl.Dense(3, 2, activation="relu", random_state=0)
    out = layer(np.ones((4, 3)))
    assert [parent for parent, _ in out._edges] == [layer.weight, layer.bias]  # x needs none
    plain = nl.Dense(3, 2, activation="tanh", random_state=0)(np.ones((4, 3)))
    assert all(parent.requires_grad and parent._edges for parent, _ in plain._edges)
