"""The optimizer base class: one flat buffer for the parameters, one for their gradients.

On construction the optimizer copies its trainable parameters into one contiguous array
θ and makes every ``Parameter.data`` a view into it; likewise every ``Parameter.grad``
becomes a view into one flat gradient array g. ``loss.backward()`` then accumulates
straight into g, and an update is a few in-place NumPy calls over θ and g, whatever the
number of layers. Convert the model's dtype (``Module.astype``) *before* making the
optimizer.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from nnlearn.equations import implements
from nnlearn.layers.module import Parameter
from nnlearn.optim import updates
from nnlearn.optim.schedules import Schedule, as_schedule


def check_non_negative(name: str, value: float | None) -> None:
    """A clear error unless ``value`` is None or ≥ 0."""
    if value is not None and not value >= 0:
        raise ValueError(f"{name} must be ≥ 0, got {value!r}")


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
            if value is not None and not value > 0:
                raise ValueError(f"{name} must be > 0 (or None), got {value!r}")
        self.weight_decay, self.clip_value, self.clip_norm = weight_decay, clip_value, clip_norm
        self.params = list({id(p): p for p in params if p.requires_grad}.values())
        if not self.params:
            raise ValueError("params: expected at least one parameter that requires grad")
        dtypes = {p.dtype for p in self.params}
        if len(dtypes) > 1:
            raise ValueError(f"params: all parameters must share one dtype, got {dtypes}")
        self.theta, self.grad = self._flatten(dtypes.pop())
        self.steps = 0

    def _flatten(self, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
        sizes = [p.size for p in self.params]
        theta = np.empty(sum(sizes), dtype=dtype)
        grad = np.zeros(sum(sizes), dtype=dtype)
        self._views: list[tuple[np.ndarray, np.ndarray]] = []
        start = 0
        for p, size in zip(self.params, sizes, strict=True):
            data = theta[start : start + size].reshape(p.shape)
            data[...] = p.data
            g = grad[start : start + size].reshape(p.shape)
            if p.grad is not None:
                g[...] = p.grad
            p.data, p.grad = data, g
            self._views.append((data, g))
            start += size
        return theta, grad

    @property
    def lr(self) -> float:
        """The learning rate of the next step."""
        return self.schedule(self.steps + 1)

    def zero_grad(self) -> None:
        """Set every gradient to 0 (in the flat buffer, so backward accumulates into it)."""
        self.grad.fill(0)
        for p, (data, g) in zip(self.params, self._views, strict=True):
            if p.data is not data:
                raise RuntimeError(
                    "a parameter's array was replaced after the optimizer was made "
                    "(e.g. by Module.astype); make the optimizer after converting the model"
                )
            p.grad = g

    def prepare_gradient(self) -> None:
        """Clip the gradient (by value, then by norm), then add the weight-decay term."""
        if self.clip_value is not None:
            updates.clip_by_value(self.grad, self.clip_value)
        if self.clip_norm is not None:
            updates.clip_by_norm(self.grad, self.clip_norm)
        if self.weight_decay:
            updates.weight_decay(self.grad, self.theta, self.weight_decay)

    def step(self) -> None:
        """One update from the current gradients (which it may modify in place)."""
        self.steps += 1
        self.prepare_gradient()
        self.update(self.schedule(self.steps))

    def update(self, lr: float) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr}, n_values={self.theta.size})"
