"""Kosko's bidirectional associative memory: a worked example, its invariants, its inputs."""

import numpy as np
import pytest

from nnlearn.models import BAM, Hopfield

# two pairs, worked by hand below: the binary 101010 -> 1100 and 111000 -> 1010, bipolar
X = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]], dtype=float)
Y = np.array([[1, 1, -1, -1], [1, -1, 1, -1]], dtype=float)


def test_a_worked_example_by_hand():
    bam = BAM(6, 4).store(X, Y)
    # W = x1 y1ᵀ + x2 y2ᵀ, row i = x1_i y1 + x2_i y2, worked by hand
    np.testing.assert_array_equal(bam.weights, [[2, 0, 0, -2], [0, -2, 2, 0], [2, 0, 0, -2],
                                                [-2, 0, 0, 2], [0, 2, -2, 0], [-2, 0, 0, 2]])
    # forward: x1ᵀW = (8, 4, −4, −8) -> y1, x2ᵀW = (8, −4, 4, −8) -> y2
    np.testing.assert_array_equal(X @ bam.weights, [[8, 4, -4, -8], [8, -4, 4, -8]])
    np.testing.assert_array_equal(bam.forward(X), Y)
    # backward: W y1 = 4 x1, W y2 = 4 x2
    np.testing.assert_array_equal(bam.backward(Y), X)
    np.testing.assert_array_equal(bam.energy(X, Y), [-24.0, -24.0])
    # x1 with its first bit flipped: xᵀW = (4, 4, −4, −4) -> y1, then W y1 -> x1
    noisy = [-1, -1, 1, -1, 1, -1]
    x, y, trace = bam.recall(x=noisy, return_trace=True)
    np.testing.assert_array_equal(x, X[0])
    np.testing.assert_array_equal(y, Y[0])
    # E from (noisy, +1…): 0; after y: −16; after x: −24; two quiet passes confirm it
    np.testing.assert_array_equal(trace.energy[:, 0], [0.0, -16.0, -24.0, -24.0, -24.0])
    assert trace.converged[0] and trace.n_passes == 4
    # and the other way: from y2 alone, x2 comes back
    x, y = bam.recall(y=Y[1])
    np.testing.assert_array_equal(x, X[1])
    np.testing.assert_array_equal(y, Y[1])


def test_energy_is_the_joint_hopfield_energy():
    rng = np.random.default_rng(0)
    bam = BAM(7, 5)
    bam.weights = rng.normal(size=(7, 5))
    x = rng.choice([-1.0, 1.0], size=(9, 7))
    y = rng.choice([-1.0, 1.0], size=(9, 5))
    double_sum = [-sum(bam.weights[i, j] * a[i] * b[j] for i in range(7) for j in range(5))
                  for a, b in zip(x, y, strict=True)]
    np.testing.assert_allclose(bam.energy(x, y), double_sum, atol=1e-12)
    # a Hopfield network on (x, y) with the weights [[0, W], [Wᵀ, 0]]: −½ zᵀ W_joint z
    joint = Hopfield(12)
    joint.weights = np.block([[np.zeros((7, 7)), bam.weights], [bam.weights.T, np.zeros((5, 5))]])
    np.testing.assert_allclose(bam.energy(x, y), joint.energy(np.hstack([x, y])), atol=1e-12)
    assert np.all(bam.energy(x, y) >= -np.abs(bam.weights).sum())
    assert isinstance(bam.energy(x[0], y[0]), float)


def test_every_matrix_is_bidirectionally_stable():
    """Kosko's theorem: from any start, for any real W, recall ends at a stable pair, and
    the energy never rises on the way."""
    rng = np.random.default_rng(1)
    bam = BAM(30, 20)
    bam.weights = rng.normal(size=(30, 20))
    starts = rng.choice([-1.0, 1.0], size=(50, 30))
    x, y, trace = bam.recall(x=starts, return_trace=True)
    assert trace.converged.all()
    assert np.all(np.diff(trace.energy, axis=0) <= 1e-12)
    np.testing.assert_array_equal(bam.forward(x, y), y)
    np.testing.assert_array_equal(bam.backward(y, x), x)
    np.testing.assert_allclose(trace.energy[-1], bam.energy(x, y))
    # the stable pair is a fixed point of the joint Hopfield network too
    joint = Hopfield(50)
    joint.weights = np.block([[np.zeros((30, 30)), bam.weights],
                              [bam.weights.T, np.zeros((20, 20))]])
    np.testing.assert_array_equal(joint.update(np.hstack([x, y])), np.hstack([x, y]))


