"""Shared checks of the recurrent-layer tests: finite differences and PyTorch side by side."""

import numpy as np
import torch

import nnlearn as nl

TOL = {"rtol": 1e-10, "atol": 1e-10}


def loss_with_seed(output, seed):
    """A scalar whose gradient w.r.t. ``output`` is ``seed``: Σ seed ⊙ output."""
    return (output * seed).sum()


def assert_gradients_match_finite_differences(layer, u, seed, eps=1e-6):
    """Every parameter's BPTT gradient against central differences of Σ seed ⊙ layer(u)."""
    for p in layer.parameters():
        p.grad = None
    loss_with_seed(layer(u), seed).backward()
    for name, p in layer.named_parameters():
        numeric = np.zeros_like(p.data)
        for j in np.ndindex(p.shape):
            saved = p.data[j]
            p.data[j] = saved + eps
            up = float(loss_with_seed(layer(u), seed).data)
            p.data[j] = saved - eps
            down = float(loss_with_seed(layer(u), seed).data)
            p.data[j] = saved
            numeric[j] = (up - down) / (2 * eps)
        np.testing.assert_allclose(p.grad, numeric, rtol=1e-6, atol=1e-8, err_msg=name)


def torch_rnn_run(torch_layer, u, state, seed):
    """Outputs, final state and gradients (input, state parts, parameters) of a torch layer."""
    ut = torch.tensor(u, requires_grad=True)
    parts = tuple(torch.tensor(s[None], requires_grad=True) for s in state)
    out, final = torch_layer(ut, parts[0] if len(parts) == 1 else parts)
    torch.sum(out * torch.tensor(seed)).backward()
    final = final if isinstance(final, tuple) else (final,)
    return {
        "output": out.detach().numpy(),
        "final": [f.detach().numpy()[0] for f in final],
        "input_grad": ut.grad.numpy(),
        "state_grads": [p.grad.numpy()[0] for p in parts],
        "params": {name: p.grad.numpy() for name, p in torch_layer.named_parameters()},
    }


def nnlearn_run(layer, u, state, seed):
    """The same quantities for an nnlearn recurrent layer."""
    ut = nl.tensor(u, requires_grad=True)
    parts = tuple(nl.tensor(s, requires_grad=True) for s in state)
    out, final = layer(ut, parts[0] if len(parts) == 1 else parts, return_state=True)
    loss_with_seed(out, seed).backward()
    final = final if isinstance(final, tuple) else (final,)
    return {
        "output": out.data,
        "final": [f.data for f in final],
        "input_grad": ut.grad,
        "state_grads": [p.grad for p in parts],
        "params": {name: p.grad for name, p in layer.named_parameters()},
    }


def assert_runs_match(ours, theirs):
    np.testing.assert_allclose(ours["output"], theirs["output"], **TOL)
    for a, b in zip(ours["final"], theirs["final"], strict=True):
        np.testing.assert_allclose(a, b, **TOL)
    np.testing.assert_allclose(ours["input_grad"], theirs["input_grad"], **TOL)
    for a, b in zip(ours["state_grads"], theirs["state_grads"], strict=True):
        np.testing.assert_allclose(a, b, **TOL)


def sequences(n_samples, n_steps, n_features, seed=0):
    return np.random.default_rng(seed).normal(size=(n_samples, n_steps, n_features))
