"""Losses: values and gradients against NumPy formulas, PyTorch and the course's example."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import assert_close

import nnlearn as nl
from nnlearn.losses import LOSSES

RNG = np.random.default_rng(11)
REDUCTIONS = ["mean", "sum", "none"]
LABELS = np.array([2, 0, 1, 2, 2])
LOGITS = RNG.standard_normal((5, 3))


def reduce(per_sample, reduction):
    return {"mean": np.mean, "sum": np.sum, "none": np.asarray}[reduction](per_sample)


def value_and_gradient(loss, prediction, target, reduction):
    """nnlearn's loss and ∂(Σ loss · cotangent)/∂prediction."""
    h = nl.tensor(prediction, requires_grad=True)
    out = loss(h, target, reduction=reduction)
    cotangent = np.linspace(0.5, 1.5, out.size).reshape(out.shape)
    out.backward(cotangent)
    return out.data, h.grad, cotangent


def torch_value_and_gradient(loss, prediction, target, reduction, cotangent):
    h = torch.tensor(prediction, requires_grad=True)
    out = loss(h, torch.as_tensor(target), reduction=reduction)
    out.backward(torch.as_tensor(cotangent))
    return out.detach().numpy(), h.grad.numpy()


# ----- the counting loss ---------------------------------------------------------------
def test_zero_one_counts_mistakes():
    prediction = np.array([0, 1, 1, 0, 2])
    target = np.array([0, 1, 0, 0, 1])
    loss = nl.losses.get("zero_one")
    assert float(loss(prediction, target, reduction="sum")) == 2
    assert float(loss(prediction, target)) == pytest.approx(2 / 5)
    np.testing.assert_array_equal(
        loss(prediction, target, reduction="none").data, prediction != target
    )
    # rows are samples: a row is wrong if any of its values is
    rows = np.eye(3)[[0, 1, 2, 1]]
    guesses = np.eye(3)[[0, 2, 2, 0]]
    assert float(nl.losses.get("counting")(guesses, rows, reduction="sum")) == 2


# ----- squared losses ------------------------------------------------------------------
H = RNG.standard_normal((6, 3))
Y = RNG.standard_normal((6, 3))
SQUARED = {
    "mse": lambda h, y: (h - y) ** 2,  # per value, as PyTorch's MSELoss
    "quadratic": lambda h, y: ((h - y) ** 2).sum(axis=1),  # ‖h(u) − y‖² per sample
    "half_squared_error": lambda h, y: 0.5 * ((y - h) ** 2).sum(axis=1),
}


def torch_reduce(per_sample, reduction):
    return {"mean": torch.mean, "sum": torch.sum, "none": lambda t: t}[reduction](per_sample)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", SQUARED)
def test_squared_losses_against_numpy(name, reduction):
    formula = SQUARED[name]  # NumPy's, and PyTorch autograd's for the gradient
    value, gradient, cotangent = value_and_gradient(LOSSES.get(name), H, Y, reduction)
    assert_close(value, reduce(formula(H, Y), reduction))
    _, expected_gradient = torch_value_and_gradient(
        lambda h, y, reduction: torch_reduce(formula(h, y), reduction), H, Y, reduction, cotangent
    )
    assert_close(gradient, expected_gradient)
    # one output per sample: the per-sample loss is that output's squared error
    half = 0.5 if name == "half_squared_error" else 1.0
    single = LOSSES.get(name)(H[:, 0], Y[:, 0], reduction="none").data
    assert_close(single, half * (H[:, 0] - Y[:, 0]) ** 2)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_matches_torch(reduction):
    ours = value_and_gradient(nl.losses.mse, H, Y, reduction)
    value, gradient = torch_value_and_gradient(F.mse_loss, H, Y, reduction, ours[2])
    assert_close(ours[0], value)
    assert_close(ours[1], gradient)


