"""The nnlearn command."""

import subprocess
import sys

import pytest

import nnlearn as nl
from nnlearn import cli, tour


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "tour" in out and "equations" in out


def test_equations_command_prints_the_catalogue(capsys):
    assert cli.main(["equations"]) == 0
    out = capsys.readouterr().out
    assert "equations implemented" in out and "Counting loss" in out


def test_tour_writes_the_chapters_asked_for(tmp_path):
    index = tour.run(tmp_path, chapters=["activations", "losses"], echo=lambda s: None)
    page = index.read_text()
    assert "Activation functions" in page and "loss and risk" in page
    grid = (tmp_path / "activations.html").read_text()
    assert grid.count('class="equation"') == len(nl.activations.ACTIVATIONS)
    assert (tmp_path / "figures" / "activations-grid.svg").stat().st_size > 1000


def test_unknown_tour_chapter_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="chapters: expected names from"):
        tour.run(tmp_path, chapters=["nope"])


def test_console_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "nnlearn", "equations", "--missing"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "equations implemented" in result.stdout


def test_console_entry_point_is_the_quick_exit():
    """pyproject's script is cli.run, as python -m nnlearn is."""
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "nnlearn"]
    assert script.value == "nnlearn.cli:run"


QUICK_EXIT = """
import atexit, sys
from nnlearn import cli

def command(argv=None):
    atexit.register(print, "a handler registered by the command ran", file=sys.stderr)
    sys.stdout.write("".join(f"line {i}\\n" for i in range(50_000)))  # buffered, not flushed
    if sys.argv[1] == "raise":
        raise RuntimeError("a defect")
    return int(sys.argv[1])

cli.main = command
cli.run()
"""


@pytest.mark.parametrize("status", [0, 2, 5])
def test_the_quick_exit_keeps_the_status_the_output_and_the_exit_handlers(status):
    result = subprocess.run([sys.executable, "-c", QUICK_EXIT, str(status)],
                            capture_output=True, text=True)
    assert result.returncode == status
    assert result.stdout.count("\n") == 50_000 and result.stdout.endswith("line 49999\n")
    assert "a handler registered by the command ran" in result.stderr


def test_a_command_that_raises_ends_the_usual_way():
    result = subprocess.run([sys.executable, "-c", QUICK_EXIT, "raise"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "RuntimeError: a defect" in result.stderr
    assert result.stdout.count("\n") == 50_000
    assert "a handler registered by the command ran" in result.stderr


def test_output_into_a_closed_pipe_ends_quietly():
    """`nnlearn equations | head -1`: the reader leaves, the command exits 0 without a
    traceback."""
    result = subprocess.run(f"{sys.executable} -m nnlearn equations | head -1", shell=True,
                            capture_output=True, text=True)
    assert result.stdout.count("\n") == 1 and "Traceback" not in result.stderr
