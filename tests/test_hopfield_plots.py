"""The associative-memory figures: drawn from real curves, readable, legends over no data."""

import ast
from pathlib import Path

import numpy as np
import pytest

from nnlearn.models.energy.hopfield_capacity import capacity_curve, retrieval_curve
from nnlearn.plots import memory
from nnlearn.plots.memory import PALETTE, capacity_comparison, retrieval_comparison


@pytest.fixture(scope="module")
def figures():
    loads = [0.05, 0.15, 0.3, 0.6, 0.9]
    curves = [capacity_curve(40, loads, rule=rule, noise=0.1, random_state=0)
              for rule in ("analytic", "storkey", "pseudoinverse")]
    retrieval = [retrieval_curve(d, [2, 16, 128], n_probes=20, random_state=d) for d in (16, 32)]
    return capacity_comparison(curves), retrieval_comparison(retrieval), curves, retrieval


def test_figures_are_drawn_at_150_dpi_with_labelled_axes(figures, tmp_path):
    for fig in figures[:2]:
        assert fig.dpi >= 150
        for ax in fig.axes:
            assert ax.get_xlabel() and "(" in ax.get_xlabel()  # a unit or what is counted
        assert fig.axes[0].get_ylabel()
        path = tmp_path / "figure.png"
        fig.savefig(path)
        assert path.stat().st_size > 10_000


def test_legends_cover_no_axes(figures):
    for fig in figures[:2]:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        (legend,) = fig.legends
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            assert not box.overlaps(ax.get_window_extent(renderer))


def test_the_curves_plotted_are_the_curves_computed(figures):
    capacity, retrieval, curves, retrieval_curves = figures
    left = capacity.axes[0]
    lines = [line for line in left.get_lines() if len(line.get_xdata()) > 2]
    for line, curve in zip(lines, curves, strict=True):
        np.testing.assert_array_equal(line.get_ydata(), curve.stable)
    assert [line.get_color() for line in lines] == list(PALETTE[:3])
    legend_text = [t.get_text() for t in capacity.legends[0].get_texts()]
    assert "Storkey: published N_max / L = 0.368" in legend_text  # 1/√(2 ln 40)
    lines = [line for line in retrieval.axes[0].get_lines() if len(line.get_xdata()) > 2]
    np.testing.assert_array_equal(lines[0].get_ydata(), retrieval_curves[0].modern)
    np.testing.assert_array_equal(lines[1].get_ydata(), retrieval_curves[0].classical)


def test_matplotlib_is_imported_only_inside_the_functions():
    tree = ast.parse(Path(memory.__file__).read_text())
    top_level = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    names = [alias.name for node in top_level for alias in node.names]
    modules = [getattr(node, "module", None) or "" for node in top_level]
    assert not any("matplotlib" in name for name in names + modules)
