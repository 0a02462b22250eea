"""Markov chains and the course's dynamical systems, against linear algebra and sampling."""

import numpy as np
import pytest
from scipy.linalg import expm

import nnlearn as nl
from nnlearn.dynamics import ContinuousSystem, DiscreteSystem, MarkovChain, StochasticSystem


def random_stochastic(rng, k, zeros=False):
    m = rng.random((k, k))
    if zeros:
        m[m < 0.3] = 0.0
        m[np.arange(k), np.arange(k)] += 0.1
    return m / m.sum(axis=1, keepdims=True)


def test_step_and_n_step_matrices_agree_with_matrix_powers():
    rng = np.random.default_rng(0)
    T = random_stochastic(rng, 5)
    chain = MarkovChain(T)
    p0 = rng.dirichlet(np.ones(5))
    p = p0
    for _ in range(7):
        p = chain.step(p)
    np.testing.assert_allclose(p, p0 @ T @ T @ T @ T @ T @ T @ T, atol=1e-14)
    np.testing.assert_allclose(chain.distribution_after(7, p0), p, atol=1e-14)
    np.testing.assert_allclose(chain.distributions(7, p0)[-1], p, atol=1e-14)
    T3 = chain.n_step_matrix(3)
    np.testing.assert_allclose(T3, T @ T @ T, atol=1e-14)
    np.testing.assert_allclose(T3.sum(axis=1), 1.0)
    np.testing.assert_allclose(chain.n_step_matrix(0), np.eye(5))


def test_stationary_distribution_solves_pi_T_equals_pi_and_is_the_limit():
    rng = np.random.default_rng(1)
    for k in (2, 4, 9):
        T = random_stochastic(rng, k, zeros=True)
        chain = MarkovChain(T)
        pi = chain.stationary_distribution()
        np.testing.assert_allclose(pi @ T, pi, atol=1e-12)
        assert pi.sum() == pytest.approx(1.0) and np.all(pi >= 0)
        # the left eigenvector for eigenvalue 1, independently
        values, vectors = np.linalg.eig(T.T)
        v = np.real(vectors[:, np.argmin(np.abs(values - 1))])
        np.testing.assert_allclose(pi, v / v.sum(), atol=1e-10)
        tv = chain.total_variation_to_stationary(200, np.eye(k)[0])
        assert tv[-1] < 1e-8 and tv[0] > tv[-1]


def test_two_state_chain_closed_form():
    a, b = 0.3, 0.1
    chain = MarkovChain([[1 - a, a], [b, 1 - b]])
    np.testing.assert_allclose(chain.stationary_distribution(), [b / (a + b), a / (a + b)])
    # p_n(0) - pi_0 = (1 - a - b)^n (p_0(0) - pi_0)
    n = 5
    expected = b / (a + b) + (1 - a - b) ** n * (1 - b / (a + b))
    assert chain.distribution_after(n, [1.0, 0.0])[0] == pytest.approx(expected)


def test_non_unique_stationary_distribution_is_reported():
    chain = MarkovChain([[1, 0, 0], [0.5, 0, 0.5], [0, 0, 1]])
    assert [c.tolist() for c in chain.recurrent_classes()] == [[0], [2]]
    with pytest.raises(ValueError, match=r"not unique.*2 recurrent \(closed\) classes "
                                         r"\(\[0\], \[2\]\); stationary_distributions"):
        chain.stationary_distribution()
    np.testing.assert_array_equal(chain.stationary_distributions(), [[1, 0, 0], [0, 0, 1]])


def test_sampled_visit_frequencies_converge_to_stationary():
    rng = np.random.default_rng(2)
    T = random_stochastic(rng, 4)
    chain = MarkovChain(T)
    paths = chain.sample(400, start=0, random_state=3, n_chains=200)
    assert paths.shape == (200, 401) and np.all(paths[:, 0] == 0)
    freq = np.bincount(paths[:, 50:].ravel(), minlength=4) / paths[:, 50:].size
    np.testing.assert_allclose(freq, chain.stationary_distribution(), atol=0.01)
    # transition counts estimate T
    counts = np.zeros((4, 4))
    np.add.at(counts, (paths[:, :-1].ravel(), paths[:, 1:].ravel()), 1)
    np.testing.assert_allclose(counts / counts.sum(axis=1, keepdims=True), T, atol=0.02)
    # seeded: same seed, same path
    np.testing.assert_array_equal(chain.sample(30, 1, random_state=5), chain.sample(30, 1, 5))


