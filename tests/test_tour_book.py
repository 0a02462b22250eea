"""The book `nnlearn tour` writes, read in a real browser and against its own figures.

The whole book is written once for this module (it is the tour's own run, about 15 s),
then every page is opened in headless Chromium with no network (see browser_helpers)
and checked as a reader would meet it; and each sentence that states what a figure
shows is checked against the data drawn in that figure.
"""

import re
from pathlib import Path

import numpy as np
import pytest
from browser_helpers import (
    assert_images_loaded,
    assert_math_rendered,
    assert_no_horizontal_overflow,
    broken_links,
    open_page,
)

from nnlearn import cli, tour
from nnlearn.equations import CATALOGUE
from nnlearn.tour.numbers import number

PAGES = ["index", *tour.CHAPTERS, "equations"]
WIDTHS = (1280, 800)


class Book:
    def __init__(self, folder: Path):
        self.folder = folder
        self.lines: list[str] = []
        self.figures: dict = {}
        self.index = tour.run(folder, echo=self.lines.append, on_figure=self.figures.__setitem__)
        self.text = "\n".join(self.lines)

    def sentence(self, pattern: str) -> re.Match:
        match = re.search(pattern, self.text)
        assert match, f"no sentence matches {pattern!r}"
        return match


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return Book(tmp_path_factory.mktemp("book"))


def value(text: str) -> float:
    """A number as the book writes it (−1.2 × 10⁻³, 2,000, 97.8%) as a float."""
    text = text.strip().replace("−", "-").replace(",", "")
    if text.endswith("%"):
        return float(text[:-1]) / 100
    if "×" in text:
        mantissa, power = text.split("× 10")
        exponent = power.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
        return float(mantissa) * 10.0 ** int(exponent)
    return float(text)


NUMBER = r"(−?[\d,]+(?:\.\d+)?(?: × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?%?)"


# --- the pages in a browser ------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_every_page_reads_offline_at_laptop_and_narrow_widths(book, offline_page, name):
    path = book.folder / f"{name}.html"
    for width in WIDTHS:
        open_page(offline_page, path, width)
        if name != "index":
            shown = assert_math_rendered(offline_page)
            if name == "equations":
                assert shown >= len(CATALOGUE)
        assert_images_loaded(offline_page)
        assert_no_horizontal_overflow(offline_page)
    assert broken_links(offline_page) == []


def test_contents_and_previous_next_links_walk_the_book_in_order(book, offline_page):
    open_page(offline_page, book.index)
    contents = offline_page.eval_on_selector_all(
        "nav.contents > ol > li > a", "links => links.map(a => a.getAttribute('href'))")
    assert contents == [f"{name}.html" for name in tour.CHAPTERS]
    order = PAGES
    for k, name in enumerate(order):
        open_page(offline_page, book.folder / f"{name}.html")
        previous = offline_page.eval_on_selector_all(".pager a[rel=prev]", "a => a.map(x => "
                                                     "x.getAttribute('href'))")
        following = offline_page.eval_on_selector_all(".pager a[rel=next]", "a => a.map(x => "
                                                      "x.getAttribute('href'))")
        assert previous == ([f"{order[k - 1]}.html"] if k else []), name
        assert following == ([f"{order[k + 1]}.html"] if k + 1 < len(order) else []), name


def test_every_figure_is_an_svg_shown_at_a_readable_size(book, offline_page):
    for name in tour.CHAPTERS:
        open_page(offline_page, book.folder / f"{name}.html")
        sizes = offline_page.eval_on_selector_all(
            "figure img", "imgs => imgs.map(i => [i.getAttribute('src'), i.clientWidth])")
        assert sizes, f"{name} has no figure"
        for src, width in sizes:
            assert src.endswith(".svg") and (book.folder / src).is_file()
            assert width >= 400, f"{src} is shown {width} px wide"


# --- what the pages say ----------------------------------------------------------------


def _page_text(book, name: str) -> str:
    """A page's prose and tables: without its equations and its code (printed output and
    docstrings, whose numbers are Python's)."""
    html = (book.folder / f"{name}.html").read_text()
    if name == "mlp":  # the worked example is printed to the lecture's nine digits
        html = html.split('id="gradient-descent-momentum-and-adam-on-xor"')[1]
    return re.sub(r"<math.*?</math>|<pre>.*?</pre>|<[^>]+>", " ", html, flags=re.S)


