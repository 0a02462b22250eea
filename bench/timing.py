"""Timing shared by the benchmarks: interleaved runs, the fastest of each kept.

The machines are shared and noisy: interleaving gives every library the same changes of
load, and the minimum over repeats is the signal.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(repeats: int, *runs: Callable[[], object]) -> list[float]:
    """The fastest of ``repeats`` interleaved timed runs of each function, in seconds."""
    best = [float("inf")] * len(runs)
    for _ in range(repeats):
        for i, run in enumerate(runs):
            start = time.perf_counter()
            run()
            best[i] = min(best[i], time.perf_counter() - start)
    return best
