"""Chapter: Markov chains and the course's stochastic dynamical systems."""

from __future__ import annotations

import numpy as np

from nnlearn.dynamics import MarkovChain, StochasticSystem
from nnlearn.equations import implements
from nnlearn.plots.dynamics import absorption_curves, hidden_states, total_variation_curves
from nnlearn.plots.energy import markov_convergence
from nnlearn.tour.numbers import number
from nnlearn.tour.page import Page

TITLE = "Markov chains"
SUMMARY = ("Chance, step by step: a weather chain and its stationary distribution, return "
           "times, the gambler's ruin, mixing, estimating T, and the weather read from "
           "umbrellas (a hidden Markov model).")
INTRODUCTION = (
    "A Markov chain moves between states at random, each step depending only on the state "
    "it is in: a stochastic dynamical system. Its transition matrix T carries a "
    "distribution over the states one step forward, and a chain that can reach every state "
    "from every other, without a fixed rhythm, forgets where it started: its distribution "
    "converges to the stationary one, π T = π. This chapter follows a three-state weather "
    "chain there and asks what the classic theory of chains asks of it: how long until a "
    "state comes back, how a game ends when some states cannot be left (the gambler's "
    "ruin), how fast the start is forgotten and when it never is, how to compute π without "
    "losing digits, and how to learn T from a record. Then the chain gets an input that "
    "switches between two transition matrices and an observation that only hints at the "
    "state: a hidden Markov model, whose weather is read back from the umbrellas people "
    "carry."
)

BOOK_TEST = "tests/test_tour_book.py::"
STATES = ("sunny", "cloudy", "rainy")
WEATHER = np.array([[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.3, 0.5]])
#: the second transition matrix of the chain with input, and the observation O(i, k)
STAY_IN = np.array([[0.9, 0.1, 0.0], [0.4, 0.6, 0.0], [0.3, 0.3, 0.4]])
UMBRELLA = np.array([[0.9, 0.1], [0.5, 0.5], [0.1, 0.9]])
N_STEPS = 15
#: the gambler's ruin: a stake of 0..RUIN_GOAL, a round won with probability RUIN_WIN;
#: its absorption drawn over RUIN_STEPS rounds
RUIN_GOAL, RUIN_WIN, RUIN_STEPS = 4, 0.4, 30
#: mixing: the cycle's length, the distance ε of t_mix(ε), the steps drawn
CYCLE, EPSILON, MIXING_STEPS = 6, 0.25, 15
#: the probability that couples the two pairs of a nearly decomposable chain
COUPLING = 1e-14
#: the lengths of the records T is estimated from, and the records of each length
ESTIMATION_DAYS, N_RECORDS = (100, 1_000, 10_000), 200
#: the hidden weather: days sampled, and the first days summed over every path
HIDDEN_DAYS, BRUTE_FORCE_DAYS = 31, 10


def _matrix_rows(matrix: np.ndarray) -> list[tuple]:
    return [(STATES[i], *map(float, row)) for i, row in enumerate(matrix)]


def convergence(page: Page) -> None:
    page.section("A weather chain and its stationary distribution")
    page.equation("markov_transition_matrix_entries", "markov_n_step_distribution",
                  "markov_stationary_distribution")
    chain = MarkovChain(WEATHER)
    pi = chain.stationary_distribution()
    distributions = chain.distributions(N_STEPS, [0.0, 0.0, 1.0])
    distance = 0.5 * np.abs(distributions - pi).sum(axis=1)
    page.table(("from \\ to", *STATES), _matrix_rows(WEATHER),
               caption="The transition matrix T: row i holds the probabilities of tomorrow's "
                       "weather given today's")
    page.text("Its stationary distribution solves π T = π: "
              + ", ".join(f"π({s}) = {number(p)}" for s, p in zip(STATES, pi, strict=True))
              + f". Starting from a rainy day, the distance to π is {number(distance[1])} "
              f"after one step and {number(distance[-1])} after {N_STEPS}; each step "
              "multiplies it by a factor that tends to the second-largest |eigenvalue| of "
              f"T, {number(np.sort(np.abs(np.linalg.eigvals(WEATHER)))[-2])} "
              f"({number(distance[-1] / distance[-2])} in the last step).")
    page.figure(markov_convergence(distributions, pi, STATES), "convergence",
                "Left: the probability of each weather, day by day from a rainy day, with π "
                "dashed. Right: the total-variation distance to π, on a logarithmic scale.")
    page.table(("from \\ to", *STATES), _matrix_rows(chain.n_step_matrix(10)),
               caption="T¹⁰: every row is already close to π, so the chain has forgotten "
                       "where it started")
    paths = chain.sample(2000, start=2, random_state=0, n_chains=50)
    visits = paths[:, 100:]
    frequency = np.bincount(visits.ravel(), minlength=3) / visits.size
    page.table(("state", "π, exact", "visit frequency"),
               [(STATES[s], float(pi[s]), float(frequency[s])) for s in range(3)],
               caption=f"50 sampled chains of 2,000 days, the first 100 dropped: "
                       f"{visits.size:,} visits")


