"""The Boltzmann machine view: sample a small machine and compare with its exact law.

``nl.models.BoltzmannMachine`` with up to 10 binary units: each update runs sweeps of
many chains at once (``BoltzmannMachine.sweep``, Gibbs or Metropolis), and the page shows
how often each of the 2^n states was visited beside the exact Boltzmann distribution
p(s) = exp(−E(s)/T) / Z (``exact_distribution``, by enumeration). Simulated annealing
(``anneal``) looks for the ground state, which enumeration (``ground_state``) confirms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nnlearn.models import BoltzmannMachine
from nnlearn.models.energy.annealing import SCHEDULES
from nnlearn.playground.protocol import Fields, ProtocolError, rounded
from nnlearn.playground.settings import Setting, seed
from nnlearn.playground.views import VIEWS, View

#: sweeps run before states are counted, and sweeps per update
BURN_IN, SWEEPS_PER_UPDATE = 20, 5
MAX_UNITS = 10


def n_weights(n_units: int) -> int:
    """The number of weights w_ij, i < j, of a machine of ``n_units`` units."""
    return n_units * (n_units - 1) // 2


class BoltzmannView(View):
    """A Boltzmann machine sampled by many chains at once."""

    name = "boltzmann"
    title = "Boltzmann machine"
    settings = (
        Setting("units", "Units", "integer", 4, minimum=2, maximum=MAX_UNITS, step=1),
        Setting("weights", "Weights w_ij (i < j)", "reals", [], minimum=-10, maximum=10,
                max_items=n_weights(MAX_UNITS),
                help="row by row above the diagonal; empty: drawn from N(0, 1) by the seed"),
        Setting("biases", "Biases b_i", "reals", [], minimum=-10, maximum=10,
                max_items=MAX_UNITS, help="empty: all zero"),
        Setting("T", "Temperature T", "real", 1.0, minimum=0.05, maximum=20, step=0.05,
                live=True),
        Setting("rule", "Sampler", "choice", "gibbs", options=("gibbs", "metropolis"),
                option_labels=("Gibbs sampling", "Metropolis")),
        Setting("chains", "Chains", "integer", 200, minimum=1, maximum=1000, step=10),
        seed(),
    )
    equations = ("boltzmann_energy_with_biases", "boltzmann_distribution_of_microstates",
                 "probability_of_setting_a_unit_to_1_in_a_bm")

    def __init__(self, setup: dict[str, Any], files: Mapping[str, Any] | None = None) -> None:
        super().__init__(setup, files)
        n = setup["units"]
        weights, biases = setup["weights"], setup["biases"]
        if weights and len(weights) != n_weights(n):
            raise ProtocolError(f"weights: a machine of {n} units has {n_weights(n)} weights "
                                f"w_ij (i < j), got {len(weights)}")
        if biases and len(biases) != n:
            raise ProtocolError(f"biases: a machine of {n} units has {n} biases, got "
                                f"{len(biases)}")
        matrix = None
        if weights:
            matrix = np.zeros((n, n))
            matrix[np.triu_indices(n, 1)] = weights
            matrix += matrix.T
        self.machine = BoltzmannMachine(n, weights=matrix, biases=biases or None,
                                        random_state=setup["seed"])
        self.rng = np.random.default_rng(setup["seed"])
        self.states = (self.rng.random((setup["chains"], n)) < 0.5).astype(np.float64)
        self.energies = self.machine.energy(self.machine.states())
        self.retune("T")

    def retune(self, name: str) -> None:
        """A new temperature: its exact distribution, and the counts start again."""
        self.exact = self.machine.exact_distribution(self.setup["T"])
        self.counts = np.zeros(2 ** self.machine.n_units)
        self.sweeps = 0

    def advance(self) -> bool:
        """A few sweeps of every chain; after the burn-in, each chain's state is counted."""
        powers = 2 ** np.arange(self.machine.n_units)  # state k has unit i = bit i of k
        for _ in range(SWEEPS_PER_UPDATE):
            self.machine.sweep(self.states, self.setup["T"], self.rng, self.setup["rule"])
            self.sweeps += 1
            if self.sweeps > BURN_IN:
                np.add.at(self.counts, (self.states @ powers).astype(int), 1)
        return True

    def scene(self) -> dict[str, Any]:
        n = self.machine.n_units
        upper = self.machine.weights[np.triu_indices(n, 1)]
        ground, energy = self.machine.ground_state()
        return {"units": n, "weights": rounded(upper), "biases": rounded(self.machine.biases),
                "matrix": rounded(self.machine.weights), "energies": rounded(self.energies),
                "ground_state": ground.astype(int).tolist(), "ground_energy": rounded(energy),
                "burn_in": BURN_IN}

    def frame(self) -> dict[str, Any]:
        total = self.counts.sum()
        frequencies = self.counts / total if total else self.counts
        distance = 0.5 * float(np.abs(frequencies - self.exact).sum()) if total else None
        return {"T": self.setup["T"], "exact": rounded(self.exact), "sweeps": self.sweeps,
                "samples": int(total), "frequencies": rounded(frequencies),
                "total_variation": distance, "state": self.states[0].astype(int).tolist()}

    def action_anneal(self, fields: Fields) -> dict[str, Any]:
        """Simulated annealing of one chain: one sweep at each temperature of a schedule."""
        schedule = fields.choice("schedule", tuple(SCHEDULES))
        sweeps = fields.integer("sweeps", 1, 2000)
        t_start = fields.real("t_start", 0.05, 100)
        result = self.machine.anneal(schedule, sweeps, n_chains=1, rule="metropolis",
                                     random_state=self.rng, t_start=t_start)
        ground, energy = self.machine.ground_state()
        final = result.states[0]
        return {"type": "detail", "kind": "anneal", "temperatures": rounded(result.temperatures),
                "energies": rounded(result.energy_trace[:, 0]), "state": final.astype(int).tolist(),
                "energy": rounded(result.energies[0]), "ground_state": ground.astype(int).tolist(),
                "ground_energy": rounded(energy),
                "reached": bool(np.isclose(result.energies[0], energy))}


VIEWS.register("boltzmann")(BoltzmannView)
