"""Benchmark: nnlearn's RNN and LSTM against torch.nn.RNN / torch.nn.LSTM and JAX (CPU).

One training step — forward over the whole sequence, MSE against a target for every
step, backward through time — on the same data and weights, float32, over a grid:
sequence lengths 10, 100, 1000, hidden sizes 8, 64, 256, batch 32, 16 inputs. Then one
epoch of the adding problem (Hochreiter & Schmidhuber, 1997: 10,000 sequences of 50
steps, LSTM 2 → 32, its last step into a linear readout, MSE, Adam, batch 50) with
``nl.fit`` against the same loop in PyTorch. Prints each time (the median of interleaved
repeats) and the ratios nnlearn / PyTorch and nnlearn / JAX.

JAX is optional: when it is installed its step is a jitted ``value_and_grad`` of the
same cells written with ``lax.scan``; ``--no-jax`` leaves it out.

One thread by default (BLAS, PyTorch and XLA alike): the per-step products are small,
and on a loaded machine threads cost far more than they give. Times are CPU time by
default (``--clock wall`` for elapsed time): of the calling thread for nnlearn and
PyTorch, which compute there, and of the whole process for JAX, whose XLA runtime
computes on threads of its own. On a shared machine elapsed time also counts whatever
else ran, and the process's CPU time the threads XLA keeps spinning.

Run: ``python bench/bench_recurrent.py [--threads 1] [--repeats 5] [--quick] [--no-jax]
[--clock cpu|wall]``
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from timing import CLOCKS, load_jax, median_of, threads_limited

import nnlearn as nl

BATCH, N_INPUTS = 32, 16
GRID = [(steps, hidden) for steps in (10, 100, 1000) for hidden in (8, 64, 256)]
QUICK_GRID = [(10, 8), (100, 64), (1000, 8)]


# ----- one training step in each library ------------------------------------------------
def nnlearn_step(layer: nl.Module, x: np.ndarray, target: np.ndarray) -> Callable[[], None]:
    def run() -> None:
        for p in layer.parameters():
            p.grad = None
        nl.losses.mse(layer(x), target).backward()

    return run


def torch_layer(kind: str, ours: nl.Module) -> torch.nn.Module:
    """torch.nn.RNN / LSTM with nnlearn's weights (its second bias zero: they add up)."""
    theirs = getattr(torch.nn, kind)(ours.n_in, ours.n_hidden, batch_first=True)
    with torch.no_grad():
        theirs.weight_ih_l0.copy_(torch.from_numpy(ours.weight_input.data.T))
        theirs.weight_hh_l0.copy_(torch.from_numpy(ours.weight_hidden.data.T))
        theirs.bias_ih_l0.copy_(torch.from_numpy(ours.bias.data))
        theirs.bias_hh_l0.zero_()
    return theirs


def torch_step(layer: torch.nn.Module, x: np.ndarray, target: np.ndarray) -> Callable[[], None]:
    xt, tt = torch.from_numpy(x), torch.from_numpy(target)

    def run() -> None:
        layer.zero_grad()
        torch.nn.functional.mse_loss(layer(xt)[0], tt).backward()

    return run


def jax_step(jax: Any, kind: str, ours: nl.Module, x: np.ndarray,
             target: np.ndarray) -> Callable[[], None]:
    """A jitted value_and_grad of the same loss, the cell written with lax.scan."""
    jnp, lax = jax.numpy, jax.lax

    def cell(weight_hidden: Any, carry: Any, projected: Any) -> tuple[Any, Any]:
        a = projected + carry[0] @ weight_hidden
        if kind == "RNN":
            h = jnp.tanh(a)
            return (h,), h
        i, f, g, o = jnp.split(a, 4, axis=-1)
        c = jax.nn.sigmoid(f) * carry[1] + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h, c), h

    def loss(params: tuple[Any, Any, Any], x: Any, target: Any) -> Any:
        weight_input, weight_hidden, bias = params
        projected = jnp.swapaxes(x, 0, 1) @ weight_input + bias
        zeros = jnp.zeros((x.shape[0], weight_hidden.shape[0]), x.dtype)
        carry = (zeros,) if kind == "RNN" else (zeros, zeros)
        _, hs = lax.scan(lambda c, p: cell(weight_hidden, c, p), carry, projected)
        return jnp.mean((jnp.swapaxes(hs, 0, 1) - target) ** 2)

    step = jax.jit(jax.value_and_grad(loss))
    params = tuple(jnp.asarray(p.data) for p in (ours.weight_input, ours.weight_hidden, ours.bias))
    xj, tj = jnp.asarray(x), jnp.asarray(target)

    def run() -> None:
        jax.block_until_ready(step(params, xj, tj))

    run()  # compile
    return run