def with_input(page: Page) -> None:
    page.section("A chain with an input and a noisy observation")
    page.equation("stochastic_discrete_time_dynamical_system")
    system = StochasticSystem([WEATHER, STAY_IN], observation=UMBRELLA)
    inputs = [0, 0, 1, 1, 1, 0]
    states, outputs = system.sample(inputs, start=2, random_state=1)
    umbrella = system.distributions(inputs, np.eye(3)[2])[1][:, 1]
    page.text("An input a ∈ {0, 1} picks the transition matrix T_a of each step (T₀ the "
              "weather chain above, T₁ a chain that keeps the sun), and each day's state is "
              "seen only through an observation: an umbrella, with probability "
              + ", ".join(f"{number(UMBRELLA[i, 1])} on a {s} day" for i, s in enumerate(STATES))
              + f". The inputs {inputs} gave the states "
              + ", ".join(STATES[s] for s in states)
              + " and the observations " + ", ".join(("no umbrella", "umbrella")[o]
                                                      for o in outputs) + ".")
    page.table(("day n", "input", "p(umbrella on day n), exact"),
               [(n, inputs[n] if n < len(inputs) else "", float(p))
                for n, p in enumerate(umbrella)])


def gamblers_ruin(goal: int, p_win: float) -> np.ndarray:
    """The gambler's ruin: a stake of 0..goal, one unit won with probability p_win or lost
    each round, until the stake is 0 or goal (both absorbing)."""
    T = np.zeros((goal + 1, goal + 1))
    T[0, 0] = T[goal, goal] = 1.0
    for i in range(1, goal):
        T[i, i + 1], T[i, i - 1] = p_win, 1.0 - p_win
    return T


@implements("gamblers_ruin_closed_form", test=BOOK_TEST + "test_gamblers_ruin_beside_its_"
            "closed_forms_and_the_drawn_absorption")
def ruin_closed_forms(stakes: np.ndarray, goal: int, p_win: float) -> tuple[np.ndarray, ...]:
    """P(ruin) and the expected number of rounds from each stake, in closed form.

    .. math:: P_i = \\frac{1 - \\rho^i}{1 - \\rho^n}, \\quad
              E_i = \\frac{i}{q - p} - \\frac{n}{q - p} P_i, \\quad \\rho = q/p \\ne 1

    with n = ``goal``, p = ``p_win`` ≠ ½ and P_i the chance to reach n from i.

    Parameters
    ----------
    stakes : ndarray of int, shape (m,)
        The starting stakes i, 0 ≤ i ≤ goal.
    goal : int
    p_win : float
        The chance p to win a round, in (0, 1), not ½.

    Returns
    -------
    ruin, rounds : ndarray of shape (m,)
        1 − P_i and E_i.
    """
    q = 1.0 - p_win
    rho = q / p_win
    reach = (1 - rho**stakes) / (1 - rho**goal)
    return 1.0 - reach, stakes / (q - p_win) - goal / (q - p_win) * reach


