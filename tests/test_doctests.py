"""The examples in docstrings run as doctests."""

import doctest
import importlib
import pkgutil

import pytest

import nnlearn

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(nnlearn.__path__, "nnlearn.")
    if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", ["nnlearn", *MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
