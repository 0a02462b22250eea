"""Every public entry point, fed hostile values, works or names its argument: never a crash,
never an error from deep inside NumPy or Numba, never a silent NaN (issue 10, section 8).

A bounded number of examples per entry point runs with the test suite; set
``NNLEARN_FUZZ_EXAMPLES`` for a longer run, or run ``python tests/fuzz_report.py`` for a
campaign that also counts crashes and hangs.
"""

from __future__ import annotations

import os

import numpy as np
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


def _entry(name):
    return next(entry for entry in ENTRY_POINTS if entry.name == name)


#: values the long campaign (fuzz_report.py) found wrong or unclear, each fixed since
CAMPAIGN_FINDINGS = [
    # class labels of ±1e308 were cast to integers before their range was checked
    ("fit y", np.array([-1e308, 1e149, -2e149, 3e149] * 3)),
    # scikit-learn's target check cast them too, warning from its array-API layer
    ("MLPClassifier y", np.array([-1e308, 1e149] * 6)),
    # labels mixing strings and numbers: a TypeError from NumPy's sort
    ("MLPClassifier y", np.array(["x", 1.5] * 6, dtype=object)),
    # the probe of the output's shape overflowed outside fit's own divergence check
    ("fit X", np.vstack([np.full((7, 3), 1e308) * [1, -1, 1], np.ones((5, 3))])),
    # an estimator's divergence message spoke of "the input data", not of X
    ("MLPClassifier X", np.vstack([np.full((4, 3), 1e308) * [-1, 0.5, -0.9],
                                   np.ones((8, 3))])),
    # the sum of a distribution of huge entries overflowed before it was found wrong
    ("MarkovChain p0", np.array([1.19e308, 9.66e307])),
    # the symmetry test w − wᵀ overflowed
    ("BoltzmannMachine weights", np.array([[0, 1e308, 0], [-1e308, 0, 0], [0, 0, 0.0]])),
]


@pytest.mark.parametrize(("name", "value"), CAMPAIGN_FINDINGS,
                         ids=[f"{name}-{i}" for i, (name, _) in enumerate(CAMPAIGN_FINDINGS)])
def test_the_long_campaigns_findings_stay_fixed(name, value):
    outcome, detail = verdict(_entry(name), value)
    assert outcome == "good", detail