def test_half_squared_error_reproduces_the_backpropagation_example():
    # The lecture's worked example: inputs (0.05, 0.10), targets (0.01, 0.99), sigmoid
    # layers; W holds one column per neuron (w1, w3 | w2, w4 feed h1 | h2).
    x = nl.tensor([[0.05, 0.10]])
    w1 = nl.tensor([[0.15, 0.25], [0.20, 0.30]], requires_grad=True)
    w2 = nl.tensor([[0.40, 0.50], [0.45, 0.55]], requires_grad=True)
    hidden = nl.sigmoid(nl.linear(x, w1, [0.35, 0.35]))
    out = nl.sigmoid(nl.linear(hidden, w2, [0.60, 0.60]))
    np.testing.assert_allclose(out.data, [[0.75136507, 0.772928465]], atol=1e-9)
    error = nl.losses.get("half_sse")(out, [[0.01, 0.99]], reduction="sum")
    assert float(error) == pytest.approx(0.298371109, abs=1e-9)
    error.backward()
    assert w2.grad[0, 0] == pytest.approx(0.082167041, abs=1e-9)  # ∂E/∂w5
    assert w1.grad[0, 0] == pytest.approx(0.000438568, abs=1e-9)  # ∂E/∂w1
    updated_w2, updated_w1 = w2.data - 0.5 * w2.grad, w1.data - 0.5 * w1.grad
    np.testing.assert_allclose(
        updated_w2.T.ravel(), [0.35891648, 0.408666186, 0.511301270, 0.561370121], atol=1e-8
    )
    np.testing.assert_allclose(
        updated_w1.T.ravel(), [0.149780716, 0.19956143, 0.24975114, 0.29950229], atol=1e-8
    )


# ----- cross-entropies -----------------------------------------------------------------
PROBS = RNG.uniform(0.02, 0.98, (4, 3))
BINARY = (RNG.uniform(size=(4, 3)) > 0.5).astype(float)
SOFT = np.exp(LOGITS[::-1]) / np.exp(LOGITS[::-1]).sum(1, keepdims=True)

