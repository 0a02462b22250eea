"""Which units connect: masks and groups, kept exactly through learning and files."""

import numpy as np
import pytest
from boltzmann_helpers import POSITIVE

import nnlearn as nl
from nnlearn.models import BoltzmannMachine
from nnlearn.models.energy.binary import binary_states
from nnlearn.models.energy.connectivity import groups_connectivity
from nnlearn.models.energy.encoder import ENCODER_CONNECTIONS, encoder_machine, encoder_patterns


def chain_mask(n):
    """Units connected in a line: i with i + 1 only."""
    mask = np.zeros((n, n), bool)
    i = np.arange(n - 1)
    mask[i, i + 1] = mask[i + 1, i] = True
    return mask


def test_groups_give_the_encoder_architecture():
    bm = encoder_machine(4, 2)
    assert bm.groups == {"input": [0, 1, 2, 3], "output": [4, 5, 6, 7], "hidden": [8, 9]}
    assert (bm.n_units, bm.n_visible, bm.n_hidden) == (10, 8, 2)
    mask = bm.connectivity
    assert not mask[:4, 4:8].any() and not mask[4:8, :4].any()  # V1 and V2 apart
    assert mask[:4, 8:].all() and mask[4:8, 8:].all()
    assert not mask[8, 9]  # the paper's §4: "the units in H are not connected to each other"
    assert mask[0, 1:4].all() and not mask.diagonal().any()
    assert int(mask.sum()) // 2 == 6 + 6 + 8 + 8
    same, _ = groups_connectivity({"input": 4, "output": 4, "hidden": 2}, ENCODER_CONNECTIONS)
    np.testing.assert_array_equal(same, mask)
    assert repr(bm) == ("BoltzmannMachine(n_units=10, n_visible=8, 28 connections, "
                        "groups=['input', 'output', 'hidden'])")


@pytest.mark.parametrize("options", [
    dict(method="exact"),
    dict(method="sampling", n_chains=50),
    dict(method="sampling", n_chains=8, step="sign", learning_rate=2.0, clamp_noise=(0.15, 0.05),
         clamped_schedule=[20, 15, 12, 10], free_schedule=[20, 15, 12, 10], T=10.0,
         n_sweeps=10, n_samples=10),
])
def test_absent_connections_stay_exactly_zero_through_learning(options):
    # the example: the 4-2-4 encoder's V1-V2 weights must never become non-zero
    bm = encoder_machine(4, 2)
    bm.weights = BoltzmannMachine(10, random_state=0, connectivity=bm.connectivity).weights
    bm.fit(encoder_patterns(4), n_epochs=20, random_state=1, **options)
    assert np.all(bm.weights[~bm.connectivity] == 0.0)
    assert np.count_nonzero(bm.weights[bm.connectivity]) > 0
    np.testing.assert_array_equal(bm.weights, bm.weights.T)


def test_exact_learning_recovers_a_teacher_with_the_same_connections():
    mask = chain_mask(5)
    teacher = BoltzmannMachine(5, random_state=3, connectivity=mask,
                               biases=np.random.default_rng(4).normal(size=5))
    assert np.all(teacher.weights[~mask] == 0) and np.all(teacher.weights[mask] != 0)
    student = BoltzmannMachine(5, weights=np.zeros((5, 5)), connectivity=mask)
    grad_w, _ = student.kl_gradient(binary_states(5), teacher.exact_distribution())
    assert np.all(grad_w[~mask] == 0)
    student.fit(binary_states(5), teacher.exact_distribution(), n_epochs=1500,
                learning_rate=1.0)
    np.testing.assert_allclose(student.weights, teacher.weights, atol=1e-3)
    np.testing.assert_allclose(student.biases, teacher.biases, atol=1e-3)


