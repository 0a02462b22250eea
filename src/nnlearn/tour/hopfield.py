"""Tour: the Hopfield network as an associative memory, and its capacity."""

from __future__ import annotations

import numpy as np

from nnlearn.equations import CATALOGUE
from nnlearn.models import Hopfield
from nnlearn.models.energy.hopfield_capacity import THEORETICAL_CAPACITY, capacity_curve
from nnlearn.plots.energy import capacity, curves, pattern_grid
from nnlearn.tour.report import Report

TITLE = "Hopfield networks: memories as energy minima"

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


def letters() -> tuple[list[str], np.ndarray]:
    """The letter bitmaps as bipolar patterns of shape (4, 100)."""
    names = list(LETTERS)
    patterns = np.array([[1.0 if c == "#" else -1.0 for c in LETTERS[n].replace("/", "")]
                         for n in names])
    return names, patterns


def run(report: Report) -> None:
    for key in ("energy_of_a_state_in_a_hopfield_network",
                "activation_of_a_neuron_in_a_hopfield_network",
                "analytical_solution_of_a_hopfield_network"):
        report.text(CATALOGUE[key].name)
        report.equation(CATALOGUE[key].latex)
    names, patterns = letters()
    net = Hopfield(100).store(patterns)
    rng = np.random.default_rng(0)
    noisy = patterns * np.where(rng.random(patterns.shape) < 0.2, -1.0, 1.0)
    recalled, trace = net.recall(noisy, random_state=1, return_trace=True)
    correct = (recalled == patterns).all(axis=1)
    report.text(f"Four letters ({', '.join(names)}) on 10×10 bitmaps are stored with the "
                "analytical rule; each is recalled from a copy with 20% of its pixels flipped "
                f"(asynchronous updates, random order): {correct.sum()} of 4 recovered exactly.")
    report.figure(pattern_grid([patterns, noisy, recalled], ["stored", "20% noise", "recalled"],
                               SHAPE), "hopfield_recall.png", "recall of noisy letters")
    report.figure(curves(list(trace.energy.T), [f"probe {n}" for n in names],
                         "unit update", "E(x) = -½ xᵀWx"),
                  "hopfield_energy.png", "the energy never increases under asynchronous updates")
    probes = rng.choice([-1.0, 1.0], size=(200, 100))
    finals = net.recall(probes, random_state=2)
    known = np.vstack([patterns, -patterns])
    spurious = np.unique(finals[~(finals[:, None, :] == known).all(axis=2).any(axis=1)], axis=0)
    report.text(f"From 200 random states the network settles in the stored letters, their "
                f"negatives (E(−x) = E(x)) and {len(spurious)} spurious states, mixtures of "
                "the memories:")
    if len(spurious):
        report.figure(pattern_grid([spurious[:8]], ["spurious"], SHAPE), "hopfield_spurious.png",
                      "spurious fixed points")
    curve = capacity_curve(300, loads=np.arange(0.05, 0.2501, 0.025), random_state=3)
    report.text(f"Capacity: L = 300 neurons, random patterns, recalled from themselves. "
                f"The recalled fraction falls below one half at α ≈ {curve.breakdown():.3f}; "
                f"theory (L → ∞) puts the breakdown at α_c ≈ {THEORETICAL_CAPACITY}.")
    report.table(("load N/L", "fixed points", "recalled (≤1% bits wrong)", "bit error"),
                 [(float(a), float(s), float(r), float(e)) for a, s, r, e in
                  zip(curve.loads, curve.stable, curve.recalled, curve.bit_error, strict=True)])
    report.figure(capacity(curve, THEORETICAL_CAPACITY), "hopfield_capacity.png",
                  "the capacity curve")
    report.text(CATALOGUE["weight_update_of_a_heteroassociative_hopfield_network"].name)
    report.equation(CATALOGUE["weight_update_of_a_heteroassociative_hopfield_network"].latex)
    sequence = Hopfield(100).store_sequence(patterns)
    path = sequence.recall_sequence(patterns[0], 3)
    report.text("Stored heteroassociatively as the sequence T → X → L → H, the network "
                "replays it from T: "
                + " → ".join(names[int(np.argmax(patterns @ x))] for x in path) + ".")