def test_stochastic_system_samples_match_exact_distributions():
    rng = np.random.default_rng(4)
    Ts = [random_stochastic(rng, 3) for _ in range(2)]
    O = rng.dirichlet(np.ones(4), size=3)
    system = StochasticSystem(Ts, O)
    inputs = [0, 1, 1, 0, 1]
    p_states, p_outputs = system.distributions(inputs, np.eye(3)[2])
    np.testing.assert_allclose(p_states[-1], np.eye(3)[2] @ Ts[0] @ Ts[1] @ Ts[1] @ Ts[0] @ Ts[1])
    np.testing.assert_allclose(p_outputs, p_states @ O)
    states, outputs = system.sample(inputs, start=2, random_state=0, n_chains=20000)
    assert states.shape == outputs.shape == (20000, 6)
    for n in range(6):
        np.testing.assert_allclose(np.bincount(states[:, n], minlength=3) / 20000,
                                   p_states[n], atol=0.015)
        np.testing.assert_allclose(np.bincount(outputs[:, n], minlength=4) / 20000,
                                   p_outputs[n], atol=0.015)
    # no observation matrix: the output is the state
    s, y = StochasticSystem(Ts).sample(inputs, start=0, random_state=1)
    np.testing.assert_array_equal(s, y)


def test_discrete_system_matches_matrix_powers():
    rng = np.random.default_rng(5)
    A = rng.normal(size=(3, 3)) / 3
    B = rng.normal(size=(3, 2))
    C = rng.normal(size=(1, 3))
    free = DiscreteSystem(lambda x: A @ x).run([1.0, 0.0, -1.0], n_steps=6)
    np.testing.assert_allclose(free.states[-1], np.linalg.matrix_power(A, 6) @ [1, 0, -1])
    u = rng.normal(size=(4, 2))
    driven = DiscreteSystem(lambda x, u: A @ x + B @ u, output=lambda x: C @ x)
    traj = driven.run(np.zeros(3), inputs=u)
    expected = np.zeros(3)
    for n in range(4):
        expected = A @ expected + B @ u[n]
    np.testing.assert_allclose(traj.states[-1], expected)
    np.testing.assert_allclose(traj.outputs[:, 0], traj.states @ C[0])
    with pytest.raises(ValueError, match="exactly one of n_steps"):
        driven.run(np.zeros(3))


def test_continuous_system_matches_matrix_exponential():
    A = np.array([[0.0, 1.0], [-2.0, -0.3]])
    x0 = np.array([1.0, 0.5])
    t = np.linspace(0, 3, 7)
    traj = ContinuousSystem(lambda x: A @ x, output=lambda x: x[:1]).run(x0, (0, 3), t_eval=t)
    for ti, xi in zip(t, traj.states, strict=True):
        np.testing.assert_allclose(xi, expm(A * ti) @ x0, atol=1e-7)
    np.testing.assert_allclose(traj.outputs[:, 0], traj.states[:, 0])
    # with a constant input u: x(t) = e^{At} x0 + A^{-1}(e^{At} - I) b u
    b = np.array([0.0, 1.0])
    driven = ContinuousSystem(lambda x, u: A @ x + b * u).run(x0, (0, 2), inputs=lambda t: 1.5)
    eA = expm(A * 2)
    np.testing.assert_allclose(driven.states[-1],
                               eA @ x0 + np.linalg.solve(A, (eA - np.eye(2)) @ b * 1.5),
                               atol=1e-7)


@pytest.mark.parametrize(
    ("T", "message"),
    [
        ([[0.5, 0.5], [0.2, 0.7]], "row 1 of T sums to 0.9"),
        ([[1.2, -0.2], [0.5, 0.5]], "entries in \\[0, 1\\]"),
        ([[0.5, 0.5]], "T must be square"),
        ([0.5, 0.5], "2-D"),
    ],
)
def test_bad_transition_matrices_are_rejected(T, message):
    with pytest.raises(ValueError, match=message):
        MarkovChain(T)


