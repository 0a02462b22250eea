"""Start-up: what a user waits for before nnlearn computes, each in a fresh process.

Wall times of fresh interpreters, ``--repeats`` rounds with the commands interleaved, medians
printed beside the targets: ``import numpy`` (the reference), ``import nnlearn``, ``nnlearn
--help``, ``nnlearn --version`` and ``nnlearn predict`` on a 150-row CSV file (a model
trained on it first, in a temporary folder).

Then the first use of compiled code (unless ``--no-compiled``): the first and the second
``MLPClassifier().fit`` on digits and ``Perceptron().fit`` in one fresh process, with Numba's
cache cold (an empty ``NUMBA_CACHE_DIR``) and warm (one filled by an earlier run), and
``cross_val_score(MLPClassifier(), X, y)`` on digits with ``n_jobs=1`` and ``n_jobs=2`` (loky
worker processes, which import scikit-learn and nnlearn and load the compiled loops again), the
cache warm, for the issue's ``MLPClassifier()`` and a shorter ``max_iter=50``, with
scikit-learn's own MLPClassifier beside nnlearn's; and what a new worker pays before its first
fold.
These run with one BLAS thread per process (``OPENBLAS_NUM_THREADS=1``, as loky sets in its
workers): on a loaded machine OpenBLAS's threads wait on each other, and a fit with two of them
took 30 times as long as with one, which hid the costs measured here. A command that fails
prints its error, and the benchmark goes on.

    python bench/bench_startup.py [--repeats 7] [--compiled-repeats 3] [--no-compiled]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable

#: One BLAS thread in each process of the compiled-code measurements (see above).
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                     "MKL_NUM_THREADS")}

FIRST_FITS = """
import sys, time
import numpy as np
from sklearn.datasets import load_digits
X, y = load_digits(return_X_y=True)
X = X / 16.0
from nnlearn.estimators import MLPClassifier
from nnlearn.models import Perceptron
import warnings; warnings.simplefilter("ignore")
model = {"mlp": lambda: MLPClassifier(max_iter=20, random_state=0),
         "perceptron": lambda: Perceptron(random_state=0)}[sys.argv[1]]
times = []
for _ in range(2):
    start = time.perf_counter(); model().fit(X, y); times.append(time.perf_counter() - start)
print(*times)
"""

CROSS_VALIDATION = """
import sys, time, warnings
from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score
library, max_iter, n_jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
if library == "nnlearn":
    from nnlearn.estimators import MLPClassifier
else:
    from sklearn.neural_network import MLPClassifier
warnings.simplefilter("ignore")
X, y = load_digits(return_X_y=True)
options = {} if max_iter == "default" else {"max_iter": int(max_iter)}
start = time.perf_counter()
cross_val_score(MLPClassifier(random_state=0, **options), X / 16.0, y, n_jobs=n_jobs)
print(time.perf_counter() - start)
"""

#: What a new worker process pays before its first fold: the imports, then a first small fit
#: (nnlearn's compiled loops loaded from the cache), each timed.
WORKER_START = """
import time
start = time.perf_counter()
import sklearn.model_selection
imported = time.perf_counter()
from sklearn.datasets import load_digits
from nnlearn.estimators import MLPClassifier
X, y = load_digits(return_X_y=True)
ready = time.perf_counter()
MLPClassifier(max_iter=1, random_state=0).fit(X[:100] / 16.0, y[:100])
print(imported - start, time.perf_counter() - ready)
"""

#: The calls of cross_val_score measured: the issue's MLPClassifier() and a shorter fit.
CROSS_VALIDATIONS = [(library, max_iter) for max_iter in ("default", "50")
                     for library in ("nnlearn", "scikit-learn")]


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall seconds of ``command`` and its stdout; an error (with its stderr) if it failed."""
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"exit status {result.returncode}: {result.stderr.strip()[-600:]}")
    return seconds, result.stdout


