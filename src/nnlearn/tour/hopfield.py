"""Chapter: the Hopfield network as an associative memory, its capacity under three storage
rules, and the modern Hopfield network."""

from __future__ import annotations

import numpy as np

import nnlearn as nl
from nnlearn.models import Hopfield
from nnlearn.models.energy.hopfield_capacity import (
    THEORETICAL_CAPACITY,
    absolute_capacity,
    capacity_curve,
    published_absolute_capacity,
    random_patterns,
    retrieval_curve,
)
from nnlearn.models.energy.modern_hopfield import ModernHopfield, modern_hopfield_energy
from nnlearn.plots.energy import capacity, curves, pattern_grid
from nnlearn.plots.memory import RULE_NAMES, capacity_comparison, retrieval_comparison
from nnlearn.tour.numbers import number, percent
from nnlearn.tour.page import Page

TITLE = "Hopfield networks"
SUMMARY = ("Memories as energy minima: letters recalled from noise, the energy falling, "
           "spurious states, the capacity of three storage rules, the modern Hopfield "
           "network, a stored sequence.")
INTRODUCTION = (
    "A Hopfield network stores patterns in the weights between its units, so that each "
    "pattern is a minimum of an energy; updating one unit at a time never raises the "
    "energy, and the state rolls down into the nearest memory. This chapter stores four "
    "letters, recalls each from a copy with a fifth of its pixels flipped, looks at the "
    "spurious minima the storage rule creates besides the letters, measures how many "
    "random patterns a network of 300 units holds, and compares Hebb's rule with "
    "Storkey's and the pseudo-inverse against their published capacities. The modern "
    "Hopfield network, whose update is a transformer's attention, then retrieves from "
    "exponentially many patterns where the classical one holds a few; and last, the "
    "network stores a sequence instead of a set."
)

LETTERS = {
    "T": "##########/##########/....##..../....##..../....##..../"
         "....##..../....##..../....##..../....##..../....##....",
    "X": "##......##/.##....##./..##..##../...####.../....##..../"
         "....##..../...####.../..##..##../.##....##./##......##",
    "L": "##......../##......../##......../##......../##......../"
         "##......../##......../##......../##########/##########",
    "H": "##......##/##......##/##......##/##......##/##########/"
         "##########/##......##/##......##/##......##/##......##",
}
SHAPE = (10, 10)
NOISE = 0.2
N_PROBES = 200
#: the three storage rules compared: units, loads, the noise of the probes, and the
#: trials of the absolute capacity
RULES, RULE_UNITS, RULE_NOISE, RULE_TRIALS = ("analytic", "storkey", "pseudoinverse"), 100, 0.1, 20
RULE_LOADS = np.arange(0.05, 0.951, 0.05)
#: modern against classical: the dimensions d, and the numbers of patterns stored; the
#: check that the modern update is a gradient step: patterns stored, bits flipped in the probe
DIMENSIONS, PATTERN_COUNTS = (16, 32, 64), 2 ** np.arange(1, 14)
GRADIENT_PATTERNS, GRADIENT_NOISE = 1000, 0.2


def letters() -> tuple[list[str], np.ndarray]:
    """The letter bitmaps as bipolar patterns of shape (4, 100)."""
    names = list(LETTERS)
    patterns = np.array([[1.0 if c == "#" else -1.0 for c in LETTERS[n].replace("/", "")]
                         for n in names])
    return names, patterns