CROSS_ENTROPIES = {
    "bce": (nl.losses.bce, F.binary_cross_entropy, PROBS, BINARY),
    "bce_soft_target": (nl.losses.bce, F.binary_cross_entropy, PROBS, PROBS[::-1].copy()),
    "bce_with_logits": (
        nl.losses.bce_with_logits,
        F.binary_cross_entropy_with_logits,
        3 * LOGITS,
        np.eye(3)[LABELS],
    ),
    "cross_entropy_index": (nl.losses.cross_entropy, F.cross_entropy, LOGITS, LABELS),
    "cross_entropy_one_hot": (nl.losses.cross_entropy, F.cross_entropy, LOGITS, np.eye(3)[LABELS]),
    "cross_entropy_soft": (nl.losses.cross_entropy, F.cross_entropy, LOGITS, SOFT),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", CROSS_ENTROPIES)
def test_cross_entropies_against_torch(name, reduction):
    ours, theirs, prediction, target = CROSS_ENTROPIES[name]
    value, gradient, cotangent = value_and_gradient(ours, prediction, target, reduction)
    expected_value, expected_gradient = torch_value_and_gradient(
        theirs, prediction, target, reduction, cotangent
    )
    assert_close(value, expected_value)
    assert_close(gradient, expected_gradient)


def test_registry_names_and_aliases_resolve():
    for name in LOSSES:
        assert LOSSES.get(name) is nl.losses.get(name)
    for alias, name in LOSSES.aliases().items():
        assert nl.losses.get(alias) is nl.losses.get(name)
    assert float(nl.losses.get("cross_entropy", reduction="sum")(LOGITS, LABELS)) == pytest.approx(
        F.cross_entropy(torch.tensor(LOGITS), torch.tensor(LABELS), reduction="sum").item()
    )


def test_bce_with_logits_is_stable_at_large_logits():
    z = np.array([-1e4, -1e4, -50.0, 0.0, 50.0, 1e4, 1e4])
    t = np.array([0.0, 1.0, 1.0, 0.5, 0.0, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, gradient, cotangent = value_and_gradient(nl.losses.bce_with_logits, z, t, "none")
    expected = torch.nn.BCEWithLogitsLoss(reduction="none")(torch.tensor(z), torch.tensor(t))
    assert_close(value, expected.numpy())
    assert_close(gradient, cotangent * (torch.sigmoid(torch.tensor(z)).numpy() - t))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_is_one_node_and_differentiates_twice_like_torch(reduction):
    """The fused loss: one recorded node over z and t; its gradients in z and t, and their
    gradients again (∂²L/∂z², ∂²L/∂z∂t), against PyTorch's double backward."""
    z_values, t_values = 3 * LOGITS, SOFT
    cotangent = np.linspace(0.5, 1.5, 15).reshape(5, 3)
    z, t = (nl.tensor(a, requires_grad=True) for a in (z_values, t_values))
    out = nl.losses.bce_with_logits(z, t, reduction=reduction)
    assert [parent for parent, _ in out._edges] == [z, t]
    seed = cotangent if reduction == "none" else np.float64(1.5)
    gz, gt = nl.gradients((out * seed).sum(), [z, t], create_graph=True)
    hz, ht = nl.gradients((gz * cotangent).sum(), [z, t])
    zt, tt = (torch.tensor(a, requires_grad=True) for a in (z_values, t_values))
    expected = F.binary_cross_entropy_with_logits(zt, tt, reduction=reduction)
    tgz, tgt = torch.autograd.grad((expected * torch.as_tensor(seed)).sum(), [zt, tt],
                                   create_graph=True)
    thz, tht = torch.autograd.grad((tgz * torch.as_tensor(cotangent)).sum(), [zt, tt])
    assert_close(out.data, expected.detach().numpy())
    for ours, theirs in ((gz, tgz), (gt, tgt), (hz, thz), (ht, tht)):
        assert_close(ours.data, theirs.detach().numpy())


def test_bce_at_certain_predictions_is_clamped_like_torch():
    p = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    t = np.array([0.0, 1.0, 0.0, 1.0, 0.3, 0.7])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = nl.losses.bce(p, t, reduction="none").data
    expected = torch.nn.BCELoss(reduction="none")(torch.tensor(p), torch.tensor(t)).numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-12)
    np.testing.assert_allclose(ours, [0, 100, 100, 0, 30, 30], rtol=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: nl.losses.mse(np.ones(3), np.ones(4)),
            r"mse: prediction of shape \(3,\) and "
            r"target of shape \(4,\); expected the same shape",
        ),
        (lambda: nl.losses.bce(PROBS, BINARY[:2]), r"bce: prediction of shape \(4, 3\)"),
        (
            lambda: nl.losses.cross_entropy(LOGITS, LABELS[:3]),
            r"cross_entropy: target of shape "
            r"\(3,\); expected \(5,\) class indices or \(5, 3\) probabilities",
        ),
        (lambda: nl.losses.cross_entropy(LOGITS[0], 1), r"logits must have shape \(n_samples"),
        (
            lambda: nl.losses.cross_entropy(LOGITS, LABELS + 1),
            r"class index out of range: got "
            r"1\.\.3, expected 0\.\.2",
        ),
        (lambda: nl.losses.cross_entropy(LOGITS, -LABELS), r"class index out of range"),
        (lambda: nl.losses.cross_entropy(LOGITS, LABELS + 0.5), r"must hold class indices"),
        (
            lambda: nl.losses.cross_entropy(LOGITS, 2 * np.eye(3)[LABELS]),
            r"cross_entropy: target must hold probabilities in \[0, 1\], got values in \[0, 2\]",
        ),
        (
            lambda: nl.losses.bce(PROBS, BINARY + 0.5),
            r"bce: target must hold probabilities in \[0, 1\], got values in \[0\.5, 1\.5\]",
        ),
        (lambda: nl.losses.bce(PROBS - 0.5, BINARY), r"bce: prediction must hold probabilities"),
        (lambda: nl.losses.bce([np.nan], [1.0]), r"bce: prediction must hold .* got NaN"),
        (lambda: nl.losses.bce([0.5, 0.5], [np.nan, 1.0]), r"bce: target must hold .* got NaN"),
        (
            lambda: nl.losses.bce_with_logits(LOGITS, -np.eye(3)[LABELS]),
            r"bce_with_logits: target must hold probabilities",
        ),
        (
            lambda: nl.losses.mse(H, Y, reduction="avg"),
            r"reduction must be 'mean', 'sum' or "
            r"'none', got 'avg'",
        ),
    ],
)
def test_bad_targets_raise_a_value_error_naming_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ----- risk and regularization ---------------------------------------------------------
W = RNG.standard_normal((3, 3))


