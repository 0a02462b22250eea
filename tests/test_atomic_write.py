"""Saves are atomic, leave no litter behind, and create files as ``open()`` would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.io import atomic_write
from nnlearn.io.atomic import SUFFIX, remove_stale_temporaries


def _finished_pid() -> int:
    """The process id of a process that has ended (so no process runs under it now)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_temporaries_are_named_for_their_target_and_stale_ones_are_removed(tmp_path):
    target = tmp_path / "model.nnl"
    stale = tmp_path / f".model.nnl.{_finished_pid()}.0badc0de{SUFFIX}"
    live = tmp_path / f".model.nnl.{os.getpid()}.12345678{SUFFIX}"  # a save in progress
    other = tmp_path / f".other.nnl.{_finished_pid()}.0badc0de{SUFFIX}"  # another file's
    for path in (stale, live, other):
        path.write_bytes(b"partial")
    nl.save(nl.Dense(2, 1), target)
    assert target.exists() and not stale.exists()
    assert live.exists() and other.exists()
    assert remove_stale_temporaries(tmp_path / "other.nnl") == [other]


def test_kill_during_saves_never_corrupts_and_the_next_save_cleans_up(tmp_path):
    target = tmp_path / "model.nnl"
    nl.save(nl.Dense(300, 300, random_state=0), target)
    script = (
        "import nnlearn as nl, sys\n"
        "net = nl.Dense(300, 300, random_state=1)\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        f"    nl.save(net, {str(target)!r})\n"
    )
    rng = np.random.default_rng(0)
    for _ in range(5):
        process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        assert process.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.05, 0.4))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert nl.load(target).weight.shape == (300, 300)  # the old or the new file, whole
    nl.save(nl.Dense(2, 1), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.nnl"]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_get_the_permissions_the_umask_gives(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        nl.save(nl.Dense(2, 1), tmp_path / "model.nnl")
        with atomic_write(tmp_path / "notes.txt") as file:
            file.write("hello")
    finally:
        os.umask(previous)
    assert (tmp_path / "model.nnl").stat().st_mode & 0o777 == mode
    assert (tmp_path / "notes.txt").stat().st_mode & 0o777 == mode


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "model.nnl"
    nl.save(nl.Dense(2, 1), target)
    target.chmod(0o640)
    nl.save(nl.Dense(3, 1), target)
    assert target.stat().st_mode & 0o777 == 0o640
    assert nl.load(target).weight.shape == (3, 1)


def test_a_missing_folder_is_an_error_not_created(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        nl.save(nl.Dense(2, 1), tmp_path / "no" / "such" / "model.nnl")
    assert not (tmp_path / "no").exists()
