"""The optimizer base class: one flat buffer for the parameters, one for their gradients.

On construction the optimizer copies its trainable parameters into one contiguous array
θ and makes every ``Parameter.data`` a view into it; every parameter's gradient likewise
goes to its view of one flat gradient array g (its ``grad_buffer``). After
``zero_grad()``, ``loss.backward()`` writes each gradient straight into g (a weight's
xᵀδ is computed there, with no zero-filling and no addition), and an update is one or a
few passes over θ and g, whatever the number of layers. Convert the model's dtype
(``Module.astype``) *before* making the optimizer.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

import numpy as np

from nnlearn.checks import check_real
from nnlearn.equations import implements
from nnlearn.layers.module import Parameter
from nnlearn.optim import updates
from nnlearn.optim.schedules import Schedule, as_schedule

#: Flat arrays start on a cache line (64 bytes: one AVX-512 vector), as NumPy's 16-byte
#: alignment does not promise: a vector loaded across two lines costs two loads.
CACHE_LINE = 64
#: Arrays that one pass reads and writes together (θ, g, m, v) start this far apart modulo
#: 4 KiB: at equal addresses modulo 4 KiB the CPU takes a load for dependent on the store
#: before it ("4K aliasing") and waits.
LANE_SPACING = 512


def flat_zeros(size: int, dtype: np.dtype, lane: int) -> np.ndarray:
    """A zero vector of ``size`` values, 64-byte aligned, starting ``lane`` × 512 bytes past
    a 4 KiB boundary (lanes 0–7).

    Where NumPy happens to put four fresh 1 MiB arrays decides the speed of a pass over
    them: one Adam pass over 269,322 float32 values took 80 µs at distinct lanes, 130 µs
    at one lane, 220–250 µs at NumPy's usual 16 bytes past a page.
    """
    itemsize = np.dtype(dtype).itemsize
    raw = np.zeros(size * itemsize + 4096, dtype=np.uint8)
    start = (lane % 8 * LANE_SPACING - raw.ctypes.data) % 4096
    return raw[start : start + size * itemsize].view(dtype)


def keep(previous: np.ndarray | None, theta: np.ndarray) -> None:
    """previous ← θ, when asked for."""
    if previous is not None:
        np.copyto(previous, theta)


def check_non_negative(name: str, value: float) -> float:
    """``value`` if it is a finite real number ≥ 0, else a clear error naming ``name``."""
    return check_real(value, name, minimum=0)


@implements("gradient_empirical_risk",
            test="tests/test_optim.py::test_flat_gradient_is_the_gradient_of_the_empirical_risk")
class Optimizer:
    """Base class: flat buffers, gradient clipping, weight decay and the schedule.

    Parameters
    ----------
    params : iterable of Parameter
        Frozen parameters (``requires_grad=False``) are skipped.
    lr : float or callable
        η, or a schedule ``t -> η`` (:mod:`nnlearn.optim.schedules`).
    weight_decay : float, default 0
        λ of the course's rule W ← W − η(∂C_data/∂W + 2λW), applied to every parameter.
    clip_value : float, optional
        Clip each gradient value to [−c, c] before the update.
    clip_norm : float, optional
        Rescale the whole gradient to global norm at most c before the update.

    Attributes
    ----------
    theta, grad : ndarray of shape (n_values,)
        The flat parameters θ and gradient ∇R(θ) = (∂R/∂θ_1, ..., ∂R/∂θ_L) (the parameters'
        ``.data`` and ``.grad`` are views into them).
    steps : int
        Updates done so far.
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float | Schedule,
        *,
        weight_decay: float = 0.0,
        clip_value: float | None = None,
        clip_norm: float | None = None,
    ) -> None:
        self.schedule = as_schedule(lr)
        check_non_negative("weight_decay", weight_decay)
        for name, value in (("clip_value", clip_value), ("clip_norm", clip_norm)):
            if value is not None:
                check_real(value, name, minimum=0, open_minimum=True)
        self.weight_decay, self.clip_value, self.clip_norm = weight_decay, clip_value, clip_norm
        self.params = list({id(p): p for p in params if p.requires_grad}.values())
        if not self.params:
            raise ValueError("params: expected at least one parameter that requires grad")
        dtypes = {p.dtype for p in self.params}
        if len(dtypes) > 1:
            raise ValueError(f"params: all parameters must share one dtype, got {dtypes}")
        self._lanes = itertools.count()
        self.theta, self._grad = self._flatten(dtypes.pop())
        self.steps = 0

    def state_array(self) -> np.ndarray:
        """A new zero vector like θ, for per-value state (Adam's m and v, a velocity)."""
        return flat_zeros(self.theta.size, self.theta.dtype, next(self._lanes))

    def _flatten(self, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
        sizes = [p.size for p in self.params]
        theta, grad = (flat_zeros(sum(sizes), dtype, next(self._lanes)) for _ in range(2))
        self._views: list[tuple[np.ndarray, np.ndarray]] = []
        start = 0
        for p, size in zip(self.params, sizes, strict=True):
            data = theta[start : start + size].reshape(p.shape)
            data[...] = p.data
            g = grad[start : start + size].reshape(p.shape)
            if p.grad is not None:
                g[...] = p.grad
            p.data, p.grad, p.grad_buffer = data, g, g
            self._views.append((data, g))
            start += size
        return theta, grad

    @property
    def lr(self) -> float:
        """The learning rate of the next step."""
        return self.schedule(self.steps + 1)

    @property
    def grad(self) -> np.ndarray:
        """The flat gradient g; a parameter that backward has not reached since
        :meth:`zero_grad` counts 0, and a gradient assigned by hand is copied in."""
        for p, g in self._gradient_views():
            if p.grad is not g:
                if p.grad is None:
                    g.fill(0)
                else:
                    g[...] = p.grad
                p.grad = g
        return self._grad

    def zero_grad(self) -> None:
        """Forget the gradients: the next backward writes each one into the flat buffer."""
        for p, g in self._gradient_views():
            p.grad, p.grad_buffer = None, g

    def _gradient_views(self) -> Iterator[tuple[Parameter, np.ndarray]]:
        """Each parameter with its view of g, once its values are checked to be θ's."""
        for p, (data, g) in zip(self.params, self._views, strict=True):
            if p.data is not data:
                raise RuntimeError(
                    "a parameter's array was replaced after the optimizer was made "
                    "(e.g. by Module.astype); make the optimizer after converting the model"
                )
            yield p, g

    def prepare_gradient(self) -> None:
        """Clip the gradient (by value, then by norm), then add the weight-decay term."""
        if self.clip_value is not None:
            updates.clip_by_value(self.grad, self.clip_value)
        if self.clip_norm is not None:
            updates.clip_by_norm(self.grad, self.clip_norm)
        if self.weight_decay:
            updates.weight_decay(self.grad, self.theta, self.weight_decay)

    def step(self, previous: np.ndarray | None = None) -> None:
        """One update from the current gradients (which it may modify in place).

        Parameters
        ----------
        previous : ndarray like θ, optional
            Receives θ as it was before the update (``nl.fit`` keeps it, to restore the
            last weights with a finite loss); Adam copies it within its pass.
        """
        self.steps += 1
        self.prepare_gradient()
        self.update(self.schedule(self.steps), previous)

    def update(self, lr: float, previous: np.ndarray | None = None) -> None:
        """θ ← the rule's next θ, at learning rate ``lr``; θ is first copied to ``previous``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr}, n_values={self.theta.size})"
