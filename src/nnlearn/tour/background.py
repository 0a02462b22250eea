"""The tour's long experiments, computed in a second process while the chapters are written.

The tour writes one chapter after another on one core. An experiment that takes seconds
and needs nothing from the chapters before it (the encoders of the Boltzmann chapter) is
better started at once on the other core, so that its result is ready when its chapter
comes. A chapter lists such experiments in ``BACKGROUND``: functions of no arguments
defined at module level, so that the worker imports them by name. Its section then asks
for :func:`result`, which waits for the worker's answer, or calls the function itself
where nothing was started (a chapter run alone, a machine with one core, a section called
from a test). The numbers are the same either way: each experiment seeds its own random
generator.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any


class _Pending(threading.local):
    """What the worker computes now for this thread's tour, by function (filled only while
    :func:`started` runs): two tours in two threads do not take each other's results."""

    def __init__(self) -> None:
        self.results: dict[Callable[[], Any], Any] = {}


_pending = _Pending()


@contextlib.contextmanager
def started(experiments: Iterable[Callable[[], Any]]) -> Iterator[None]:
    """Compute ``experiments`` in a worker process until the block ends.

    Nothing is started on a machine with one core, or when there is nothing to start.
    Leaving the block (normally, or by an error or Ctrl-C) ends the worker; a result not
    asked for by then is dropped.
    """
    experiments = list(experiments)
    if not experiments or (os.cpu_count() or 1) < 2:
        yield
        return
    # spawn: a fresh interpreter, never a fork of this one's threads (BLAS, the GUI's)
    pool = multiprocessing.get_context("spawn").Pool(1)
    try:
        for experiment in experiments:
            _pending.results[experiment] = pool.apply_async(experiment)
        yield
    finally:
        for experiment in experiments:
            _pending.results.pop(experiment, None)
        pool.terminate()
        pool.join()


def result(experiment: Callable[[], Any]) -> Any:
    """``experiment()``, from the worker if it was started there, else computed here."""
    pending = _pending.results.pop(experiment, None)
    return experiment() if pending is None else pending.get()
