"""Divergence is caught however training runs, and every way out of fit leaves a sound model."""

from __future__ import annotations

import importlib
import signal

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import nnlearn as nl
from nnlearn.estimators import MLPClassifier, MLPRegressor
from nnlearn.train import TrainingDiverged

engine = importlib.import_module("nnlearn.autodiff.tensor")  # the module, not nl.tensor
RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 3)) * 10
Y = X @ np.array([1.0, 2.0, 3.0])


def _net() -> nl.Sequential:
    return nl.Sequential(nl.Dense(3, 8, activation="relu", random_state=0),
                         nl.Dense(8, 1, random_state=1))


def _weights(net: nl.Module) -> np.ndarray:
    return np.concatenate([p.data.ravel() for p in net.parameters()])


@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop", "adagrad", "adam"])
def test_a_full_batch_run_that_blows_up_raises_and_keeps_finite_weights(optimizer):
    net = _net()
    with pytest.raises(TrainingDiverged, match=r"became -?(inf|nan)"):
        nl.fit(net, X, Y, optimizer=optimizer, lr=1e308, epochs=3, batch_size=None,
               progress=False)
    assert np.isfinite(_weights(net)).all()


def test_a_weight_blown_up_by_the_very_last_step_is_caught():
    net = _net()
    with pytest.raises(TrainingDiverged, match=r"a weight became -?inf at epoch 1, batch 1"):
        nl.fit(net, X, Y, optimizer="sgd", lr=1e308, epochs=1, batch_size=None, progress=False)
    np.testing.assert_array_equal(_weights(net), _weights(_net()))  # the weights before it


def test_a_non_finite_validation_loss_is_divergence():
    net = _net()
    with pytest.raises(TrainingDiverged, match="the validation loss became inf"):
        nl.fit(net, X, Y, optimizer="sgd", lr=1e6, epochs=5, batch_size=None,
               validation_split=0.2, random_state=0, progress=False)
    assert np.isfinite(_weights(net)).all()


def test_early_stopping_restores_the_best_weights_when_training_diverges():
    net = _net()
    stopping = nl.EarlyStopping(monitor="val_loss", patience=50, restore_best_weights=True)
    histories = []

    class Keep(nl.train.Callback):
        def on_epoch_end(self, epoch, model, history):
            histories.append((history["val_loss"][-1], _weights(model)))
            return False

    schedule = lambda t: 1e-3 if t < 4 else 1e5  # noqa: E731  (fine, then far too large)
    with pytest.raises(TrainingDiverged):
        nl.fit(net, X, Y, optimizer=nl.optim.SGD(net.parameters(), lr=schedule), epochs=40,
               batch_size=None, validation_split=0.2, random_state=0, progress=False,
               callbacks=[Keep(), stopping])
    best_loss, best_weights = min(histories, key=lambda item: item[0])
    np.testing.assert_array_equal(_weights(net), best_weights)
    assert stopping.best == best_loss


@pytest.mark.filterwarnings("ignore:.*adam stopped after")
def test_the_estimators_report_divergence_as_scikit_learn_does():
    with pytest.raises(ValueError, match="the solver produced non-finite weights or loss"):
        MLPRegressor((8,), solver="sgd", learning_rate_init=1e308, max_iter=5).fit(X, Y)
    labels = (X[:, 0] > 0).astype(int)
    with pytest.raises(ValueError, match="non-finite"):
        classifier = MLPClassifier((8,), solver="sgd", learning_rate_init=1e308, random_state=0)
        classifier.partial_fit(X, labels, classes=[0, 1])
    with pytest.warns(ConvergenceWarning, match="the training loss rose from"):
        MLPRegressor((8,), learning_rate_init=1e6, max_iter=20, n_iter_no_change=100).fit(X, Y)


def test_ctrl_c_at_any_moment_of_fit_leaves_the_engine_as_it_was():
    """100 interrupts at random moments of a fit; after each the engine records again and
    the next fit runs (once, one interrupt in 100 left recording off for the process)."""

    def interrupt(signum, frame):  # Ctrl-C itself: SIGINT, handled by Python's own handler
        signal.raise_signal(signal.SIGINT)

    previous = signal.signal(signal.SIGALRM, interrupt)
    rng = np.random.default_rng(1)
    interrupted = 0
    try:
        for _ in range(100):
            net = _net()
            delay = rng.uniform(1e-4, 3e-3)
            try:  # the one alarm lands inside the outer try, wherever it fires
                signal.setitimer(signal.ITIMER_REAL, delay)
                try:
                    nl.fit(net, X / 10, Y / 10, optimizer="adam", lr=1e-3, epochs=4,
                           batch_size=8, validation_split=0.25, metrics=["r2"], random_state=0,
                           progress=False)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except KeyboardInterrupt:
                interrupted += 1
            assert nl.is_grad_enabled()
            assert engine._grad_mode.previous == []
            assert net.training
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert interrupted > 50  # the interrupts did land inside fit
    nl.fit(_net(), X / 10, Y / 10, epochs=1, progress=False)
