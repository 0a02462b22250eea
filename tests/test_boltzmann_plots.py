"""The encoder experiment's figures: drawn in the book's style, labelled, with the data of
the result they draw."""

import numpy as np
import pytest

from nnlearn.models.energy.encoder import encoder_experiment, encoder_machine
from nnlearn.plots.encoder import hidden_codes, learned_code, learning_cycles, weight_diagram
from nnlearn.plots.style import PALETTE, STYLE


@pytest.fixture(scope="module")
def result():
    return encoder_experiment(4, 2, n_runs=3, max_cycles=100, n_trials=2, random_state=0)


def cells(ax) -> np.ndarray:
    """The bits written in the cells of a panel, as a matrix (−1 for "?")."""
    placed = {tuple(round(c) for c in t.get_position()): t.get_text() for t in ax.texts}
    rows, columns = 1 + max(r for _, r in placed), 1 + max(c for c, _ in placed)
    bits = np.zeros((rows, columns))
    for (column, row), text in placed.items():
        bits[row, column] = -1 if text == "?" else int(text)
    return bits


def test_encoder_figures_are_drawn_in_the_book_style(result, tmp_path):
    bm = encoder_machine(4, 2)
    bm.weights = np.where(bm.connectivity, 1.0, 0.0)
    figures = {"cycles": learning_cycles([result]), "code": learned_code(result),
               "codes": hidden_codes(result), "weights": weight_diagram(bm)}
    for name, fig in figures.items():
        assert fig.dpi == STYLE["figure.dpi"], name
        assert fig.get_size_inches()[0] * 96 >= 400, name  # the tour shows it ≥ 400 px wide
        for ax in fig.axes:
            assert ax.get_xlabel() or ax.get_xticklabels(), name
            assert all(t.get_fontsize() >= 10 for t in ax.get_xticklabels()), name
        fig.savefig(tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").stat().st_size > 5000
    ax = figures["cycles"].axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("learning cycles", "fraction of runs")
    assert {line.get_color() for line in ax.get_lines()} <= set(PALETTE)
    legend = " ".join(t.get_text() for t in figures["cycles"].legends[0].texts)
    assert "4-2-4 paper median (110 cycles)" in legend
    labels = [t.get_text() for t in figures["weights"].axes[0].get_xticklabels()]
    assert labels[0] == "input 1" and labels[-1] == "bias" and "hidden 2" in labels


def test_the_solved_curve_steps_at_each_runs_cycles(result):
    ax = learning_cycles([result]).axes[0]
    (solved,) = [line for line in ax.get_lines() if line.get_label().startswith("4-2-4 solved")]
    assert solved.get_label() == f"4-2-4 solved ({result.n_solved}/3)"
    np.testing.assert_array_equal(solved.get_xdata()[1:-1], np.sort(result.cycles[result.solved]))
    assert solved.get_ydata()[-1] == result.n_solved / 3


def test_the_learned_code_shows_the_patterns_and_the_runs_code(result):
    assert result.solved.tolist() == [True, False, False]  # both titles are drawn below
    for run in range(3):
        fig = learned_code(result, run=run)
        v1, hidden, v2 = fig.axes
        np.testing.assert_array_equal(cells(v1), np.eye(4))
        np.testing.assert_array_equal(cells(v2), np.eye(4))
        np.testing.assert_array_equal(cells(hidden), result.codes[run])
        assert [ax.get_title() for ax in fig.axes] == ["V1 (input)", "H: the code",
                                                       "V2 (output)"]
        state = (f"solved after {result.cycles[run]} cycles" if result.solved[run]
                 else "not solved in 100 cycles")
        assert fig.get_suptitle() == f"4-2-4 encoder, run {run + 1}: {state}"


def test_hidden_codes_draw_a_panel_per_run_and_mark_ties():
    result = encoder_experiment(4, 2, n_runs=2, max_cycles=3, n_trials=1, random_state=0)
    result.codes[1, 2] = -1  # a pattern whose most probable code is not unique
    axes = hidden_codes(result).axes
    assert len(axes) == 2 and axes[0].get_ylabel() == "pattern"
    for ax, codes in zip(axes, result.codes, strict=True):
        np.testing.assert_array_equal(cells(ax), codes)
    assert [t.get_text() for t in axes[1].texts].count("?") == np.sum(result.codes[1] < 0) >= 2
    assert not result.solved[1] and axes[1].get_title() == "run 2\nunsolved"