def absorption(page: Page) -> None:
    page.section("Classes, and a game that ends: the gambler's ruin")
    page.equation("markov_fundamental_matrix", "gamblers_ruin_closed_form")
    ruin = MarkovChain(gamblers_ruin(RUIN_GOAL, RUIN_WIN))
    classes = ruin.communication_classes()
    recurrent, transient = ruin.recurrent_classes(), ruin.transient_states()
    page.text(f"A gambler stakes 1 a round, wins it with probability {number(RUIN_WIN)} and "
              f"plays until the stake is 0 (ruin) or {RUIN_GOAL}. As a chain on the stakes "
              f"0 to {RUIN_GOAL} it falls into {len(classes)} communication classes, "
              + ", ".join(_states(c) for c in classes) + ": "
              + " and ".join(_states(c) for c in recurrent) + " are closed (recurrent; "
              "here absorbing states), and " + ", ".join(map(str, transient)) + " are "
              "transient, left for good sooner or later. Ordering the transient states "
              "first, T holds Q (transient to transient) and R (transient to absorbing); "
              "N = (I − Q)⁻¹ counts the expected visits to each transient state, B = N R "
              "gives the probability of ending in each absorbing state and t = N 1 the "
              "expected number of rounds. The gambler's ruin also has a closed form (the "
              f"second equation above, with p = {number(RUIN_WIN)}, q = 1 − p and "
              f"n = {RUIN_GOAL}), beside which:")
    ruined, rounds = ruin_closed_forms(transient, RUIN_GOAL, RUIN_WIN)
    page.table(("stake i", "P(ruin): B = N R", "closed form 1 − Pᵢ", "expected rounds: t = N 1",
                "closed form Eᵢ"),
               [(int(i), float(b), float(c), float(t), float(e)) for i, b, c, t, e in zip(
                   transient, ruin.absorption_probabilities()[:, 0], ruined,
                   ruin.expected_steps_to_absorption(), rounds, strict=True)])
    start = RUIN_GOAL // 2
    p = ruin.distributions(RUIN_STEPS, np.eye(RUIN_GOAL + 1)[start])
    limits = dict(zip(("0, ruined", f"{RUIN_GOAL}, the goal"),
                      ruin.absorption_probabilities()[start - 1], strict=True))
    playing = 1.0 - p[:, [0, RUIN_GOAL]].sum(axis=1)
    page.figure(absorption_curves(p, dict(zip(limits, (0, RUIN_GOAL), strict=True)), limits),
                "ruin", f"The game from a stake of {start}: the probability of being ruined, "
                f"of having reached {RUIN_GOAL}, and of still playing after n rounds; the "
                "dashed lines are B = N R.")
    page.text(f"From a stake of {start} the game is over within 10 rounds with probability "
              f"{number(1 - playing[10])}. The expected number of rounds is the sum over n "
              f"of P(still playing after n rounds): {number(playing.sum(), 4)} over the "
              f"{RUIN_STEPS} rounds drawn, against t = "
              f"{number(ruin.expected_steps_to_absorption()[start - 1], 4)}.")


def _states(states: np.ndarray) -> str:
    return "{" + ", ".join(map(str, states)) + "}"


def passage_times(page: Page) -> None:
    page.section("How long until: first passage and return times")
    page.equation("markov_hitting_times")
    chain = MarkovChain(WEATHER)
    passage = chain.mean_first_passage_times()
    kac = 1.0 / chain.stationary_distribution()
    page.text("The mean first passage time m_ij is the expected number of days from "
              "weather i until the first day of weather j; on the diagonal it is the mean "
              "time to come back. Each solves the linear equations above, by conditioning "
              "on the first step:")
    page.table(("from \\ to", *STATES), _matrix_rows(passage),
               caption="Mean first passage times m_ij of the weather chain, in days")
    page.text("The return times are 1/π, Kac's formula: "
              + ", ".join(f"1/π({s}) = {number(k, 4)}" for s, k in zip(STATES, kac, strict=True))
              + f", against the diagonal's {', '.join(number(m, 4) for m in np.diag(passage))}"
              " (largest difference "
              + number(np.abs(np.diag(passage) - kac).max()) + "). A state visited a "
              "fraction π of the days comes back, on average, every 1/π days.")


def mixing(page: Page) -> None:
    page.section("Mixing, and a chain that never mixes")
    page.equation("markov_period", "markov_mixing_time")
    weather = MarkovChain(WEATHER)
    cycle = MarkovChain(np.roll(np.eye(CYCLE), 1, axis=1))
    lazy = MarkovChain(0.5 * (cycle.T + np.eye(CYCLE)))
    chains = {"weather chain": weather, f"lazy {CYCLE}-cycle": lazy,
              f"{CYCLE}-cycle": cycle}
    worst = {name: _worst_distance(chain, MIXING_STEPS) for name, chain in chains.items()}
    times = {name: chain.mixing_time(EPSILON) for name, chain in chains.items()
             if chain.is_aperiodic}
    page.text("How fast a chain forgets its start is measured from the worst start: "
              "d(n) = maxᵢ ‖Tⁿ(i, ·) − π‖_TV, and the mixing time t_mix(ε) is the first n "
              f"with d(n) ≤ ε (ε = {number(EPSILON)} by convention). The weather chain has "
              f"period {weather.period()} and mixes in t_mix = {times['weather chain']} days. "
              f"A walk around a {CYCLE}-cycle, one step clockwise a day, has period "
              f"{cycle.period()}: from any corner it returns only every {cycle.period()} "
              f"steps, its distance to the uniform π stays "
              f"{number(worst[f'{CYCLE}-cycle'][-1])} for ever, and nnlearn refuses its "
              f"mixing time: “{_refusal(cycle)}”. The lazy walk, which stays put on half of the "
              f"days, has the same π and mixes in t_mix = {times[f'lazy {CYCLE}-cycle']} "
              "steps.")
    page.figure(total_variation_curves(worst, epsilon=EPSILON, mixing_times=times), "mixing",
                "The distance to π from the worst start, d(n), on a logarithmic scale; each "
                "aperiodic chain's mixing time is dotted in its colour.")


