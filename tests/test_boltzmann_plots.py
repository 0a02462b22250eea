"""The encoder experiment's figures: drawn, labelled, at print resolution."""

import numpy as np

from nnlearn.models.energy.encoder import encoder_experiment, encoder_machine
from nnlearn.plots.encoder import PALETTE, hidden_codes, learning_cycles, weight_diagram


def test_encoder_figures(tmp_path):
    result = encoder_experiment(4, 2, n_runs=3, max_cycles=100, n_trials=2, random_state=0)
    bm = encoder_machine(4, 2)
    bm.weights = np.where(bm.connectivity, 1.0, 0.0)
    figures = {"cycles": learning_cycles([result]), "codes": hidden_codes(result),
               "weights": weight_diagram(bm)}
    for name, fig in figures.items():
        assert fig.dpi >= 150
        for ax in fig.axes:
            assert ax.get_xlabel() or ax.get_xticklabels(), name
        fig.savefig(tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").stat().st_size > 5000
    ax = figures["cycles"].axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("learning cycles", "fraction of runs")
    assert {line.get_color() for line in ax.get_lines()} <= set(PALETTE)
    assert "paper median (110 cycles)" in " ".join(t.get_text() for t in ax.get_legend().texts)
    codes = figures["codes"].axes
    assert len(codes) == 3 and codes[0].get_ylabel().startswith("pattern")
    cells = [t.get_text() for t in codes[0].texts]
    assert len(cells) == 8 and set(cells) <= {"0", "1", "?"}
    labels = [t.get_text() for t in figures["weights"].axes[0].get_xticklabels()]
    assert labels[0] == "input 1" and labels[-1] == "bias" and "hidden 2" in labels
