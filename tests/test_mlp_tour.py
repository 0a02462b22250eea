"""The confusion matrix that the tour's chapter on the multi-layer perceptron draws."""

import numpy as np
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

from nnlearn.train.metrics import confusion_matrix


def test_confusion_matrix_matches_scikit_learn():
    rng = np.random.default_rng(0)
    target, predicted = rng.integers(0, 4, size=200), rng.integers(0, 4, size=200)
    np.testing.assert_array_equal(confusion_matrix(target, predicted, 4),
                                  sk_confusion_matrix(target, predicted, labels=range(4)))
