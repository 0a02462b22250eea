"""The encoder problems of Ackley, Hinton and Sejnowski (1985), the defining experiment of
Boltzmann learning.

Two visible groups of v units, V1 ("input") and V2 ("output"), can talk only through h
hidden units H: each group is connected within itself and to H, and no unit of V1 to any of
V2 nor any hidden unit to another ("the units in H are not connected to each other", §4).
The environment has v equally likely patterns, each with one unit of V1 and the same unit
of V2 on. To reproduce them the machine must give each pattern its own code in H, with
h = log2 v units for the tightest encoder (the 4-2-4 and 8-3-8 encoders) and more for the
looser 4-3-4.

A run learns with the paper's procedure (:data:`~nnlearn.models.energy.boltzmann_learning.
PAPER_1985`: annealing in both phases, noisy clamping, statistics from 10 sweeps at T = 10,
sign steps of 2, two annealings per pattern and phase in every learning cycle; for the
8-3-8 an off unit is clamped on with probability 0.02 instead of 0.05, as in the paper's
§4.3: :func:`paper_clamp_noise`) from zero weights, and is *solved* at the first cycle
after which

* the patterns' hidden codes differ: for each pattern the most probable hidden state
  given its visible units, argmax_h p(h | v), is another one, and
* the completion is right: with only V1 clamped, the most probable state of the rest,
  argmax p(v2, h | v1), has the pattern's V2 (so annealing to low temperature completes it).

Both are computed exactly by enumeration. The paper counts a run as a success on the first
condition alone ("the median time required to discover four different codes", "found all
8 codes"): :attr:`EncoderResult.codes_found` is its measure. The completion by sampling,
as the paper tests it (clamp V1, anneal V2 and H, read V2; here the paper's annealing
followed by a slow cooling to T = 0.5), is then measured on the learned machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlearn.checks import check_integer
from nnlearn.init import rng_from
from nnlearn.models.energy.binary import binary_states, state_index
from nnlearn.models.energy.boltzmann import BoltzmannMachine
from nnlearn.models.energy.boltzmann_learning import PAPER_1985

TEST = "tests/test_boltzmann_encoder.py::"
#: The encoders' architecture: each visible group within itself and with the hidden
#: units; V1 and V2 are not connected, nor the hidden units among themselves.
ENCODER_CONNECTIONS = (("input", "input"), ("output", "output"), ("input", "hidden"),
                       ("output", "hidden"))
#: Energies closer than this count as a tie.
TIE = 1e-9
#: What the paper reports (§4.1 and §4.3), for the comparison: runs that found distinct
#: codes, runs made, their median number of cycles to do so (4-2-4: all 250 runs, a median
#: of 110 cycles to four different codes; 8-3-8: 16 of 20 runs of 4,000 cycles found all 8
#: codes, after a median of 1570, and the other 4 found 7). The paper's 4-3-4 figure (a
#: median of 270 cycles in 200 runs) counts codes that differ in two bits or more, another
#: criterion, and is not stored here.
PAPER_RESULTS = {(4, 2): (250, 250, 110), (8, 3): (16, 20, 1570)}
#: The clamping noise (p(on → off), p(off → on)) where the paper departs from PAPER_1985's:
#: for the 8-3-8 "a probability of 0.02 of reversing each off unit during noisy clamping".
PAPER_CLAMP_NOISE = {(8, 3): (0.15, 0.02)}


def paper_clamp_noise(group_size: int, n_hidden: int) -> tuple[float, float]:
    """The clamping noise the paper used for the v-h-v encoder (PAPER_1985's but for the
    8-3-8's).

    >>> paper_clamp_noise(4, 2), paper_clamp_noise(8, 3)
    ((0.15, 0.05), (0.15, 0.02))
    """
    return PAPER_CLAMP_NOISE.get((group_size, n_hidden), PAPER_1985["clamp_noise"])


def encoder_machine(group_size: int, n_hidden: int) -> BoltzmannMachine:
    """A v-h-v encoder with zero weights: groups "input", "output" (visible) and "hidden"."""
    group_size = check_integer(group_size, "group_size", minimum=2)
    n_hidden = check_integer(n_hidden, "n_hidden", minimum=1)
    n = 2 * group_size + n_hidden
    return BoltzmannMachine.from_groups(
        {"input": group_size, "output": group_size, "hidden": n_hidden}, ENCODER_CONNECTIONS,
        hidden=["hidden"], weights=np.zeros((n, n)))


def encoder_patterns(group_size: int) -> np.ndarray:
    """The v patterns, shape (v, 2v): unit k of V1 and unit k of V2 on, all others off."""
    eye = np.eye(check_integer(group_size, "group_size", minimum=1))
    return np.hstack([eye, eye])


class EncoderCheck:
    """Exact hidden codes and completions of an encoder machine, by enumeration.

    Called after each learning cycle (``fit(..., stop_when=check)``), it counts the cycles,
    notes the first one after which the codes differ (:attr:`codes_cycle`) and whether the
    machine is solved (:attr:`solved`). A tie between the best states counts as no answer.
    """

    def __init__(self, bm: BoltzmannMachine, patterns: np.ndarray) -> None:
        self.patterns = patterns
        self.cycle, self.codes_cycle, self.solved = 0, None, False
        group = bm.groups
        self.hidden, self.output = group["hidden"], group["output"]
        codes = binary_states(len(self.hidden))
        # every pattern's visible units beside every hidden code: (m, 2^h, n)
        self.coded = _beside(patterns, codes)
        # every pattern's inputs beside every output and hidden state: (m, 2^(v+h), n)
        self.completions = _beside(patterns[:, group["input"]],
                                   binary_states(len(self.output) + len(self.hidden)))
        self.correct = np.all(self.completions[:, :, self.output]
                              == patterns[:, None, self.output], axis=2)

    def codes(self, bm: BoltzmannMachine) -> np.ndarray:
        """argmax_h p(h | v) for every pattern v, shape (m, h); a row of −1 where the most
        probable code is not unique."""
        energies = bm._energy(self.coded)
        codes = self._best_codes(energies)
        codes[self._ties(energies)] = -1
        return codes

    def _best_codes(self, energies: np.ndarray) -> np.ndarray:
        best = np.argmin(energies, axis=1)
        return self.coded[np.arange(len(best)), best][:, self.hidden]

    @staticmethod
    def _ties(energies: np.ndarray) -> np.ndarray:
        return np.sum(energies <= energies.min(axis=1, keepdims=True) + TIE, axis=1) > 1

    def completes(self, bm: BoltzmannMachine) -> bool:
        """Whether, for every pattern, the most probable state given V1 alone has the
        pattern's V2: every state with the right outputs below every state without."""
        energies = bm._energy(self.completions)
        right = np.where(self.correct, energies, np.inf).min(axis=1)
        wrong = np.where(self.correct, np.inf, energies).min(axis=1)
        return bool(np.all(right < wrong - TIE))

    def __call__(self, bm: BoltzmannMachine) -> bool:
        """Solved: distinct codes and correct completions (the cheap test first)."""
        self.cycle += 1
        energies = bm._energy(self.coded)
        if not distinct(self._best_codes(energies)) or self._ties(energies).any():
            return False
        self.codes_cycle = self.codes_cycle or self.cycle
        self.solved = self.completes(bm)
        return self.solved


def _beside(rows: np.ndarray, states: np.ndarray) -> np.ndarray:
    """Each row followed by each state: shape (len(rows), len(states), width)."""
    return np.concatenate([np.repeat(rows[:, None], len(states), axis=1),
                           np.broadcast_to(states, (len(rows), *states.shape))], axis=2)


def distinct(codes: np.ndarray) -> bool:
    """Whether the rows of a binary array are all different (a row with −1 is no code)."""
    return bool(np.all(codes >= 0)) and len(set(state_index(codes).tolist())) == len(codes)


@dataclass
class EncoderResult:
    """The outcome of :func:`encoder_experiment` (one entry per run).

    Attributes
    ----------
    group_size, n_hidden : int
        v and h of the v-h-v encoder.
    solved : ndarray of bool, shape (n_runs,)
        Distinct codes and correct completions within ``max_cycles``.
    cycles : ndarray of int, shape (n_runs,)
        Learning cycles until solved (``max_cycles`` for a run that was not).
    coded : ndarray of bool, shape (n_runs,)
        Whether the codes differed after some cycle.
    code_cycles : ndarray of int, shape (n_runs,)
        Learning cycles until they first did (``max_cycles`` if never).
    codes : ndarray of shape (n_runs, v, h)
        Each run's hidden code of each pattern at its end (−1 where not unique).
    completion : ndarray of shape (n_runs,)
        The fraction of sampled completions (V1 clamped, the rest annealed with
        :data:`~nnlearn.models.energy.annealing.COMPLETION_SCHEDULE`) that reproduce V2.
    max_cycles : int
    """

    group_size: int
    n_hidden: int
    solved: np.ndarray
    cycles: np.ndarray
    coded: np.ndarray
    code_cycles: np.ndarray
    codes: np.ndarray
    completion: np.ndarray
    max_cycles: int

    @property
    def n_solved(self) -> int:
        return int(self.solved.sum())

    @property
    def median_cycles(self) -> float:
        """The median number of cycles of the solved runs (NaN if none was)."""
        return _median_of(self.cycles, self.solved)

    @property
    def codes_found(self) -> tuple[int, float]:
        """The runs whose codes differed after some cycle, and the median number of cycles
        until they did (NaN if none)."""
        return int(self.coded.sum()), _median_of(self.code_cycles, self.coded)

    @property
    def paper(self) -> tuple[int, int, int | None] | None:
        """The paper's (runs that found distinct codes, runs made, their median cycles) for
        this encoder, if given: compare :attr:`codes_found`."""
        return PAPER_RESULTS.get((self.group_size, self.n_hidden))


def _median_of(values: np.ndarray, where: np.ndarray) -> float:
    return float(np.median(values[where])) if where.any() else np.nan


def encoder_experiment(group_size: int = 4, n_hidden: int = 2, n_runs: int = 100,
                       max_cycles: int = 2000, annealings: int = 2, n_trials: int = 10,
                       random_state: int | np.random.Generator | None = 0,
                       clamp_noise: tuple[float, float] | None = None) -> EncoderResult:
    """Learn the v-h-v encoder ``n_runs`` times with the paper's procedure.

    Parameters
    ----------
    group_size : int, default 4
        v, the units in each visible group.
    n_hidden : int, default 2
        h.
    n_runs : int, default 100
    max_cycles : int, default 2000
        A run not solved after this many learning cycles counts as a failure.
    annealings : int, default 2
        Annealings per pattern and phase in each learning cycle (the paper's 2).
    n_trials : int, default 10
        Sampled completions per pattern for :attr:`EncoderResult.completion`.
    random_state : int, Generator or None, default 0
    clamp_noise : (float, float), optional
        p(on → off) and p(off → on) of noisy clamping; by default the paper's for this
        encoder (:func:`paper_clamp_noise`).

    Returns
    -------
    EncoderResult

    Examples
    --------
    >>> result = encoder_experiment(4, 2, n_runs=3, random_state=0)
    >>> result.n_solved, result.codes.shape
    (3, (3, 4, 2))
    """
    n_runs = check_integer(n_runs, "n_runs", minimum=1)
    annealings = check_integer(annealings, "annealings", minimum=1)
    max_cycles = check_integer(max_cycles, "max_cycles", minimum=1)
    rng = rng_from(random_state)
    patterns = encoder_patterns(group_size)
    noise = paper_clamp_noise(group_size, n_hidden) if clamp_noise is None else clamp_noise
    options = {**PAPER_1985, "n_chains": annealings * len(patterns), "clamp_noise": noise}
    runs = []
    for _ in range(n_runs):
        bm = encoder_machine(group_size, n_hidden)
        check = EncoderCheck(bm, patterns)
        bm.fit(patterns, **options, n_epochs=max_cycles, random_state=rng, stop_when=check,
               record_kl=False)
        runs.append((check.solved, bm.n_epochs_, check.codes_cycle is not None,
                     check.codes_cycle or max_cycles, check.codes(bm),
                     bm.completion_accuracy(patterns, n_trials=n_trials, random_state=rng)))
    columns = (np.array(column) for column in zip(*runs, strict=True))
    return EncoderResult(group_size, n_hidden, *columns, max_cycles)
