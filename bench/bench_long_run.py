"""Benchmark: does training slow down as it goes? Step times early and late in a long run.

10,000 Adam steps (float32, lr 1e-3, batch 128) of a 784-64-64-10 ReLU network on
scikit-learn's digits, each 8x8 image scaled up 3x into the middle of a 28x28 canvas
(MNIST-shaped: the border pixels are always 0, and many inner ones almost always are).
Weights of pixels that are rarely lit, and of units that die, get a gradient of exactly 0
in most steps: their Adam moments decay geometrically and, in float32 arithmetic as
NumPy and Numba do it, end as subnormal numbers (below 1.2e-38), stuck there (0.9 times the
smallest subnormal rounds back to it), where x86 arithmetic is many times slower.

Two networks train in lockstep: nnlearn's Adam, which flushes such moments to 0, and the
same network with Adam's pass as it was without the flush (a reference kept here to show
the cliff). A copy of each is kept after its first 100 steps; at the end, steps of the
early copy and of the trained network are timed interleaved, on the same batches, so that
the machine's load hits both alike (the load of a shared machine changes more over a long
run than the step does). Each prints the median time of a whole step and of the update
alone, early and late, their ratios (goal <= 1.10 for the step) and the fraction of
subnormal moments at the end.

Then the Gibbs sweeps of ``bench_energy``: nnlearn's sweep against a plain NumPy sweep in
both memory layouts (goal: ratio to the better layout <= 1.0).

Run: ``python bench/bench_long_run.py [--steps 10000] [--threads 2] [--skip-gibbs]``
"""

from __future__ import annotations

import argparse
import copy
import time

import numba
import numpy as np
from bench_energy import bench_gibbs
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits

import nnlearn as nl
from nnlearn.optim import updates

BATCH, WINDOW = 128, 100


def mnist_shaped_digits() -> tuple[np.ndarray, np.ndarray]:
    """The digits scaled to [0, 1], each pixel a 3x3 block, centred on a 28x28 canvas."""
    X, y = load_digits(return_X_y=True)
    images = np.kron(X.reshape(-1, 8, 8) / 16, np.ones((3, 3)))  # (n, 24, 24)
    canvas = np.zeros((len(X), 28, 28), np.float32)
    canvas[:, 2:26, 2:26] = images
    return canvas.reshape(len(X), 784), y


@numba.njit(fastmath={"reassoc", "contract"}, error_model="numpy", cache=True)
def unflushed_adam_pass(theta, g, m, v, previous, beta1, one_minus_beta1, beta2,
                        one_minus_beta2, step_size, eps, tiny):
    """Adam's pass as it was before the flush (``previous`` and ``tiny`` unused)."""
    for i in range(theta.shape[0]):
        m[i] = beta1 * m[i] + one_minus_beta1 * g[i]
        v[i] = beta2 * v[i] + one_minus_beta2 * g[i] * g[i]
        theta[i] -= step_size * m[i] / (np.sqrt(v[i]) + eps)


class UnflushedAdam(nl.optim.Adam):
    """The reference: nnlearn's Adam with the pass that lets moments go subnormal."""

    def update(self, part, group, lr, previous):
        saved, updates.adam_pass = updates.adam_pass, unflushed_adam_pass
        try:
            super().update(part, group, lr, previous)
        finally:
            updates.adam_pass = saved


def subnormal_fraction(*states: np.ndarray) -> float:
    tiny = np.finfo(states[0].dtype).tiny
    values = np.concatenate(states)
    return float(np.mean((values != 0) & (np.abs(values) < tiny)))


def make_run(optimizer: type[nl.optim.Adam]) -> tuple[nl.Sequential, nl.optim.Adam]:
    net = nl.Sequential(nl.Dense(784, 64, activation="relu"),
                        nl.Dense(64, 64, activation="relu"),
                        nl.Dense(64, 10)).initialize(0).astype(np.float32)
    return net, optimizer(net.parameters(), lr=1e-3)


def train_step(net: nl.Sequential, opt: nl.optim.Adam, x: nl.Tensor, target: np.ndarray,
               ) -> tuple[float, float]:
    """One step; returns the time of the whole step and of the update alone."""
    start = time.perf_counter()
    opt.zero_grad()
    nl.losses.cross_entropy(net(x), target).backward()
    update = time.perf_counter()
    opt.step()
    end = time.perf_counter()
    return end - start, end - update


def long_run(n_steps: int, repeats: int) -> None:
    """Train each run for ``n_steps``, keeping a copy of it after the first 100; then time
    steps of the early copy and of the trained run, interleaved, on the same batches."""
    X, y = mnist_shaped_digits()
    batches = np.random.default_rng(0).integers(0, len(X), size=(n_steps, BATCH))
    runs = {"nnlearn Adam (flushed)": make_run(nl.optim.Adam),
            "Adam without the flush": make_run(UnflushedAdam)}
    early = {}
    for step, index in enumerate(batches, start=1):
        x, target = nl.tensor(X[index]), y[index]
        for name, (net, opt) in runs.items():
            train_step(net, opt, x, target)
            if step == WINDOW:
                early[name] = copy.deepcopy((net, opt))
    times = {(name, when): [] for name in runs for when in ("early", "late")}
    for index in batches[:repeats]:
        x, target = nl.tensor(X[index]), y[index]
        for name in runs:
            for when, (net, opt) in (("early", early[name]), ("late", runs[name])):
                times[name, when].append(train_step(net, opt, x, target))
    print(f"Adam, 784-64-64-10 ReLU on MNIST-shaped digits, batch {BATCH}, float32: a step "
          f"after {WINDOW} steps and after {n_steps} (medians of {repeats} interleaved steps)")
    for name, (_, opt) in runs.items():
        (early_step, early_update), (late_step, late_update) = (
            np.median(times[name, when], axis=0) for when in ("early", "late"))
        goal = "  (goal <= 1.10)" if type(opt) is nl.optim.Adam else ""
        print(f"  {name:<24} step {early_step * 1e6:5.0f} -> {late_step * 1e6:5.0f} us, "
              f"ratio {late_step / early_step:4.2f}{goal}; the update alone "
              f"{early_update * 1e6:4.0f} -> {late_update * 1e6:4.0f} us, ratio "
              f"{late_update / early_update:4.2f}; subnormal moments at the end "
              f"{subnormal_fraction(opt.m, opt.v):.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--skip-gibbs", action="store_true")
    args = parser.parse_args()
    with threadpool_limits(args.threads):
        long_run(args.steps, args.repeats)
        if not args.skip_gibbs:
            bench_gibbs()


if __name__ == "__main__":
    main()
