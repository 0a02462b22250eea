"""Chapter: Boltzmann machines: sampling, annealing and learning; the encoders of Ackley, Hinton
and Sejnowski (1985); the RBM beside scikit-learn."""

from __future__ import annotations

import itertools
import math

import numpy as np

from nnlearn.models import BoltzmannMachine, kl_divergence
from nnlearn.models.energy.annealing import COMPLETION_SCHEDULE
from nnlearn.models.energy.binary import binary_states, state_index
from nnlearn.models.energy.boltzmann_learning import PAPER_1985
from nnlearn.models.energy.continuous_partition import continuous_partition_function
from nnlearn.models.energy.encoder import (
    EncoderResult,
    encoder_experiment,
    paper_clamp_noise,
)
from nnlearn.models.energy.rbm import RBM
from nnlearn.plots.encoder import encoder_name, learned_code, learning_cycles
from nnlearn.plots.energy import curves, distribution_bars
from nnlearn.tour import background
from nnlearn.tour.numbers import number, percent
from nnlearn.tour.page import Page

TITLE = "Boltzmann machines"
SUMMARY = ("Energy and temperature: exact and sampled distributions, simulated annealing "
           "to the ground state, learning a distribution, hidden units that learn a code, "
           "the RBM beside scikit-learn.")
INTRODUCTION = (
    "A Boltzmann machine is a Hopfield network with noise: its units switch on at random, "
    "more readily the more it lowers the energy, and at temperature T the states follow "
    "the Boltzmann distribution p(s) ∝ exp(−E(s)/T). This chapter checks the sampler "
    "against the distribution computed exactly by enumerating every state, cools machines "
    "slowly to find their ground state (simulated annealing), teaches one a distribution "
    "that needs hidden units, repeats the encoder experiments of Ackley, Hinton and "
    "Sejnowski (1985), in which hidden units learn a code, and trains the restricted "
    "Boltzmann machine beside scikit-learn's."
)

SAMPLED_UNITS, N_SAMPLES, N_SWEEPS = 5, 20_000, 30
ANNEALED_UNITS, N_MACHINES, N_RUNS = 12, 8, 10
#: (schedule, sweeps, temperatures); the geometric and linear ones cool from 5 to 0.02
SCHEDULES = (("geometric", 30, {}), ("geometric", 100, {}), ("geometric", 300, {}),
             ("linear", 300, {}), ("logarithmic", 300, {"t_start": 2.0}))
LEARNING_EPOCHS, LEARNING_RATE = 1000, 2.0
#: the encoders run: (v, h, runs, the most learning cycles of a run); a run of the 8-3-8
#: costs about 20 times one of the 4-2-4, so it gets a few runs where the paper made 20
ENCODERS = ((4, 2, 100, 2000), (4, 3, 100, 2000), (8, 3, 3, 4000))
#: annealings per pattern and phase in a learning cycle (the paper's 2), and sampled
#: completions per pattern of each learned encoder
ANNEALINGS, COMPLETION_TRIALS = 2, 10


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


def encoder(page: Page) -> None:
    page.section("The encoder: hidden units learn a code")
    page.equation("boltzmann_sign_step_update", "noisy_clamping")
    results = background.result(encoder_results)
    _encoder_problem(page, results[0])
    _four_two_four(page, results[0])
    _looser_and_tighter(page, results)


def encoder_results() -> list[EncoderResult]:
    """The runs of every encoder of :data:`ENCODERS` (the chapter's longest experiment)."""
    return [encoder_experiment(v, h, n_runs=runs, max_cycles=cycles, annealings=ANNEALINGS,
                               n_trials=COMPLETION_TRIALS, random_state=0)
            for v, h, runs, cycles in ENCODERS]


