"""The equation catalogue: every claim points at real code and a real test."""

import ast
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from nnlearn import cli, equations

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


# --- typesetting: one LaTeX source, MathML for the pages, Unicode for the terminal ---

MATHML = "{http://www.w3.org/1998/Math/MathML}"


def _mathml_tree(latex: str) -> ET.Element:
    root = ET.fromstring(equations.to_mathml(latex))
    assert root.tag == f"{MATHML}math" and root.get("display") == "block"
    return root


def test_every_catalogue_entry_typesets_as_mathml_without_errors_or_raw_tex():
    assert len(equations.CATALOGUE) >= 113  # the equation list, then what the lectures add
    for key, entry in equations.CATALOGUE.items():
        root = _mathml_tree(entry.latex)
        tags = {element.tag.removeprefix(MATHML) for element in root.iter()}
        assert "merror" not in tags, key
        assert tags & {"mi", "mn", "mo"}, key
        texts = [element.text or "" for element in root.iter()]
        assert not any("\\" in text for text in texts), key
        assert not any(e.get("linebreak") for e in root.iter(f"{MATHML}mspace")), key


def test_top_level_line_breaks_become_rows_and_cases_stay_whole():
    root = _mathml_tree(
        equations.CATALOGUE["recursive_definition_of_recurrent_neural_networks"].latex)
    rows = root.findall(f"{MATHML}mrow/{MATHML}mtable/{MATHML}mtr")
    assert len(rows) == 5
    assert all(cell.get("columnalign") == "left" for cell in root.iter(f"{MATHML}mtd"))
    cases = _mathml_tree(equations.CATALOGUE["counting_loss"].latex)
    assert len(list(cases.iter(f"{MATHML}mtable"))) == 1
    assert len(list(cases.iter(f"{MATHML}mtr"))) == 2


def test_relation_symbols_are_operators_so_the_browser_spaces_them():
    root = _mathml_tree(r"L : \mathbb{R}^n \rightarrow \mathbb{R}, \quad a \iff b")
    operators = [e.text for e in root.iter(f"{MATHML}mo")]
    assert ":" in operators and "⟺" in operators


@pytest.mark.parametrize(("latex", "error", "message"), [
    (None, TypeError, "latex must be a str, got NoneType"),
    (b"x", TypeError, "got bytes"),
    ("", ValueError, "empty"),
    ("   ", ValueError, "empty"),
    (r"\frac{1}{", ValueError, r"does not typeset"),
    (r"\begin{cases} a", ValueError, r"does not typeset"),
    (r"\nosuchcommand x", ValueError, r"unknown command '\\\\nosuchcommand'"),
])
def test_to_mathml_refuses_what_does_not_typeset(latex, error, message):
    with pytest.raises(error, match=message):
        equations.to_mathml(latex)


def test_to_mathml_display_is_block_or_inline():
    assert 'display="inline"' in equations.to_mathml("x^2", display="inline")
    with pytest.raises(ValueError, match="display must be 'block' or 'inline', got 'wide'"):
        equations.to_mathml("x", display="wide")


@pytest.mark.parametrize(("key", "text"), [
    ("logistic_sigmoid", "σ(x) = 1/(1 + e⁻ˣ),  σ′(x) = σ(x)(1 − σ(x))"),
    ("update_rule_of_the_gradient_descent", "θ ← θ − μ∇R(θ)"),
    ("mean_squared_error_loss_mse", "L_(MSE)(h(u), y) = 1/N ∑ᵢ₌₁^N (h(uᵢ) − yᵢ)²"),
    ("recurrent_neural_network_update_equations",
     "x(n) = σ(Wx(n − 1) + Wⁱⁿu(n) + b)\ny(n) = f(Wᵒᵘᵗx(n))"),
    ("counting_loss", "L(h(u), y) = {0, if h(u) = y\n              1, if h(u) ≠ y"),
    ("activation_of_a_neuron_in_a_hopfield_network", "xᵢ(n + 1) = sign(∑_(i≠j) Wᵢⱼxⱼ(n))"),
    ("batch_normalization", "x̂ = (x − μ_B)/√(σ_B² + ϵ),  y = γx̂ + β"),
])
def test_to_unicode_writes_formulas_as_a_reader_would(key, text):
    assert equations.to_unicode(equations.CATALOGUE[key].latex) == text


def _symbols(text: str) -> str:
    """The symbols of a formula in order, without layout: spaces, brackets, the marks the
    text rendering adds (/ _ ^ √ ;), accents; scripts and math letters as plain letters."""
    text = unicodedata.normalize("NFKD", text.replace("⧸=", "≠"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c for c in text if not c.isspace() and c not in "()[]{}/_^√;^˙~˜¨¯→")


def test_to_unicode_keeps_every_symbol_of_the_mathml_in_order():
    for key, entry in equations.CATALOGUE.items():
        root = _mathml_tree(entry.latex)
        tokens = "".join(e.text or "" for e in root.iter()
                         if e.tag.removeprefix(MATHML) in ("mi", "mn", "mo", "mtext"))
        text = equations.to_unicode(entry.latex)
        assert "\\" not in text, key
        assert _symbols(text) == _symbols(tokens), key


def test_equations_command_filters_by_keyword_and_prints_readable_formulas(capsys):
    assert cli.main(["equations", "hopfield"]) == 0
    out = capsys.readouterr().out
    expected = [e for e in equations.load_all().values()
                if "hopfield" in (e.key + e.name + e.block
                                  + "".join(i.qualname for i in e.implementations)).lower()]
    assert 0 < len(expected) < len(equations.CATALOGUE)
    assert f"; {len(expected)} match 'hopfield'" in out.splitlines()[0]
    assert [line.split("  [")[1].rstrip("]") for line in out.splitlines() if "  [" in line] == [
        e.key for e in expected]
    assert "E(x) = −∑_(i,j=1,...,L) Wᵢⱼxᵢxⱼ = −1/2 xᵀWx" in out
    assert "\\frac" not in out and "LaTeX:" not in out


def test_equations_command_shows_latex_on_request_and_says_when_nothing_matches(capsys):
    assert cli.main(["equations", "sigmoid", "--latex"]) == 0
    assert r"LaTeX: \sigma(x) = \frac{1}{1 + e^{-x}}" in capsys.readouterr().out
    assert cli.main(["equations", "no-such-word"]) == 1
    assert "0 match 'no-such-word'" in capsys.readouterr().out


@pytest.mark.parametrize(("key", "n_clauses"), [
    ("adam_update", 5), ("backpropagation_through_time", 3), ("parametric_relu", 2),
    ("counting_loss", 1), ("recursive_definition_of_recurrent_neural_networks", 1),
])
def test_clauses_split_only_at_top_level_commas_before_a_space(key, n_clauses):
    from nnlearn.equations.mathml import clauses

    parts = clauses(equations.CATALOGUE[key].latex)
    assert len(parts) == n_clauses
    assert all(part.endswith(",") for part in parts[:-1])
    for part in parts:
        equations.to_mathml(part)
