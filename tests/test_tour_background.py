"""The tour's long experiments computed in a second process (nnlearn.tour.background)."""

from __future__ import annotations

import os
import threading

import pytest

from nnlearn.tour import background, boltzmann


def test_a_started_experiment_runs_in_another_process_and_once():
    with background.started([os.getpid]):
        assert background.result(os.getpid) != os.getpid()  # the worker's answer
        assert background.result(os.getpid) == os.getpid()  # asked again: computed here


def test_an_experiment_not_started_is_computed_here():
    assert background.result(os.getpid) == os.getpid()
    with background.started([]):
        assert background.result(os.getpid) == os.getpid()


def test_another_threads_tour_does_not_take_this_ones_result():
    seen = []
    with background.started([os.getpid]):
        other = threading.Thread(target=lambda: seen.append(background.result(os.getpid)))
        other.start()
        other.join()
        assert seen == [os.getpid()]  # computed in the other thread itself
        assert background.result(os.getpid) != os.getpid()  # still waiting here


def test_an_error_ends_the_worker_and_drops_what_it_computed():
    with pytest.raises(KeyError), background.started([os.getpid]):
        raise KeyError("stop")
    assert background.result(os.getpid) == os.getpid()


def test_the_worker_raises_what_the_experiment_raises():
    with background.started([next]), pytest.raises(TypeError, match="next expected"):
        background.result(next)  # next() without an iterator, in the worker


def test_the_boltzmann_chapter_gives_its_encoders_to_the_worker():
    assert boltzmann.encoder_results in boltzmann.BACKGROUND
