"""Chapter: Boltzmann machines: sampling, annealing and learning; the RBM beside scikit-learn."""

from __future__ import annotations

import numpy as np

from nnlearn.models import BoltzmannMachine, kl_divergence
from nnlearn.models.energy.binary import binary_states, state_index
from nnlearn.models.energy.continuous_partition import continuous_partition_function
from nnlearn.models.energy.rbm import RBM
from nnlearn.plots.energy import curves, distribution_bars
from nnlearn.tour.numbers import number, percent
from nnlearn.tour.page import Page

TITLE = "Boltzmann machines"
SUMMARY = ("Energy and temperature: exact and sampled distributions, simulated annealing "
           "to the ground state, learning a distribution, the RBM beside scikit-learn.")
INTRODUCTION = (
    "A Boltzmann machine is a Hopfield network with noise: its units switch on at random, "
    "more readily the more it lowers the energy, and at temperature T the states follow "
    "the Boltzmann distribution p(s) ∝ exp(−E(s)/T). This chapter checks the sampler "
    "against the distribution computed exactly by enumerating every state, cools machines "
    "slowly to find their ground state (simulated annealing), teaches one a distribution "
    "that needs hidden units, and trains the restricted Boltzmann machine beside "
    "scikit-learn's."
)

SAMPLED_UNITS, N_SAMPLES, N_SWEEPS = 5, 20_000, 30
ANNEALED_UNITS, N_MACHINES, N_RUNS = 12, 8, 10
#: (schedule, sweeps, temperatures); the geometric and linear ones cool from 5 to 0.02
SCHEDULES = (("geometric", 30, {}), ("geometric", 100, {}), ("geometric", 300, {}),
             ("linear", 300, {}), ("logarithmic", 300, {"t_start": 2.0}))
LEARNING_EPOCHS, LEARNING_RATE = 1000, 2.0


def random_machine(n_units: int, seed: int) -> BoltzmannMachine:
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.normal(size=(n_units, n_units)), 1)
    return BoltzmannMachine(n_units, weights=upper + upper.T, biases=rng.normal(size=n_units))


def distribution(page: Page) -> None:
    page.section("Energy, temperature and the Boltzmann distribution")
    page.equation("energy_of_a_specific_state_in_a_boltzmann_machine",
                  "boltzmann_distribution_of_microstates",
                  "boltzmann_normalization_constant_partition_function_discrete",
                  "boltzmann_normalization_constant_partition_function")
    bm = random_machine(SAMPLED_UNITS, 0)
    rows = []
    for T in (0.5, 1.0, 3.0):
        gaussian = continuous_partition_function(lambda s: s * s / 2, [(-np.inf, np.inf)], T)
        rows.append((T, bm.partition_function(T), gaussian, float(np.sqrt(2 * np.pi * T))))
    page.text(f"The partition function Z(T) normalizes the distribution: a sum over the "
              f"{2 ** SAMPLED_UNITS} states of a random {SAMPLED_UNITS}-unit machine, and an "
              "integral for a continuous state with the energy E(s) = s²/2, whose closed "
              "form is √(2πT):")
    page.table(("T", f"Z, {SAMPLED_UNITS} binary units (sum)", "Z, E = s²/2 (integral)",
                "√(2πT)"), rows)


def sampling(page: Page) -> None:
    page.section("Sampling the distribution")
    page.equation("probability_of_setting_a_unit_to_1_in_a_bm", "metropolis_acceptance_function",
                  "boltzmann_acceptance_function")
    bm = random_machine(SAMPLED_UNITS, 0)
    panels, rows = [], []
    for T in (1.0, 3.0):
        samples = bm.sample(N_SAMPLES, T=T, n_sweeps=N_SWEEPS, random_state=1)
        frequency = np.bincount(state_index(samples), minlength=2**SAMPLED_UNITS) / len(samples)
        exact = bm.exact_distribution(T)
        panels.append((f"T = {number(T)}", exact, frequency))
        rows.append((T, kl_divergence(frequency, exact), float(np.abs(frequency - exact).max())))
    peaks = [float(exact.max()) for _, exact, _ in panels]
    page.text(f"The random {SAMPLED_UNITS}-unit machine again: {N_SAMPLES:,} Gibbs chains of "
              f"{N_SWEEPS} sweeps each (every unit set to 1 with the probability above), their "
              "final states counted, against the exact distribution. At the higher "
              f"temperature the distribution flattens: its most likely state has probability "
              f"{number(peaks[0])} at T = 1 and {number(peaks[1])} at T = 3.")
    page.table(("T", "KL(sampled ‖ exact)", "largest |sampled − exact|"), rows)
    labels = ["".join(str(int(b)) for b in s) for s in binary_states(SAMPLED_UNITS)]
    page.figure(distribution_bars(panels, labels), "sampling",
                f"The probability of each of the {2 ** SAMPLED_UNITS} states, exact and "
                "sampled, at two temperatures.")