def _encoder_problem(page: Page, main: EncoderResult) -> None:
    v, h = main.group_size, main.n_hidden
    page.text("Ackley, Hinton and Sejnowski (1985) tried their learning procedure on "
              f"encoder problems. Two visible groups of {v} units, V1 and V2, can talk "
              f"only through {h} hidden units H: each group is connected within itself and "
              "to H, and no unit of V1 to any unit of V2 nor any hidden unit to another. "
              f"The machine is shown {v} patterns, equally often, each with one unit of V1 "
              "and the same unit of V2 on. To reproduce them it must pass on through H "
              f"which unit of V1 is on, and {h} binary units have exactly {2 ** h} states: "
              "the hidden units must learn a code, a state of their own for each pattern, "
              "with nobody telling them which.")
    on_off, off_on = PAPER_1985["clamp_noise"]
    schedule, T = _sweeps_in_words(PAPER_1985["clamped_schedule"]), number(PAPER_1985["T"])
    page.text("The paper's procedure, which BoltzmannMachine.fit runs with the options "
              "PAPER_1985, has two phases in each learning cycle. Clamped: each pattern is "
              f"clamped {ANNEALINGS} times on V1 and V2, through noise (a unit that should "
              f"be on reads off with probability {number(on_off)}, one that should be off "
              f"reads on with probability {number(off_on)}, so that no state has "
              "probability 0 in the data and the weights need not grow without bound); "
              f"the hidden units are annealed ({schedule}) and the co-activations pᵢⱼ "
              f"counted over {PAPER_1985['n_samples']} further sweeps at T = {T}. Free: the "
              "same with no unit clamped gives qᵢⱼ. Then every weight moves by "
              f"μ = {number(PAPER_1985['learning_rate'])} in the direction of pᵢⱼ − qᵢⱼ "
              "(every bias in that of pᵢ − qᵢ), whatever the size of the difference, and "
              "the weights between V1 and V2, which do not exist, stay 0.")


def _four_two_four(page: Page, main: EncoderResult) -> None:
    v, h = main.group_size, main.n_hidden
    paper_solved, paper_runs, paper_median = main.paper
    page.text(f"A run starts from zero weights and is solved at the first cycle after which, "
              f"computed exactly by enumerating the states, the {v} patterns have {v} "
              "different most probable hidden states, and with only V1 clamped the most "
              "probable state of the other units has the pattern's V2. Of "
              f"{len(main.solved)} runs, {main.n_solved} are solved within "
              f"{number(main.max_cycles)} cycles, after a median of "
              f"{number(main.median_cycles)} cycles (their codes differ after a median of "
              f"{number(main.codes_found[1])}); the paper, which asks for the codes "
              f"alone, reports {paper_solved} of {paper_runs} runs solved, after a median of "
              f"about {paper_median} cycles.")
    codes = ", ".join("".join(str(int(bit)) for bit in code) for code in main.codes[0])
    tables = {tuple(code.ravel()) for code in main.codes[main.solved]}
    page.text(f"Run 1 is solved after {main.cycles[0]} cycles; its hidden units code the "
              f"patterns 1 to {v} as {codes}. Which pattern gets which code is left to "
              f"chance: the solved runs found {len(tables)} of the "
              f"{math.perm(2 ** h, v)} ways to give the {v} patterns {v} different codes.")
    page.figure(learned_code(main, 0), "encoder-code",
                f"The code run 1 of the {encoder_name(main)} learned: for each pattern (a "
                "row) its units of V1, the most probable state of H with V1 and V2 clamped "
                "to the pattern, and its units of V2.")
    page.text("Completed by sampling, as the paper tests its machines (V1 clamped, the rest "
              "annealed with the paper's schedule and then cooled slowly to "
              f"T = {number(COMPLETION_SCHEDULE[-1])}), the {main.n_solved} solved machines "
              f"put out the right V2 in {percent(main.completion[main.solved].mean())} of "
              f"the trials ({COMPLETION_TRIALS} per pattern and machine): annealing does not "
              "always find the most probable state.")


