"""Every layer against PyTorch with copied weights: outputs and gradients, float64, 1e-10."""

import numpy as np
import pytest
import torch

import nnlearn as nl

torch.set_num_threads(1)  # tiny problems: threads only cost time on a shared machine

TOL = {"rtol": 1e-10, "atol": 1e-10}
TORCH_ACTIVATIONS = {
    None: lambda a: a,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "elu": torch.nn.functional.elu,
    "softplus": torch.nn.functional.softplus,
    "leaky_relu": torch.nn.functional.leaky_relu,
}


def run_both(layer, torch_forward, x, torch_params):
    """Output and input/parameter gradients of both sides under a random upstream gradient."""
    rng = np.random.default_rng(0)
    xt = torch.tensor(x, requires_grad=True)
    out_t = torch_forward(xt)
    seed = rng.normal(size=tuple(out_t.shape))
    out_t.backward(torch.tensor(seed))
    xn = nl.tensor(x, requires_grad=True)
    out_n = layer(xn)
    out_n.backward(seed)
    np.testing.assert_allclose(out_n.data, out_t.detach().numpy(), **TOL)
    np.testing.assert_allclose(xn.grad, xt.grad.numpy(), **TOL)
    for name, tp in torch_params.items():
        np.testing.assert_allclose(dict(layer.named_parameters())[name].grad, tp.grad.numpy(),
                                   **TOL, err_msg=name)


@pytest.mark.parametrize("activation", list(TORCH_ACTIVATIONS))
@pytest.mark.parametrize("bias", [True, False])
def test_dense_matches_torch(activation, bias):
    layer = nl.Dense(5, 3, activation=activation, bias=bias, random_state=0)
    if bias:
        layer.bias.data[...] = np.random.default_rng(1).normal(size=3)
    w = torch.tensor(layer.weight.data, requires_grad=True)
    b = torch.tensor(layer.bias.data, requires_grad=True) if bias else torch.zeros(3)
    params = {"weight": w, **({"bias": b} if bias else {})}
    run_both(layer, lambda x: TORCH_ACTIVATIONS[activation](x @ w + b),
             np.random.default_rng(2).normal(size=(7, 5)), params)


@pytest.mark.parametrize("shape", [(5,), (4, 6, 5), (2, 3, 4, 5)])
def test_dense_on_any_leading_axes_matches_torch(shape):
    """A Dense layer acts on the last axis: per sample, per time step of a sequence, ..."""
    layer = nl.Dense(5, 3, activation="tanh", random_state=0)
    layer.bias.data[...] = np.random.default_rng(1).normal(size=3)
    w = torch.tensor(layer.weight.data, requires_grad=True)
    b = torch.tensor(layer.bias.data, requires_grad=True)
    run_both(layer, lambda x: torch.tanh(x @ w + b), np.random.default_rng(2).normal(size=shape),
             {"weight": w, "bias": b})


def test_sequential_matches_torch():
    net = nl.Sequential(nl.Dense(4, 6, activation="tanh"), nl.Dense(6, 3)).initialize(0)
    torch_net = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3))
    torch_net = torch_net.double()
    with torch.no_grad():
        for k, t in ((0, 0), (1, 2)):
            torch_net[t].weight.copy_(torch.tensor(net[k].weight.data.T))
            torch_net[t].bias.copy_(torch.tensor(net[k].bias.data))
    x = np.random.default_rng(4).normal(size=(5, 4))
    xt = torch.tensor(x)
    (torch_net(xt) ** 2).sum().backward()
    (net(x) ** 2).sum().backward()
    np.testing.assert_allclose(net[0].weight.grad, torch_net[0].weight.grad.numpy().T, **TOL)
    np.testing.assert_allclose(net[1].bias.grad, torch_net[2].bias.grad.numpy(), **TOL)


def test_batchnorm_matches_torch():
    rng = np.random.default_rng(5)
    layer = nl.BatchNorm(4, momentum=0.2)
    layer.gamma.data[...] = rng.normal(size=4)
    layer.beta.data[...] = rng.normal(size=4)
    torch_layer = torch.nn.BatchNorm1d(4, momentum=0.2, dtype=torch.float64)
    with torch.no_grad():
        torch_layer.weight.copy_(torch.tensor(layer.gamma.data))
        torch_layer.bias.copy_(torch.tensor(layer.beta.data))
    for _ in range(3):  # training: batch statistics, running statistics updated
        x = rng.normal(2.0, 3.0, size=(8, 4))
        layer.gamma.grad = layer.beta.grad = None
        torch_layer.zero_grad()
        run_both(layer, torch_layer, x, {"gamma": torch_layer.weight, "beta": torch_layer.bias})
    np.testing.assert_allclose(layer.running_mean, torch_layer.running_mean.numpy(), **TOL)
    np.testing.assert_allclose(layer.running_var, torch_layer.running_var.numpy(), **TOL)
    layer.eval()
    torch_layer.eval()
    layer.gamma.grad = layer.beta.grad = None
    torch_layer.zero_grad()
    run_both(layer, torch_layer, rng.normal(size=(5, 4)),
             {"gamma": torch_layer.weight, "beta": torch_layer.bias})


def test_residual_matches_torch():
    block = nl.Dense(3, 3, activation="tanh", random_state=6)
    w = torch.tensor(block.weight.data, requires_grad=True)
    b = torch.tensor(block.bias.data, requires_grad=True)
    run_both(nl.Residual(block), lambda x: x + torch.tanh(x @ w + b),
             np.random.default_rng(7).normal(size=(4, 3)), {"block.weight": w, "block.bias": b})


def test_maxout_matches_torch():
    layer = nl.Maxout(4, 3, pieces=3, random_state=8)
    layer.bias.data[...] = np.random.default_rng(9).normal(size=(3, 3))
    w = torch.tensor(layer.weight.data, requires_grad=True)
    b = torch.tensor(layer.bias.data, requires_grad=True)

    def forward(x):
        return torch.stack([x @ w[k] + b[k] for k in range(3)]).max(dim=0).values

    run_both(layer, forward, np.random.default_rng(10).normal(size=(6, 4)),
             {"weight": w, "bias": b})


@pytest.mark.parametrize("n_alpha", [1, 4])
def test_prelu_matches_torch(n_alpha):
    layer = nl.PReLU(n_alpha, alpha=0.3)
    layer.alpha.data[...] = np.linspace(0.1, 0.4, n_alpha)
    torch_layer = torch.nn.PReLU(n_alpha, dtype=torch.float64)
    with torch.no_grad():
        torch_layer.weight.copy_(torch.tensor(layer.alpha.data))
    run_both(layer, torch_layer, np.random.default_rng(11).normal(size=(5, 4)),
             {"alpha": torch_layer.weight})


def test_dropout_gradient_is_the_scaled_mask():
    layer = nl.Dropout(0.25, random_state=12)
    x = nl.tensor(np.ones((200, 50)), requires_grad=True)
    out = layer(x)
    out.sum().backward()
    kept = out.data != 0
    np.testing.assert_allclose(out.data[kept], 1 / 0.75)
    np.testing.assert_array_equal(x.grad, out.data)  # ∂/∂x = mask / (1 − p)
    assert abs(kept.mean() - 0.75) < 0.02  # 10,000 draws: 4 standard deviations ≈ 0.017
    layer.eval()
    assert layer(x) is x