def annealing(page: Page) -> None:
    page.section("Simulated annealing")
    page.equation("geometric_annealing_schedule")
    machines = [random_machine(ANNEALED_UNITS, 100 + seed) for seed in range(N_MACHINES)]
    grounds = [bm.ground_state()[1] for bm in machines]
    longest = max(n_sweeps for _, n_sweeps, _ in SCHEDULES)
    rows, traces = [], []
    for name, n_sweeps, options in SCHEDULES:
        options = options or {"t_start": 5.0, "t_end": 0.02}
        hits = []
        for seed, (bm, ground) in enumerate(zip(machines, grounds, strict=True)):
            result = bm.anneal(name, n_sweeps=n_sweeps, n_chains=N_RUNS, random_state=seed,
                               **options)
            hits.append(np.isclose(result.energies, ground))
            if seed == 0 and n_sweeps == longest:
                traces.append((f"{name}, {n_sweeps} sweeps", result.energy_trace.mean(axis=1)))
        temperatures = ", ".join(f"{k.removeprefix('t_')} T = {number(v)}"
                                 for k, v in options.items())
        rows.append((name, n_sweeps, temperatures, percent(np.mean(hits))))
    page.text(f"{N_MACHINES} random machines of {ANNEALED_UNITS} units, their ground state "
              f"found by enumerating all {2 ** ANNEALED_UNITS:,} states; each cooled "
              f"{N_RUNS} times with Metropolis steps under several schedules. A run succeeds "
              "when it ends in the ground state:")
    page.table(("schedule", "sweeps", "temperatures", "success rate"), rows)
    page.figure(curves([t for _, t in traces], [n for n, _ in traces], "sweep",
                       f"mean energy of {N_RUNS} runs"),
                "annealing", f"The energy while cooling the first machine, under the "
                f"schedules of {longest} sweeps.")


def learning(page: Page) -> None:
    page.section("Learning a distribution")
    page.equation("weight_update_rule_for_boltzmann_machines",
                  "gradients_of_kl_divergence_with_respect_to_weights",
                  "kullback_leibler_divergence")
    page.text("(The course's list of equations divides log P by log P̂ in the KL divergence; "
              "nnlearn implements the divergence itself, Σ P log(P/P̂).)")
    states = binary_states(3)
    parity = states[states.sum(axis=1) % 2 == 0]
    options = {"n_epochs": LEARNING_EPOCHS, "learning_rate": LEARNING_RATE}
    visible = BoltzmannMachine(3, random_state=0).fit(parity, **options)
    hidden = BoltzmannMachine(5, n_visible=3, random_state=0).fit(parity, **options)
    sampled = BoltzmannMachine(5, n_visible=3, random_state=0).fit(
        parity, method="sampling", n_chains=200, random_state=1, **options)
    page.text("The target: the four states of 3 bits with an even number of ones, each with "
              "probability ¼. The statistics pᵢⱼ and qᵢⱼ are computed exactly by "
              "enumeration, or estimated by Gibbs sampling. Without hidden units the machine "
              "cannot express this third-order dependence and stays at KL = log 2 = "
              f"{number(np.log(2), 4)} ({number(visible.kl_history_[-1], 4)} after "
              f"{LEARNING_EPOCHS:,} epochs); two hidden units bring it to "
              f"{number(hidden.kl_history_[-1])} (with sampled statistics: "
              f"{number(sampled.kl_history_[-1])}).")
    page.figure(curves([visible.kl_history_, hidden.kl_history_, sampled.kl_history_],
                       ["3 visible units", "3 visible + 2 hidden", "the same, sampled statistics"],
                       "epoch", "KL(P_data ‖ P_model)", logy=True,
                       reference=(float(np.log(2)), "log 2")),
                "learning", "The KL divergence to the even-parity distribution during learning "
                "(logarithmic scale).")


def rbm(page: Page) -> None:
    page.section("The restricted Boltzmann machine beside scikit-learn")
    page.equation("rbm_conditionals", "contrastive_divergence", "pseudo_log_likelihood")
    from sklearn.datasets import load_digits
    from sklearn.neural_network import BernoulliRBM

    X = (load_digits().data > 7).astype(np.float64)
    settings = {"learning_rate": 0.05, "batch_size": 10, "n_iter": 5, "random_state": 0}
    ours = RBM(n_hidden=64, **settings).fit(X)
    theirs = BernoulliRBM(n_components=64, **settings).fit(X)
    as_ours = RBM(n_hidden=64)
    as_ours.components_ = theirs.components_
    as_ours.intercept_hidden_ = theirs.intercept_hidden_
    as_ours.intercept_visible_ = theirs.intercept_visible_
    page.text("Beyond the course: hidden units connected only to visible ones, trained by "
              "persistent contrastive divergence (CD-1) on the 8×8 digits made black and "
              "white, beside scikit-learn's BernoulliRBM with the same settings (64 hidden "
              "units, 5 epochs, learning rate 0.05, mini-batches of 10); both scored by "
              "nnlearn's mean log pseudo-likelihood:")
    page.table(("model", "mean log pseudo-likelihood"),
               [("nnlearn RBM", float(ours.pseudo_likelihood(X).mean())),
                ("scikit-learn BernoulliRBM", float(as_ours.pseudo_likelihood(X).mean()))])


# The encoders of Ackley, Hinton and Sejnowski (1985: 4-2-4, 4-3-4, 8-3-8, their success
# rates beside the paper's, the learned codes) become a section `encoder` placed between
# `learning` and `rbm`, once BoltzmannMachine has connectivity masks and the paper's
# learning procedure (annealed phases, noisy clamping, the sign step of the weights).
SECTIONS = (distribution, sampling, annealing, learning, rbm)
