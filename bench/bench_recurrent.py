"""Benchmark: nnlearn's RNN and LSTM against torch.nn.RNN / torch.nn.LSTM (CPU), side by side.

One training step (forward over the whole sequence, MSE against a target for every step,
backward through time) on the same data and weights, float32, for a small model
(batch 32, 50 steps, 1 → 32 → 1, as in the tour's sine task) and a larger one (batch 64,
100 steps, 16 → 128). Prints each time and the ratio nnlearn / PyTorch.

One BLAS thread by default: the per-step products are small, and on a loaded machine
threads cost far more than they give (a 64×128 @ 128×512 product took 15 ms with two
threads against 0.13 ms with one while other jobs ran).

Run: ``python bench/bench_recurrent.py [--threads 1] [--repeats 5]``
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np
import torch
from threadpoolctl import threadpool_limits
from timing import best_of

import nnlearn as nl

CASES = (  # (batch, steps, input size, hidden size)
    (32, 50, 1, 32),
    (64, 100, 16, 128),
)


def nnlearn_step(layer: nl.Module, x: np.ndarray, target: np.ndarray) -> Callable[[], None]:
    def run() -> None:
        for p in layer.parameters():
            p.grad = None
        nl.losses.mse(layer(x), target).backward()

    return run


def torch_step(layer: torch.nn.Module, x: np.ndarray, target: np.ndarray) -> Callable[[], None]:
    xt, tt = torch.from_numpy(x), torch.from_numpy(target)

    def run() -> None:
        layer.zero_grad()
        torch.nn.functional.mse_loss(layer(xt)[0], tt).backward()

    return run


def pair(kind: str, n_in: int, n_hidden: int) -> tuple[nl.Module, torch.nn.Module]:
    """The same layer in both libraries (nnlearn's weights copied into torch's)."""
    ours = getattr(nl, kind)(n_in, n_hidden, random_state=0).astype(np.float32)
    theirs = getattr(torch.nn, kind)(n_in, n_hidden, batch_first=True)
    with torch.no_grad():
        theirs.weight_ih_l0.copy_(torch.from_numpy(ours.weight_input.data.T))
        theirs.weight_hh_l0.copy_(torch.from_numpy(ours.weight_hidden.data.T))
        theirs.bias_ih_l0.copy_(torch.from_numpy(ours.bias.data))
        theirs.bias_hh_l0.zero_()
    return ours, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    print(f"{'layer':6} {'batch×steps×in→hidden':24} {'nnlearn':>10} {'torch':>10} {'ratio':>7}")
    with threadpool_limits(args.threads):
        for kind in ("RNN", "LSTM"):
            for batch, steps, n_in, n_hidden in CASES:
                x = rng.normal(size=(batch, steps, n_in)).astype(np.float32)
                target = rng.normal(size=(batch, steps, n_hidden)).astype(np.float32)
                ours, theirs = pair(kind, n_in, n_hidden)
                t_ours, t_theirs = best_of(args.repeats, nnlearn_step(ours, x, target),
                                           torch_step(theirs, x, target))
                shape = f"{batch}×{steps}×{n_in}→{n_hidden}"
                print(f"{kind:6} {shape:24} {t_ours * 1e3:8.1f}ms {t_theirs * 1e3:8.1f}ms "
                      f"{t_ours / t_theirs:7.2f}")


if __name__ == "__main__":
    main()