def test_numbers_are_written_tidily_everywhere(book):
    for name in PAGES:
        text = _page_text(book, name)
        assert not re.search(r"\d\.\d{6,}", text), name
        assert not re.search(r"\d[eE][+-]?\d", text), name
        assert not re.search(r"[-−]0(\.0+)?(?![\d.])", text), name


def test_the_course_material_is_named_for_readers(book):
    for name in PAGES:
        text = _page_text(book, name).lower()
        for phrase in ("the talk", "the quiz", "the seed", "seed 00"):
            assert phrase not in text, (name, phrase)


def test_each_chapter_opens_states_equations_and_closes_with_its_catalogue_entries(book):
    for name in tour.CHAPTERS:
        html = (book.folder / f"{name}.html").read_text()
        assert html.index('class="intro"') < html.index('class="equations"')
        recap = html.split('id="equations-of-this-chapter"')[1]
        keys = re.findall(r'href="equations.html#(\w+)"', recap)
        shown = re.findall(r'<div class="equation" id="eq-(\w+)"', html)
        assert keys == shown and keys, name


def test_the_terminal_tells_each_chapters_time(book):
    for k, name in enumerate(tour.CHAPTERS, start=1):
        assert re.search(rf"\(chapter {k}, {name}: \d+\.\d s\)", book.text), name
    assert re.search(r"in all \d+\.\d s", book.text)


def test_the_lectures_worked_numbers_are_reproduced(book):
    agree = value(book.sentence(rf"Every number the lecture prints agrees to within {NUMBER}")
                  .group(1))
    assert agree < 1e-8
    for printed in ("0.593269992", "0.298371109", "0.35891648", "0.149780716", "0.561370121"):
        assert printed in book.text


def test_the_classic_neurons_tell_the_lectures_story(book):
    constraints = book.sentence(r"satisfy the lecture's four constraints: (.*)\.").group(1)
    assert constraints.count("(yes)") == 4 and "(no)" not in constraints
    assert book.sentence(r"nnlearn's perceptron notices when its weights repeat")
    assert value(book.sentence(rf"it agrees with the labels of {NUMBER} of 300 points")
                 .group(1)) == 1


def test_the_recurrent_chapter_runs_the_lstm_to_the_optimum_and_adaline_to_the_echo(book):
    assert "Output of an LSTM" in book.text and "free-running steps" in book.text
    accuracy = {line.split()[0] + " " + line.split()[1]: value(line.split()[-1])
                for line in book.lines if line.rstrip().endswith("%")
                and line.startswith(("  the rule", "  the echo", "  Adaline", "  LSTM"))}
    assert accuracy["LSTM 1-8"] >= accuracy["the rule"] - 0.02 >= 0.85
    assert accuracy["Adaline on"] <= accuracy["the echo"] + 0.02 < accuracy["the rule"]


def test_the_hopfield_and_markov_chapters_recall_replay_and_converge(book):
    assert book.sentence(r"4 of 4 come back exactly")
    assert book.sentence(r"replays the sequence from T: T → X → L → H\.")
    assert "stationary distribution" in (book.folder / "markov.html").read_text()
    assert book.sentence(r"visit frequency")
    for stem in ("hopfield-recall", "hopfield-energy", "hopfield-capacity", "markov-convergence"):
        assert (book.folder / "figures" / f"{stem}.svg").stat().st_size > 1000


# --- what the text says about a figure, against the figure's data ----------------------


def test_spurious_states_counted_in_the_text_are_the_ones_drawn(book):
    count = int(book.sentence(r"in one of (\d+) spurious states").group(1))
    drawn = [ax for ax in book.figures["hopfield-spurious"].axes if ax.images]
    assert count == len(drawn) > 0
    shown = book.sentence(r"The figure shows all (\d+)").group(1)
    assert int(shown) == count


def test_letters_recalled_exactly_are_the_rows_of_the_figure_that_match(book):
    recalled = int(book.sentence(r"(\d) of 4 come back exactly").group(1))
    axes = [ax for ax in book.figures["hopfield-recall"].axes if ax.images]
    stored = [ax.images[0].get_array() for ax in axes[:4]]
    result = [ax.images[0].get_array() for ax in axes[8:12]]
    assert recalled == sum(np.array_equal(a, b) for a, b in zip(stored, result, strict=True))


