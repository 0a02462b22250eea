"""Weight initializers, reachable by name through :data:`INITIALIZERS`.

Each initializer draws an array of a given ``shape`` from a ``numpy.random.Generator``,
knowing the layer's fan-in (inputs per neuron) and fan-out (neurons):

* ``normal`` and ``uniform``: the course's small zero-mean random weights,
  N(0, 0.01²) and U(−0.05, 0.05);
* ``glorot_uniform`` / ``glorot_normal`` (Xavier): Var(w) = 2 / (fan_in + fan_out);
* ``he_uniform`` / ``he_normal`` (Kaiming): Var(w) = 2 / fan_in, for ReLU layers;
* ``zeros`` and ``ones``.

>>> import numpy as np
>>> w = get("glorot_uniform")((2, 3), fan_in=2, fan_out=3, rng=np.random.default_rng(0))
>>> w.shape, bool(np.all(np.abs(w) <= np.sqrt(6 / 5)))
((2, 3), True)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnlearn.checks import check_random_state
from nnlearn.registry import Registry

Initializer = Callable[..., np.ndarray]
INITIALIZERS: Registry[Initializer] = Registry("initializer")


def get(name: str | Initializer) -> Initializer:
    """The initializer called ``name`` (a callable is passed through)."""
    return name if callable(name) else INITIALIZERS.get(name)


def rng_from(random_state: int | np.random.Generator | None) -> np.random.Generator:
    """A ``numpy.random.Generator`` from a seed, a Generator (used as is) or None (fresh)."""
    return check_random_state(random_state)


@INITIALIZERS.register("normal", "small_normal")
def normal(shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator,
           std: float = 0.01) -> np.ndarray:
    """The course's small random weights: w ~ N(0, std²), std = 0.01."""
    return rng.normal(0.0, std, size=shape)


@INITIALIZERS.register("uniform", "small_uniform")
def uniform(shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator,
            limit: float = 0.05) -> np.ndarray:
    """Small uniform weights: w ~ U(−limit, limit), limit = 0.05."""
    return rng.uniform(-limit, limit, size=shape)


@INITIALIZERS.register("glorot_uniform", "xavier_uniform")
def glorot_uniform(shape: tuple[int, ...], fan_in: int, fan_out: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Glorot/Xavier: w ~ U(−a, a), a = √(6 / (fan_in + fan_out))."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


@INITIALIZERS.register("glorot_normal", "xavier_normal")
def glorot_normal(shape: tuple[int, ...], fan_in: int, fan_out: int,
                  rng: np.random.Generator) -> np.ndarray:
    """Glorot/Xavier: w ~ N(0, 2 / (fan_in + fan_out))."""
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=shape)


@INITIALIZERS.register("he_uniform", "kaiming_uniform")
def he_uniform(shape: tuple[int, ...], fan_in: int, fan_out: int,
               rng: np.random.Generator) -> np.ndarray:
    """He/Kaiming: w ~ U(−a, a), a = √(6 / fan_in)."""
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=shape)


@INITIALIZERS.register("he_normal", "kaiming_normal")
def he_normal(shape: tuple[int, ...], fan_in: int, fan_out: int,
              rng: np.random.Generator) -> np.ndarray:
    """He/Kaiming: w ~ N(0, 2 / fan_in)."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)


@INITIALIZERS.register("zeros")
def zeros(shape: tuple[int, ...], fan_in: int, fan_out: int,
          rng: np.random.Generator) -> np.ndarray:
    """w = 0."""
    return np.zeros(shape)


@INITIALIZERS.register("ones")
def ones(shape: tuple[int, ...], fan_in: int, fan_out: int,
         rng: np.random.Generator) -> np.ndarray:
    """w = 1."""
    return np.ones(shape)
