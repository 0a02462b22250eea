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


def torch_layer_like(layer):
    """torch.nn.RNN / torch.nn.LSTM of the same configuration with the layer's weights
    (float64; torch's second bias zero, since the two add up to nnlearn's one)."""
    kind = type(layer).__name__
    options = {"nonlinearity": layer.activation.name} if kind == "RNN" else {}
    theirs = getattr(torch.nn, kind)(layer.n_in, layer.n_hidden, num_layers=layer.num_layers,
                                     bias=layer.has_bias, batch_first=True,
                                     dropout=layer.dropout,
                                     bidirectional=layer.bidirectional, **options).double()
    theirs.train(layer.training)
    with torch.no_grad():
        for name, p in theirs.named_parameters():
            kind_of, _, suffix = name.partition("_l")  # weight_ih, weight_hh, bias_ih, bias_hh
            ours = ours_name(kind_of, suffix)
            if kind_of == "bias_hh":
                p.zero_()
            else:
                p.copy_(torch.tensor(getattr(layer, ours).data.T))
    return theirs


def ours_name(torch_kind, suffix):
    """nnlearn's parameter name for torch's ``{kind}_l{suffix}`` (suffix "0", "1_reverse")."""
    layer, _, reverse = suffix.partition("_")
    base = {"weight_ih": "weight_input", "weight_hh": "weight_hidden", "bias_ih": "bias",
            "bias_hh": "bias"}[torch_kind]
    return base + (f"_l{layer}" if layer != "0" else "") + ("_reverse" if reverse else "")


def compare_with_torch(layer, u, state, seed):
    """Run ``layer`` and its torch twin on u (batched or not) from ``state`` (parts with the
    layer axis, or None) with the cotangent ``seed``; assert outputs, final states, input and
    state gradients and every parameter gradient agree (float64, 1e-10)."""
    theirs = torch_layer_like(layer)
    for p in layer.parameters():
        p.grad = None
    ut = torch.tensor(u, requires_grad=True)
    un = nl.tensor(u, requires_grad=True)
    if state is None:
        out_t, final_t = theirs(ut)
        out_n, final_n = layer(un, return_state=True)
        parts_t = parts_n = ()
    else:
        parts_t = tuple(torch.tensor(s, requires_grad=True) for s in state)
        parts_n = tuple(nl.tensor(s, requires_grad=True) for s in state)
        out_t, final_t = theirs(ut, parts_t[0] if len(parts_t) == 1 else parts_t)
        out_n, final_n = layer(un, parts_n[0] if len(parts_n) == 1 else parts_n,
                               return_state=True)
    final_t = final_t if isinstance(final_t, tuple) else (final_t,)
    final_n = final_n if isinstance(final_n, tuple) else (final_n,)
    np.testing.assert_allclose(out_n.data, out_t.detach().numpy(), **TOL)
    for a, b in zip(final_n, final_t, strict=True):
        np.testing.assert_allclose(a.data, b.detach().numpy(), **TOL)
    # the final states enter the loss too, so their gradients are checked as well
    rng = np.random.default_rng(1)
    final_seeds = [rng.normal(size=f.shape) for f in final_n]
    loss_n = loss_with_seed(out_n, seed) + sum(
        (f * s).sum() for f, s in zip(final_n, final_seeds, strict=True))
    loss_t = torch.sum(out_t * torch.tensor(seed)) + sum(
        torch.sum(f * torch.tensor(s)) for f, s in zip(final_t, final_seeds, strict=True))
    loss_n.backward()
    loss_t.backward()
    np.testing.assert_allclose(un.grad, ut.grad.numpy(), **TOL)
    for a, b in zip(parts_n, parts_t, strict=True):
        np.testing.assert_allclose(a.grad, b.grad.numpy(), **TOL)
    for name, p in theirs.named_parameters():
        kind_of, _, suffix = name.partition("_l")
        ours = getattr(layer, ours_name(kind_of, suffix)).grad
        np.testing.assert_allclose(ours.T if ours.ndim == 2 else ours, p.grad.numpy(), **TOL,
                                   err_msg=name)
