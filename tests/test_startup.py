"""Start-up: what ``import nnlearn`` and the ``nnlearn`` command load, listed (not timed), and
the lazy names (:mod:`nnlearn.lazy`) resolving as eager imports did."""

import copy
import importlib
import json
import pickle
import pkgutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import nnlearn as nl

#: Loaded on first use only: none of them (nor their submodules) may come with the import.
HEAVY = ("sklearn", "scipy", "numba", "llvmlite", "matplotlib", "pandas", "torch", "jax")

#: The packages whose names are resolved lazily.
LAZY_PACKAGES = ("nnlearn", "nnlearn.models", "nnlearn.models.energy", "nnlearn.models.neurons",
                 "nnlearn.estimators", "nnlearn.tabular", "nnlearn.dynamics", "nnlearn.io")

#: Every package of nnlearn, lazy or not.
PACKAGES = sorted({"nnlearn", *(m.name for m in pkgutil.walk_packages(nl.__path__, "nnlearn.")
                               if m.ispkg)})


def _modules_after(code: str) -> set[str]:
    """The modules loaded in a fresh interpreter after running ``code`` (its output to
    stdout is dropped; the list comes on the last line)."""
    script = (f"import sys\n{code}\n"
              "print(); print(__import__('json').dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return set(json.loads(result.stdout.splitlines()[-1]))


def _heavy(modules: set[str], baseline: set[str]) -> list[str]:
    return sorted(m for m in modules - baseline if m.split(".")[0] in HEAVY)


@pytest.fixture(scope="module")
def numpy_modules() -> set[str]:
    return _modules_after("import numpy")


def test_import_loads_none_of_the_heavy_modules(numpy_modules):
    assert _heavy(_modules_after("import nnlearn"), numpy_modules) == []


@pytest.mark.parametrize("options", [["--help"], ["--version"], ["train", "--help"],
                                     ["predict", "--help"], ["tour", "--help"]])
def test_the_command_s_help_and_version_load_none_of_them(options, numpy_modules):
    code = textwrap.dedent(f"""
        import runpy
        sys.argv = ["nnlearn", *{options!r}]
        try:
            runpy.run_module("nnlearn", run_name="__main__")
        except SystemExit as stop:
            assert stop.code == 0, stop.code
    """)
    assert _heavy(_modules_after(code), numpy_modules) == []


def test_version_is_printed():
    result = subprocess.run([sys.executable, "-m", "nnlearn", "--version"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == f"nnlearn {nl.__version__}"


def test_a_compiled_loop_loads_numba_on_its_first_call_only():
    code = textwrap.dedent("""
        import numpy as np
        from nnlearn.compiled import dot
        assert "numba" not in sys.modules
        assert dot(np.arange(3.0), np.ones(3)) == 3.0
        assert "numba" in sys.modules
    """)
    assert "numba" in _modules_after(code)


def test_overloads_registered_after_numba_loaded_still_compile():
    """The sparse rows' helpers (an overload) register when their module is imported after
    another loop has loaded Numba."""
    code = textwrap.dedent("""
        import numpy as np
        import scipy.sparse
        from nnlearn.compiled import dot
        dot(np.ones(2), np.ones(2))
        from nnlearn.models import Perceptron
        X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 2.0]])
        y = np.array([1, 0, 1, 0])
        dense = Perceptron(random_state=0).fit(X, y)
        sparse = Perceptron(random_state=0).fit(scipy.sparse.csr_matrix(X), y)
        assert np.array_equal(dense.coef_, sparse.coef_), (dense.coef_, sparse.coef_)
    """)
    _modules_after(code)


def test_the_lazy_packages_are_packages_of_nnlearn():
    assert set(LAZY_PACKAGES) <= set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves_and_is_listed(package):
    module = importlib.import_module(package)
    names = getattr(module, "__all__", [])
    assert len(set(names)) == len(names)
    assert names or package not in LAZY_PACKAGES
    listed = dir(module)
    for name in names:
        assert getattr(module, name) is not None
        assert name in listed


def test_names_are_the_objects_of_the_modules_that_define_them():
    from nnlearn import layers
    from nnlearn.autodiff import tensor
    from nnlearn.estimators.classifier import MLPClassifier
    from nnlearn.models.energy.hopfield import Hopfield

    assert nl.tensor is tensor and nl.Dense is layers.Dense
    assert nl.estimators.MLPClassifier is MLPClassifier
    assert nl.models.Hopfield is Hopfield and nl.models.energy.Hopfield is Hopfield
    assert nl.models.energy is importlib.import_module("nnlearn.models.energy")


def test_the_engine_s_names_are_at_the_top_level():
    from nnlearn import autodiff

    assert set(autodiff.__all__) <= set(nl.__all__)


def test_star_import_binds_every_public_name():
    namespace: dict = {}
    exec("from nnlearn import *", namespace)
    assert set(nl.__all__) <= set(namespace)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="'nnlearn' has no attribute 'no_such_name'"):
        nl.no_such_name  # noqa: B018
    with pytest.raises(ImportError, match="no_such_name"):
        exec("from nnlearn.models import no_such_name", {})


def _package(tmp_path, init: str, **modules: str) -> str:
    """A package ``lazypkg`` in ``tmp_path`` (put on sys.path) with this ``__init__`` and
    these submodules; its name."""
    root = tmp_path / "lazypkg"
    root.mkdir()
    (root / "__init__.py").write_text(textwrap.dedent(init))
    for name, text in modules.items():
        (root / f"{name}.py").write_text(textwrap.dedent(text))
    return "lazypkg"


INIT = """
    from typing import TYPE_CHECKING

    from nnlearn.lazy import attach

    if TYPE_CHECKING:
        from lazypkg.heavy import value as renamed
        from lazypkg.many import *
        from . import other

    __getattr__, __dir__ = attach(__name__)
"""


def test_a_lazy_package_imports_each_module_when_a_name_of_it_is_first_asked_for(
        tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    name = _package(tmp_path, INIT, heavy="value = 42\n",
                    many="__all__ = ['a', 'b']\na, b, hidden = 1, 2, 3\n", other="x = 'o'\n")
    monkeypatch.delitem(sys.modules, name, raising=False)
    try:
        package = importlib.import_module(name)
        assert "lazypkg.heavy" not in sys.modules and "lazypkg.other" not in sys.modules
        assert package.renamed == 42 and "lazypkg.heavy" in sys.modules
        assert "lazypkg.many" not in sys.modules
        assert package.other.x == "o"
        assert sorted(package.__all__) == ["a", "b", "other", "renamed"]
        assert (package.a, package.b) == (1, 2)
        with pytest.raises(AttributeError):
            package.hidden  # noqa: B018  (not in many.__all__)
        assert {"a", "b", "other", "renamed"} <= set(dir(package))
    finally:
        for module in [m for m in sys.modules if m.split(".")[0] == name]:
            del sys.modules[module]


@pytest.mark.parametrize(("block", "message"), [
    ("import json\n", "expected only 'from ... import ...' under TYPE_CHECKING"),
    ("", "expected one 'if TYPE_CHECKING:' block"),
])
def test_a_block_attach_cannot_read_is_a_clear_error(tmp_path, monkeypatch, block, message):
    monkeypatch.syspath_prepend(str(tmp_path))
    init = ("from typing import TYPE_CHECKING\nfrom nnlearn.lazy import attach\n"
            + (f"if TYPE_CHECKING:\n    {block}" if block else "")
            + "__getattr__, __dir__ = attach(__name__)\n")
    name = _package(tmp_path, init)
    try:
        with pytest.raises(ValueError, match=message):
            importlib.import_module(name)
    finally:
        sys.modules.pop(name, None)


def test_a_compiled_loop_pickles_and_copies_by_name_before_and_after_its_first_call():
    from nnlearn.compiled import add_scaled

    for _ in range(2):
        assert pickle.loads(pickle.dumps(add_scaled)) is add_scaled
        assert copy.deepcopy(add_scaled) is add_scaled
        add_scaled(np.zeros(2), 1.0, np.ones(2))
