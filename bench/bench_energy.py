"""Benchmarks of energy and chance, each side by side with a reference in one process.

    python bench/bench_energy.py

1. Gibbs sweeps of Boltzmann machines (100 units and 1,000 chains, and four other shapes,
   down to few units and many chains):
   nnlearn's compiled sweep against a plain NumPy sweep (every chain at once, one unit at a
   time) in both memory layouts, chain-major (C) and unit-major (Fortran).
2. Asynchronous recall on a 1,000-neuron Hopfield network: nnlearn's recall, a compiled
   loop over the units with incrementally updated local fields, against a plain Python
   loop that recomputes each unit's field from the weights.
3. The Hopfield capacity curve at L = 1,000 (where recall breaks down, against 0.138),
   and the absolute capacity of the three storage rules against the published figures.
4. The RBM against scikit-learn's BernoulliRBM on the binarized digits: time per epoch
   and pseudo-likelihood with the same settings.
5. The modern Hopfield network's one-step update, x <- Xi softmax(beta Xi^T x), against
   the same attention in PyTorch, and its retrieval beside the classical network's.
6. The encoders of Ackley, Hinton and Sejnowski (1985) with their learning procedure:
   runs solved, median learning cycles and time, beside the paper's figures.

The machines are shared and noisy: read the ratios, not the absolute times.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.special import expit
from timing import best_of


def interleaved_medians(repeats, *runs):
    """The median time of each run over ``repeats`` interleaved rounds (seconds)."""
    rounds = np.array([best_of(1, *runs) for _ in range(repeats)])
    return np.median(rounds, axis=0)


def numpy_gibbs_sweep(states, weights, biases, T, rng):
    """A plain NumPy Gibbs sweep: every chain at once, one unit at a time, in random order."""
    u = rng.random(states.shape)
    for i in rng.permutation(states.shape[1]):
        gap = states @ weights[i] + biases[i]
        states[:, i] = u[:, i] < expit(gap / T)


def bench_gibbs(sizes=((100, 1000), (20, 1000), (500, 100), (10, 10000), (5, 20000)), n_sweeps=20,
                repeats=9):
    """nnlearn's compiled sweep against the plain NumPy sweep in both memory layouts: C
    (chain-major, one row per chain) and Fortran (unit-major, one column per unit)."""
    for n_units, n_chains in sizes:
        t_ours, t_c, t_f = (t / n_sweeps for t in gibbs_times(n_units, n_chains, n_sweeps,
                                                               repeats))
        print(f"Gibbs sweeps, {n_units} units, {n_chains} chains (ms per sweep of all chains, "
              f"median of {repeats}): nnlearn {t_ours * 1e3:.2f}, NumPy C-order "
              f"{t_c * 1e3:.2f}, NumPy Fortran-order {t_f * 1e3:.2f}; ratio to the better "
              f"NumPy layout {t_ours / min(t_c, t_f):.2f}")


def gibbs_times(n_units, n_chains, n_sweeps, repeats):
    from nnlearn.models import BoltzmannMachine

    bm = BoltzmannMachine(n_units, random_state=0)
    start = (np.random.default_rng(1).random((n_chains, n_units)) < 0.5).astype(np.float64)
    chains = {"nnlearn": start.copy(), "numpy_c": start.copy(),
              "numpy_f": np.asfortranarray(start)}
    rng = np.random.default_rng(2)

    def ours():
        for _ in range(n_sweeps):
            bm.sweep(chains["nnlearn"], 1.0, rng)

    def plain(layout):
        def run():
            for _ in range(n_sweeps):
                numpy_gibbs_sweep(chains[layout], bm.weights, bm.biases, 1.0, rng)
        return run

    ours()  # compile (or load) the loop first
    return interleaved_medians(repeats, ours, plain("numpy_c"), plain("numpy_f"))


def bench_hopfield(n_units=1000, n_patterns=50, n_probes=1000, loop_probes=3):
    from nnlearn.models import Hopfield

    rng = np.random.default_rng(2)
    patterns = rng.choice([-1.0, 1.0], size=(n_patterns, n_units))
    net = Hopfield(n_units).store(patterns)
    probes = patterns[rng.integers(0, n_patterns, n_probes)].copy()
    probes *= np.where(rng.random(probes.shape) < 0.2, -1.0, 1.0)
    recalled = {}

    def compiled():
        recalled["x"] = net.recall(probes, random_state=3)

    def plain_loop():
        w = net.weights
        order_rng = np.random.default_rng(3)
        for x in probes[:loop_probes].copy():
            for _ in range(100):
                changed = False
                for i in order_rng.permutation(n_units):
                    h = w[i] @ x
                    new = x[i] if h == 0 else np.sign(h)
                    changed |= new != x[i]
                    x[i] = new
                if not changed:
                    break

    net.recall(probes[:1], random_state=3)  # compile (or load) the loop first
    t_ours = best_of(3, compiled)[0] / n_probes
    t_loop = best_of(1, plain_loop)[0] / loop_probes
    ok = np.mean([(recalled["x"] @ patterns.T).max(axis=1) == n_units])
    print(f"Hopfield async recall, {n_units} neurons, load {n_patterns / n_units}: nnlearn "
          f"{t_ours * 1e3:.2f} ms/probe, plain loop {t_loop * 1e3:.1f} ms/probe; speed-up "
          f"{t_loop / t_ours:,.0f}x; {ok:.0%} of probes recalled exactly")


def bench_capacity(n_units=1000):
    from nnlearn.models.energy.hopfield_capacity import THEORETICAL_CAPACITY, capacity_curve

    start = time.perf_counter()
    curve = capacity_curve(n_units, loads=np.arange(0.05, 0.2501, 0.0125), random_state=0)
    print(f"Hopfield capacity, L = {n_units} ({time.perf_counter() - start:.1f} s):")
    for a, s, r in zip(curve.loads, curve.stable, curve.recalled, strict=True):
        print(f"    load {a:.4f}: fixed points {s:.2f}, recalled within 1% {r:.2f}")
    print(f"    recalled fraction below 1/2 at load {curve.breakdown():.3f} "
          f"(theory, L -> infinity: {THEORETICAL_CAPACITY})")


def bench_absolute_capacity(sizes=(64, 100, 200), n_trials=20):
    from nnlearn.models.energy.hopfield_capacity import (
        absolute_capacity,
        published_absolute_capacity,
    )

    print("Absolute capacity (patterns stored before the first is not a fixed point):")
    for n_units in sizes:
        for rule in ("analytic", "storkey", "pseudoinverse"):
            trials = n_trials if rule != "pseudoinverse" else 2
            found = absolute_capacity(n_units, rule, n_trials=trials, random_state=n_units)
            published = published_absolute_capacity(rule, n_units)
            error = found.std() / np.sqrt(trials)
            print(f"    L = {n_units}, {rule}: {found.mean():.2f} +- {error:.2f} over {trials} "
                  f"trials, published {published:.2f} (ratio {found.mean() / published:.3f})")


def bench_modern_hopfield(n_units=64, n_patterns=16384, n_probes=256):
    import torch

    from nnlearn.models import ModernHopfield
    from nnlearn.models.energy.hopfield_capacity import retrieval_curve

    rng = np.random.default_rng(4)
    patterns = rng.choice([-1.0, 1.0], size=(n_patterns, n_units))
    probes = patterns[:n_probes] * np.where(rng.random((n_probes, n_units)) < 0.1, -1, 1)
    net = ModernHopfield(n_units).store(patterns)
    xi, queries = torch.from_numpy(patterns), torch.from_numpy(probes)
    results = {}

    def ours():
        results["nnlearn"] = net.update(probes)

    def theirs():
        results["torch"] = (torch.softmax(queries @ xi.T, dim=-1) @ xi).numpy()

    t_ours, t_theirs = best_of(5, ours, theirs)
    same = np.abs(results["nnlearn"] - results["torch"]).max()
    exact = np.mean(np.all(np.sign(results["nnlearn"]) == patterns[:n_probes], axis=1))
    print(f"Modern Hopfield update, d = {n_units}, N = {n_patterns}, {n_probes} probes "
          f"(float64): nnlearn {t_ours * 1e3:.1f} ms, PyTorch {t_theirs * 1e3:.1f} ms, ratio "
          f"{t_ours / t_theirs:.2f}; max difference {same:.1e}; {exact:.0%} retrieved in one step")
    for d in (16, 32, 64):
        curve = retrieval_curve(d, random_state=d)
        half = [curve.counts[np.flatnonzero(f < 0.5)[0]] if np.any(f < 0.5) else np.inf
                for f in (curve.modern, curve.classical)]
        print(f"    d = {d}, {curve.noise:.0%} bits flipped: retrieval falls below 1/2 at "
              f"N = {half[0]} (modern, one update) and N = {half[1]} (classical)")


def bench_rbm(n_hidden=256, n_iter=5):
    from sklearn.datasets import load_digits
    from sklearn.neural_network import BernoulliRBM

    from nnlearn.models import RBM

    settings = {"learning_rate": 0.05, "batch_size": 10, "n_iter": n_iter, "random_state": 0}
    for dtype in (np.float64, np.float32):
        X = (load_digits().data > 7).astype(dtype)
        models = {}

        def ours(X=X, models=models):
            models["nnlearn"] = RBM(n_hidden=n_hidden, **settings).fit(X)

        def theirs(X=X, models=models):
            models["sklearn"] = BernoulliRBM(n_components=n_hidden, **settings).fit(X)

        t_ours, t_theirs = (t / n_iter for t in best_of(3, ours, theirs))
        reference = RBM(n_hidden=n_hidden)
        for name in ("components_", "intercept_hidden_", "intercept_visible_"):
            setattr(reference, name, getattr(models["sklearn"], name))
        pl_ours = models["nnlearn"].pseudo_likelihood(X).mean()
        pl_theirs = reference.pseudo_likelihood(X).mean()
        print(f"RBM on binarized digits ({X.shape[0]}x{X.shape[1]}, {n_hidden} hidden, PCD-1, "
              f"{np.dtype(dtype).name}): time per epoch nnlearn {t_ours * 1e3:.1f} ms, "
              f"scikit-learn {t_theirs * 1e3:.1f} ms, ratio {t_ours / t_theirs:.2f}; "
              f"pseudo-likelihood {pl_ours:.2f} vs {pl_theirs:.2f}")


def bench_encoders(experiments=((4, 2, 100, 2000), (4, 3, 100, 2000), (8, 3, 20, 4000))):
    from nnlearn.models import encoder_experiment

    for group_size, n_hidden, n_runs, max_cycles in experiments:
        start, cpu = time.perf_counter(), time.process_time()
        result = encoder_experiment(group_size, n_hidden, n_runs=n_runs, max_cycles=max_cycles)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        paper, (coded, code_median) = result.paper, result.codes_found
        reported = (f"paper: {paper[0]}/{paper[1]} solved" + (f", median {paper[2]} cycles"
                                                               if paper[2] else "")
                    if paper else "paper: no figure stored here")
        print(f"{group_size}-{n_hidden}-{group_size} encoder, {n_runs} runs of at most "
              f"{max_cycles} cycles ({wall:.1f} s, {cpu:.1f} s of CPU): solved {result.n_solved}"
              f", median {result.median_cycles:.1f} cycles; distinct codes {coded}, "
              f"median {code_median:.1f}; sampled completion "
              f"{result.completion.mean():.2f}; {reported}")


if __name__ == "__main__":
    bench_gibbs()
    bench_hopfield()
    bench_capacity()
    bench_absolute_capacity()
    bench_rbm()
    bench_modern_hopfield()
    bench_encoders()
