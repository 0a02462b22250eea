"""Tour: Boltzmann machines: sampling, annealing and learning; the RBM beside scikit-learn."""

from __future__ import annotations

import numpy as np

from nnlearn.equations import CATALOGUE
from nnlearn.models import BoltzmannMachine, kl_divergence
from nnlearn.models.energy.binary import binary_states, state_index
from nnlearn.models.energy.continuous_partition import continuous_partition_function
from nnlearn.models.energy.rbm import RBM
from nnlearn.plots.energy import curves, distribution_bars
from nnlearn.tour.report import Report

TITLE = "Boltzmann machines: energy and temperature"


def random_machine(n_units: int, seed: int) -> BoltzmannMachine:
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.normal(size=(n_units, n_units)), 1)
    return BoltzmannMachine(n_units, weights=upper + upper.T, biases=rng.normal(size=n_units))


def run(report: Report) -> None:
    for key in ("energy_of_a_specific_state_in_a_boltzmann_machine",
                "boltzmann_distribution_of_microstates",
                "probability_of_setting_a_unit_to_1_in_a_bm",
                "metropolis_acceptance_function", "boltzmann_acceptance_function"):
        report.text(CATALOGUE[key].name)
        report.equation(CATALOGUE[key].latex)
    partition_functions(report)
    sampling(report)
    annealing(report)
    learning(report)
    rbm(report)


def partition_functions(report: Report) -> None:
    for key in ("boltzmann_normalization_constant_partition_function_discrete",
                "boltzmann_normalization_constant_partition_function"):
        report.text(CATALOGUE[key].name)
        report.equation(CATALOGUE[key].latex)
    bm = random_machine(5, 0)
    rows = []
    for T in (0.5, 1.0, 3.0):
        gaussian = continuous_partition_function(lambda s: s * s / 2, [(-np.inf, np.inf)], T)
        rows.append((T, bm.partition_function(T), gaussian, float(np.sqrt(2 * np.pi * T))))
    report.text("Z(T) by enumeration of the 32 states of a 5-unit machine, and by integration "
                "for the continuous energy E(s) = s²/2, whose closed form is √(2πT):")
    report.table(("T", "Z, 5 binary units", "Z, E = s²/2 (integral)", "√(2πT)"), rows)


def sampling(report: Report) -> None:
    bm = random_machine(5, 0)
    panels, rows = [], []
    for T in (1.0, 3.0):
        samples = bm.sample(20000, T=T, n_sweeps=30, random_state=1)
        freq = np.bincount(state_index(samples), minlength=32) / len(samples)
        exact = bm.exact_distribution(T)
        panels.append((f"T = {T}", exact, freq))
        rows.append((T, kl_divergence(freq, exact)))
    report.text("A random 5-unit machine, 20,000 Gibbs chains of 30 sweeps, against the "
                "exact Boltzmann distribution by enumeration:")
    report.table(("T", "KL(sampled, exact)"), rows)
    labels = ["".join(str(int(b)) for b in s) for s in binary_states(5)]
    report.figure(distribution_bars(panels, labels), "boltzmann_sampling.png",
                  "sampled and exact distributions at two temperatures")


def annealing(report: Report) -> None:
    machines = [random_machine(12, 100 + seed) for seed in range(8)]
    grounds = [bm.ground_state()[1] for bm in machines]
    schedules = [("geometric", 50, {}), ("geometric", 200, {}), ("geometric", 600, {}),
                 ("linear", 600, {}), ("logarithmic", 600, {"t_start": 2.0})]
    rows, traces = [], []
    for name, n_sweeps, options in schedules:
        options = options or {"t_start": 5.0, "t_end": 0.02}
        hits = []
        for seed, (bm, ground) in enumerate(zip(machines, grounds, strict=True)):
            result = bm.anneal(name, n_sweeps=n_sweeps, n_chains=10, random_state=seed, **options)
            hits.append(np.isclose(result.energies, ground))
            if seed == 0 and n_sweeps == 600:
                traces.append((f"{name}, {n_sweeps} sweeps", result.energy_trace.mean(axis=1)))
        rows.append((name, n_sweeps, str(options), float(np.mean(hits))))
    report.text("Simulated annealing (Metropolis) on 8 random 12-unit machines, 10 runs "
                "each; success = ending in the ground state found by enumeration:")
    report.table(("schedule", "sweeps", "options", "success rate"), rows)
    report.figure(curves([t for _, t in traces], [n for n, _ in traces], "sweep",
                         "mean energy of 10 runs"),
                  "boltzmann_annealing.png", "annealing energy traces")


def learning(report: Report) -> None:
    for key in ("weight_update_rule_for_boltzmann_machines",
                "gradients_of_kl_divergence_with_respect_to_weights",
                "kullback_leibler_divergence"):
        report.text(CATALOGUE[key].name)
        report.equation(CATALOGUE[key].latex)
    report.text("(The equation list divides log P by log P̂; nnlearn implements the KL "
                "divergence Σ P log(P/P̂).)")
    states = binary_states(3)
    parity = states[states.sum(axis=1) % 2 == 0]
    visible = BoltzmannMachine(3, random_state=0).fit(parity, n_epochs=2500, learning_rate=1.0)
    hidden = BoltzmannMachine(5, n_visible=3, random_state=0).fit(
        parity, n_epochs=2500, learning_rate=1.0)
    sampled = BoltzmannMachine(5, n_visible=3, random_state=0).fit(
        parity, n_epochs=2500, learning_rate=1.0, method="sampling", n_chains=200,
        random_state=1)
    report.text("Learning the even-parity states of 3 bits (exact statistics by enumeration, "
                "and estimated by Gibbs sampling). Without hidden units the machine cannot "
                f"express the third-order dependence and stays at KL = log 2 "
                f"({visible.kl_history_[-1]:.4f}); two hidden units bring it to "
                f"{hidden.kl_history_[-1]:.4f} (sampled statistics: "
                f"{sampled.kl_history_[-1]:.4f}).")
    report.figure(curves([visible.kl_history_, hidden.kl_history_, sampled.kl_history_],
                         ["3 visible", "3 visible + 2 hidden", "same, sampled statistics"],
                         "epoch", "KL(P_data, P_model)", logy=True),
                  "boltzmann_learning.png", "KL during learning")


def rbm(report: Report) -> None:
    try:  # scikit-learn is a test dependency, not a runtime one
        from sklearn.datasets import load_digits
        from sklearn.neural_network import BernoulliRBM
    except ImportError:
        report.text("(Install scikit-learn to see the RBM beside its BernoulliRBM here.)")
        return
    X = (load_digits().data > 7).astype(np.float64)
    settings = {"learning_rate": 0.05, "batch_size": 10, "n_iter": 5, "random_state": 0}
    ours = RBM(n_hidden=64, **settings).fit(X)
    theirs = BernoulliRBM(n_components=64, **settings).fit(X)
    as_ours = RBM(n_hidden=64)
    as_ours.components_ = theirs.components_
    as_ours.intercept_hidden_ = theirs.intercept_hidden_
    as_ours.intercept_visible_ = theirs.intercept_visible_
    report.text("Beyond the course, the restricted Boltzmann machine (persistent CD-1) on the "
                "binarized 8×8 digits, beside scikit-learn's BernoulliRBM with the same "
                "settings (64 hidden units, 5 epochs): mean log pseudo-likelihood")
    report.table(("model", "pseudo-likelihood"),
                 [("nnlearn RBM", float(ours.pseudo_likelihood(X).mean())),
                  ("scikit-learn BernoulliRBM", float(as_ours.pseudo_likelihood(X).mean()))])