def test_stored_pairs_are_recalled_both_ways_and_from_noise():
    rng = np.random.default_rng(2)
    x = rng.choice([-1.0, 1.0], size=(4, 64))
    y = rng.choice([-1.0, 1.0], size=(4, 48))
    bam = BAM(64, 48).store(x, y)
    np.testing.assert_array_equal(bam.recall(x=x)[1], y)
    np.testing.assert_array_equal(bam.recall(y=y)[0], x)
    noisy = x * np.where(rng.random(x.shape) < 0.1, -1.0, 1.0)
    got_x, got_y = bam.recall(x=noisy)
    np.testing.assert_array_equal(got_x, x)
    np.testing.assert_array_equal(got_y, y)
    # starting from both layers: a stored pair is stable from the first pass
    _, _, trace = bam.recall(x=x, y=y, return_trace=True)
    assert trace.converged.all() and trace.n_passes == 2
    _, _, trace = bam.recall(x=x, max_steps=0, return_trace=True)
    assert trace.n_passes == 0 and not trace.converged.any()


def test_ties_keep_the_current_state():
    bam = BAM(2, 2)
    bam.weights = [[1.0, 1.0], [1.0, -1.0]]
    # fields Wᵀx for x = (1, 1): (2, 0): y_1 keeps its value
    np.testing.assert_array_equal(bam.forward([1, 1], [-1, -1]), [1, -1])
    np.testing.assert_array_equal(bam.forward([1, 1], [-1, 1]), [1, 1])
    np.testing.assert_array_equal(bam.forward([1, 1]), [1, 1])  # the default start: +1


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: BAM(0, 3), ValueError, r"n_x must be a[^,]*integer[^,]*, got 0"),
    (lambda: BAM(3, 2.0), TypeError, r"n_y must be a[^,]*integer[^,]*, got 2.0 \(float\)"),
    (lambda: BAM(6, 4).store(X, Y[:1]), ValueError,
     r"x and y must hold as many states, got shapes \(2, 6\) and \(1, 4\)"),
    (lambda: BAM(6, 4).store(X * 1j, Y), TypeError, "x must hold real numbers, got complex"),
    (lambda: BAM(6, 4).store(X, Y * 0.5), ValueError, r"y must be bipolar.*got 0.5"),
    (lambda: BAM(6, 4).store(np.ones((0, 6)), np.ones((0, 4))), ValueError,
     "x and y must hold at least one pair"),
    (lambda: BAM(6, 4).store(X[:, :5], Y), ValueError, r"x must have shape \(6,\) or \(m, 6\)"),
    (lambda: BAM(6, 4).recall(), ValueError, "x, y or both must be given"),
    (lambda: BAM(6, 4).recall(x=X, max_steps=-1), ValueError,
     "max_steps must be an integer ≥ 0, got -1"),
    (lambda: BAM(6, 4).recall(x=X, return_trace="yes"), TypeError,
     "return_trace must be True or False, got 'yes'"),
    (lambda: BAM(6, 4).energy(X, Y[0]), ValueError, "x and y must hold as many states"),
    (lambda: BAM(6, 4).forward(None), TypeError, "x must be an array of real numbers, got None"),
    (lambda: BAM(6, 4).backward(Y, X[:, :2]), ValueError, r"x must have shape \(6,\)"),
])
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_weights_are_validated_and_numpy_integers_accepted():
    bam = BAM(np.int64(6), np.int32(4))
    assert (bam.n_x, bam.n_y) == (6, 4) and type(bam.n_x) is int
    with pytest.raises(TypeError, match="weights must hold real numbers, got complex"):
        bam.weights = np.ones((6, 4)) * 1j
    with pytest.raises(ValueError, match=r"weights must be finite, got inf at index \(0, 0\)"):
        bam.weights = np.full((6, 4), np.inf)
    with pytest.raises(ValueError, match=r"weights must have shape \(6, 4\), got \(4, 6\)"):
        bam.weights = np.ones((4, 6))
    bam.store(X, Y)
    assert bam.recall(x=X, max_steps=np.int64(3))[1].tolist() == Y.tolist()
