"""Which units of a Boltzmann machine are connected: the connectivity mask and named groups.

A machine's architecture is a symmetric boolean matrix C with a zero diagonal: units i and
j interact through a weight w_ij only where C_ij is true, and w_ij = 0 elsewhere, through
every update, sampling and learning rule. The classic architectures are easiest to say
with named groups of units and the pairs of groups that connect: the 4-2-4 encoder of
Ackley, Hinton and Sejnowski (1985) is

>>> mask, groups = groups_connectivity({"input": 4, "output": 4, "hidden": 2},
...     [("input", "input"), ("output", "output"), ("input", "hidden"),
...      ("output", "hidden")])
>>> groups["hidden"], bool(mask[0, 4]), bool(mask[0, 8]), bool(mask[8, 9])
([8, 9], False, True, False)
>>> int(mask.sum()) // 2
28
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from nnlearn.checks import check_integer, check_real_array, describe

#: Tolerance of the symmetry check of given weights (w_ij = w_ji).
SYMMETRY_TOLERANCE = 1e-12


def check_connectivity(connectivity: ArrayLike | None, n_units: int) -> np.ndarray:
    """The mask as a boolean array of shape (n, n), all-connected when None.

    Raises
    ------
    TypeError
        If the entries are not booleans (or the numbers 0 and 1).
    ValueError
        If the shape is wrong, the mask is not symmetric or a unit connects to itself.
    """
    if connectivity is None:
        return ~np.eye(n_units, dtype=bool)
    mask = np.asarray(connectivity)
    if mask.dtype != bool:
        numbers = check_real_array(mask, "connectivity")
        if not np.all((numbers == 0) | (numbers == 1)):
            raise TypeError("connectivity must hold booleans (or 0 and 1), got other values")
        mask = numbers.astype(bool)
    if mask.shape != (n_units, n_units):
        raise ValueError(f"connectivity must have shape ({n_units}, {n_units}), got {mask.shape}")
    if not np.array_equal(mask, mask.T):
        i, j = np.argwhere(mask != mask.T)[0]
        raise ValueError(f"connectivity must be symmetric; entry ({i}, {j}) is {mask[i, j]} "
                         f"but ({j}, {i}) is {mask[j, i]}")
    if mask.diagonal().any():
        i = int(np.argmax(mask.diagonal()))
        raise ValueError(f"connectivity must have a zero diagonal; unit {i} connects to itself")
    return mask


def check_weights(weights: ArrayLike, mask: np.ndarray, name: str = "weights") -> np.ndarray:
    """Symmetric float64 weights of shape (n, n), zero on the diagonal and where ``mask`` is
    false; within :data:`SYMMETRY_TOLERANCE` of symmetric, made exactly so from the upper
    triangle."""
    n = len(mask)
    w = check_real_array(weights, name, dtype=np.float64)
    if w.shape != (n, n):
        raise ValueError(f"{name} must have shape ({n}, {n}), got {w.shape}")
    with np.errstate(over="ignore"):  # w_ij − w_ji of ±1e308 overflows: asymmetric indeed
        asymmetry = np.abs(w - w.T)
    if np.any(asymmetry > SYMMETRY_TOLERANCE):
        i, j = np.unravel_index(np.argmax(asymmetry), w.shape)
        raise ValueError(f"{name} must be symmetric (w_ij = w_ji); w[{i}, {j}] = {w[i, j]:g} "
                         f"but w[{j}, {i}] = {w[j, i]:g}")
    if np.any(np.diag(w) != 0):
        raise ValueError(f"{name} must have a zero diagonal (no self-connections)")
    absent = (w != 0) & ~mask
    if absent.any():
        i, j = np.argwhere(absent)[0]
        raise ValueError(f"{name} must be 0 between units that are not connected; "
                         f"w[{i}, {j}] = {w[i, j]:g} where connectivity[{i}, {j}] is False")
    if np.array_equal(w, w.T):
        return w  # as given (scikit-learn's clone checks that parameters are kept)
    upper = np.triu(w, 1)
    return upper + upper.T


def groups_connectivity(
    groups: Mapping[str, int], connections: Iterable[tuple[str, str]]
) -> tuple[np.ndarray, dict[str, list[int]]]:
    """The mask of named groups of units and the pairs of groups that connect.

    Parameters
    ----------
    groups : mapping of str to int
        Group names and sizes; units are numbered group after group, in this order.
    connections : iterable of (str, str)
        Pairs of groups whose units all connect with each other; a pair (g, g) connects the
        units of g among themselves.

    Returns
    -------
    mask : ndarray of bool, shape (n, n)
    units : dict of str to list of int
        The units of each group.
    """
    if not isinstance(groups, Mapping) or not groups:
        raise TypeError(f"groups must be a non-empty mapping of names to sizes, "
                        f"got {describe(groups)}")
    units, start = {}, 0
    for name, size in groups.items():
        if not isinstance(name, str):
            raise TypeError(f"group names must be strings, got {describe(name)}")
        size = check_integer(size, f"the size of group {name!r}", minimum=1)
        units[name] = list(range(start, start + size))
        start += size
    mask = np.zeros((start, start), dtype=bool)
    for pair in connections:
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
            raise TypeError(f"connections must be pairs of group names, got {describe(pair)}")
        if not all(isinstance(group, str) for group in pair):
            raise TypeError(f"connections must be pairs of group names, got {describe(pair)}")
        a, b = (unit_indices(group, units, start, "connections") for group in pair)
        mask[np.ix_(a, b)] = mask[np.ix_(b, a)] = True
    np.fill_diagonal(mask, False)
    return mask, units


def unit_indices(which: str | Sequence[str] | Sequence[int] | np.ndarray,
                 groups: Mapping[str, Sequence[int]] | None, n_units: int,
                 name: str = "units") -> np.ndarray:
    """The sorted unit indices named by a group, several groups, or indices themselves."""
    if isinstance(which, str):
        which = [which]
    items = list(np.asarray(which).ravel()) if isinstance(which, np.ndarray) else list(which)
    indices: list[int] = []
    for item in items:
        if isinstance(item, str):
            if not groups or item not in groups:
                known = ", ".join(map(repr, groups)) if groups else "none (give unit indices)"
                raise ValueError(f"{name}: unknown group {item!r}; the groups are {known}")
            indices.extend(groups[item])
        else:
            indices.append(check_integer(item, f"a unit index in {name}", minimum=0,
                                         maximum=n_units - 1))
    unique = np.unique(np.array(indices, dtype=np.intp))
    if unique.size < len(indices):
        raise ValueError(f"{name} must name each unit once, got {describe(which)}")
    return unique


def check_groups(groups: Mapping[str, Sequence[int]], n_units: int) -> dict[str, list[int]]:
    """Group names and their units as a plain dict of lists (what a model file stores)."""
    if not isinstance(groups, Mapping):
        raise TypeError(f"groups must be a mapping of names to unit indices, "
                        f"got {describe(groups)}")
    checked = {}
    for name, units in groups.items():
        if not isinstance(name, str):
            raise TypeError(f"group names must be strings, got {describe(name)}")
        checked[name] = unit_indices(units, None, n_units, f"group {name!r}").tolist()
    return groups if groups == checked and type(groups) is dict else checked