def _refusal(chain: MarkovChain) -> str:
    """What nnlearn says when asked the mixing time of a chain that never mixes."""
    try:
        chain.mixing_time(EPSILON)
    except ValueError as error:
        return str(error)
    raise RuntimeError("the periodic chain was given a mixing time")


def _worst_distance(chain: MarkovChain, n_steps: int) -> np.ndarray:
    """d(n) = maxᵢ ‖Tⁿ(i, ·) − π‖_TV for n = 0..n_steps."""
    starts = np.eye(chain.n_states)
    return np.max([chain.total_variation_to_stationary(n_steps, p0) for p0 in starts], axis=0)


def stable_stationary(page: Page) -> None:
    page.section("π when a chain nearly falls apart")
    page.equation("gth_stationary_distribution")
    pair = np.full((2, 2), 0.5)
    T = np.block([[pair, np.zeros((2, 2))], [np.zeros((2, 2)), pair]])
    T[1, 1] -= COUPLING
    T[1, 2] = T[2, 1] = COUPLING
    T[2, 2] -= COUPLING
    eigenvalues, vectors = np.linalg.eig(T.T)  # the textbook way
    vector = vectors[:, np.argmin(np.abs(eigenvalues - 1))].real
    by_eig = vector / vector.sum()
    by_gth = MarkovChain(T).stationary_distribution()
    exact = np.full(4, 0.25)
    page.text(f"Two pairs of states, coupled by a probability of {number(COUPLING)}: the "
              f"chain takes about {number(1 / COUPLING)} steps to cross from one pair to the "
              "other, but it does cross, so π is unique, and by symmetry it is ¼ on each "
              "state. To the eigenvector of Tᵀ for the eigenvalue 1 it looks like two chains: "
              "Tᵀ has a "
              f"second eigenvalue within {number(np.sort(np.abs(eigenvalues - 1))[1])} of 1, "
              "and any mixture of the two pairs' own distributions is an eigenvector to "
              "rounding. The state reduction of "
              "Grassmann, Taksar and Heyman (above) eliminates one state at a time and only "
              "adds and divides positive numbers, so no digit cancels:")
    page.table(("method", *(f"π({i})" for i in range(4)), "largest error"),
               [("eigenvector of Tᵀ (NumPy)", *map(float, by_eig),
                 float(np.abs(by_eig - exact).max())),
                ("GTH state reduction (nnlearn)", *map(float, by_gth),
                 float(np.abs(by_gth - exact).max()))])


def estimation(page: Page) -> None:
    page.section("Learning T from what was seen")
    page.equation("markov_maximum_likelihood")
    chain = MarkovChain(WEATHER)
    pi = chain.stationary_distribution()
    records = chain.sample(max(ESTIMATION_DAYS) - 1, start=0, random_state=0,
                           n_chains=N_RECORDS)
    rows = []
    for n in ESTIMATION_DAYS:
        errors = [MarkovChain.from_sequences(days[:n], n_states=3).T - WEATHER
                  for days in records]
        predicted = np.sqrt(np.mean(WEATHER * (1 - WEATHER) / (n * pi[:, None])))
        rms = float(np.sqrt(np.mean(np.square(errors))))
        rows.append((n, rms, float(predicted), rms / predicted))
    estimate = MarkovChain.from_sequences(records[0], n_states=3).T
    page.text("Given a sequence of observed states, the most likely T counts the "
              "transitions C_ij and divides each row by its total. From one sampled weather "
              f"record of {max(ESTIMATION_DAYS):,} days, T̂ has the rows "
              + "; ".join(f"{s}: " + ", ".join(number(v) for v in row)
                          for s, row in zip(STATES, estimate, strict=True))
              + ". Row i is counted from about n π(i) days of weather i, so each entry's "
              "error has the standard deviation √(T(i, j)(1 − T(i, j)) / (n π(i))) of a "
              f"frequency. Over {N_RECORDS} records of each length, the root-mean-square "
              "error of the nine entries against that prediction:")
    page.table(("days observed n", "RMS error of T̂", "predicted", "ratio"), rows)


