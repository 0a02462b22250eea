"""Engine state is per thread: models trained in N threads equal N serial fits.

The grad-mode switch, like PyTorch's, belongs to the thread that flips it; a server or
joblib's threading backend trains many models at once.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.model_selection import cross_val_score

import nnlearn as nl
from nnlearn.estimators import MLPClassifier, MLPRegressor

X, y = load_iris(return_X_y=True)


def _trained_weights(seed: int) -> np.ndarray:
    net = nl.Sequential(nl.Dense(4, 8, activation="tanh"), nl.Dense(8, 3)).initialize(seed)
    nl.fit(net, X, y, loss="cross_entropy", optimizer="adam", lr=1e-2, epochs=15,
           batch_size=16, random_state=seed, progress=False)
    return np.concatenate([p.data.ravel() for p in net.parameters()])


def test_models_trained_in_threads_equal_serial_fits():
    seeds = range(24)
    serial = [_trained_weights(seed) for seed in seeds]
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(_trained_weights, seeds))
    for one, other in zip(serial, threaded, strict=True):
        np.testing.assert_array_equal(one, other)
    assert nl.is_grad_enabled()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_cross_val_score_threading_backend_equals_serial():
    serial = cross_val_score(MLPClassifier(max_iter=40, random_state=0), X, y, n_jobs=1)
    with joblib.parallel_backend("threading"):
        threaded = cross_val_score(MLPClassifier(max_iter=40, random_state=0), X, y, n_jobs=4)
    np.testing.assert_array_equal(serial, threaded)
    regression = X[:, 3]
    serial = cross_val_score(MLPRegressor(max_iter=30, random_state=0), X[:, :3], regression)
    with joblib.parallel_backend("threading"):
        threaded = cross_val_score(MLPRegressor(max_iter=30, random_state=0), X[:, :3],
                                   regression, n_jobs=4)
    np.testing.assert_array_equal(serial, threaded)


def test_grad_mode_is_per_thread():
    inside, switched = threading.Event(), threading.Event()
    seen = {}

    def other_thread():
        seen["start"] = nl.is_grad_enabled()
        with nl.no_grad():
            inside.set()
            switched.wait(5)
            seen["inside"] = nl.is_grad_enabled()
        seen["after"] = nl.is_grad_enabled()

    thread = threading.Thread(target=other_thread)
    thread.start()
    inside.wait(5)
    assert nl.is_grad_enabled()  # the other thread's no_grad does not reach this one
    with nl.set_grad_enabled(True):
        switched.set()
        thread.join(5)
    assert seen == {"start": True, "inside": False, "after": True}


def test_one_decorated_no_grad_function_open_in_several_threads():
    barrier = threading.Barrier(4)

    @nl.no_grad()
    def waits_inside() -> bool:
        barrier.wait(5)  # all four threads inside the same switch at once
        return nl.is_grad_enabled()

    def run() -> tuple[bool, bool]:
        return waits_inside(), nl.is_grad_enabled()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: run(), range(4)))
    assert results == [(False, True)] * 4
