"""Chapter: Markov chains and the course's stochastic dynamical systems."""

from __future__ import annotations

import numpy as np

from nnlearn.dynamics import MarkovChain, StochasticSystem
from nnlearn.plots.energy import markov_convergence
from nnlearn.tour.numbers import number
from nnlearn.tour.page import Page

TITLE = "Markov chains"
SUMMARY = ("Chance, step by step: a weather chain converging to its stationary "
           "distribution, and a chain driven by an input and seen through a noisy sensor.")
INTRODUCTION = (
    "A Markov chain moves between states at random, each step depending only on the state "
    "it is in: a stochastic dynamical system. Its transition matrix T carries a "
    "distribution over the states one step forward, and a chain that can reach every state "
    "from every other, without a fixed rhythm, forgets where it started: its distribution "
    "converges to the stationary one, π T = π. This chapter follows a three-state weather "
    "chain there, checks π by sampling, and then adds an input that switches between two "
    "transition matrices and an observation that only hints at the state."
)

STATES = ("sunny", "cloudy", "rainy")
WEATHER = np.array([[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.3, 0.5]])
#: the second transition matrix of the chain with input, and the observation O(i, k)
STAY_IN = np.array([[0.9, 0.1, 0.0], [0.4, 0.6, 0.0], [0.3, 0.3, 0.4]])
UMBRELLA = np.array([[0.9, 0.1], [0.5, 0.5], [0.1, 0.9]])
N_STEPS = 15


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


# the analysis of a chain (its classes, period and absorption) goes here
SECTIONS = (convergence, with_input)
