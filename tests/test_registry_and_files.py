"""The registry and atomic writes: the plumbing every layer of nnlearn relies on."""

import numpy as np
import pytest

from nnlearn.io.atomic import atomic_write
from nnlearn.models.energy.continuous_partition import continuous_partition_function
from nnlearn.registry import Registry


def test_registry_resolves_names_and_aliases_and_names_the_valid_ones():
    colours = Registry("colour")
    colours.register("red", "rouge")(1)
    colours.register("blue")(2)
    assert colours.get("rouge") == 1 and colours.canonical("rouge") == "red"
    assert "red" in colours and "rouge" in colours and len(colours) == 2
    with pytest.raises(ValueError, match="unknown colour 'green'; expected one of blue, red"):
        colours.get("green")
    with pytest.raises(ValueError, match="colour 'rouge' is registered twice"):
        colours.register("rouge")(3)
    with pytest.raises(TypeError, match="colour name must be a str, got int"):
        colours.get(3)
    colours.register("red", replace=True)(4)  # a name may be taken over on request
    assert colours.get("rouge") == 4 and len(colours) == 2
    with pytest.raises(ValueError, match="colour 'rouge' is registered twice"):
        colours.register("rouge", replace=True)(5)  # an alias may not


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "model.txt"
    target.write_text("saved before")
    with pytest.raises(RuntimeError, match="disk full"), atomic_write(target) as f:
        f.write("half of the new")
        raise RuntimeError("disk full")
    assert target.read_text() == "saved before"
    assert [p.name for p in tmp_path.iterdir()] == ["model.txt"]  # no temporary left
    with atomic_write(target, "wb") as f:
        f.write(b"new")
    assert target.read_bytes() == b"new"
    with pytest.raises(ValueError, match="mode must be 'w' or 'wb', got 'a'"), atomic_write(
        target, "a"
    ):
        pass


def test_continuous_partition_function_needs_bounds():
    with pytest.raises(ValueError, match="bounds must give one"):
        continuous_partition_function(lambda s: s, [])
    assert continuous_partition_function(lambda s: 0 * s, [(0.0, 2.0)]) == pytest.approx(2.0)
    assert np.isfinite(continuous_partition_function(lambda s: s, [(0.0, 1.0)], T=0.1))