def test_bad_arguments_are_rejected():
    chain = MarkovChain([[0.5, 0.5], [0.2, 0.8]])
    with pytest.raises(ValueError, match="p must have shape"):
        chain.step([1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="sum to 1"):
        chain.step([0.7, 0.7])
    with pytest.raises(ValueError, match=r"start must be an integer ≥ 0 and ≤ 1, got 2"):
        chain.sample(5, start=2)
    with pytest.raises(ValueError, match=r"transitions\[1\] must have shape"):
        StochasticSystem([np.eye(2), np.eye(3)])
    with pytest.raises(TypeError, match="transitions must be a sequence of matrices T_a"):
        StochasticSystem(None)
    with pytest.raises(ValueError, match="transitions must hold at least one matrix"):
        StochasticSystem([])
    with pytest.raises(ValueError, match="observation must have 2 rows"):
        StochasticSystem([np.eye(2)], np.eye(3))
    with pytest.raises(ValueError, match=r"inputs must lie in \[0, 1\), got 1 at index 1"):
        StochasticSystem([np.eye(2)]).sample([0, 1], start=0)
    assert nl.dynamics.MarkovChain is MarkovChain


BAD_DISTRIBUTIONS = [
    ([np.nan, 1.0], ValueError, r"p0 must be finite, got nan at index 0"),
    ([np.inf, 0.0], ValueError, r"p0 must be finite, got inf"),
    ([0.5 + 0.5j, 0.5], TypeError, r"p0 must hold real numbers, got complex"),
    ([None, 1.0], TypeError, r"p0 must be an array of real numbers, got None"),
    (["a", "b"], TypeError, r"p0 must be an array of real numbers, got text"),
    ([1.5, -0.5], ValueError, r"p0 must be non-negative and sum to 1"),
    ([[1.0, 0.0]], ValueError, r"p0 must have 1 dimension\(s\), got shape \(1, 2\)"),
]


@pytest.mark.parametrize(("p0", "error", "message"), BAD_DISTRIBUTIONS)
def test_invalid_starting_distributions_are_refused_by_name(p0, error, message):
    # issue 10: NaN passed the old check silently (NaN < 0 and |NaN − 1| > tol are False)
    chain = MarkovChain([[0.5, 0.5], [0.2, 0.8]])
    with pytest.raises(error, match=message):
        chain.distributions(3, p0)
    system = StochasticSystem([[[0.5, 0.5], [0.2, 0.8]]])
    with pytest.raises(error, match=message):
        system.distributions([0, 0], p0)
    with pytest.raises(error, match=message):
        system.log_likelihood([0, 1], p0=p0)


@pytest.mark.parametrize(("T", "error", "message"), [
    ([[0.5 + 0.1j, 0.5], [0.2, 0.8]], TypeError, "T must hold real numbers, got complex"),
    ([[np.nan, 1.0], [0.2, 0.8]], ValueError, "T must be finite, got nan"),
    ([["a", "b"], ["c", "d"]], TypeError, "T must be an array of real numbers, got text"),
])
def test_complex_and_non_numeric_matrices_are_refused_not_made_real(T, error, message):
    with pytest.raises(error, match=message):
        MarkovChain(T)
    with pytest.raises(error, match=message.replace("T must", r"transitions\[0\] must")):
        StochasticSystem([T])


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"n_steps": -1}, ValueError, r"n_steps must be an integer ≥ 0, got -1"),
    ({"n_steps": 2.0}, TypeError, r"n_steps must be an integer ≥ 0, got 2.0 \(float\)"),
    ({"n_steps": True}, TypeError, r"n_steps must be an integer ≥ 0, got True \(bool\)"),
    ({"start": -1}, ValueError, r"start must be an integer ≥ 0 and ≤ 1, got -1"),
    ({"start": 1.0}, TypeError, r"start must be an integer ≥ 0 and ≤ 1, got 1.0"),
    ({"start": "0"}, TypeError, r"start must be an integer ≥ 0 and ≤ 1, got '0'"),
    ({"random_state": -3}, ValueError, r"random_state must be None, an integer seed ≥ 0 or"),
    ({"random_state": 1.5}, TypeError, r"random_state must be None, an integer seed ≥ 0 or"),
    ({"random_state": True}, TypeError, r"random_state must be .* got True \(bool\)"),
    ({"random_state": "seed"}, TypeError, r"random_state must be .* got 'seed'"),
    ({"n_chains": 0}, ValueError, r"n_chains must be a positive integer, got 0"),
    ({"n_chains": 2.5}, TypeError, r"n_chains must be a positive integer, got 2.5"),
])
def test_every_bad_sampling_argument_gets_a_clear_error(kwargs, error, message):
    # issue 10: MarkovChain.sample(-1, 0) raised a raw IndexError from NumPy
    arguments = {"n_steps": 3, "start": 0, **kwargs}
    with pytest.raises(error, match=message):
        MarkovChain([[0.5, 0.5], [0.2, 0.8]]).sample(**arguments)
    if "n_steps" not in kwargs:
        arguments.pop("n_steps")
        with pytest.raises(error, match=message):
            StochasticSystem([[[0.5, 0.5], [0.2, 0.8]]]).sample([0, 0], **arguments)


def test_numpy_integers_are_accepted_wherever_python_ints_are():
    chain = MarkovChain([[0.5, 0.5], [0.2, 0.8]])
    for kind in (np.int64, np.int32, np.uint8, np.intp):
        path = chain.sample(kind(4), kind(1), random_state=kind(7), n_chains=kind(2))
        np.testing.assert_array_equal(path, chain.sample(4, 1, random_state=7, n_chains=2))
        np.testing.assert_array_equal(chain.n_step_matrix(kind(3)), chain.n_step_matrix(3))
        assert chain.distributions(kind(2), [1.0, 0.0]).shape == (3, 2)
        np.testing.assert_array_equal(chain.hitting_times(kind(0)), chain.hitting_times(0))
    generator = np.random.default_rng(5)
    assert chain.sample(3, 0, random_state=generator).shape == (4,)
    system = StochasticSystem([[[0.5, 0.5], [0.2, 0.8]]])
    states, _ = system.sample(np.array([0, 0], dtype=np.uint8), start=np.int16(1),
                              random_state=np.int64(0))
    assert states[0] == 1

