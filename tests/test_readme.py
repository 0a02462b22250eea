"""The README's quickstart runs and does what it says."""

import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parent.parent / "README.md"


def run_example(number: int) -> dict:
    code = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)[number]
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    return namespace


def test_quickstart_runs_and_learns_and():
    namespace = run_example(0)
    np.testing.assert_allclose(namespace["x"].grad, [2.0, 4.0, 6.0])
    nl, X, W, b = namespace["nl"], namespace["X"], namespace["W"], namespace["b"]
    predicted = nl.linear(X, W, b).sigmoid().numpy() > 0.5
    np.testing.assert_array_equal(predicted.ravel(), [False, False, False, True])


def test_first_screen_gives_the_two_setup_commands():
    first_screen = README.read_text().splitlines()[:20]
    commands = [line for line in first_screen if line.startswith("pip install")]
    assert len(commands) == 2
    assert "nnlearn tour" in commands[0] and "pytest" in commands[1]


def test_second_example_does_what_its_comments_say():
    namespace = run_example(1)
    assert namespace["history"]["val_accuracy"][-1] > 0.94
    assert namespace["perceptron"].errors_[-1] == 0
    np.testing.assert_array_equal(namespace["recalled"], namespace["patterns"][0])
    assert namespace["outputs"].shape == (4, 20, 1)
