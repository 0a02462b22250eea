"""Forward + backward of small networks: nnlearn's autodiff against PyTorch, side by side.

Two networks, float32, on the same data and the same initial weights:

* a 784-256-256-10 ReLU network with softmax cross-entropy, batch 128 (BLAS-bound);
* a 2-4-1 sigmoid network with the squared error on XOR, batch 4 (overhead-bound).

Both engines run in one process with the same number of threads (2 by default), their
repetitions interleaved, and the script prints median times and the ratio
nnlearn / PyTorch (below 1 means nnlearn is faster). Targets: ≤ 1.2 for the large
network, ≤ 1.0 for the tiny one.

Usage::

    python bench/bench_autodiff.py [--threads 2] [--repeats 50] [--profile]

NumPy's BLAS threads are limited with threadpoolctl, PyTorch's with torch.set_num_threads.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import statistics
import time
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from threadpoolctl import threadpool_info, threadpool_limits  # comes with scikit-learn

import nnlearn as nl

Step = Callable[[], float]


def init_weights(sizes: list[int], rng: np.random.Generator) -> list[np.ndarray]:
    """He-initialized weights (in, out) and zero biases, float32, for consecutive sizes."""
    params = []
    for n_in, n_out in itertools.pairwise(sizes):
        params.append((rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)).astype(np.float32))
        params.append(np.zeros(n_out, dtype=np.float32))
    return params


# ----- the large network: 784-256-256-10 ReLU, softmax cross-entropy -----------------------
def mlp_nnlearn(params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> Step:
    w1, b1, w2, b2, w3, b3 = ps = [nl.tensor(p, requires_grad=True) for p in params]

    def step() -> float:
        for p in ps:
            p.grad = None
        h = nl.relu(nl.linear(x, w1, b1))
        h = nl.relu(nl.linear(h, w2, b2))
        loss = nl.softmax_cross_entropy(nl.linear(h, w3, b3), y)
        loss.backward()
        return float(loss.data)

    step.params = ps
    return step


def mlp_torch(params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> Step:
    # PyTorch's own layout: weights (out, in), as nn.Linear keeps them.
    ps = [torch.tensor(p.T.copy() if p.ndim == 2 else p, requires_grad=True) for p in params]
    w1, b1, w2, b2, w3, b3 = ps
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step() -> float:
        for p in ps:
            p.grad = None
        h = torch.relu(F.linear(xt, w1, b1))
        h = torch.relu(F.linear(h, w2, b2))
        loss = F.cross_entropy(F.linear(h, w3, b3), yt)
        loss.backward()
        return loss.item()

    step.params = ps
    return step


# ----- the tiny network: 2-4-1 sigmoid on XOR, squared error --------------------------------
def xor_nnlearn(params: list[np.ndarray], x: np.ndarray, t: np.ndarray) -> Step:
    w1, b1, w2, b2 = ps = [nl.tensor(p, requires_grad=True) for p in params]

    def step() -> float:
        for p in ps:
            p.grad = None
        out = nl.sigmoid(nl.linear(nl.sigmoid(nl.linear(x, w1, b1)), w2, b2))
        loss = ((out - t) ** 2).mean()
        loss.backward()
        return float(loss.data)

    step.params = ps
    return step


def xor_torch(params: list[np.ndarray], x: np.ndarray, t: np.ndarray) -> Step:
    ps = [torch.tensor(p.T.copy() if p.ndim == 2 else p, requires_grad=True) for p in params]
    w1, b1, w2, b2 = ps
    xt, tt = torch.from_numpy(x), torch.from_numpy(t)

    def step() -> float:
        for p in ps:
            p.grad = None
        out = torch.sigmoid(F.linear(torch.sigmoid(F.linear(xt, w1, b1)), w2, b2))
        loss = ((out - tt) ** 2).mean()
        loss.backward()
        return loss.item()

    step.params = ps
    return step


# ----- timing ------------------------------------------------------------------------------
def check_same(ours: Step, theirs: Step) -> None:
    """Both engines compute the same loss and gradients (float32 tolerance)."""
    np.testing.assert_allclose(ours(), theirs(), rtol=1e-4)
    for p, q in zip(ours.params, theirs.params, strict=True):
        expected = q.grad.numpy()
        np.testing.assert_allclose(
            p.grad, expected.T if p.ndim == 2 else expected, rtol=1e-3, atol=1e-5
        )


def time_block(step: Step, inner: int) -> float:
    start = time.perf_counter()
    for _ in range(inner):
        step()
    return (time.perf_counter() - start) / inner


def compare(name: str, ours: Step, theirs: Step, repeats: int, inner: int, target: float) -> None:
    check_same(ours, theirs)
    for step in (ours, theirs):  # warm up caches and allocators
        time_block(step, inner)
    times: dict[str, list[float]] = {"nnlearn": [], "torch": []}
    for _ in range(repeats):  # interleaved, so drifting machine load hits both alike
        times["nnlearn"].append(time_block(ours, inner))
        times["torch"].append(time_block(theirs, inner))
    ours_median = statistics.median(times["nnlearn"])
    theirs_median = statistics.median(times["torch"])
    ratio = ours_median / theirs_median
    verdict = "meets" if ratio <= target else "MISSES"
    print(
        f"{name:<34} nnlearn {ours_median * 1e6:9.1f} µs   torch {theirs_median * 1e6:9.1f} µs"
        f"   ratio {ratio:5.2f}  ({verdict} target ≤ {target})"
    )


def profile(name: str, step: Step, calls: int) -> None:
    print(f"\ncProfile of nnlearn, {name}, {calls} steps (top 15 by internal time):")
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [step() for _ in range(calls)])
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="threads for both engines")
    parser.add_argument("--repeats", type=int, default=50, help="interleaved repetitions")
    parser.add_argument("--profile", action="store_true", help="cProfile nnlearn's steps")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)
    blas = ", ".join(
        f"{i['internal_api']} {i['version']} ({i['num_threads']} threads)"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    )
    print(
        f"torch {torch.__version__} ({torch.get_num_threads()} threads); "
        f"NumPy {np.__version__}, BLAS: {blas}"
    )

    rng = np.random.default_rng(0)
    x = rng.standard_normal((128, 784)).astype(np.float32)
    y = rng.integers(0, 10, 128)
    params = init_weights([784, 256, 256, 10], rng)
    big = mlp_nnlearn(params, x, y), mlp_torch(params, x, y)
    compare("784-256-256-10 ReLU, batch 128", *big, args.repeats, inner=5, target=1.2)

    xor_x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    xor_t = np.array([[0], [1], [1], [0]], dtype=np.float32)
    xor_params = init_weights([2, 4, 1], rng)
    tiny = xor_nnlearn(xor_params, xor_x, xor_t), xor_torch(xor_params, xor_x, xor_t)
    compare("2-4-1 sigmoid on XOR, batch 4", *tiny, args.repeats, inner=200, target=1.0)

    if args.profile:
        profile("784-256-256-10", big[0], 100)
        profile("2-4-1 XOR", tiny[0], 2000)


if __name__ == "__main__":
    main()