def test_a_saved_machine_keeps_its_connections_groups_and_history(tmp_path):
    bm = encoder_machine(4, 2)
    bm.fit(encoder_patterns(4), n_epochs=3, method="sampling", n_chains=8, random_state=0)
    nl.save(bm, tmp_path / "bm.nnl")
    copy = nl.load(tmp_path / "bm.nnl")
    copy._check_fitted_attributes()
    for name in ("weights", "biases", "connectivity", "kl_history_"):
        np.testing.assert_array_equal(getattr(copy, name), getattr(bm, name))
    assert copy.groups == bm.groups and copy.n_visible == 8 and copy.n_epochs_ == 3
    assert copy.connectivity.dtype == bool
    copy.fit(encoder_patterns(4), n_epochs=2, method="sampling", n_chains=8, random_state=0)
    assert np.all(copy.weights[~copy.connectivity] == 0.0)


def test_check_fitted_attributes_finds_disagreements():
    bm = encoder_machine(4, 2).fit(encoder_patterns(4), n_epochs=2)
    bm._check_fitted_attributes()
    w = bm.weights.copy()
    w[0, 5] = w[5, 0] = 0.5  # V1-V2, not connected
    broken = {
        "weights": (w, r"weights must be 0 between units that are not connected; w\[0, 5\]"),
        "biases": (np.zeros(9), "biases must be 10 finite numbers"),
        "connectivity": (np.ones((10, 10), bool), "connectivity must have a zero diagonal"),
        "n_visible": (11, "n_visible must be an integer ≥ 1 and ≤ 10, got 11"),
        "groups": ({"input": [0, 12]}, "a unit index in group 'input' must be an integer"),
        "kl_history_": (np.array([0.1, np.nan]), "kl_history_ must hold KL divergences"),
    }
    for name, (value, message) in broken.items():
        copy = encoder_machine(4, 2).fit(encoder_patterns(4), n_epochs=2)
        setattr(copy, name, value)
        with pytest.raises(ValueError, match=message):
            copy._check_fitted_attributes()
    copy.weights = bm.weights.astype(np.float32)
    with pytest.raises(ValueError, match="weights must be a float64 array"):
        copy._check_fitted_attributes()


def test_bad_connectivity_is_rejected():
    with pytest.raises(ValueError, match=r"connectivity must have shape \(3, 3\)"):
        BoltzmannMachine(3, connectivity=np.ones((2, 2), bool))
    asymmetric = np.zeros((3, 3), bool)
    asymmetric[0, 1] = True
    with pytest.raises(ValueError, match=r"connectivity must be symmetric; entry \(0, 1\)"):
        BoltzmannMachine(3, connectivity=asymmetric)
    with pytest.raises(TypeError, match="connectivity must hold booleans"):
        BoltzmannMachine(3, connectivity=np.full((3, 3), 0.5))
    with pytest.raises(ValueError, match=r"weights must be 0 between units that are not conn"):
        BoltzmannMachine(3, weights=[[0, 1, 0], [1, 0, 0], [0, 0, 0]],
                         connectivity=np.zeros((3, 3), bool))
    assert BoltzmannMachine(3, connectivity=np.zeros((3, 3), int)).connectivity.dtype == bool
    with pytest.raises(ValueError, match="unknown group 'middle'"):
        BoltzmannMachine.from_groups({"a": 2, "b": 2}, [("a", "middle")])
    with pytest.raises(ValueError, match="the hidden groups \\['a'\\] must come last"):
        BoltzmannMachine.from_groups({"a": 2, "b": 2}, [("a", "b")], hidden=["a"])
    with pytest.raises(TypeError, match="connections must be pairs of group names"):
        BoltzmannMachine.from_groups({"a": 2}, [("a",)])
    with pytest.raises(ValueError, match=f"the size of group 'a' must be {POSITIVE}"):
        BoltzmannMachine.from_groups({"a": 0}, [])


def test_clone_and_stop_when():
    from sklearn.base import clone

    bm = encoder_machine(4, 2)
    copy = clone(bm)
    np.testing.assert_array_equal(copy.connectivity, bm.connectivity)
    assert copy.groups == bm.groups and copy is not bm
    seen = []
    bm.fit(encoder_patterns(4), n_epochs=50, method="sampling", n_chains=8, random_state=0,
           stop_when=lambda machine: seen.append(machine) or len(seen) == 3)
    assert bm.n_epochs_ == 3 and len(bm.kl_history_) == 3 and seen == [bm] * 3
