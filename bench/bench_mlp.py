"""Benchmark: nnlearn's MLP training against PyTorch (CPU) and scikit-learn, side by side.

One epoch over 60,000 samples of 784 features (synthetic, MNIST-shaped), network
784-256-256-10 ReLU, softmax cross-entropy, Adam (lr 1e-3), batch 128, float32, the same
data and the same number of threads for every library. Then the per-step time of tiny
networks (2-4-1 on XOR with batch 4; 4-16-3 on Iris with batch 16), and the peak memory
nnlearn allocates during the epoch. Prints each time and the ratios, and a floor: the
batch gathers, matrix products and Adam passes of the epoch alone, which no NumPy
implementation can skip.

Run: ``python bench/bench_mlp.py [--threads 2] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import itertools
import tracemalloc
import warnings
from collections.abc import Callable

import numpy as np
import torch
from sklearn.datasets import load_iris
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits
from timing import best_of

import nnlearn as nl
from nnlearn.optim import updates
from nnlearn.optim.base import flat_zeros

N, D, H, C, BATCH = 60_000, 784, 256, 10, 128


def nnlearn_net(sizes: tuple[int, ...], activation: str, dtype: type) -> nl.Sequential:
    layers = [nl.Dense(a, b, activation=activation if i < len(sizes) - 2 else None)
              for i, (a, b) in enumerate(itertools.pairwise(sizes))]
    return nl.Sequential(*layers).initialize(0).astype(dtype)


def torch_net(sizes: tuple[int, ...], activation: type, dtype: torch.dtype) -> torch.nn.Module:
    layers: list[torch.nn.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers.append(torch.nn.Linear(a, b, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(activation())
    return torch.nn.Sequential(*layers)


def torch_epoch(model: torch.nn.Module, opt: torch.optim.Optimizer, X: torch.Tensor,
                y: torch.Tensor, batch: int, loss: Callable, order: np.ndarray) -> None:
    for start in range(0, len(X), batch):
        index = torch.from_numpy(order[start : start + batch])
        opt.zero_grad()
        loss(model(X[index]), y[index]).backward()
        opt.step()


def big_epoch(repeats: int) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, D)).astype(np.float32)
    y = rng.integers(0, C, size=N)
    order = rng.permutation(N)
    sizes = (D, H, H, C)

    def run_nnlearn() -> None:
        net = nnlearn_net(sizes, "relu", np.float32)
        nl.fit(net, X, y, loss="cross_entropy", optimizer="adam", lr=1e-3, epochs=1,
               batch_size=BATCH, random_state=0, progress=False)

    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def run_torch(fused: bool) -> Callable[[], None]:
        def run() -> None:
            net = torch_net(sizes, torch.nn.ReLU, torch.float32)
            opt = torch.optim.Adam(net.parameters(), lr=1e-3, fused=fused or None)
            torch_epoch(net, opt, Xt, yt, BATCH, torch.nn.functional.cross_entropy, order)
        return run

    def run_sklearn() -> None:
        clf = MLPClassifier(hidden_layer_sizes=(H, H), solver="adam", learning_rate_init=1e-3,
                            batch_size=BATCH, max_iter=1, alpha=0.0, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning after one epoch
            clf.fit(X, y)

    weights = [p.data for p in nnlearn_net(sizes, "relu", np.float32).parameters()
               if p.ndim == 2]
    n_values = nnlearn_net(sizes, "relu", np.float32).n_parameters
    theta, grad, m, v = (flat_zeros(n_values, np.float32, lane) for lane in range(4))

    def run_floor() -> None:
        """What no NumPy implementation of the epoch can skip: each step's batch gather,
        its eight matrix products (three forward, five backward) and one Adam pass."""
        w0, w1, w2 = weights
        for step, start in enumerate(range(0, N, BATCH), start=1):
            x = X[order[start : start + BATCH]]
            h1 = x @ w0
            h2 = h1 @ w1
            out = h2 @ w2
            g2 = out @ w2.T
            g1 = g2 @ w1.T
            _ = h2.T @ out, h1.T @ g2, x.T @ g1
            updates.adam(theta, grad, m, v, step, 1e-3, 0.9, 0.999, 1e-8)

    ours, torch_default, torch_fused, sklearn, floor = best_of(
        repeats, run_nnlearn, run_torch(False), run_torch(True), run_sklearn, run_floor
    )
    print(f"one epoch, {N} x {D}, 784-256-256-10 ReLU, Adam, batch {BATCH}, float32")
    print(f"  nnlearn                 {ours:7.3f} s")
    print(f"  PyTorch Adam (default)  {torch_default:7.3f} s   ratio nnlearn/torch  "
          f"{ours / torch_default:5.2f}  (goal <= 0.8)")
    print(f"  PyTorch Adam(fused)     {torch_fused:7.3f} s   ratio nnlearn/fused  "
          f"{ours / torch_fused:5.2f}  (goal <= 1.0)")
    print(f"  scikit-learn MLP        {sklearn:7.3f} s   ratio nnlearn/sklearn "
          f"{ours / sklearn:5.2f}  (goal <= 0.5)")
    print(f"  floor: gathers, products and Adam alone {floor:7.3f} s   ratio floor/sklearn "
          f"{floor / sklearn:5.2f}, nnlearn/floor {ours / floor:5.2f}")

    tracemalloc.start()
    run_nnlearn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    model_bytes = nnlearn_net(sizes, "relu", np.float32).n_parameters * 4
    base = X.nbytes + y.nbytes + model_bytes
    print(f"  memory: data + model {base / 2**20:.1f} MiB; the epoch allocates at most "
          f"{peak / 2**20:.1f} MiB more (tracemalloc); peak / (data + model) = "
          f"{(base + peak) / base:4.2f}  (goal <= 1.5)")


def tiny(name: str, X: np.ndarray, y: np.ndarray, sizes: tuple[int, ...], batch: int,
         steps: int, repeats: int) -> None:
    """Adam steps on a tiny tanh network: cross-entropy, or BCE from the logit for 1 output."""
    X = X.astype(np.float32)
    binary = sizes[-1] == 1
    if binary:
        y = y.astype(np.float32).reshape(-1, 1)
    our_loss = nl.losses.bce_with_logits if binary else nl.losses.cross_entropy
    torch_loss = (torch.nn.functional.binary_cross_entropy_with_logits if binary
                  else torch.nn.functional.cross_entropy)
    net = nnlearn_net(sizes, "tanh", np.float32)
    opt = nl.optim.Adam(net.parameters(), lr=1e-3)
    batches = [np.random.default_rng(i).choice(len(X), size=batch, replace=False)
               for i in range(16)]

    def run_nnlearn() -> None:
        for i in range(steps):
            index = batches[i % 16]
            opt.zero_grad()
            our_loss(net(nl.tensor(X[index])), y[index]).backward()
            opt.step()

    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    tnet = torch_net(sizes, torch.nn.Tanh, torch.float32)
    topt = torch.optim.Adam(tnet.parameters(), lr=1e-3)
    tbatches = [torch.from_numpy(b) for b in batches]

    def run_torch() -> None:
        for i in range(steps):
            index = tbatches[i % 16]
            topt.zero_grad()
            torch_loss(tnet(Xt[index]), yt[index]).backward()
            topt.step()

    ours, theirs = (t / steps for t in best_of(repeats, run_nnlearn, run_torch))
    print(f"  {name:<28} nnlearn {ours * 1e6:7.1f} us/step   PyTorch {theirs * 1e6:7.1f} "
          f"us/step   ratio {ours / theirs:4.2f}  (goal <= 0.5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-epoch", action="store_true", help="only the tiny networks")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with threadpool_limits(args.threads):
        print(f"threads: {args.threads} (BLAS and PyTorch)")
        if not args.skip_epoch:
            big_epoch(args.repeats)
        print("per-step time of tiny networks, Adam, float32")
        xor_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
        tiny("XOR 2-4-1, batch 4", xor_X, np.array([0, 1, 1, 0]), (2, 4, 1), 4, 2000,
             args.repeats)
        iris_X, iris_y = load_iris(return_X_y=True)
        tiny("Iris 4-16-3, batch 16", iris_X, iris_y, (4, 16, 3), 16, 2000, args.repeats)


if __name__ == "__main__":
    main()