def hidden_weather(page: Page) -> None:
    page.section("Reading the hidden weather from umbrellas")
    page.equation("hmm_forward_algorithm", "hmm_forward_backward", "hmm_viterbi")
    system = StochasticSystem([WEATHER], observation=UMBRELLA)
    states, umbrellas = system.sample(np.zeros(HIDDEN_DAYS - 1, dtype=int), start=2,
                                      random_state=1)
    p0 = np.full(3, 1 / 3)
    filtered = system.filtered_distributions(umbrellas, p0=p0)
    smoothed = system.smoothed_distributions(umbrellas, p0=p0)
    path, _ = system.viterbi(umbrellas, p0=p0)
    prefix = umbrellas[:BRUTE_FORCE_DAYS]
    joint = _all_paths_joint(prefix, p0)
    forward = system.likelihood(prefix, p0=p0)
    page.text(f"Now only the umbrellas are seen: {HIDDEN_DAYS} days of the weather chain, "
              "sampled, and whether each day had an umbrella "
              f"({int(umbrellas.sum())} did). The model is not told the first day's weather "
              "(p₀ is uniform). The forward algorithm gives the log-likelihood of the "
              f"umbrellas seen, log p(y₀, …, y_N) = "
              f"{number(system.log_likelihood(umbrellas, p0=p0), 4)}, in {HIDDEN_DAYS} small "
              f"matrix products instead of a sum over the {number(3.0 ** HIDDEN_DAYS)} "
              f"weather paths. Over the first {BRUTE_FORCE_DAYS} days that sum can still be "
              f"done, path by path ({3 ** BRUTE_FORCE_DAYS:,} of them): it gives "
              f"{number(joint.sum(), 6)}, and the forward algorithm "
              f"{number(forward, 6)} (relative difference "
              f"{number(abs(joint.sum() - forward) / forward)}); the most probable of those "
              "paths " + ("is" if np.array_equal(_path_of(joint.argmax(), BRUTE_FORCE_DAYS),
                                               system.viterbi(prefix, p0=p0)[0]) else "is not")
              + " the Viterbi path of those days.")
    hits = {name: int(np.sum(guess == states)) for name, guess in (
        ("filtered", filtered.argmax(axis=1)), ("smoothed", smoothed.argmax(axis=1)),
        ("Viterbi", path))}
    missed = states[path != states]
    page.text("Filtering uses the umbrellas up to each day; smoothing (forward–backward) "
              "all of them, later days included; the Viterbi path is the single most "
              "probable sequence of weathers. Against the true weather, the most probable "
              f"state of each day is right on {hits['filtered']} of the {HIDDEN_DAYS} days "
              f"filtered and {hits['smoothed']} smoothed, and the Viterbi path on "
              f"{hits['Viterbi']}. A cloudy day brings an umbrella with probability "
              f"{number(UMBRELLA[1, 1])}, a toss of a coin that says nothing of it: of the "
              f"{missed.size} days the Viterbi path misses, {int(np.sum(missed == 1))} are "
              f"cloudy, and it finds {int(np.sum((path == 1) & (states == 1)))} of the "
              f"{int(np.sum(states == 1))} cloudy days.")
    page.figure(hidden_states(smoothed, states, path, umbrellas, STATES,
                              ("no umbrella", "umbrella")),
                "hidden", "Above: the umbrellas seen. Below: the smoothed probability of each "
                "weather, day by day, with the true weather (circles) and the Viterbi path "
                "(crosses).")


def _all_paths_joint(observations: np.ndarray, p0: np.ndarray) -> np.ndarray:
    """p(x₀..x_N, y₀..y_N) for every weather path x, by brute force: shape (3^(N+1),),
    path k being the base-3 digits of k."""
    n = len(observations)
    paths = np.indices((3,) * n).reshape(n, -1)
    joint = p0[paths[0]] * UMBRELLA[paths[0], observations[0]]
    for k in range(1, n):
        joint = joint * WEATHER[paths[k - 1], paths[k]] * UMBRELLA[paths[k], observations[k]]
    return joint


def _path_of(index: int, n: int) -> np.ndarray:
    """The weather path numbered ``index`` by :func:`_all_paths_joint`."""
    return np.array(np.unravel_index(index, (3,) * n))


SECTIONS = (convergence, passage_times, absorption, mixing, stable_stationary, estimation,
            with_input, hidden_weather)
