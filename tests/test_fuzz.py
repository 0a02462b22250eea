"""Every public entry point, fed hostile values, works or names its argument: never a crash,
never an error from deep inside NumPy or Numba, never a silent NaN (issue 10, section 8).

A bounded number of examples per entry point runs with the test suite; set
``NNLEARN_FUZZ_EXAMPLES`` for a longer run, or run ``python tests/fuzz_report.py`` for a
campaign that also counts crashes and hangs.
"""

from __future__ import annotations

import os

import pytest
from fuzzing import ENTRY_POINTS, verdict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("NNLEARN_FUZZ_EXAMPLES", "25"))


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=[entry.name for entry in ENTRY_POINTS])
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_values_work_or_are_named(entry, data):
    value = data.draw(entry.values, label=entry.name)
    outcome, detail = verdict(entry, value)
    assert outcome == "good", f"{entry.name}({value!r:.200}): {outcome}: {detail}"
