"""The README's quickstart runs and does what it says."""

import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parent.parent / "README.md"


def test_quickstart_runs_and_learns_and():
    text = README.read_text()
    (code,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    np.testing.assert_allclose(namespace["x"].grad, [2.0, 4.0, 6.0])
    nl, X, W, b = namespace["nl"], namespace["X"], namespace["W"], namespace["b"]
    predicted = nl.linear(X, W, b).sigmoid().numpy() > 0.5
    np.testing.assert_array_equal(predicted.ravel(), [False, False, False, True])


def test_first_screen_gives_the_two_setup_commands():
    first_screen = README.read_text().splitlines()[:20]
    commands = [line for line in first_screen if line.startswith("pip install")]
    assert len(commands) == 2
    assert "nnlearn tour" in commands[0] and "pytest" in commands[1]
