"""The compiled loops against NumPy: same values, dtypes kept, NaN and any array layout."""

import os
import subprocess
import sys

import numpy as np
import pytest

import nnlearn as nl
from nnlearn.compiled import add_scaled, dot
from nnlearn.optim import updates


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_and_its_rule_match_numpy_on_any_layout(dtype):
    rng = np.random.default_rng(0)
    base = rng.standard_normal((6, 8)).astype(dtype)
    base[0, :3] = [0.0, np.nan, -0.0]
    for x in (base, base.T, base[::2, 1::3], base[0, 0]):  # contiguous, transposed, strided, 0-d
        t = nl.tensor(x, requires_grad=True)
        out = nl.relu(t)
        assert out.dtype == dtype and out.shape == np.shape(x)
        np.testing.assert_array_equal(out.data, np.maximum(x, 0))  # NaN stays NaN
        out.backward(np.full(np.shape(x), 2.0, dtype))
        # f'(0) = 1 (the course), f'(NaN) = 1 (PyTorch)
        np.testing.assert_array_equal(t.grad, np.where(x < 0, 0.0, 2.0))


def test_relu_rule_differentiates_again():
    x = nl.tensor([-1.5, 0.5, 2.0], requires_grad=True)
    v = nl.tensor([1.0, 2.0, 3.0])
    # d/dx Σ v·relu'(x)·x = v·relu'(x) (relu'' = 0 away from 0)
    (g,) = nl.gradients((nl.relu(x) * x).sum(), [x], create_graph=True)
    (h,) = nl.gradients((g * v).sum(), [x])
    np.testing.assert_allclose(h.data, [0.0, 2 * 2.0, 2 * 3.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_pass_matches_the_numpy_formula_and_keeps_the_dtype(dtype):
    rng = np.random.default_rng(1)
    theta, g = (rng.standard_normal(1000).astype(dtype) for _ in range(2))
    m, v = (np.abs(rng.standard_normal(1000)).astype(dtype) for _ in range(2))
    expected_m = 0.9 * m + 0.1 * g.astype(np.float64)
    expected_v = 0.999 * v + 0.001 * g.astype(np.float64) ** 2
    hat_m, hat_v = expected_m / (1 - 0.9**3), expected_v / (1 - 0.999**3)
    expected_theta = theta - 0.01 * hat_m / (np.sqrt(hat_v) + 1e-8)
    before, previous = theta.copy(), np.empty_like(theta)
    updates.adam(theta, g, m, v, step=3, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8,
                 previous=previous)
    assert theta.dtype == m.dtype == v.dtype == dtype
    np.testing.assert_array_equal(previous, before)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for got, want in ((m, expected_m), (v, expected_v), (theta, expected_theta)):
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_dot_and_add_scaled():
    a, b = np.arange(1.0, 6.0), np.linspace(-1.0, 1.0, 5)
    assert dot(a, b) == pytest.approx(float(a @ b))
    y = a.copy()
    add_scaled(y, -2.0, b)
    np.testing.assert_allclose(y, a - 2.0 * b)


def test_compiles_without_a_writable_cache(monkeypatch):
    # a read-only install with no writable home: Numba finds nowhere to cache
    from numba.core.caching import CacheImpl

    from nnlearn.compiled import compiled

    monkeypatch.setattr(CacheImpl, "_locator_classes", [])

    def twice(x: float) -> float:
        return 2.0 * x

    assert compiled(twice)(1.5) == 3.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_relu_layer_equals_relu_of_linear(dtype):
    rng = np.random.default_rng(3)
    x, w, b = (rng.standard_normal(s).astype(dtype) for s in ((7, 5), (5, 4), (4,)))
    x[0, 0] = np.nan  # NaN stays NaN, as in relu
    fused = [nl.tensor(a, requires_grad=True) for a in (x, w, b)]
    plain = [nl.tensor(a, requires_grad=True) for a in (x, w, b)]
    out_fused, out_plain = nl.linear_relu(*fused), nl.relu(nl.linear(*plain))
    assert out_fused.dtype == dtype
    np.testing.assert_array_equal(out_fused.data, out_plain.data)
    seed = rng.standard_normal((7, 4)).astype(dtype)
    out_fused.backward(seed)
    out_plain.backward(seed)
    tol = 1e-6 if dtype == np.float32 else 1e-14
    for ours, reference in zip(fused, plain, strict=True):
        assert ours.grad.dtype == dtype
        np.testing.assert_allclose(ours.grad, reference.grad, rtol=tol, atol=tol)


def test_ctrl_c_during_the_first_compilation_waits_for_it_to_finish(tmp_path):
    """An LLVM compilation interrupted half-way aborted the process later; now Ctrl-C is
    raised once the compiled loop exists."""
    script = (
        "import os, signal, threading\n"
        "import numpy as np\n"
        "from nnlearn.compiled import compiled\n"
        "@compiled\n"
        "def twice(x):\n"
        "    total = 0.0\n"
        "    for i in range(x.shape[0]):\n"
        "        total += 2 * x[i]\n"
        "    return total\n"
        "threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()\n"
        "try:\n"
        "    twice(np.ones(3))\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', len(twice.signatures))\n"
        "import gc; gc.collect()\n"
        "print(twice(np.ones(3)))\n"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["interrupted", "1", "6.0"]


CALLER = """
import numpy as np
from nnlearn.compiled import compiled
from probe import helpers
from probe.helpers import plus

@compiled
def caller(x):
    return plus(x) * 10 + helpers.minus(x)
"""

HELPERS = """
from nnlearn.compiled import compiled

@compiled
def plus(x):
    return x + {plus}

@compiled
def minus(x):
    return x - {minus}
"""

RUN = ("from probe.caller import caller; print(caller(1.0), "
       "sum(caller.stats.cache_hits.values()))")


def test_a_loop_compiles_again_when_a_loop_it_calls_changes_in_another_file(tmp_path):
    """Numba's own cache key is the loop's file alone: without nnlearn's stamp the caller
    kept the helpers' old machine code after the helpers' file changed."""
    package = tmp_path / "probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "caller.py").write_text(CALLER)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}

    def run(plus, minus):
        (package / "helpers.py").write_text(HELPERS.format(plus=plus, minus=minus))
        result = subprocess.run([sys.executable, "-c", RUN], capture_output=True, text=True,
                                env=env, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        value, hits = result.stdout.split()
        return float(value), int(hits)

    assert run(1, 1) == (20.0, 0)  # compiled and cached
    assert run(1, 1) == (20.0, 1)  # loaded from the cache
    assert run(2, 1) == (30.0, 0)  # plus changed, a name the caller imported
    assert run(2, 5) == (26.0, 0)  # minus changed, an attribute of the module it imported
    assert run(2, 5) == (26.0, 1)