def _looser_and_tighter(page: Page, results: list[EncoderResult]) -> None:
    looser, tighter = results[1:]
    off_on = paper_clamp_noise(tighter.group_size, tighter.n_hidden)[1]
    page.text(f"The same procedure on a looser encoder and a tighter one: "
              f"{encoder_name(looser)}, {looser.n_hidden} hidden units for "
              f"{looser.group_size} patterns ({2 ** looser.n_hidden} codes to choose from), "
              f"and {encoder_name(tighter)}, where {tighter.n_hidden} hidden units must give "
              f"{tighter.group_size} patterns all {2 ** tighter.n_hidden} of their states. "
              f"A learning cycle of the {encoder_name(tighter)} anneals "
              f"{ANNEALINGS * tighter.group_size} chains of "
              f"{2 * tighter.group_size + tighter.n_hidden} units, and a run may take "
              f"thousands of cycles: this chapter makes {len(tighter.solved)} such runs of "
              f"at most {number(tighter.max_cycles)} cycles, where the paper made "
              f"{tighter.paper[1]}. As in the paper, its noisy clamping turns an off unit on "
              f"with probability {number(off_on)} only, so that the noise does not swamp a "
              f"group of {tighter.group_size} units.")
    page.table(("encoder", "runs", "cycles at most", "solved", "median cycles",
                "completed right (sampled)", "the paper (distinct codes)"),
               [_encoder_row(result) for result in results])
    separated = _min_hamming_distance(looser.codes[looser.solved]) >= 2
    page.text(f"The {encoder_name(looser)} runs are solved after a median of "
              f"{number(looser.median_cycles)} cycles. With {looser.n_hidden} hidden units "
              f"for {looser.group_size} patterns there is room for codes that differ "
              "pairwise in two bits, which one hidden unit switching at random cannot "
              "confuse; stopped at the first cycle at which they are solved, "
              f"{int(separated.sum())} of the {looser.n_solved} solved runs have such a "
              "code.")
    unsolved = [str(len(np.unique(code[(code >= 0).all(axis=1)], axis=0)))
                for code in tighter.codes[~tighter.solved]]
    solved = {0: "none is", 1: "1 is"}.get(tighter.n_solved, f"{tighter.n_solved} are")
    page.text(f"Of the {len(tighter.solved)} runs of the {encoder_name(tighter)}, {solved} "
              f"solved within {number(tighter.max_cycles)} cycles, against "
              f"{tighter.paper[0]} of {tighter.paper[1]} in the paper"
              + (f"; {'the unsolved one ends' if len(unsolved) == 1 else 'the unsolved ones end'}"
                 f" with codes that take {_in_words(unsolved)} of the "
                 f"{2 ** tighter.n_hidden} states of H: some patterns share a code."
                 if unsolved else "."))
    page.figure(learning_cycles(results), "encoder-cycles",
                "The fraction of runs solved (solid) and with distinct codes (dashed) after "
                "n learning cycles, with the paper's median for the 4-2-4.")


def _sweeps_in_words(schedule: tuple[float, ...]) -> str:
    """"2 sweeps at T = 20, 2 at 15, 4 at 10" for an annealing schedule."""
    runs = [(len(list(group)), T) for T, group in itertools.groupby(schedule)]
    return ", ".join(f"{n} sweeps at T = {number(T)}" if k == 0 else f"{n} at {number(T)}"
                     for k, (n, T) in enumerate(runs))


def _in_words(items: list[str]) -> str:
    """"3, 1 and 7" for ["3", "1", "7"]."""
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def _encoder_row(result: EncoderResult) -> tuple:
    """A row of the encoders' table: runs, cycles, solved, median, completions, the paper."""
    paper = result.paper
    published = "—" if paper is None else f"{paper[0]} of {paper[1]}" + (
        f", median ≈ {paper[2]}" if paper[2] else "")
    solved = result.solved
    return (encoder_name(result), len(solved), result.max_cycles, result.n_solved,
            result.median_cycles if solved.any() else "—",
            percent(result.completion[solved].mean()) if solved.any() else "—", published)


def _min_hamming_distance(codes: np.ndarray) -> np.ndarray:
    """The smallest number of bits in which two codes of a run differ, for each run of
    ``codes``, shape (n_runs, v, h)."""
    distances = np.abs(codes[:, :, None, :] - codes[:, None, :, :]).sum(axis=3)
    upper = np.triu_indices(codes.shape[1], 1)
    return distances[:, upper[0], upper[1]].min(axis=1)


SECTIONS = (distribution, sampling, annealing, learning, encoder, rbm)
#: computed on a second core while the chapters before this one are written (tour.background)
BACKGROUND = (encoder_results,)