def interleaved(commands: dict[str, list[str]], repeats: int) -> dict[str, list[float]]:
    """Wall times of each command over ``repeats`` interleaved rounds; a command that fails
    prints its error once and is left out of the later rounds."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    failed: set[str] = set()
    for _ in range(repeats):
        for name, command in commands.items():
            if name in failed:
                continue
            try:
                times[name].append(run(command)[0])
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                print(f"  {name}: failed: {error}")
                failed.add(name)
    return times


def iris_files(folder: Path) -> tuple[Path, Path | None]:
    """A 150-row CSV file (iris) and a model trained on it by ``nnlearn train`` (None if
    training failed)."""
    from sklearn.datasets import load_iris

    frame = load_iris(as_frame=True).frame
    data = folder / "iris.csv"
    frame.to_csv(data, index=False)
    model = folder / "model.nnl"
    try:
        run([PYTHON, "-m", "nnlearn", "train", str(data), "--target", "target",
             "--epochs", "20", "--out", str(model)])
    except RuntimeError as error:
        print(f"  nnlearn train: failed: {error}")
        return data, None
    return data, model


def startup(repeats: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        data, model = iris_files(Path(folder))
        commands = {
            "import numpy": [PYTHON, "-c", "import numpy"],
            "import nnlearn": [PYTHON, "-c", "import nnlearn"],
            "nnlearn --help": [PYTHON, "-m", "nnlearn", "--help"],
            "nnlearn --version": [PYTHON, "-m", "nnlearn", "--version"],
        }
        if model is not None:
            commands["nnlearn predict (150 rows)"] = [PYTHON, "-m", "nnlearn", "predict",
                                                      str(model), str(data)]
        times = interleaved(commands, repeats)
    medians = {name: statistics.median(t) for name, t in times.items() if t}
    numpy = medians.get("import numpy")
    targets = {"import nnlearn": (numpy + 0.15 if numpy else None, "import numpy + 0.15 s"),
               "nnlearn --help": (0.5, "0.5 s"), "nnlearn --version": (0.5, "0.5 s"),
               "nnlearn predict (150 rows)": (1.5, "1.5 s")}
    print(f"start-up (median of {repeats} fresh processes, interleaved):")
    for name, seconds in medians.items():
        limit, text = targets.get(name, (None, ""))
        verdict = "" if limit is None else \
            f"   target ≤ {text}: {'met' if seconds <= limit else 'NOT met'}"
        print(f"  {name:28s} {seconds:6.3f} s{verdict}")


def compiled_first_use(repeats: int) -> None:
    print(f"\nfirst use of compiled code (median of {repeats} fresh processes; seconds of the "
          "first fit, then of the second in the same process):")
    with tempfile.TemporaryDirectory() as warm:
        for model in ("mlp", "perceptron"):
            first_fits(model, warm)  # fills the warm cache
            for cache in ("cold", "warm"):
                rounds = []
                for _ in range(repeats):
                    with tempfile.TemporaryDirectory() as cold:
                        rounds.append(first_fits(model, cold if cache == "cold" else warm))
                rounds = [r for r in rounds if r is not None]
                if rounds:
                    first, second = (statistics.median(r[i] for r in rounds) for i in (0, 1))
                    print(f"  {model:10s} cache {cache}: first fit {first:6.3f} s, "
                          f"second {second:6.3f} s")
        env = {**os.environ, **ONE_THREAD, "NUMBA_CACHE_DIR": warm}
        cross_validation(repeats, env)
        worker_start(repeats, env)


def cross_validation(repeats: int, env: dict[str, str]) -> None:
    """``cross_val_score`` on digits with n_jobs=1 and 2, nnlearn's MLPClassifier beside
    scikit-learn's, each call in a fresh process, the calls interleaved."""
    times: dict[tuple[str, str, int], list[float]] = {
        (library, max_iter, jobs): [] for library, max_iter in CROSS_VALIDATIONS
        for jobs in (1, 2)}
    for _ in range(repeats):
        for library, max_iter, jobs in times:
            try:
                _, out = run([PYTHON, "-c", CROSS_VALIDATION, library, max_iter, str(jobs)],
                             env)
                times[library, max_iter, jobs].append(float(out.split()[-1]))
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                print(f"  cross_val_score {library} {max_iter} n_jobs={jobs}: failed: {error}")
    medians = {key: statistics.median(t) for key, t in times.items() if t}
    for library, max_iter in CROSS_VALIDATIONS:
        one, two = medians.get((library, max_iter, 1)), medians.get((library, max_iter, 2))
        if one is None or two is None:
            continue
        call = "MLPClassifier()" if max_iter == "default" else f"MLPClassifier(max_iter={max_iter})"
        target = "   (target ≤ 1)" if library == "nnlearn" else ""
        print(f"  cross_val_score({library}'s {call}, digits): n_jobs=1 {one:6.3f} s, "
              f"n_jobs=2 {two:6.3f} s, ratio {two / one:.2f}{target}")


def worker_start(repeats: int, env: dict[str, str]) -> None:
    """What a fresh worker process pays before its first fold (see WORKER_START)."""
    rounds = []
    for _ in range(repeats):
        try:
            rounds.append(tuple(map(float, run([PYTHON, "-c", WORKER_START], env)[1].split())))
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            print(f"  a worker's start: failed: {error}")
            return
    imports, first_fit = (statistics.median(r[i] for r in rounds) for i in (0, 1))
    print(f"  a new worker pays: import sklearn.model_selection {imports:6.3f} s, then "
          f"nnlearn's first fit (compiled loops from the cache) {first_fit:6.3f} s")


def first_fits(model: str, cache: str) -> tuple[float, float] | None:
    """Seconds of the first and the second fit of ``model`` in a fresh process whose Numba
    cache is the folder ``cache`` (None, the error printed, if it failed)."""
    try:
        _, out = run([PYTHON, "-c", FIRST_FITS, model],
                     {**os.environ, **ONE_THREAD, "NUMBA_CACHE_DIR": cache})
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"  {model}: failed: {error}")
        return None
    first, second = map(float, out.split())
    return first, second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--compiled-repeats", type=int, default=3)
    parser.add_argument("--no-compiled", dest="compiled", action="store_false")
    args = parser.parse_args()
    startup(args.repeats)
    if args.compiled:
        compiled_first_use(args.compiled_repeats)


if __name__ == "__main__":
    main()