def recall(page: Page) -> None:
    page.section("Storing and recalling letters")
    page.equation("energy_of_a_state_in_a_hopfield_network",
                  "activation_of_a_neuron_in_a_hopfield_network",
                  "analytical_solution_of_a_hopfield_network")
    names, patterns = letters()
    net = Hopfield(100).store(patterns)
    rng = np.random.default_rng(0)
    noisy = patterns * np.where(rng.random(patterns.shape) < NOISE, -1.0, 1.0)
    recalled, trace = net.recall(noisy, random_state=1, return_trace=True)
    exact = (recalled == patterns).all(axis=1)
    energies = trace.energy.T
    page.text(f"Four letters ({', '.join(names)}) on bitmaps of 10×10 pixels are stored with "
              f"the analytical rule; each is recalled from a copy with {percent(NOISE)} of "
              "its pixels flipped, updating the units one at a time in random order: "
              f"{int(exact.sum())} of {len(names)} come back exactly.")
    page.figure(pattern_grid([patterns, noisy, recalled],
                             ["stored", f"{percent(NOISE)} flipped", "recalled"], SHAPE),
                "recall", "The stored letters, the noisy copies, and what the network "
                "recalled from each.")
    rises = sum(int(np.any(np.diff(e) > 1e-12)) for e in energies)
    page.text("The energy of each probe, unit update by unit update: it falls from "
              + ", ".join(number(e[0]) for e in energies) + " to "
              + ", ".join(number(e[-1]) for e in energies) + " and "
              + ("never rises." if rises == 0 else f"rises in {rises} of the {len(names)} traces."))
    page.figure(curves(list(energies), [f"probe {n}" for n in names], "unit update",
                       "energy E(x) = −½ xᵀWx"),
                "energy", "The energy never increases under asynchronous updates.")


def spurious_states(page: Page) -> None:
    page.section("Spurious states")
    _, patterns = letters()
    net = Hopfield(100).store(patterns)
    probes = np.random.default_rng(0).choice([-1.0, 1.0], size=(N_PROBES, 100))
    finals = net.recall(probes, random_state=2)
    known = np.vstack([patterns, -patterns])
    is_known = (finals[:, None, :] == known).all(axis=2).any(axis=1)
    spurious, counts = np.unique(finals[~is_known], axis=0, return_counts=True)
    spurious = spurious[np.argsort(-counts, kind="stable")]
    page.text(f"From {N_PROBES} random states, {int(is_known.sum())} runs end in a stored "
              "letter or its negative (E(−x) = E(x), so the rule stores both), and "
              f"{int((~is_known).sum())} in one of {len(spurious)} spurious states: minima "
              "the storage rule creates besides the memories, mixtures of them. The figure "
              f"shows all {len(spurious)}, the most visited first.")
    if len(spurious):
        page.figure(pattern_grid([spurious], ["spurious"], SHAPE, n_columns=10),
                    "spurious", f"The {len(spurious)} spurious fixed points reached from "
                    f"{N_PROBES} random states.")


def memory_capacity(page: Page) -> None:
    page.section("How many patterns a network holds")
    page.equation("hopfield_capacity")
    curve = capacity_curve(300, loads=np.arange(0.05, 0.2501, 0.025), random_state=3)
    page.text("L = 300 units store N random patterns, the load α = N/L, and each pattern is "
              "recalled from itself. The fraction recalled (at most 1% of its bits wrong) "
              f"falls below one half at α ≈ {number(curve.breakdown())}; theory, for L → ∞, "
              f"puts the breakdown at the critical load {THEORETICAL_CAPACITY}.")
    page.table(("load α = N/L", "exact fixed points", "recalled, ≤ 1% bits wrong",
                "mean bit error"),
               [(float(a), float(s), float(r), float(e)) for a, s, r, e in
                zip(curve.loads, curve.stable, curve.recalled, curve.bit_error, strict=True)])
    page.figure(capacity(curve, THEORETICAL_CAPACITY), "capacity",
                "The fraction of patterns recalled and of exact fixed points, and the mean "
                "bit error, against the load; the dotted line is the theoretical capacity.")


