"""The estimators on a Dask cluster: the README's grid search, run by two worker processes
through joblib, finds what the same search finds serially."""

import os
import sys

import numpy as np
from distributed import Client
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from test_readme import run_example


def _worker_state() -> tuple[int, bool]:
    """A worker's process id, and whether it has built an nnlearn estimator."""
    return os.getpid(), "nnlearn.estimators" in sys.modules


def test_the_readme_grid_search_on_two_worker_processes_matches_the_serial_one(monkeypatch):
    seen = {}
    close = Client.__exit__

    def look_at_the_workers_then_close(client, *exc):
        seen.update(client.run(_worker_state))
        return close(client, *exc)

    monkeypatch.setattr(Client, "__exit__", look_at_the_workers_then_close)
    namespace = run_example(2)  # starts a LocalCluster and searches with joblib's dask backend

    assert len(seen) == 2, seen
    processes = {pid for pid, _ in seen.values()}
    assert len(processes) == 2 and os.getpid() not in processes
    assert all(fitted for _, fitted in seen.values()), "a worker fitted no estimator"
    search = namespace["search"]
    serial = GridSearchCV(clone(search.estimator), search.param_grid, cv=3).fit(
        namespace["X"], namespace["y"])
    assert search.best_params_ == serial.best_params_
    assert search.best_score_ == serial.best_score_ > 0.9
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"],
                                  serial.cv_results_["mean_test_score"])
