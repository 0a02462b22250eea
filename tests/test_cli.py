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
