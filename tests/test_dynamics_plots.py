"""The dynamics figures: drawn from the right data, legible, in colour-blind-safe colours."""

import matplotlib.colors as mcolors
import numpy as np

from nnlearn.dynamics import MarkovChain
from nnlearn.dynamics.one_dimensional import attractor_samples, logistic_map
from nnlearn.plots.dynamics import bifurcation_diagram, cobweb_plot, total_variation_curves
from nnlearn.plots.style import PALETTE as OKABE_ITO

PALETTE = {mcolors.to_hex(c) for c in OKABE_ITO}


def check_legible(fig, tmp_path, name):
    assert fig.dpi >= 150
    assert fig.axes[0].get_ylabel() and fig.axes[-1].get_xlabel()
    for ax in fig.axes:
        for line in ax.get_lines():
            assert mcolors.to_hex(line.get_color()) in PALETTE
    path = tmp_path / name
    fig.savefig(path)
    assert path.stat().st_size > 5_000


def test_bifurcation_diagram_plots_the_attractor_and_the_exponent(tmp_path):
    r = np.linspace(2.8, 4.0, 60)
    fig = bifurcation_diagram(logistic_map, r, n_transient=200, n_keep=20)
    top, bottom = fig.axes
    points = top.get_lines()[0].get_xydata()
    np.testing.assert_allclose(points[:, 1], attractor_samples(logistic_map, r, 0.3, 200, 20)
                               .ravel())
    exponent = bottom.get_lines()[0].get_ydata()
    assert exponent[-1] > 0.5 and exponent[0] < 0  # chaos at r = 4, a fixed point at 2.8
    assert bottom.get_xlabel() == "r" and bottom.get_ylabel() == "Lyapunov exponent λ"
    check_legible(fig, tmp_path, "bifurcation.png")
    assert len(bifurcation_diagram(logistic_map, r, n_keep=5, lyapunov=False).axes) == 1


def test_cobweb_plot_has_one_panel_per_map(tmp_path):
    maps = {f"r = {r}": (lambda x, r=r: logistic_map(x, r)) for r in (2.8, 3.2, 3.9)}
    fig = cobweb_plot(maps, x0=0.1, n_steps=15)
    assert [ax.get_title() for ax in fig.axes] == list(maps)
    staircase = fig.axes[0].get_lines()[2].get_xydata()
    assert staircase.shape == (31, 2) and tuple(staircase[0]) == (0.1, 0.0)
    check_legible(fig, tmp_path, "cobweb.png")


def test_total_variation_curves_mark_epsilon_and_the_mixing_times(tmp_path):
    lazy = MarkovChain(0.5 * (np.roll(np.eye(4), 1, axis=1) + np.eye(4)))
    periodic = MarkovChain(np.roll(np.eye(4), 1, axis=1))
    curves = {"lazy cycle": lazy.total_variation_to_stationary(12, np.eye(4)[0]),
              "cycle (period 4)": periodic.total_variation_to_stationary(12, np.eye(4)[0])}
    fig = total_variation_curves(curves, epsilon=0.25, mixing_times={"lazy cycle":
                                                                     lazy.mixing_time()})
    lines = fig.axes[0].get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), curves["lazy cycle"])
    assert lines[1].get_xdata()[0] == lazy.mixing_time()  # the dotted line at t_mix
    check_legible(fig, tmp_path, "tv.png")