def storage_rules(page: Page) -> None:
    page.section("Three storage rules: Hebb, Storkey, the pseudo-inverse")
    page.equation("storkey_learning_rule", "pseudoinverse_learning_rule",
                  "hopfield_absolute_capacity")
    L = RULE_UNITS
    rule_curves = [capacity_curve(L, RULE_LOADS, rule=rule, noise=RULE_NOISE, random_state=0)
                   for rule in RULES]
    measured = {rule: float(absolute_capacity(L, rule, RULE_TRIALS, random_state=seed).mean())
                for seed, rule in enumerate(("analytic", "storkey"))}
    # the pseudo-inverse keeps any L − 1 independent patterns: store them at once and count
    # (adding them one at a time, as absolute_capacity does, costs L pseudo-inverses)
    patterns = random_patterns(np.random.default_rng(2), L - 1, L)
    measured["pseudoinverse"] = float(
        Hopfield(L).store(patterns, rule="pseudoinverse").stable(patterns).sum())
    page.text("Hebb's rule adds each pattern's outer product to W, and every pattern then "
              "feels the others as crosstalk in its local fields. Storkey's rule subtracts "
              "the local fields h that the patterns stored before already give, so a new "
              "pattern disturbs the old ones less; the pseudo-inverse rule makes W the "
              "projection onto the patterns' span (less its diagonal), so every pattern is "
              "a fixed point as long as they are linearly independent. The absolute "
              "capacity counts the random patterns stored before the first of them stops "
              "being a fixed point; its published values are L/(2 ln L) for Hebb's rule "
              "(McEliece, Posner, Rodemich and Venkatesh, 1987), L/√(2 ln L) for Storkey's "
              "(Storkey, 1997) and L − 1 for the pseudo-inverse. Measured for "
              f"L = {L} units, as the mean of {RULE_TRIALS} trials (for the pseudo-inverse, "
              f"the fixed points among {L - 1} random patterns stored at once):")
    rows = []
    for rule, curve in zip(RULES, rule_curves, strict=True):
        rows.append((RULE_NAMES[rule], published_absolute_capacity(rule, L), measured[rule],
                     _load(curve.breakdown(measure="stable")), _load(curve.breakdown())))
    page.table(("rule", "N_max, published", "N_max, measured", "½ are fixed points up to α",
                "recall fails at α"), rows)
    hebb, storkey, inverse = rule_curves
    page.text("The capacity curves tell the same from the load α = N/L: half of the stored "
              f"patterns stay fixed points up to α ≈ {_load(hebb.breakdown(measure='stable'))} "
              f"with Hebb's rule and {_load(storkey.breakdown(measure='stable'))} with "
              "Storkey's, and with the pseudo-inverse all of them do "
              + ("at every load drawn" if np.all(inverse.stable == 1) else
                 f"up to α = {_load(inverse.breakdown(measure='stable'))}")
              + ". Being a fixed point is not being recalled from noise: the pseudo-inverse's "
              "basins of attraction shrink as its W projects onto more patterns, and recall "
              f"from {percent(RULE_NOISE)} of the bits flipped fails beyond α ≈ "
              f"{_load(inverse.breakdown())} (Storkey's {_load(storkey.breakdown())}, "
              f"Hebb's {_load(hebb.breakdown())}).")
    page.figure(capacity_comparison(rule_curves), "rules",
                f"The three rules at L = {L}. Left: the fraction of the stored patterns that "
                "are fixed points, with each rule's published absolute capacity N_max/L "
                "dotted in its colour. Right: the fraction recalled (at most 1% of the bits "
                f"wrong) from copies with {percent(RULE_NOISE)} of their bits flipped.")


def _load(alpha: float) -> str:
    """A breakdown load, or where the curve never breaks down within the loads drawn."""
    return f"beyond {number(RULE_LOADS[-1])}" if np.isinf(alpha) else number(alpha)


