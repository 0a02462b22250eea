"""The Hopfield view: draw patterns on a grid, store them, corrupt one, recall it.

The memory is ``nl.models.Hopfield`` with the storage rule chosen (Hebb's analytic or
incremental rule, Storkey's, the pseudo-inverse). A recall is shown unit by unit: the
view picks the next unit of a random order and asks the network for its update
x_i ← sign(Σ_{j≠i} W_ij x_j) (``Hopfield.update``), then for the energy E(x) = −½ xᵀWx
(``Hopfield.energy``), until a whole sweep changes nothing: a fixed point, which is a
stored pattern, its negative, or a spurious state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nnlearn.models import Hopfield
from nnlearn.models.energy.hopfield_rules import RULES
from nnlearn.playground.protocol import Fields, ProtocolError, rounded
from nnlearn.playground.settings import Setting, seed
from nnlearn.playground.views import VIEWS, View

#: the digits 0 to 9 in a 5 × 7 font ("#" on, "." off), scaled to the grid by :func:`digit`
DIGIT_FONT = """
.###. ..#.. .###. .###. ...#. ##### ..##. ##### .###. .###.
#...# .##.. #...# #...# ..##. #.... .#... ....# #...# #...#
#..## ..#.. ....# ....# .#.#. ####. #.... ...#. #...# #...#
#.#.# ..#.. ...#. ..##. #..#. ....# ####. ..#.. .###. .####
##..# ..#.. ..#.. ....# ##### ....# #...# .#... #...# ....#
#...# ..#.. .#... #...# ...#. #...# #...# .#... #...# ...#.
.###. .###. ##### .###. ...#. .###. .###. .#... .###. .##..
"""
#: each digit as a boolean array of shape (7, 5)
GLYPHS = np.array([[[c == "#" for c in row.split()[d]] for row in DIGIT_FONT.split("\n")
                    if row] for d in range(10)])


def digit(d: int, size: int) -> np.ndarray:
    """Digit ``d`` as a bipolar pattern of a size × size grid (a margin of one cell)."""
    rows, columns = GLYPHS.shape[1:]
    inner = size - 2
    picked = GLYPHS[d][np.arange(inner) * rows // inner][:, np.arange(inner) * columns // inner]
    pattern = -np.ones((size, size))
    pattern[1:-1, 1:-1] = np.where(picked, 1.0, -1.0)
    return pattern.ravel()


def pattern_word(pattern: np.ndarray) -> str:
    """A bipolar pattern as a word of the link: "h" and its bits in hexadecimal."""
    bits = "".join("1" if v > 0 else "0" for v in pattern)
    return "h" + format(int("1" + bits, 2), "x")


def word_pattern(word: str, size: int) -> np.ndarray:
    """The pattern a word names: "d3" (the digit 3) or "h..." (bits, see :func:`pattern_word`)."""
    if len(word) == 2 and word[0] == "d" and word[1].isdigit():
        return digit(int(word[1]), size)
    try:
        bits = format(int(word[1:], 16), "b")[1:] if word.startswith("h") else ""
    except ValueError:
        bits = ""
    if len(bits) != size * size:
        raise ProtocolError(f"patterns: {word[:20]!r} is not a pattern of a {size} × {size} grid "
                            "(expected d0 to d9, or h and the bits in hexadecimal)")
    return np.array([1.0 if b == "1" else -1.0 for b in bits])


class HopfieldView(View):
    """A Hopfield memory of a size × size grid of bipolar units."""

    name = "hopfield"
    title = "Hopfield memory"
    settings = (
        Setting("size", "Grid size", "integer", 10, minimum=5, maximum=16, step=1),
        Setting("rule", "Storage rule", "choice", "analytic", options=tuple(RULES),
                option_labels=("Hebb (analytic)", "Hebb (incremental)", "Storkey",
                               "Pseudo-inverse")),
        Setting("patterns", "Stored patterns", "words", ["d1", "d4", "d7"], max_items=40,
                help="d0 to d9: a digit; h and hexadecimal digits: a drawn pattern"),
        Setting("flip", "Cells flipped by Corrupt (%)", "integer", 20, minimum=0,
                maximum=50, step=5),
        Setting("speed", "Units per update", "integer", 4, minimum=1, maximum=64, step=1,
                live=True),
        seed(),
    )
    equations = ("weight_update_of_a_hopfield_network",
                 "activation_of_a_neuron_in_a_hopfield_network",
                 "energy_of_a_state_in_a_hopfield_network", "hopfield_capacity")

    def __init__(self, setup: dict[str, Any], files: Mapping[str, Any] | None = None) -> None:
        super().__init__(setup, files)
        self.size = setup["size"]
        self.n_units = self.size ** 2
        self._memorize(setup["patterns"])
        self.rng = np.random.default_rng(setup["seed"])
        self.state = self.patterns[0].copy() if self.patterns else -np.ones(self.n_units)
        self._corrupt()

    def _memorize(self, words: list[str]) -> None:
        """A memory of the patterns ``words`` name, by the setup's rule."""
        self.patterns = [word_pattern(word, self.size) for word in words]
        self.net = Hopfield(self.n_units)
        if self.patterns:
            self.net.store(np.array(self.patterns), rule=self.setup["rule"])
        self.setup = {**self.setup, "patterns": list(words)}

    # ----- recall --------------------------------------------------------------------------
    def _restart(self) -> None:
        """A new recall from the current state: a fresh energy trace and unit order."""
        self.order, self.position, self.flips_in_sweep, self.sweeps = [], 0, 0, 0
        self.energies = [self.net.energy(self.state)]
        self.last_unit, self.converged = None, False

    def _corrupt(self) -> None:
        flips = round(self.setup["flip"] / 100 * self.n_units)
        chosen = self.rng.choice(self.n_units, size=flips, replace=False)
        self.state[chosen] *= -1
        self._restart()

    def advance(self) -> bool:
        """Update the next ``speed`` units, one at a time; False once a sweep changed nothing."""
        for _ in range(self.setup["speed"]):
            if self.converged:
                return False
            if self.position == len(self.order):
                self.order, self.position = self.rng.permutation(self.n_units).tolist(), 0
            unit = self.order[self.position]
            new = self.net.update(self.state)[unit]
            if new != self.state[unit]:
                self.state[unit] = new
                self.flips_in_sweep += 1
            self.energies.append(self.net.energy(self.state))
            self.last_unit, self.position = unit, self.position + 1
            if self.position == self.n_units:
                self.sweeps += 1
                self.converged = self.flips_in_sweep == 0
                self.flips_in_sweep = 0
        return not self.converged

    def recognised(self) -> str:
        """Which stored pattern the state is, if any: "pattern 2", "the negative of ...", ""."""
        for k, pattern in enumerate(self.patterns):
            if np.array_equal(self.state, pattern):
                return f"stored pattern {k + 1}"
            if np.array_equal(self.state, -pattern):
                return f"the negative of stored pattern {k + 1}"
        return ""

    # ----- what the page draws ----------------------------------------------------------------
    def scene(self) -> dict[str, Any]:
        return {"size": self.size, "patterns": [p.astype(int).tolist() for p in self.patterns],
                "capacity": 0.138 * self.n_units, "rule": self.setup["rule"]}

    def frame(self) -> dict[str, Any]:
        overlaps = [float(p @ self.state) / self.n_units for p in self.patterns]
        return {"state": self.state.astype(int).tolist(), "energies": rounded(self.energies),
                "unit": self.last_unit, "sweeps": self.sweeps, "converged": self.converged,
                "stable": bool(self.net.stable(self.state)), "recognised": self.recognised(),
                "overlaps": rounded(overlaps, 4)}

    # ----- actions: the grid is drawn and edited from the page ---------------------------------
    def action_set_cells(self, fields: Fields) -> None:
        """Set the cells ``cells`` (a list of indices) to ``value`` (+1 or −1)."""
        value = fields.choice("value", (1, -1))
        cells = fields.values.get("cells")
        if not isinstance(cells, list) or len(cells) > self.n_units:
            raise ProtocolError(f"set_cells: cells must be a list of at most {self.n_units} "
                                "cell indices")
        chosen = [Fields({"cell": cell}, "set_cells").integer("cell", 0, self.n_units - 1)
                  for cell in cells]
        self.state[chosen] = value
        self._restart()

    def action_clear(self, fields: Fields) -> None:
        self.state = -np.ones(self.n_units)
        self._restart()

    def action_digit(self, fields: Fields) -> None:
        self.state = digit(fields.integer("digit", 0, 9), self.size)
        self._restart()

    def action_pattern(self, fields: Fields) -> None:
        """Show stored pattern ``index`` (from 0), corrupted by ``flip`` per cent of cells."""
        if not self.patterns:
            raise ProtocolError("pattern: no pattern is stored yet")
        self.state = self.patterns[fields.integer("index", 0, len(self.patterns) - 1)].copy()
        self._corrupt()

    def action_corrupt(self, fields: Fields) -> None:
        self._corrupt()

    def action_random(self, fields: Fields) -> None:
        self.state = self.rng.choice([-1.0, 1.0], size=self.n_units)
        self._restart()

    def _memory(self, words: list[str]) -> dict[str, Any]:
        """Store ``words`` instead (the link changes, the grid stays); the setup message."""
        self._memorize(words)
        self._restart()
        return self.setup_message()

    def action_store(self, fields: Fields) -> dict[str, Any]:
        """Add the grid's state to the stored patterns."""
        if len(self.patterns) >= 40:
            raise ProtocolError("store: 40 patterns are stored already")
        return self._memory([*self.setup["patterns"], pattern_word(self.state)])

    def action_forget(self, fields: Fields) -> dict[str, Any]:
        """Remove stored pattern ``index`` (from 0)."""
        words = list(self.setup["patterns"])
        del words[fields.integer("index", 0, max(len(words) - 1, 0))]
        return self._memory(words)


VIEWS.register("hopfield")(HopfieldView)
