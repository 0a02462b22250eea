"""The figures the tour draws from a model: the model comes back in the mode it was in."""

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.plots.training import decision_boundary

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


class Watches(nl.Module):
    """A layer that notes the mode of every forward pass, and fails if told to."""

    def __init__(self, fail: bool = False):
        super().__init__()
        self.fail, self.modes = fail, []

    def forward(self, x):
        self.modes.append(self.training)
        if self.fail:
            raise RuntimeError("no evaluation today")
        return x


@pytest.mark.parametrize("training", [True, False])
def test_decision_boundary_draws_in_evaluation_mode_and_restores_the_mode(training):
    watch = Watches()
    net = nl.Sequential(nl.Dense(2, 1, activation="sigmoid", random_state=0), nl.Dropout(0.5),
                        watch)
    net.train(training)
    decision_boundary(net, XOR_X, XOR_Y, resolution=20)
    assert watch.modes == [False]
    assert [m.training for m in net.modules()] == [training] * len(list(net.modules()))


def test_a_model_that_fails_while_drawn_is_left_in_its_own_mode():
    net = nl.Sequential(nl.Dense(2, 1, random_state=0), Watches(fail=True))
    with pytest.raises(RuntimeError, match="no evaluation today"):
        decision_boundary(net, XOR_X, XOR_Y, resolution=5)
    assert all(m.training for m in net.modules())
