"""The Markov chain view: an editable transition matrix, the distribution step by step
towards the stationary one, and sampled trajectories.

Everything is ``nl.dynamics.MarkovChain``'s: the checks of the matrix, p_n = p_0 Tⁿ
(``distributions``), the stationary distribution (GTH state reduction), the classes and
the period, the mixing time, and the trajectories (``sample``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nnlearn.dynamics import MarkovChain
from nnlearn.playground.protocol import Fields, ProtocolError, rounded
from nnlearn.playground.settings import Setting, seed
from nnlearn.playground.views import VIEWS, View

MAX_STATES = 8
#: the steps computed ahead (the play stops there), and those of a trajectory shown
HORIZON, RECENT = 500, 40
#: the chain shown for 3 states when no matrix is given: sunny, cloudy, rainy days
WEATHER = [0.7, 0.2, 0.1, 0.3, 0.4, 0.3, 0.2, 0.3, 0.5]


def default_matrix(n_states: int, seed: int) -> list[float]:
    """The weather chain for 3 states, else rows drawn from a Dirichlet law (2 decimals)."""
    if n_states == 3:
        return list(WEATHER)
    rows = np.round(np.random.default_rng(seed).dirichlet(np.ones(n_states), n_states), 2)
    rows[:, -1] = np.round(1 - rows[:, :-1].sum(axis=1), 2)
    return rows.ravel().tolist()


class MarkovView(View):
    """A finite Markov chain, its distributions and trajectories."""

    name = "markov"
    title = "Markov chain"
    settings = (
        Setting("states", "States", "integer", 3, minimum=2, maximum=MAX_STATES, step=1),
        Setting("matrix", "Transition matrix T (row by row)", "reals", [], minimum=0,
                maximum=1, max_items=MAX_STATES ** 2,
                help="row i holds p(next state j | state i); each row sums to 1"),
        Setting("start", "Start state", "integer", 0, minimum=0, maximum=MAX_STATES - 1),
        Setting("chains", "Trajectories", "integer", 5, minimum=1, maximum=50, step=1),
        seed(),
    )
    equations = ("markov_transition_matrix_entries", "markov_n_step_distribution",
                 "markov_stationary_distribution")

    def __init__(self, setup: dict[str, Any], files: Mapping[str, Any] | None = None) -> None:
        super().__init__(setup, files)
        k = setup["states"]
        values = setup["matrix"] or default_matrix(k, setup["seed"])
        if len(values) != k * k:
            raise ProtocolError(f"matrix: {k} states need {k * k} entries, got {len(values)}")
        if setup["start"] >= k:
            raise ProtocolError(f"start must be a state from 0 to {k - 1}, got {setup['start']}")
        try:
            self.chain = MarkovChain(np.reshape(values, (k, k)))
        except ValueError as error:
            raise ProtocolError(f"matrix: {error}") from None
        self.setup = {**setup, "matrix": list(values)}
        p0 = np.eye(k)[setup["start"]]
        self.distributions = self.chain.distributions(HORIZON, p0)
        self.paths = self.chain.sample(HORIZON, setup["start"], random_state=setup["seed"],
                                       n_chains=setup["chains"])
        self.n = 0

    def change(self, name: str, value: Any) -> View | None:
        """A new number of states starts from that size's default matrix."""
        if name == "states" and value != self.setup["states"]:
            return MarkovView({**self.setup, "states": value, "matrix": [],
                               "start": min(self.setup["start"], value - 1)}, self.files)
        return super().change(name, value)

    def advance(self) -> bool:
        """One step of the distribution and of every trajectory."""
        self.n = min(self.n + 1, HORIZON)
        return self.n < HORIZON

    def analysis(self) -> dict[str, Any]:
        """What the chain is: its classes, period, stationary distribution, mixing time."""
        chain = self.chain
        found: dict[str, Any] = {
            "classes": [c.tolist() for c in chain.communication_classes()],
            "recurrent": [c.tolist() for c in chain.recurrent_classes()],
            "transient": chain.transient_states().tolist(), "period": chain.period(),
            "irreducible": chain.is_irreducible}
        try:
            found["stationary"] = rounded(chain.stationary_distribution())
        except ValueError as error:  # several recurrent classes: no unique π
            found["stationary"] = None
            found["why_no_stationary"] = f"No unique stationary distribution: {error}"
        try:
            found["mixing_time"] = chain.mixing_time(0.25)
        except ValueError as error:  # periodic, or no unique π
            found["mixing_time"] = None
            found["why_no_mixing_time"] = f"No mixing time: {error}"
        return found

    def scene(self) -> dict[str, Any]:
        return {"states": self.chain.n_states, "T": rounded(self.chain.T),
                "horizon": HORIZON, **self.analysis()}

    def frame(self) -> dict[str, Any]:
        n = self.n
        visits = np.bincount(self.paths[:, : n + 1].ravel(), minlength=self.chain.n_states)
        stationary = self.analysis()["stationary"]
        distance = (None if stationary is None else
                    0.5 * float(np.abs(self.distributions[n] - stationary).sum()))
        return {"n": n, "p": rounded(self.distributions[n]),
                "history": rounded(self.distributions[: n + 1]),
                "positions": self.paths[:, n].tolist(),
                "recent": self.paths[:, max(0, n - RECENT): n + 1].tolist(),
                "visits": rounded(visits / visits.sum()), "total_variation": distance}

    def action_normalize(self, fields: Fields) -> View:
        """The chain of the typed ``matrix`` with each row divided by its sum."""
        values = fields.values.get("matrix")
        k = self.chain.n_states
        if not isinstance(values, list) or len(values) != k * k:
            raise ProtocolError(f"normalize: matrix must be a list of {k * k} numbers")
        rows = np.array([Fields({"v": v}, "normalize").real("v", 0, 1e6) for v in values])
        rows = rows.reshape(k, k)
        sums = rows.sum(axis=1, keepdims=True)
        if np.any(sums == 0):
            raise ProtocolError("normalize: a row of zeros has no probabilities to scale")
        return self.change("matrix", (rows / sums).ravel().tolist()) or self


VIEWS.register("markov")(MarkovView)
