"""Chapter: the Hopfield network as an associative memory, and its capacity."""

from __future__ import annotations

import numpy as np

from nnlearn.models import Hopfield
from nnlearn.models.energy.hopfield_capacity import THEORETICAL_CAPACITY, capacity_curve
from nnlearn.plots.energy import capacity, curves, pattern_grid
from nnlearn.tour.numbers import number, percent
from nnlearn.tour.page import Page

TITLE = "Hopfield networks"
SUMMARY = ("Memories as energy minima: letters recalled from noise, the energy falling, "
           "spurious states, the capacity, a stored sequence.")
INTRODUCTION = (
    "A Hopfield network stores patterns in the weights between its units, so that each "
    "pattern is a minimum of an energy; updating one unit at a time never raises the "
    "energy, and the state rolls down into the nearest memory. This chapter stores four "
    "letters, recalls each from a copy with a fifth of its pixels flipped, looks at the "
    "spurious minima the storage rule creates besides the letters, measures how many "
    "random patterns a network of 300 units holds, and stores a sequence instead of a set."
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


def sequence(page: Page) -> None:
    page.section("A sequence instead of a set")
    page.equation("weight_update_of_a_heteroassociative_hopfield_network")
    names, patterns = letters()
    path = Hopfield(100).store_sequence(patterns).recall_sequence(patterns[0], 3)
    replayed = [names[int(np.argmax(patterns @ x))] for x in path]
    page.text("Stored heteroassociatively, each letter pointing to the next (T → X → L → H), "
              "the network replays the sequence from T: " + " → ".join(replayed) + ".")


# the capacity of three storage rules and the modern Hopfield network go here
SECTIONS = (recall, spurious_states, memory_capacity, sequence)
