"""Benchmark: one training step of small networks, nnlearn against jitted JAX and PyTorch.

A step is forward, softmax cross-entropy, backward and an Adam update (lr 1e-3), float32,
on the same data and initial weights: 784-16-16-10 and 784-64-64-10 ReLU at batch 128, and
784-256-256-10 at batch 1 and 8. At these sizes the arithmetic is small and the time goes
to the work around each operation; JAX compiles the whole step (forward, gradient and
Adam) with ``jax.jit`` into one XLA program. Every library runs on one thread (BLAS,
PyTorch, XLA), in one process, blocks of steps interleaved; the script prints the median
CPU time per step (of the calling thread; of the process for JAX, whose XLA runtime
computes on threads of its own; ``--clock wall`` for wall time) and the ratios (goal:
nnlearn/JAX <= 1.2 at batch 128 and at batch 8).

Run: ``python bench/bench_small_steps.py [--repeats 30] [--clock cpu|wall] [--profile]``
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from threadpoolctl import threadpool_limits
from timing import CLOCKS, load_jax, median_of

import nnlearn as nl

CASES = (((784, 16, 16, 10), 128), ((784, 64, 64, 10), 128), ((784, 256, 256, 10), 8),
         ((784, 256, 256, 10), 1))
LR, BETAS, EPS = 1e-3, (0.9, 0.999), 1e-8
Step = Callable[[int], None]


def nnlearn_step(sizes: tuple[int, ...], X: np.ndarray, y: np.ndarray) -> Step:
    layers = [nl.Dense(a, b, activation="relu" if i < len(sizes) - 2 else None)
              for i, (a, b) in enumerate(itertools.pairwise(sizes))]
    net = nl.Sequential(*layers).initialize(0).astype(np.float32)
    opt = nl.optim.Adam(net.parameters(), lr=LR, betas=BETAS, eps=EPS)
    batches = [nl.tensor(x) for x in X]

    def step(i: int) -> None:
        opt.zero_grad()
        nl.losses.cross_entropy(net(batches[i]), y[i]).backward()
        opt.step()

    return step


def torch_step(sizes: tuple[int, ...], X: np.ndarray, y: np.ndarray) -> Step:
    layers: list[torch.nn.Module] = []
    for a, b in itertools.pairwise(sizes):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.Adam(net.parameters(), lr=LR, betas=BETAS, eps=EPS)
    batches = [(torch.from_numpy(x), torch.from_numpy(t)) for x, t in zip(X, y, strict=True)]

    def step(i: int) -> None:
        x, t = batches[i]
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), t).backward()
        opt.step()

    return step


def jax_step(jax: Any, sizes: tuple[int, ...], X: np.ndarray, y: np.ndarray) -> Step:
    """The whole step, Adam included, as one jitted function (buffers donated)."""
    jnp = jax.numpy
    rng = np.random.default_rng(0)
    params = [(jnp.asarray(rng.normal(0, np.sqrt(2 / a), (a, b)), jnp.float32),
               jnp.zeros(b, jnp.float32)) for a, b in itertools.pairwise(sizes)]

    def loss(params: Any, x: Any, t: Any) -> Any:
        for w, b in params[:-1]:
            x = jax.nn.relu(x @ w + b)
        w, b = params[-1]
        logits = x @ w + b
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), t[:, None], 1))

    def update(state: Any, x: Any, t: Any) -> Any:
        params, m, v, count = state
        g = jax.grad(loss)(params, x, t)
        count = count + 1
        m = jax.tree.map(lambda m, g: BETAS[0] * m + (1 - BETAS[0]) * g, m, g)
        v = jax.tree.map(lambda v, g: BETAS[1] * v + (1 - BETAS[1]) * g * g, v, g)
        c1, c2 = 1 - BETAS[0] ** count, 1 - BETAS[1] ** count
        params = jax.tree.map(lambda p, m, v: p - LR * (m / c1) / (jnp.sqrt(v / c2) + EPS),
                              params, m, v)
        return params, m, v, count

    compiled = jax.jit(update, donate_argnums=0)
    zeros = jax.tree.map(jnp.zeros_like, params)
    state = [(params, zeros, jax.tree.map(jnp.zeros_like, params), jnp.float32(0))]
    batches = [(jnp.asarray(x), jnp.asarray(t)) for x, t in zip(X, y, strict=True)]

    def step(i: int) -> None:
        state[0] = compiled(state[0], *batches[i])
        jax.block_until_ready(state[0])

    return step


def block(step: Step, n_steps: int) -> Callable[[], None]:
    def run() -> None:
        for i in range(n_steps):
            step(i % 16)
    return run


def compare(jax: Any, sizes: tuple[int, ...], batch: int, repeats: int, clock: str,
            profile: bool) -> None:
    rng = np.random.default_rng(1)
    X = rng.random((16, batch, sizes[0]), dtype=np.float32)
    y = rng.integers(0, sizes[-1], (16, batch))
    steps = {"nnlearn": nnlearn_step(sizes, X, y), "torch": torch_step(sizes, X, y)}
    if jax is not None:
        steps["jax"] = jax_step(jax, sizes, X, y)
    n_steps = 40 if batch >= 128 else 100
    runs = [block(step, n_steps) for step in steps.values()]
    for run in runs:  # compile, warm up caches and allocators
        run()
    clocks = CLOCKS[clock][: len(runs)]
    times = dict(zip(steps, (t / n_steps for t in median_of(repeats, *runs, clock=clocks)),
                     strict=True))
    shape = "-".join(map(str, sizes))
    line = ", ".join(f"{name} {t * 1e6:7.1f} us" for name, t in times.items())
    ratios = ", ".join(f"nnlearn/{name} {times['nnlearn'] / times[name]:4.2f}"
                       for name in times if name != "nnlearn")
    print(f"{shape:>14} batch {batch:>3}: {line}; {ratios}")
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(block(steps["nnlearn"], 20 * n_steps))
        pstats.Stats(profiler).sort_stats("tottime").print_stats(14)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="cProfile nnlearn's steps")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu")
    parser.add_argument("--no-jax", action="store_true")
    args = parser.parse_args()
    jax = None if args.no_jax else load_jax(1)
    torch.set_num_threads(1)
    with threadpool_limits(1):
        print("one training step (forward, backward, Adam), float32, one thread each; median "
              f"of {args.repeats} interleaved blocks, {args.clock} time")
        for sizes, batch in CASES:
            compare(jax, sizes, batch, args.repeats, args.clock, args.profile)


if __name__ == "__main__":
    main()
