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


def test_tour_writes_report_with_a_figure_per_activation(tmp_path):
    index = tour.run(tmp_path, sections=["activations", "losses"], echo=lambda s: None)
    page = index.read_text()
    assert "Activation functions" in page and "Loss functions" in page
    for name in nl.activations.ACTIVATIONS:
        assert (tmp_path / f"activation_{name}.png").stat().st_size > 1000


def test_unknown_tour_section_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="unknown tour section"):
        tour.run(tmp_path, sections=["nope"])


def test_console_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "nnlearn", "equations", "--missing"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "equations implemented" in result.stdout
