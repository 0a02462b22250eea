"""Same seed, same numbers: what is bit-identical, and what depends on the BLAS threads.

The README's "Same seed, same numbers" section makes these claims: under one
``random_state``, a fit gives bit-identical weights in one process, in a fresh process, and
(tests/test_threads.py) in a thread beside others, as long as the BLAS library (OpenBLAS)
runs its products on the same number of threads; ``threadpoolctl.threadpool_limits(n)`` in
the program and ``OPENBLAS_NUM_THREADS=n`` in the environment are the same setting.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import warnings

import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from nnlearn.estimators import MLPClassifier

FIT = """
import hashlib, sys, warnings
warnings.simplefilter("ignore")
from sklearn.datasets import load_digits
from nnlearn.estimators import MLPClassifier
X, y = load_digits(return_X_y=True)
model = MLPClassifier((32,), solver=sys.argv[1], max_iter=4, random_state=0).fit(X, y)
print(hashlib.sha256(b"".join(w.tobytes() for w in model.coefs_)).hexdigest())
"""


def fingerprint(solver: str) -> str:
    X, y = load_digits(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPClassifier((32,), solver=solver, max_iter=4, random_state=0).fit(X, y)
    return hashlib.sha256(b"".join(w.tobytes() for w in model.coefs_)).hexdigest()


def fingerprint_in_fresh_process(solver: str, blas_threads: int) -> str:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": str(blas_threads),
           "OMP_NUM_THREADS": str(blas_threads)}
    done = subprocess.run([sys.executable, "-c", FIT, solver], env=env, capture_output=True,
                          text=True, check=True, timeout=240)
    return done.stdout.strip()


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_one_seed_gives_the_same_weights_in_this_process_and_in_a_fresh_one(solver):
    with threadpool_limits(1):
        here = fingerprint(solver)
        again = fingerprint(solver)
    assert here == again
    assert fingerprint_in_fresh_process(solver, blas_threads=1) == here


def test_threadpool_limits_is_the_environment_variable():
    with threadpool_limits(2):
        here = fingerprint("lbfgs")
    assert fingerprint_in_fresh_process("lbfgs", blas_threads=2) == here
