"""The equation catalogue: every claim points at real code and a real test."""

import ast
from pathlib import Path

import pytest

from nnlearn import equations

ROOT = Path(__file__).resolve().parent.parent
SEED_ENTRIES = 69


def test_catalogue_holds_every_entry_of_the_equation_list():
    text = (ROOT / "src/nnlearn/equations/catalogue.txt").read_text()
    block = text.split("# equation list\n", 1)[1].split("\n\n", 1)[0]
    assert len(block.strip().splitlines()) == SEED_ENTRIES
    assert len(equations.CATALOGUE) >= SEED_ENTRIES


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_declared_implementation_names_an_existing_test():
    claims = [(eq.key, imp) for eq in equations.load_all().values() for imp in eq.implementations]
    assert claims, "no equation is implemented"
    for key, imp in claims:
        file, name = imp.test.split("::")
        assert (ROOT / file).is_file(), f"{key}: test file {file} does not exist"
        assert name in _test_functions(ROOT / file), f"{key}: {file} has no test {name}"


def test_every_declared_implementation_is_importable():
    import importlib

    for eq in equations.load_all().values():
        for imp in eq.implementations:
            module, _, attribute = imp.qualname.rpartition(".")
            while module:
                try:
                    obj = importlib.import_module(module)
                    break
                except ModuleNotFoundError:
                    module, _, outer = module.rpartition(".")
                    attribute = f"{outer}.{attribute}"
            for part in attribute.split("."):
                obj = getattr(obj, part)
            assert callable(obj), imp.qualname


def test_implements_rejects_unknown_keys_and_malformed_tests():
    with pytest.raises(KeyError, match="not in the equation catalogue"):
        equations.implements("no_such_equation", test="tests/x.py::test_y")
    with pytest.raises(ValueError, match=r"tests/<file>\.py::<name>"):
        equations.implements("counting_loss", test="test_y")


def test_render_lists_implemented_and_missing_entries():
    text = equations.render()
    assert "implemented by nnlearn.losses.zero_one" in text
    assert "of" in text.splitlines()[0]
