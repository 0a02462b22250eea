"""Kosko's bidirectional associative memory (BAM, 1988): pairs of patterns, recalled both ways.

Two layers of bipolar units, x ∈ {−1, +1}^n and y ∈ {−1, +1}^p, are joined by one n × p
matrix. The pairs (x_k, y_k) are stored in it as a sum of correlation matrices,

    W = Σ_k x_k y_kᵀ,

and recalled by passing a pattern through W one way and through Wᵀ the other,

    y ← sign(Wᵀ x),   x ← sign(W y),

a unit keeping its value where its field is zero, until neither pass changes anything:
the pair is then stable. A pass can only lower the energy

    E(x, y) = −xᵀ W y,

which is bounded below by −Σ |W_ij|, so from any start and for any matrix W (not only a
stored one) recall ends at a stable pair in finitely many passes: Kosko's theorem that
every matrix is bidirectionally stable. The BAM is a Hopfield network on the joint state
(x, y) whose weights [[0, W], [Wᵀ, 0]] connect the two layers only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_bool, check_integer
from nnlearn.equations import implements
from nnlearn.models.energy.bipolar import (
    check_bipolar,
    check_weights,
    sign_keep_ties,
    tie_tolerance,
)

TEST = "tests/test_bam.py::"


@dataclass
class BAMTrace:
    """What happened during a BAM recall, per probe.

    Attributes
    ----------
    energy : ndarray of shape (n_passes + 1, n_probes)
        E(x, y) at the start and after each pass (a pass updates one whole layer).
    converged : ndarray of bool, shape (n_probes,)
        Whether the probe reached a stable pair.
    n_passes : int
        Passes performed.
    """

    energy: np.ndarray
    converged: np.ndarray
    n_passes: int


class BAM:
    """A bidirectional associative memory between ``n_x`` and ``n_y`` bipolar units.

    Parameters
    ----------
    n_x : int
        The units n of the x layer.
    n_y : int
        The units p of the y layer.

    Attributes
    ----------
    weights : ndarray of shape (n_x, n_y)
        W; any finite real matrix of this shape may be set.

    Examples
    --------
    >>> bam = BAM(6, 4).store([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]],
    ...                       [[1, 1, -1, -1], [1, -1, 1, -1]])
    >>> x, y = bam.recall(x=[-1, -1, 1, -1, 1, -1])
    >>> x.tolist(), y.tolist()
    ([1.0, -1.0, 1.0, -1.0, 1.0, -1.0], [1.0, 1.0, -1.0, -1.0])
    """

    def __init__(self, n_x: int, n_y: int) -> None:
        self.n_x = check_integer(n_x, "n_x", minimum=1)
        self.n_y = check_integer(n_y, "n_y", minimum=1)
        self.weights = np.zeros((self.n_x, self.n_y))

    @property
    def weights(self) -> np.ndarray:
        """W, of shape (n_x, n_y)."""
        return self._weights

    @weights.setter
    def weights(self, value: ArrayLike) -> None:
        self._weights = check_weights(value, (self.n_x, self.n_y))

    def _pair(self, x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """x and y as bipolar arrays with the same leading shape."""
        x = check_bipolar(x, self.n_x, "x")
        y = check_bipolar(y, self.n_y, "y")
        if x.shape[:-1] != y.shape[:-1]:
            raise ValueError(f"x and y must hold as many states, got shapes {x.shape} and "
                             f"{y.shape}")
        return x, y

    def _layers(self, x: ArrayLike | None, y: ArrayLike | None) -> tuple[np.ndarray, np.ndarray]:
        """x and y validated; a layer not given starts at +1 (only a tie reads it)."""
        if x is None and y is None:
            raise ValueError("x, y or both must be given")
        if x is None:
            y = check_bipolar(y, self.n_y, "y")
            return np.ones((*y.shape[:-1], self.n_x)), y
        if y is None:
            x = check_bipolar(x, self.n_x, "x")
            return x, np.ones((*x.shape[:-1], self.n_y))
        return self._pair(x, y)

    @implements("bam_weights", test=TEST + "test_a_worked_example_by_hand")
    def store(self, x: ArrayLike, y: ArrayLike) -> BAM:
        """Store the pairs (x_k, y_k): W = Σ_k x_k y_kᵀ = Xᵀ Y.

        Parameters
        ----------
        x : array-like of shape (K, n_x) or (n_x,)
            The x_k, entries ±1.
        y : array-like of shape (K, n_y) or (n_y,)
            The y_k, entries ±1, in the same order.

        Returns
        -------
        self
        """
        x, y = self._pair(np.atleast_2d(x), np.atleast_2d(y))
        if not len(x):
            raise ValueError(f"x and y must hold at least one pair, got shape {x.shape}")
        self.weights = x.T @ y
        return self

    @implements("bam_energy", test=TEST + "test_energy_is_the_joint_hopfield_energy")
    def energy(self, x: ArrayLike, y: ArrayLike) -> np.ndarray | float:
        """E(x, y) = −xᵀ W y, a float for one pair, shape (m,) for m pairs."""
        x, y = self._pair(x, y)
        e = -np.einsum("...i,ij,...j->...", x, self.weights, y)
        return float(e) if x.ndim == 1 else e

    @implements("bam_recall", test=TEST + "test_a_worked_example_by_hand")
    def forward(self, x: ArrayLike, y: ArrayLike | None = None) -> np.ndarray:
        """y ← sign(Wᵀ x): the y layer from x, keeping y_j where (Wᵀ x)_j = 0.

        ``y`` is the layer's current state (by default +1 everywhere): it matters only
        on ties.
        """
        x, y = self._layers(check_bipolar(x, self.n_x, "x"), y)
        return sign_keep_ties(x @ self.weights, y, tie_tolerance(self.weights))

    def backward(self, y: ArrayLike, x: ArrayLike | None = None) -> np.ndarray:
        """x ← sign(W y): the x layer from y, keeping x_i where (W y)_i = 0.

        ``x`` is the layer's current state (by default +1 everywhere): it matters only
        on ties.
        """
        x, y = self._layers(x, check_bipolar(y, self.n_y, "y"))
        return sign_keep_ties(y @ self.weights.T, x, tie_tolerance(self.weights))

    def recall(
        self,
        x: ArrayLike | None = None,
        y: ArrayLike | None = None,
        max_steps: int = 100,
        return_trace: bool = False,
    ) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, BAMTrace]:
        """Pass patterns back and forth until the pair is stable, or ``max_steps`` round trips.

        Parameters
        ----------
        x : array-like of shape (n_x,) or (n_probes, n_x), optional
            The x layer's start; without it the layer starts at +1 and is computed first.
        y : array-like of shape (n_y,) or (n_probes, n_y), optional
            The y layer's start; without it the layer starts at +1 and is computed first.
            With both given, y is computed first (from x). At least one is needed.
        max_steps : int, default 100
            The most round trips (a round trip passes once each way).
        return_trace : bool, default False
            Also return a :class:`BAMTrace`.

        Returns
        -------
        x, y : ndarrays of the probes' shapes
            The pair recalled.
        trace : BAMTrace, only if ``return_trace``
        """
        y_first = x is not None
        x, y = self._layers(x, y)
        max_steps = check_integer(max_steps, "max_steps", minimum=0)
        return_trace = check_bool(return_trace, "return_trace")
        single = x.ndim == 1
        x, y, trace = self._alternate(np.atleast_2d(x), np.atleast_2d(y), y_first, max_steps)
        if single:
            x, y = x[0], y[0]
        return (x, y, trace) if return_trace else (x, y)

    def _alternate(self, x: np.ndarray, y: np.ndarray, y_first: bool,
                   max_steps: int) -> tuple[np.ndarray, np.ndarray, BAMTrace]:
        """Passes y ← sign(Wᵀx) and x ← sign(W y) in turn, until two passes in a row (one
        each way) change nothing: the pair is then stable."""
        w, tol = self.weights, tie_tolerance(self.weights)
        energies = [-np.einsum("pi,ij,pj->p", x, w, y)]
        quiet = np.zeros(len(x), dtype=int)  # passes in a row that changed nothing
        passes = 0
        while passes < 2 * max_steps and not np.all(quiet >= 2):
            if (passes % 2 == 0) == y_first:
                new = sign_keep_ties(x @ w, y, tol)
                changed, y = np.any(new != y, axis=1), new
            else:
                new = sign_keep_ties(y @ w.T, x, tol)
                changed, x = np.any(new != x, axis=1), new
            quiet = np.where(changed, 0, quiet + 1)
            passes += 1
            energies.append(-np.einsum("pi,ij,pj->p", x, w, y))
        return x, y, BAMTrace(np.array(energies), quiet >= 2, passes)
