"""The multi-layer perceptron's tour section, its plots and the confusion matrix."""

import numpy as np
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

from nnlearn import tour
from nnlearn.train.metrics import confusion_matrix


def test_confusion_matrix_matches_scikit_learn():
    rng = np.random.default_rng(0)
    target, predicted = rng.integers(0, 4, size=200), rng.integers(0, 4, size=200)
    np.testing.assert_array_equal(confusion_matrix(target, predicted, 4),
                                  sk_confusion_matrix(target, predicted, labels=range(4)))


def test_tour_section_prints_the_worked_example_and_draws_its_figures(tmp_path):
    lines = []
    index = tour.run(tmp_path, sections=["mlp"], echo=lines.append)
    text = "\n".join(lines)
    for printed in ("0.593269992", "0.298371109", "0.358916480", "0.149780716", "0.561370121"):
        assert printed in text
    assert "accuracy 100%" in text  # XOR
    for name in ("mlp_xor_boundary", "mlp_digits_curves", "mlp_digits_confusion"):
        assert (tmp_path / f"{name}.png").stat().st_size > 1000
    assert "The multi-layer perceptron" in index.read_text()
