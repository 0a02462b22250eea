"""Model files from anywhere: tampered, truncated, oversized or not files at all.

Each test is a file a hostile tester made that once loaded, crashed, hung or exhausted the
process; now each is refused with a ``FileFormatError`` before anything is built or allocated.
"""

from __future__ import annotations

import io as stdio
import json
import os
import subprocess
import sys
import threading
import zipfile

import numpy as np
import pytest
from model_files import entries, rewrite, write_entries

import nnlearn as nl
from nnlearn import io
from nnlearn.estimators import MLPClassifier


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.nnl"
    nl.save(nl.Sequential(nl.Dense(3, 5, activation="tanh", random_state=0), nl.Dense(5, 2)),
            path)
    return path


def _npy(array: np.ndarray) -> bytes:
    buffer = stdio.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


@pytest.mark.parametrize("obj", [42, "hello", [1, 2], None, {"$type": "array", "name": "x"}])
def test_a_document_that_is_not_a_network_or_estimator_is_refused(saved, obj):
    rewrite(saved, lambda document: document.update(object=obj))
    with pytest.raises(io.FileFormatError, match="does not describe a network or an estimator"):
        nl.load(saved)


@pytest.mark.parametrize("metadata", [[1], "text", 3])
def test_metadata_that_is_not_an_object_is_refused(saved, metadata):
    rewrite(saved, lambda document: document.update(metadata=metadata))
    with pytest.raises(io.FileFormatError, match="has metadata that is"):
        io.load_metadata(saved)


@pytest.mark.parametrize("flag", ["yes", 1, None, [True]])
def test_a_training_flag_that_is_not_a_boolean_is_refused(saved, flag):
    rewrite(saved, lambda document: document["object"].update(training=flag))
    with pytest.raises(io.FileFormatError, match="training flag"):
        nl.load(saved)


def test_arrays_that_do_not_fit_the_architecture_are_refused(saved):
    contents = entries(saved)
    document = json.loads(contents["nnlearn.json"])
    name = document["object"]["state"]["0.weight"]["name"] + ".npy"
    contents[name] = _npy(np.ones((3, 4)))  # the layer is Dense(3, 5)
    write_entries(saved, contents)
    with pytest.raises(io.FileFormatError, match=r"0\.weight is \(3, 4\), expected \(3, 5\)"):
        nl.load(saved)
    contents[name] = _npy(np.ones((3, 5), dtype=np.float32))  # the network is float64
    write_entries(saved, contents)
    with pytest.raises(io.FileFormatError, match=r"of another dtype than object's float64"):
        nl.load(saved)


def test_a_declared_shape_larger_than_its_entry_is_refused_before_reading(saved):
    contents = entries(saved)
    document = json.loads(contents["nnlearn.json"])
    name = document["object"]["state"]["0.weight"]["name"] + ".npy"
    lying = bytearray(_npy(np.ones((3, 5))))
    start = lying.index(b"(3, 5)")
    lying[start:start + 6] = b"(9, 5)"  # the same header length, three times the values
    contents[name] = bytes(lying)
    write_entries(saved, contents)
    with pytest.raises(io.FileFormatError, match=r"declares shape \(9, 5\).*but its entry holds"):
        nl.load(saved)


def test_an_architecture_larger_than_its_arrays_is_refused_before_it_is_allocated(tmp_path):
    """A 420-byte file declaring Dense(12000, 12000) once made load allocate 2.4 GiB."""
    path = tmp_path / "huge.nnl"
    nl.save(nl.Sequential(nl.Dense(2, 2)), path)
    rewrite(path, lambda d: d["object"]["architecture"]["config"]["layers"][0]["config"].update(
        in_features=12000, out_features=12000))
    script = (
        "import resource, sys\n"
        "import nnlearn as nl\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        f"    nl.load({str(path)!r})\n"
        "except nl.io.FileFormatError as error:\n"
        "    print(error)\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print((after - before) // 1024)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, check=True)
    message, grown_mib = result.stdout.strip().rsplit("\n", 1)
    assert "more parameters than its arrays hold" in message
    assert int(grown_mib) < 100, result.stdout


def test_a_zip_bomb_is_refused_at_its_directory(saved, tmp_path):
    contents = entries(saved)
    contents["padding.npy"] = b"\0" * (8 << 20)  # 8 MiB of zeros, deflated to about 8 KiB
    bomb = tmp_path / "bomb.nnl"
    write_entries(bomb, contents, compression=zipfile.ZIP_DEFLATED)
    assert bomb.stat().st_size < 100_000
    with pytest.raises(io.FileFormatError, match=r"declares 8,39\d,\d{3} bytes of content, more "
                                                 r"than max_bytes=1,000,000"):
        nl.load(bomb, max_bytes=1_000_000)
    assert isinstance(nl.load(bomb, max_bytes=10 << 20), nl.Sequential)  # trusted: a larger cap
    with pytest.raises(ValueError, match="max_bytes must be a positive integer"):
        nl.load(bomb, max_bytes=0)


def test_an_entry_that_inflates_past_its_declared_size_is_corrupted(saved):
    contents = entries(saved)
    document = json.loads(contents["nnlearn.json"])
    name = document["object"]["state"]["1.weight"]["name"] + ".npy"
    with zipfile.ZipFile(saved, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry, data in contents.items():
            archive.writestr(entry, data)
    raw = bytearray(saved.read_bytes())
    size = len(contents[name]).to_bytes(4, "little")
    smaller = (len(contents[name]) - 16).to_bytes(4, "little")
    at = 0
    while (at := raw.find(name.encode(), at + 1)) != -1:  # its local and central headers
        for offset in range(max(0, at - 46), at):
            if raw[offset:offset + 4] == size:
                raw[offset:offset + 4] = smaller
    saved.write_bytes(bytes(raw))
    with pytest.raises(io.FileFormatError, match="corrupted"):
        nl.load(saved)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_at_once(tmp_path):
    fifo = tmp_path / "model.nnl"
    os.mkfifo(fifo)
    outcome = {}

    def load():
        try:
            nl.load(fifo)
        except io.FileFormatError as error:
            outcome["error"] = str(error)

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "nl.load blocked on a named pipe"
    assert "is not a regular file" in outcome["error"]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_an_estimator_whose_fitted_attributes_disagree_is_refused(tmp_path):
    X = np.random.default_rng(0).normal(size=(30, 3))
    y = (X[:, 0] > 0).astype(int)
    path = tmp_path / "clf.nnl"
    nl.save(MLPClassifier((4,), max_iter=5, random_state=0).fit(X, y), path)

    rewrite(path, lambda d: d["object"]["fitted"]["items"].update(n_features_in_=5))
    with pytest.raises(io.FileFormatError, match=r"fitted attributes disagree: .*n_features_in_"):
        nl.load(path)


def test_a_loaded_file_has_the_shapes_and_values_it_was_saved_with(saved):
    net = nl.load(saved)
    assert [p.shape for p in net.parameters()] == [(3, 5), (5,), (5, 2), (2,)]
    assert all(p.data.flags.writeable and p.data.flags.c_contiguous for p in net.parameters())
