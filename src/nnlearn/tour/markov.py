"""Tour: Markov chains and the course's stochastic dynamical systems."""

from __future__ import annotations

import numpy as np

from nnlearn.dynamics import MarkovChain, StochasticSystem
from nnlearn.equations import CATALOGUE
from nnlearn.plots.energy import markov_convergence
from nnlearn.tour.report import Report

TITLE = "Markov chains: chance, step by step"

WEATHER = np.array([[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.3, 0.5]])


def run(report: Report) -> None:
    for key in ("markov_transition_matrix_entries", "markov_n_step_distribution",
                "markov_stationary_distribution"):
        report.text(CATALOGUE[key].name)
        report.equation(CATALOGUE[key].latex)
    chain = MarkovChain(WEATHER)
    report.text("A three-state chain (sunny, cloudy, rainy) with transition matrix T:")
    report.preformatted(np.array2string(WEATHER))
    pi = chain.stationary_distribution()
    report.text(f"Its stationary distribution π (π T = π): {np.round(pi, 4)}")
    distributions = chain.distributions(15, [0.0, 0.0, 1.0])
    report.figure(markov_convergence(distributions, pi), "markov_convergence.png",
                  "from a rainy day, p_n converges geometrically to π")
    report.text("T^n: every row tends to π, so the chain forgets where it started.")
    report.preformatted(np.array2string(chain.n_step_matrix(10), precision=4))
    paths = chain.sample(2000, start=2, random_state=0, n_chains=50)
    freq = np.bincount(paths[:, 100:].ravel(), minlength=3) / paths[:, 100:].size
    report.table(("state", "π (exact)", "visit frequency (50 chains × 1900 steps)"),
                 [(s, float(pi[s]), float(freq[s])) for s in range(3)])
    report.text(CATALOGUE["stochastic_discrete_time_dynamical_system"].name)
    report.equation(CATALOGUE["stochastic_discrete_time_dynamical_system"].latex)
    stay_in = np.array([[0.9, 0.1, 0.0], [0.4, 0.6, 0.0], [0.3, 0.3, 0.4]])
    system = StochasticSystem([WEATHER, stay_in], observation=[[0.9, 0.1], [0.5, 0.5], [0.1, 0.9]])
    inputs = [0, 0, 1, 1, 1, 0]
    states, outputs = system.sample(inputs, start=2, random_state=1)
    report.text("With two inputs (two transition matrices) and a noisy observation of the "
                f"state (umbrella or not): inputs {inputs} gave states {states.tolist()} and "
                f"observations {outputs.tolist()}; the exact p(Y_n = umbrella) is "
                f"{np.round(system.distributions(inputs, np.eye(3)[2])[1][:, 1], 3).tolist()}.")
