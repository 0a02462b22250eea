"""Timing shared by the benchmarks: interleaved runs, the fastest or the median of each kept.

The machines are shared and noisy: interleaving gives every library the same changes of
load, and the minimum (or the median) over repeats is the signal.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def best_of(repeats: int, *runs: Callable[[], object]) -> list[float]:
    """The fastest of ``repeats`` interleaved timed runs of each function, in seconds."""
    best = [float("inf")] * len(runs)
    for _ in range(repeats):
        for i, run in enumerate(runs):
            start = time.perf_counter()
            run()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def median_of(repeats: int, *runs: Callable[[], object],
              clock: Callable[[], float] | Sequence[Callable[[], float]] = time.perf_counter,
              ) -> list[float]:
    """The median of ``repeats`` interleaved timed runs of each function, in seconds of
    ``clock`` (one for all runs, or one per run), robust to the outliers a shared machine
    produces in both directions.

    ``time.thread_time`` counts the CPU time of the calling thread alone, where a library
    on one thread computes: on a loaded machine, wall time also counts the time other jobs
    held the processor, and the process's CPU time the threads other libraries left behind.
    """
    clocks = list(clock) if isinstance(clock, Sequence) else [clock] * len(runs)
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeats):
        for i, run in enumerate(runs):
            start = clocks[i]()
            run()
            times[i].append(clocks[i]() - start)
    return [statistics.median(t) for t in times]


def threads_limited(n: int) -> Any:
    """``threadpool_limits(n)`` over every BLAS the benchmarks call, as a context manager.

    threadpoolctl limits only the libraries loaded when it is entered, and the BLAS that
    Numba's compiled ``np.dot`` calls (SciPy's, not NumPy's) loads with the first compiled
    loop: left out, it ran the recurrent kernels' products on two threads while
    ``time.thread_time`` counted the calling thread's share alone. So SciPy's BLAS is
    loaded first."""
    import scipy.linalg  # noqa: F401  (loads SciPy's BLAS)
    from threadpoolctl import threadpool_limits

    return threadpool_limits(n)


def load_jax(threads: int) -> Any:
    """JAX on the CPU with ``threads`` threads, or None where it is not installed."""
    if threads == 1:
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "")
                                   + " --xla_cpu_multi_thread_eigen=false"
                                   " intra_op_parallelism_threads=1")
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    try:
        import jax
    except ImportError:
        return None
    return jax


#: per library (nnlearn, PyTorch, JAX): CPU time of the calling thread where the library
#: computes on it (one thread each), of the whole process for XLA's own threads
CLOCKS = {"cpu": (time.thread_time, time.thread_time, time.process_time),
          "wall": (time.perf_counter,) * 3}