def modern(page: Page) -> None:
    page.section("The modern Hopfield network: exponentially many memories")
    page.equation("modern_hopfield_energy", "modern_hopfield_update")
    retrieval = [retrieval_curve(d, counts=PATTERN_COUNTS, random_state=d) for d in DIMENSIONS]
    rng = np.random.default_rng(5)
    patterns = random_patterns(rng, GRADIENT_PATTERNS, DIMENSIONS[-1])
    net = ModernHopfield(DIMENSIONS[-1]).store(patterns)
    x = patterns[0] * np.where(rng.random(DIMENSIONS[-1]) < GRADIENT_NOISE, -1.0, 1.0)
    gradient = nl.grad(lambda x: modern_hopfield_energy(x, patterns, net.beta))(x)
    gap = float(np.abs(net.update(x) - (x - gradient)).max())
    recalled, trace = net.recall(x, return_trace=True)
    energy = trace.energy[:, 0]
    page.text("Ramsauer and colleagues (2020) keep the patterns ξᵢ themselves, as the "
              "columns of Ξ, and give a real state x the energy above: a log-sum-exp of its "
              "overlaps with the patterns, which rewards being close to any one of them "
              "far more sharply than Hebb's quadratic energy, plus ½ xᵀx to keep x bounded. "
              "Its update x ← Ξ softmax(β Ξᵀ x) is the attention of a transformer, and it "
              "is exactly one step down the energy's gradient: for "
              f"{len(patterns):,} random patterns of d = {DIMENSIONS[-1]}, and a probe that is "
              f"the first of them with {int(np.sum(x != patterns[0]))} of its signs flipped, "
              "x − ∇E(x) with ∇E from nnlearn's autodiff differs from the update by at most "
              f"{number(gap)}. Recalled from the probe, the state reaches the pattern in one "
              f"update (the recall stops after {trace.n_steps}, within "
              f"{number(np.abs(recalled - patterns[0]).max())} of it), and the energy falls "
              f"from {number(energy[0])} to {number(energy[1])} at that update and stays there"
              + ("." if np.all(np.diff(energy) <= 1e-12) else ", though not monotonically."))
    half = [(curve.n_units, _most_retrieved(curve.counts, curve.modern),
             _most_retrieved(curve.counts, curve.classical)) for curve in retrieval]
    flipped = ", ".join(f"{round(c.noise * c.n_units)} of {c.n_units}" for c in retrieval)
    page.text(f"Random ±1 patterns, N of them, each probe a stored one with bits flipped "
              f"({flipped}): the classical network (Hebb's rule, asynchronous recall) is "
              "lost soon after 0.138 L patterns, while one modern update still retrieves "
              "from exponentially many. The most patterns from which at least half of the "
              "probes come back exactly, modern against classical: "
              + "; ".join(f"{_count(modern_n)} against {_count(classic_n)} for d = L = {d}"
                          for d, modern_n, classic_n in half) + ".")
    page.figure(retrieval_comparison(retrieval), "modern",
                "The fraction of probes retrieved exactly against the number of stored "
                "patterns N (logarithmic scale): the modern network after one update (solid) "
                "and the classical one (dashed), one colour per dimension; dotted: 0.138 L.")


def _count(n: int) -> str:
    """A count of patterns; the largest drawn is a lower bound, not a limit found."""
    return f"all {n:,} drawn" if n == PATTERN_COUNTS[-1] else f"{n:,}"


def _most_retrieved(counts: np.ndarray, fraction: np.ndarray) -> int:
    """The largest N at which at least half of the probes were retrieved (0 if none)."""
    ok = counts[fraction >= 0.5]
    return int(ok.max()) if ok.size else 0


def sequence(page: Page) -> None:
    page.section("A sequence instead of a set")
    page.equation("weight_update_of_a_heteroassociative_hopfield_network")
    names, patterns = letters()
    path = Hopfield(100).store_sequence(patterns).recall_sequence(patterns[0], 3)
    replayed = [names[int(np.argmax(patterns @ x))] for x in path]
    page.text("Stored heteroassociatively, each letter pointing to the next (T → X → L → H), "
              "the network replays the sequence from T: " + " → ".join(replayed) + ".")


SECTIONS = (recall, spurious_states, memory_capacity, storage_rules, modern, sequence)