def test_energies_in_the_text_are_the_ends_of_the_drawn_traces(book):
    match = book.sentence(r"it falls from (?P<starts>[^a-z]+) to (?P<ends>[^a-z]+) and never rises")
    lines = book.figures["hopfield-energy"].axes[0].get_lines()
    starts = [value(v) for v in match["starts"].split(", ")]
    ends = [value(v) for v in match["ends"].split(", ")]
    np.testing.assert_allclose(starts, [line.get_ydata()[0] for line in lines], rtol=5e-3)
    np.testing.assert_allclose(ends, [line.get_ydata()[-1] for line in lines], rtol=5e-3)
    assert all(np.all(np.diff(line.get_ydata()) <= 1e-12) for line in lines)


def test_digit_accuracy_and_mistake_in_the_text_are_read_off_the_confusion_matrix(book):
    match = book.sentence(rf"On the (\d+) test images it is right (\d+) times, an accuracy of "
                          rf"{NUMBER}; its most frequent mistake is reading an? (\d) as an? (\d) "
                          r"\((\d+) times\)")
    ax = book.figures["mlp-digits-confusion"].axes[0]
    counts = np.zeros((10, 10), dtype=int)
    for text in ax.texts:
        column, row = (round(c) for c in text.get_position())
        counts[row, column] = int(text.get_text())
    total, right, accuracy, true, wrong, times = match.groups()
    assert counts.sum() == int(total) and np.trace(counts) == int(right)
    assert value(accuracy) == pytest.approx(int(right) / int(total), abs=5e-4)
    off = counts - np.diag(np.diag(counts))
    assert off[int(true), int(wrong)] == int(times) == off.max()


def test_perceptron_mistakes_in_the_text_are_the_drawn_curves(book):
    match = book.sentence(r"its mistakes never fall below (\d) of 4, while AND reaches (\d) "
                          r"mistakes in epoch (\d+)")
    and_line, xor_line = book.figures["neurons-xor-mistakes"].axes[0].get_lines()
    assert min(xor_line.get_ydata()) == int(match.group(1)) > 0
    assert and_line.get_ydata()[-1] == int(match.group(2)) == 0
    assert and_line.get_xdata()[-1] == int(match.group(3))


def test_best_polynomial_degree_in_the_text_is_drawn_and_lowest_in_the_table(book):
    best = int(book.sentence(r"the test error is lowest at k = (\d)").group(1))
    labels = [line.get_label() for line in book.figures["neurons-polynomials"].axes[0].lines]
    assert f"k = {best}" in labels
    rows = re.findall(r"<tr><td[^>]*>(\d)</td><td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td></tr>",
                      (book.folder / "neurons.html").read_text())
    tests = {int(k): value(v) for k, v in rows}
    assert len(tests) == 10 and min(tests, key=tests.get) == best


def test_stationary_distribution_in_the_text_is_the_dashed_lines_of_the_figure(book):
    match = book.sentence(rf"π\(sunny\) = {NUMBER}, π\(cloudy\) = {NUMBER}, π\(rainy\) = "
                          rf"{NUMBER}")
    left = book.figures["markov-convergence"].axes[0]
    dashed = [line.get_ydata()[0] for line in left.get_lines() if line.get_linestyle() == "--"]
    np.testing.assert_allclose([value(v) for v in match.groups()], dashed, atol=5e-4)
    ends = [line.get_ydata()[-1] for line in left.get_lines() if line.get_linestyle() != "--"]
    np.testing.assert_allclose(ends, dashed, atol=1e-4)


def test_the_two_coinciding_state_norm_curves_are_drawn_and_their_gap_is_the_text(book):
    gap = value(book.sentence(rf"the two runs differ by at most {NUMBER}").group(1))
    lines = book.figures["recurrent-state-norms"].axes[0].get_lines()
    assert len(lines) == 4 and len({line.get_linestyle() for line in lines}) == 4
    identity, tanh = (np.asarray(line.get_ydata()) for line in lines[:2])
    assert np.max(np.abs(identity - tanh) / identity) == pytest.approx(gap, abs=5e-4)
    assert lines[0].get_linewidth() > lines[1].get_linewidth()


def test_free_run_and_one_step_predictions_are_both_visible(book):
    ax = book.figures["recurrent-sine-prediction"].axes[0]
    _, one_step, free = ax.get_lines()[:3]
    free_y = np.asarray(free.get_ydata(), dtype=float)
    start = int(np.argmax(~np.isnan(free_y)))
    assert np.isnan(free_y[:start]).all() and start > 0
    assert not np.isnan(np.asarray(one_step.get_ydata(), dtype=float)).any()


