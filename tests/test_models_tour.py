"""The tour's section on the classic neurons runs and tells the course's story."""

from nnlearn import tour


def test_neurons_section_writes_its_figures_and_findings(tmp_path):
    lines = []
    index = tour.run(tmp_path, sections=["neurons"], echo=lines.append)
    text = "\n".join(lines)
    for name in ("gates", "xor_errors", "iris", "circle", "polyfit"):
        assert (tmp_path / f"neurons_{name}.png").stat().st_size > 1000
        assert f"neurons_{name}.png" in index.read_text()
    assert "w1 + w2 + w3 >= 0: True" in text and ": False" not in text.split("XOR")[0]
    assert "converged_ = False" in text
    assert "x1² + x2² ≥ 1: True" in text
