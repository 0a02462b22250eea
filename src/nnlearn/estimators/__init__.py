"""scikit-learn estimators over nnlearn's layers and training loop: MLPClassifier, MLPRegressor.

Thin wrappers: ``fit`` builds ``nl.Sequential`` of ``nl.Dense`` layers and trains it with
``nl.fit``; ``partial_fit`` trains one epoch more (Adam and SGD keep their state between
calls, so k calls equal a ``fit`` of k epochs); ``predict`` runs the network. The
parameters, fitted attributes and semantics follow scikit-learn's ``MLPClassifier`` and
``MLPRegressor`` (names, defaults, the ``batch_size="auto"`` rule, the L2 term α on the
weight matrices, the stopping rule, the learning-rate schedules), so that the two can be
compared side by side, and a fitted estimator pickles, copies and clones into one that
trains on exactly as the original would.
"""

from typing import TYPE_CHECKING

from nnlearn.lazy import attach

if TYPE_CHECKING:
    from nnlearn.estimators.classifier import MLPClassifier
    from nnlearn.estimators.network import mlp_network
    from nnlearn.estimators.params import SOLVERS
    from nnlearn.estimators.regressor import MLPRegressor

__getattr__, __dir__ = attach(__name__)