def test_boltzmann_learning_numbers_are_the_ends_of_the_drawn_curves(book):
    match = book.sentence(rf"two hidden units bring it to {NUMBER} \(with sampled statistics: "
                          rf"{NUMBER}\)")
    lines = book.figures["boltzmann-learning"].axes[0].get_lines()
    ends = [line.get_ydata()[-1] for line in lines[1:3]]
    np.testing.assert_allclose([value(v) for v in match.groups()], ends, rtol=5e-3)


def test_critical_points_in_the_legend_are_the_markers_and_the_table(book):
    ax = book.figures["second_order-surface"].axes[0]
    markers = [line for line in ax.get_lines() if line.get_label().startswith(
        ("minimum", "maximum", "saddle"))]
    html = (book.folder / "second_order.html").read_text()
    for line in markers:
        kind, where = line.get_label().split(" at ")
        x, y = (value(v) for v in where.strip("()").split(", "))
        np.testing.assert_allclose([line.get_xdata()[0], line.get_ydata()[0]], [x, y], atol=5e-3)
        assert f"<td>{where}</td><td>{kind}</td>" in html


# --- the analysis of chains, maps and memories: text, tables and figures agree ---------


def table_with(book, name: str, header: str = "", caption: str = "") -> list[list[str]]:
    """The rows (cell texts) of the one table on page ``name`` that has a header cell
    ``header``, or a caption starting with ``caption``."""
    html = (book.folder / f"{name}.html").read_text()
    found = []
    for title, table in re.findall(r"(?:<figcaption>([^<]*)</figcaption>)?<table>(.*?)</table>",
                                   html, flags=re.S):
        rows = [[re.sub(r"<[^>]+>", "", cell).strip()
                 for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
                for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)]
        if (header and header in rows[0]) or (caption and title.startswith(caption)):
            found.append(rows[1:])
    (rows,) = found
    return rows


def lines_labelled(ax, prefix: str) -> list:
    return [line for line in ax.get_lines() if line.get_label().startswith(prefix)]