def grid(kinds: tuple[str, ...], cases: list[tuple[int, int]], repeats: int, jax: Any,
         clock: str) -> None:
    rng = np.random.default_rng(0)
    print(f"one training step, batch {BATCH}, {N_INPUTS} inputs, float32; "
          f"median of {repeats} interleaved runs, {clock} time")
    print(f"{'layer':5} {'steps':>5} {'hidden':>6} {'nnlearn':>10} {'torch':>10} "
          f"{'jax':>10} {'/torch':>7} {'/jax':>6}")
    for kind in kinds:
        for steps, hidden in cases:
            x = rng.normal(size=(BATCH, steps, N_INPUTS)).astype(np.float32)
            target = rng.normal(size=(BATCH, steps, hidden)).astype(np.float32)
            ours = getattr(nl, kind)(N_INPUTS, hidden, random_state=0).astype(np.float32)
            runs = [nnlearn_step(ours, x, target), torch_step(torch_layer(kind, ours), x, target)]
            if jax is not None:
                runs.append(jax_step(jax, kind, ours, x, target))
            runs[0]()  # compile the kernels
            times = median_of(repeats, *runs, clock=CLOCKS[clock][: len(runs)])
            t_ours, t_torch, t_jax = [*times, None][:3]
            jax_columns = (f"{t_jax * 1e3:8.2f}ms", f"{t_ours / t_jax:6.2f}") \
                if jax is not None else (f"{'—':>10}", f"{'—':>6}")
            print(f"{kind:5} {steps:5} {hidden:6} {t_ours * 1e3:8.2f}ms {t_torch * 1e3:8.2f}ms "
                  f"{jax_columns[0]} {t_ours / t_torch:7.2f} {jax_columns[1]}", flush=True)


# ----- the adding problem ---------------------------------------------------------------
def adding_problem(n: int, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Inputs (n, steps, 2): a value in [0, 1] and a marker on two steps; the target is the
    sum of the two marked values."""
    values = rng.random((n, steps))
    marks = np.zeros((n, steps))
    first = rng.integers(0, steps // 2, n)
    second = rng.integers(steps // 2, steps, n)
    marks[np.arange(n), first] = marks[np.arange(n), second] = 1
    x = np.stack([values, marks], axis=2).astype(np.float32)
    y = (values * marks).sum(axis=1, keepdims=True).astype(np.float32)
    return x, y


def adding_epoch(repeats: int, clock: str) -> None:
    n, steps, hidden, batch = 10_000, 50, 32, 50
    x, y = adding_problem(n, steps, np.random.default_rng(0))
    order = np.random.default_rng(1).permutation(n)

    def run_nnlearn() -> None:
        net = nl.Sequential(nl.LSTM(2, hidden, random_state=0), nl.LastStep(),
                            nl.Dense(hidden, 1, random_state=1)).astype(np.float32)
        nl.fit(net, x, y, loss="mse", optimizer="adam", lr=1e-3, epochs=1, batch_size=batch,
               random_state=0, progress=False)

    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def run_torch() -> None:
        lstm, readout = torch.nn.LSTM(2, hidden, batch_first=True), torch.nn.Linear(hidden, 1)
        opt = torch.optim.Adam([*lstm.parameters(), *readout.parameters()], lr=1e-3)
        for start in range(0, n, batch):
            index = torch.from_numpy(order[start : start + batch])
            opt.zero_grad()
            out = readout(lstm(xt[index])[0][:, -1])
            torch.nn.functional.mse_loss(out, yt[index]).backward()
            opt.step()

    t_ours, t_torch = median_of(repeats, run_nnlearn, run_torch, clock=CLOCKS[clock][:2])
    print(f"\nadding problem ({clock} time), one epoch ({n} sequences of {steps} steps, "
          f"LSTM 2 → {hidden}, batch {batch}, Adam): nnlearn {t_ours:.2f} s, "
          f"torch {t_torch:.2f} s, ratio {t_ours / t_torch:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="three sizes of the grid only")
    parser.add_argument("--no-jax", action="store_true")
    parser.add_argument("--kinds", default="RNN,LSTM")
    parser.add_argument("--cases", help="steps×hidden pairs such as 100x64,10x256 (default: "
                                        "the grid)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                        help="cpu: CPU time (robust on a shared machine; see CLOCKS); "
                             "wall: elapsed time")
    args = parser.parse_args()
    jax = None if args.no_jax else load_jax(args.threads)
    torch.set_num_threads(args.threads)
    with threads_limited(args.threads):
        cases = QUICK_GRID if args.quick else GRID
        if args.cases:
            cases = [tuple(int(v) for v in case.split("x")) for case in args.cases.split(",")]
        grid(tuple(args.kinds.split(",")), cases, args.repeats, jax, args.clock)
        adding_epoch(max(1, args.repeats // 2), args.clock)


if __name__ == "__main__":
    main()