def linear_model(u):
    return nl.linear(u, W)


@pytest.mark.parametrize(
    ("loss", "targets"),
    [
        ("quadratic", Y),
        ("half_squared_error", Y),
        ("cross_entropy", LABELS[:3]),
        ("cross_entropy", np.eye(3)[LABELS[:3]]),
        ("bce_with_logits", BINARY[:3]),
    ],
)
def test_empirical_risk_is_mean_loss(loss, targets):
    inputs = H[: len(targets)]
    risk = nl.losses.empirical_risk(linear_model, inputs, targets, loss=loss)
    # R^emp(h) = 1/N Σ_i L(h(u_i), y_i), one sample at a time (the loss's own reduction)
    per_sample = [
        float(nl.losses.get(loss)(linear_model(u[None]), y[None]))
        for u, y in zip(inputs, targets, strict=True)
    ]
    assert float(risk) == pytest.approx(np.mean(per_sample), rel=1e-12)


def test_empirical_risk_of_scalar_outputs_is_the_mean_loss():
    risk = nl.losses.empirical_risk(
        lambda u: nl.linear(u, W[:, :1]).reshape(-1), H, Y[:, 0], loss="mse"
    )
    assert float(risk) == pytest.approx(np.mean((H @ W[:, 0] - Y[:, 0]) ** 2), rel=1e-12)


def test_l2_regularization():
    weights = [
        nl.tensor(RNG.standard_normal((3, 2)), requires_grad=True),
        nl.tensor(RNG.standard_normal(2), requires_grad=True),
    ]
    reg = nl.losses.l2_regularization([*weights, np.ones((2, 2))])
    expected = sum(float((w.data**2).sum()) for w in weights) + 4.0
    assert float(reg) == pytest.approx(expected, rel=1e-12)
    reg.backward()  # ∂‖θ‖²/∂W = 2W
    for w in weights:
        np.testing.assert_allclose(w.grad, 2 * w.data, rtol=1e-12)
    with pytest.raises(ValueError, match="at least one parameter"):
        nl.losses.l2_regularization([])


def test_empirical_risk_of_several_outputs_averages_each_samples_mse():
    predictions = np.array([[1.0, 2.0], [3.0, 5.0]])
    targets = np.array([[1.0, 4.0], [3.0, 4.0]])
    risk = nl.losses.empirical_risk(lambda u: u, predictions, targets, loss="mse")
    per_sample = [(0 + 4) / 2, (0 + 1) / 2]
    assert float(risk) == pytest.approx(np.mean(per_sample))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("kind", ["indices", "probabilities"])
def test_cross_entropy_per_step_matches_torch(reduction, kind):
    # logits (n_samples, n_steps, n_classes), as a recurrent layer emits them; PyTorch wants
    # the classes on axis 1.
    rng = np.random.default_rng(3)
    logits = rng.normal(scale=3.0, size=(4, 6, 5))
    if kind == "indices":
        target = rng.integers(0, 5, size=(4, 6))
        torch_target = torch.from_numpy(target)
    else:
        target = rng.dirichlet(np.ones(5), size=(4, 6))
        torch_target = torch.from_numpy(target).permute(0, 2, 1)
    z = nl.tensor(logits, requires_grad=True)
    ours = nl.losses.cross_entropy(z, target, reduction=reduction)
    zt = torch.tensor(logits, requires_grad=True)
    theirs = F.cross_entropy(zt.permute(0, 2, 1), torch_target, reduction=reduction)
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
    weights = rng.normal(size=ours.shape)
    (ours * weights).sum().backward()
    (theirs * torch.from_numpy(weights)).sum().backward()
    np.testing.assert_allclose(z.grad, zt.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_cross_entropy_per_step_names_a_target_of_the_wrong_shape():
    logits = np.zeros((4, 6, 5))
    with pytest.raises(ValueError, match=r"expected \(4, 6\) class indices or \(4, 6, 5\) "
                                         r"probabilities"):
        nl.losses.cross_entropy(logits, np.zeros((4, 5), dtype=int))