def first_below(x, y, level: float = 0.5) -> float:
    """Where the drawn curve (x, y) first falls below ``level``, interpolated linearly."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    below = np.flatnonzero(y < level)
    if below.size == 0:
        return np.inf
    k = below[0]
    return float(x[k - 1] + (y[k - 1] - level) * (x[k] - x[k - 1]) / (y[k - 1] - y[k]))


def test_every_equation_of_the_chain_and_memory_analyses_is_stated_in_the_book(book):
    stated = set()
    for name in tour.CHAPTERS:
        stated |= set(re.findall(r'<div class="equation" id="eq-(\w+)"',
                                 (book.folder / f"{name}.html").read_text()))
    new = {key for key, entry in CATALOGUE.items() if entry.block.startswith(
        ("analysis of Markov chains", "associative memories beyond Hebb"))}
    assert len(new) >= 20
    assert new - {"bam_weights", "bam_recall", "bam_energy"} <= stated


def test_gamblers_ruin_beside_its_closed_forms_and_the_drawn_absorption(book):
    rows = table_with(book, "markov", "P(ruin): B = N R")
    assert [row[0] for row in rows] == ["1", "2", "3"]
    for _, ruin, ruin_closed, rounds, rounds_closed in rows:
        assert ruin == ruin_closed and rounds == rounds_closed
    match = book.sentence(rf"From a stake of (\d) the game is over within (\d+) rounds with "
                          rf"probability {NUMBER}\. The expected number of rounds is the sum "
                          rf"over n of P\(still playing after n rounds\): {NUMBER} over the "
                          rf"(\d+) rounds drawn, against t = {NUMBER}\.")
    start, within, over, total, n_drawn, expected = match.groups()
    ax = book.figures["markov-ruin"].axes[0]
    (playing,) = lines_labelled(ax, "P(not yet absorbed)")
    moving = np.asarray(playing.get_ydata())
    assert len(moving) == int(n_drawn) + 1 and moving[0] == 1
    assert value(over) == pytest.approx(1 - moving[int(within)], abs=5e-4)
    assert value(total) == pytest.approx(moving.sum(), abs=5e-4)
    assert value(total) == pytest.approx(value(expected), abs=1e-3)
    assert value(expected) == pytest.approx(value(rows[int(start) - 1][3]), rel=5e-3)
    (ruined,) = lines_labelled(ax, "P(Xₙ = 0")
    dashed = [line.get_ydata()[0] for line in lines_labelled(ax, "absorption probability")]
    assert dashed[0] == pytest.approx(value(rows[int(start) - 1][1]), abs=5e-4)
    assert sum(dashed) == pytest.approx(1)
    assert ruined.get_ydata()[-1] == pytest.approx(dashed[0], abs=1e-4)


def test_return_times_are_one_over_pi(book):
    rows = table_with(book, "markov", caption="Mean first passage times")
    match = book.sentence(rf"1/π\(sunny\) = {NUMBER}, 1/π\(cloudy\) = {NUMBER}, 1/π\(rainy\) = "
                          rf"{NUMBER}, against the diagonal's {NUMBER}, {NUMBER}, {NUMBER} "
                          rf"\(largest difference {NUMBER}\)")
    kac, diagonal = match.groups()[:3], match.groups()[3:6]
    assert kac == diagonal and value(match.groups()[6]) < 1e-12
    assert [row[k + 1] for k, row in enumerate(rows)] == [number(value(v), 3) for v in kac]


def test_mixing_times_in_the_text_are_the_dotted_lines_and_the_cycle_never_mixes(book):
    weather = int(book.sentence(r"mixes in t_mix = (\d+) days").group(1))
    lazy = int(book.sentence(r"has the same π and mixes in t_mix = (\d+) steps").group(1))
    stays = value(book.sentence(rf"its distance to the uniform π stays {NUMBER} for ever")
                  .group(1))
    assert book.sentence(r"nnlearn refuses its mixing time: “the chain is periodic")
    ax = book.figures["markov-mixing"].axes[0]
    curves = {line.get_label(): np.asarray(line.get_ydata()) for line in ax.get_lines()
              if len(line.get_xdata()) > 2}
    marks = {line.get_label(): line.get_xdata()[0] for line in lines_labelled(ax, "t_mix")}
    assert marks == {f"t_mix of the weather chain: {weather}": weather,
                     f"t_mix of the lazy 6-cycle: {lazy}": lazy}
    for name, t_mix in (("weather chain", weather), ("lazy 6-cycle", lazy)):
        assert int(np.argmax(curves[name] <= 0.25)) == t_mix
    cycle = curves["6-cycle"]
    np.testing.assert_allclose(cycle, 5 / 6, atol=1e-12)
    assert stays == pytest.approx(cycle[-1], abs=5e-4)


def test_state_reduction_is_exact_where_the_eigenvector_is_not(book):
    rows = {row[0]: row[1:] for row in table_with(book, "markov", "largest error")}
    assert rows["GTH state reduction (nnlearn)"] == ["0.25"] * 4 + ["0"]
    assert value(rows["eigenvector of Tᵀ (NumPy)"][-1]) > 1e-6


def test_estimated_transitions_err_as_the_binomial_prediction_says(book):
    rows = table_with(book, "markov", "RMS error of T̂")
    assert [value(row[0]) for row in rows] == [100, 1000, 10000]
    errors = [value(row[1]) for row in rows]
    assert errors[0] > errors[1] > errors[2]
    for row in rows:
        assert value(row[3]) == pytest.approx(1, abs=0.2)
        assert value(row[3]) == pytest.approx(value(row[1]) / value(row[2]), rel=0.01)


def test_hidden_weather_counts_in_the_text_are_read_off_the_figure(book):
    hits = book.sentence(r"right on (\d+) of the (\d+) days filtered and (\d+) smoothed, and "
                         r"the Viterbi path on (\d+)\.").groups()
    misses = book.sentence(r"of the (\d+) days the Viterbi path misses, (\d+) are cloudy, and "
                           r"it finds (\d+) of the (\d+) cloudy days").groups()
    bottom = book.figures["markov-hidden"].axes[1]
    posterior = np.asarray(bottom.images[0].get_array())
    (truth,) = lines_labelled(bottom, "true state")
    (viterbi,) = lines_labelled(bottom, "Viterbi path")
    states, path = (np.asarray(line.get_ydata()) for line in (truth, viterbi))
    assert posterior.shape == (3, int(hits[1])) == (3, len(states))
    np.testing.assert_allclose(posterior.sum(axis=0), 1)
    assert int(hits[2]) == np.sum(posterior.argmax(axis=0) == states)
    assert int(hits[3]) == np.sum(path == states) == len(states) - int(misses[0])
    assert int(misses[1]) == np.sum(states[path != states] == 1)
    assert int(misses[2]) == np.sum((path == 1) & (states == 1))
    assert int(misses[3]) == np.sum(states == 1)
    match = book.sentence(rf"it gives {NUMBER}, and the forward algorithm {NUMBER} \(relative "
                          rf"difference {NUMBER}\); the most probable of those paths is the "
                          r"Viterbi path")
    assert match.group(1) == match.group(2) and value(match.group(3)) < 1e-12


def test_fixed_points_beside_closed_forms_and_the_eigenvalues_drawn(book):
    rows = table_with(book, "recurrent", "eigenvalues λ of J")
    assert len(rows) == 6
    for system, _, autodiff, closed, _ in rows[:4]:
        assert autodiff == closed, system
    assert [row[-1] for row in rows] == ["no", "yes", "yes", "no", "yes", "no"]
    assert value(book.sentence(rf"largest \|J − W\|: {NUMBER}\)").group(1)) == 0
    largest = [value(v) for v in book.sentence(
        rf"the largest \|λ\| is {NUMBER} and {NUMBER}, the fading").groups()]
    ax = book.figures["recurrent-eigenvalues"].axes[0]
    drawn = [line for line in ax.get_lines() if line.get_label().startswith("ρ(W)")]
    assert [line.get_label() for line in drawn] == ["ρ(W) = 0.8: stable", "ρ(W) = 1.2: unstable"]
    for line, radius in zip(drawn, largest, strict=True):
        assert len(line.get_xdata()) == 20
        assert np.hypot(line.get_xdata(), line.get_ydata()).max() == pytest.approx(radius,
                                                                                    abs=5e-4)
    assert largest[0] < 1 < largest[1]


def test_lyapunov_exponents_beside_closed_forms_and_the_diagrams_own(book):
    rows = table_with(book, "recurrent", "λ, closed form")
    assert [row[0] for row in rows] == ["2.8", "3.2", "4"]
    for _, _, measured, closed in rows:
        assert value(measured) == pytest.approx(value(closed), abs=0.005)
    assert value(rows[2][3]) == pytest.approx(np.log(2), abs=5e-4)
    match = book.sentence(rf"at r = 4 the diagram's (\d+) steps give λ = {NUMBER}\.")
    exponent = book.figures["recurrent-bifurcation"].axes[1].get_lines()[0]
    assert exponent.get_xdata()[-1] == 4.0
    assert value(match.group(2)) == pytest.approx(exponent.get_ydata()[-1], abs=5e-4)
    assert value(match.group(2)) == pytest.approx(np.log(2), abs=0.05)
    titles = [ax.get_title() for ax in book.figures["recurrent-cobwebs"].axes]
    assert titles == ["r = 2.8", "r = 3.2", "r = 3.9"]


def test_storage_rules_against_the_published_capacities_and_the_drawn_curves(book):
    rows = table_with(book, "hopfield", "N_max, published")
    assert [row[0] for row in rows] == ["Hebb", "Storkey", "pseudo-inverse"]
    figure = book.figures["hopfield-rules"]
    left, right = figure.axes[:2]
    fixed = [line for line in left.get_lines() if len(line.get_xdata()) > 2]
    recalled = [line for line in right.get_lines() if len(line.get_xdata()) > 2]
    published = [line.get_xdata()[0] for line in lines_labelled(left, "Hebb: published")
                 + lines_labelled(left, "Storkey: published")
                 + lines_labelled(left, "pseudo-inverse: published")]
    for (rule, n_published, n_measured, half, fails), ours, recall, mark in zip(
            rows, fixed, recalled, published, strict=True):
        assert value(n_measured) == pytest.approx(value(n_published), rel=0.15), rule
        assert mark == pytest.approx(value(n_published) / 100, abs=5e-3)
        breakdown = first_below(ours.get_xdata(), ours.get_ydata())
        if np.isinf(breakdown):
            assert half == "beyond 0.95"
        else:
            assert value(half) == pytest.approx(breakdown, rel=5e-3)
        assert value(fails) == pytest.approx(first_below(recall.get_xdata(),
                                                         recall.get_ydata()), rel=5e-3)
    assert rows[2][2] == "99" and rows[2][3] == "beyond 0.95"
    assert value(rows[0][3]) < value(rows[1][3])


def test_modern_retrieval_counts_in_the_text_are_read_off_the_curves(book):
    assert value(book.sentence(rf"differs from the update by at most {NUMBER}").group(1)) < 1e-12
    most = r"(?:all )?([\d,]+)(?: drawn)?"
    found = [(d, modern, classical) for modern, classical, d in re.findall(
        rf"{most} against {most} for d = L = (\d+)", book.text)]
    lines = [line for line in book.figures["hopfield-modern"].axes[0].get_lines()
             if len(line.get_xdata()) > 2]
    assert len(found) == 3 and len(lines) == 6
    for k, (d, modern, classical) in enumerate(found):
        counts = [np.asarray(line.get_xdata())[np.asarray(line.get_ydata()) >= 0.5].max()
                  for line in lines[2 * k:2 * k + 2]]
        assert [value(modern), value(classical)] == counts, d
        assert value(modern) > 10 * value(classical)


# --- the encoders of Ackley, Hinton and Sejnowski: text, table and figures agree ----------


def encoder_table(book) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table_with(book, "boltzmann", "the paper (distinct codes)")}


def test_the_encoder_procedure_in_the_text_is_the_preset_and_its_equations(book):
    from nnlearn.models.energy.boltzmann_learning import PAPER_1985

    match = book.sentence(rf"reads off with probability {NUMBER}, one that should be off reads "
                          rf"on with probability {NUMBER},.* moves by μ = {NUMBER} in the "
                          r"direction of pᵢⱼ − qᵢⱼ")
    on_off, off_on, step = match.groups()
    assert (value(on_off), value(off_on)) == PAPER_1985["clamp_noise"]
    assert value(step) == PAPER_1985["learning_rate"]
    # the equations stated above the text say the same
    assert re.findall(r"= (0\.\d+)", CATALOGUE["noisy_clamping"].latex) == [on_off, off_on]
    sign_step = CATALOGUE["boltzmann_sign_step_update"].latex
    assert re.search(r"\\mu = (\d+)", sign_step).group(1) == step
    annealed = book.sentence(r"the hidden units are annealed \(([^)]*)\) and the co-activations")
    schedule = [float(T) for n, T in re.findall(r"(\d+) (?:sweeps )?at (?:T = )?(\d+)",
                                                annealed.group(1)) for _ in range(int(n))]
    assert schedule == list(PAPER_1985["clamped_schedule"]) == list(PAPER_1985["free_schedule"])


def test_the_4_2_4_result_in_the_text_is_its_table_row_and_its_drawn_curves(book):
    match = book.sentence(rf"Of (\d+) runs, (\d+) are solved within {NUMBER} cycles, after a "
                          rf"median of {NUMBER} cycles \(their codes differ after a median of "
                          rf"{NUMBER}\); the paper, which asks for the codes alone, reports "
                          r"(\d+) of (\d+) runs solved, after a median of about (\d+) cycles")
    runs, solved, most, median, code_median, paper_solved, paper_runs, paper_median = (
        match.groups())
    row = encoder_table(book)["4-2-4"]
    assert row[:4] == [runs, most, solved, median]
    assert row[-1] == f"{paper_solved} of {paper_runs}, median ≈ {paper_median}"
    assert int(solved) >= 0.95 * int(runs)
    ax = book.figures["boltzmann-encoder-cycles"].axes[0]
    (drawn,) = lines_labelled(ax, "4-2-4 solved")
    (codes,) = lines_labelled(ax, "4-2-4 codes")
    (paper,) = lines_labelled(ax, "4-2-4 paper median")
    assert drawn.get_label() == f"4-2-4 solved ({solved}/{runs})"
    steps = drawn.get_xdata()[1:-1]
    assert len(steps) == int(solved) and drawn.get_ydata()[-1] == int(solved) / int(runs)
    assert drawn.get_xdata()[-1] == value(most)
    assert value(median) == pytest.approx(np.median(steps), rel=5e-3)
    assert value(code_median) == pytest.approx(np.median(codes.get_xdata()[1:-1]), rel=5e-3)
    assert (paper.get_xdata()[0], paper.get_ydata()[0]) == (int(paper_median), 0.5)
    completed = book.sentence(rf"the (\d+) solved machines put out the right V2 in {NUMBER} of "
                              r"the trials")
    assert completed.group(1) == solved and completed.group(2) == row[4]


def test_the_code_of_run_1_in_the_text_is_the_drawn_hidden_block(book):
    match = book.sentence(r"Run 1 is solved after (\d+) cycles; its hidden units code the "
                          r"patterns 1 to (\d) as ([01, ]+)\. .* the solved runs found (\d+) of "
                          r"the (\d+) ways")
    cycles, v, codes, found, ways = match.groups()
    fig = book.figures["boltzmann-encoder-code"]
    v1, hidden, v2 = fig.axes

    def bits(ax):
        drawn = np.zeros((int(v), len(ax.get_xticks())), dtype=int)
        for text in ax.texts:
            column, row = (round(c) for c in text.get_position())
            drawn[row, column] = int(text.get_text())
        return drawn

    assert [",".join(map(str, code)) for code in bits(hidden)] == [
        ",".join(code) for code in codes.split(", ")]
    np.testing.assert_array_equal(bits(v1), np.eye(int(v)))
    np.testing.assert_array_equal(bits(v2), np.eye(int(v)))
    assert fig.get_suptitle() == f"{v}-2-{v} encoder, run 1: solved after {cycles} cycles"
    assert int(ways) == 24 and 1 <= int(found) <= 24


def test_the_looser_and_tighter_encoders_in_the_text_are_their_rows_and_curves(book):
    rows = encoder_table(book)
    assert list(rows) == ["4-2-4", "4-3-4", "8-3-8"]
    ax = book.figures["boltzmann-encoder-cycles"].axes[0]
    median = book.sentence(rf"The 4-3-4 runs are solved after a median of {NUMBER} cycles")
    (looser,) = lines_labelled(ax, "4-3-4 solved")
    assert median.group(1) == rows["4-3-4"][3]
    assert value(median.group(1)) == pytest.approx(np.median(looser.get_xdata()[1:-1]), rel=5e-3)
    assert looser.get_label() == f"4-3-4 solved ({rows['4-3-4'][2]}/{rows['4-3-4'][0]})"
    match = book.sentence(rf"Of the (\d+) runs of the 8-3-8, (none|\d+) (?:is|are) solved within "
                          rf"{NUMBER} cycles, against (\d+) of (\d+) in the paper(?:; the "
                          r"unsolved ones? ends? with codes that take ([\d, and]+) of the 8 "
                          r"states)?")
    runs, solved, most, paper_solved, paper_runs, unsolved = match.groups()
    solved = "0" if solved == "none" else solved
    assert [runs, most, solved] == rows["8-3-8"][:3]
    assert rows["8-3-8"][-1] == f"{paper_solved} of {paper_runs}, median ≈ 1570"
    (tighter,) = lines_labelled(ax, "8-3-8 solved")
    assert tighter.get_label() == f"8-3-8 solved ({solved}/{runs})"
    assert book.sentence(rf"this chapter makes {runs} such runs of at most {most} cycles, where "
                         rf"the paper made {paper_runs}")
    if int(solved) < int(runs):
        states = [int(n) for n in re.findall(r"\d+", unsolved)]
        assert len(states) == int(runs) - int(solved) and all(1 <= n <= 8 for n in states)


# --- choosing chapters -----------------------------------------------------------------


def test_one_chapter_from_the_command_line(tmp_path, capsys):
    assert cli.main(["tour", "--chapter", "markov", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\(chapter 1, markov: \d+\.\d s\)", out)
    assert "open " in out and "index.html" in out
    assert sorted(p.name for p in tmp_path.glob("*.html")) == [
        "equations.html", "index.html", "markov.html"]
    contents = (tmp_path / "index.html").read_text()
    assert "markov.html" in contents and "hopfield.html" not in contents


@pytest.mark.parametrize("chapters", [["nope"], [], ["markov", 3]])
def test_unknown_chapters_are_refused_with_the_list_of_names(tmp_path, chapters):
    with pytest.raises(ValueError, match=r"chapters: expected names from \['losses'"):
        tour.run(tmp_path, chapters=chapters, echo=lambda s: None)


def test_the_readme_shows_a_chapter_screenshot_made_by_its_documented_command(book):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    image = re.search(r"!\[[^\]]+\]\((docs/[\w-]+\.png)\)", readme).group(1)
    png = Path(__file__).resolve().parent.parent / image
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    command = re.search(rf'python tests/browser_helpers.py "nnlearn-tour/(\w+)\.html#([\w-]+)" '
                        rf"{image}", readme)
    assert command, "the README gives the command that makes its screenshot"
    page, fragment = command.groups()
    assert f'id="{fragment}"' in (book.folder / f"{page}.html").read_text()


def test_chapters_of_the_wrong_type_are_refused(tmp_path):
    with pytest.raises(TypeError, match="chapters must be a name or a sequence of names, got int"):
        tour.run(tmp_path, chapters=3, echo=lambda s: None)
