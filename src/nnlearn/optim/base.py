"""The optimizer base class: one flat buffer for the parameters, one for their gradients.

On construction the optimizer copies its trainable parameters into one contiguous array
θ and makes every ``Parameter.data`` a view into it; every parameter's gradient likewise
goes to its view of one flat gradient array g (its ``grad_buffer``). After
``zero_grad()``, ``loss.backward()`` writes each gradient straight into g (a weight's
xᵀδ is computed there, with no zero-filling and no addition), and an update is one or a
few passes over θ and g, whatever the number of layers. Parameter groups
(:mod:`nnlearn.optim.groups`) are consecutive slices of θ: groups that share the rule's
values are updated in one pass. Convert the model's dtype (``Module.astype``) *before*
making the optimizer.

An optimizer pickles and copies (``pickle``, ``copy.deepcopy``, ``joblib``) together with
its parameters: the copy's parameters are views of the copy's θ again, so it goes on
training exactly as the original would.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

import numpy as np

from nnlearn.checks import check_real
from nnlearn.equations import implements
from nnlearn.layers.module import Parameter
from nnlearn.optim import updates
from nnlearn.optim.groups import Check, ParamGroup, as_group_dicts, check_members
from nnlearn.optim.schedules import check_lr, learning_rate

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


def non_negative(value: Any, name: str) -> float:
    """``value`` if it is a finite real number ≥ 0, else a clear error naming ``name``."""
    return check_real(value, name, minimum=0)


def unit_interval(value: Any, name: str) -> float:
    """``value`` if it is a real number in [0, 1), else a clear error naming ``name``."""
    if not 0 <= check_real(value, name) < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return float(value)


@implements("gradient_empirical_risk",
            test="tests/test_optim.py::test_flat_gradient_is_the_gradient_of_the_empirical_risk")
class Optimizer:
    """Base class: flat buffers, parameter groups, clipping, weight decay, the schedule.

    Parameters
    ----------
    params : iterable of Parameter, or of dict
        The parameters, or param groups: dicts with ``"params"`` and any hyperparameters of
        the rule (``lr``, ``weight_decay``, ...), which override ``defaults`` for that group.
        Frozen parameters (``requires_grad=False``) are skipped.
    defaults : mapping
        Every hyperparameter of the rule with its value for groups that do not set it:
        ``lr`` (η, or a schedule ``t -> η`` from :mod:`nnlearn.optim.schedules`) and
        ``weight_decay`` (λ of the course's rule W ← W − η(∂C_data/∂W + 2λW), PyTorch's
        ``weight_decay=2λ``) always, and the rule's own.
    clip_value : float, optional
        Clip each gradient value to [−c, c] before the update.
    clip_norm : float, optional
        Rescale the whole gradient (all groups together) to global norm at most c before the
        update.

    Attributes
    ----------
    param_groups : list of ParamGroup
        The groups, each with every hyperparameter; setting a value (``group["lr"] = 0.01``)
        takes effect at the next step.
    defaults : ParamGroup
    theta, grad : ndarray of shape (n_values,)
        The flat parameters θ and gradient ∇R(θ) = (∂R/∂θ_1, ..., ∂R/∂θ_L) (the parameters'
        ``.data`` and ``.grad`` are views into them), group after group.
    steps : int
        Updates done so far.
    """

    #: the hyperparameters of a group and their checks (a rule adds its own)
    hyperparameters: ClassVar[dict[str, Check]] = {"lr": check_lr, "weight_decay": non_negative}
    #: the names of the rule's flat state arrays (Adam's "m" and "v"), kept aligned when copied
    state_names: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        params: Iterable[Parameter] | Iterable[Mapping[str, Any]],
        defaults: Mapping[str, Any],
        *,
        clip_value: float | None = None,
        clip_norm: float | None = None,
    ) -> None:
        for name, value in (("clip_value", clip_value), ("clip_norm", clip_norm)):
            if value is not None:
                check_real(value, name, minimum=0, open_minimum=True)
        self.clip_value, self.clip_norm = clip_value, clip_norm
        self.defaults = ParamGroup(defaults, type(self))
        groups = as_group_dicts(params)
        check_members(groups)
        self.param_groups = [
            ParamGroup({**self.defaults, **group,
                        "params": [p for p in group["params"] if p.requires_grad]},
                       type(self), f"param group {i}" if len(groups) > 1 else "")
            for i, group in enumerate(groups)
        ]
        self.params = [p for group in self.param_groups for p in group["params"]]
        if not self.params:
            raise ValueError("params: expected at least one parameter that requires grad")
        dtypes = {p.dtype for p in self.params}
        if len(dtypes) > 1:
            raise ValueError(f"params: all parameters must share one dtype, got {dtypes}")
        self._lanes = 0
        self.theta = self._flat_zeros(dtypes.pop())
        self._grad = self._flat_zeros(None)
        self._link(copy_values=True)
        self.steps = 0

    @classmethod
    def check_group(cls, group: ParamGroup) -> None:
        """Checks of a group's values together (a rule overrides it where it has some)."""

    # ----- the flat buffers ------------------------------------------------------------
    def _flat_zeros(self, dtype: np.dtype | None) -> np.ndarray:
        self._lanes += 1
        dtype = self.theta.dtype if dtype is None else dtype
        size = sum(p.size for p in self.params)
        return flat_zeros(size, dtype, self._lanes - 1)

    def state_array(self) -> np.ndarray:
        """A new zero vector like θ, for per-value state (Adam's m and v, a velocity)."""
        return self._flat_zeros(None)

    def _link(self, copy_values: bool) -> None:
        """Make every parameter's values and gradient views of θ and g (with
        ``copy_values``, θ takes the parameters' values first; else they take θ's)."""
        self._views: list[tuple[np.ndarray, np.ndarray]] = []
        self._parts: list[slice] = []
        start = 0
        for group in self.param_groups:
            group_start = start
            for p in group["params"]:
                data = self.theta[start : start + p.size].reshape(p.shape)
                g = self._grad[start : start + p.size].reshape(p.shape)
                if copy_values:
                    data[...] = p.data
                if p.grad is not None:
                    g[...] = p.grad
                p.data, p.grad, p.grad_buffer = data, g, g
                self._views.append((data, g))
                start += p.size
            self._parts.append(slice(group_start, start))

    def __getstate__(self) -> dict[str, Any]:
        state = dict(vars(self))
        del state["_views"]  # views pickle as copies; __setstate__ makes them again
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled (or deep-copied) optimizer: fresh aligned flat buffers holding
        the pickled values, with the parameters made views of them again."""
        vars(self).update(state)
        self._lanes = 0
        theta = self.theta
        self.theta = self._flat_zeros(theta.dtype)
        self.theta[...] = theta
        grad, self._grad = self._grad, self._flat_zeros(None)
        self._grad[...] = grad
        for name in self.state_names:
            old = getattr(self, name)
            if old is not None:
                setattr(self, name, self.state_array())
                getattr(self, name)[...] = old
        self._link(copy_values=False)

    # ----- learning rates, gradients ---------------------------------------------------
    @property
    def lr(self) -> float:
        """The learning rate of the next step (of the first param group)."""
        return learning_rate(self.param_groups[0]["lr"], self.steps + 1)

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

    def groups(self) -> Iterator[tuple[slice, ParamGroup]]:
        """Each param group with its slice of θ (and of g and the state arrays)."""
        return zip(self._parts, self.param_groups, strict=True)

    def prepare_gradient(self) -> None:
        """Clip the gradient (by value, then by norm), then add each group's weight-decay
        term."""
        g = self.grad
        if self.clip_value is not None:
            updates.clip_by_value(g, self.clip_value)
        if self.clip_norm is not None:
            updates.clip_by_norm(g, self.clip_norm)
        for part, group in self.groups():
            if group["weight_decay"]:
                updates.weight_decay(g[part], self.theta[part], group["weight_decay"])

    def penalty(self) -> float:
        """The weight-decay term Σ_groups λ ‖θ_group‖² at the current θ."""
        return sum(group["weight_decay"] * float(np.dot(self.theta[part], self.theta[part]))
                   for part, group in self.groups() if group["weight_decay"])

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
        for part, group, lr in self._runs():
            self.update(part, group, lr, None if previous is None else previous[part])

    def _runs(self) -> Iterator[tuple[slice, ParamGroup, float]]:
        """Consecutive groups with the same rule values and rate, joined into one slice."""
        if len(self.param_groups) == 1:
            yield self._parts[0], self.param_groups[0], learning_rate(
                self.param_groups[0]["lr"], self.steps)
            return
        rule = [key for key in self.hyperparameters if key not in ("lr", "weight_decay")]
        run: tuple[slice, ParamGroup, float] | None = None
        key: list[Any] = []
        for part, group in self.groups():
            lr = learning_rate(group["lr"], self.steps)
            values = [lr, *(group[name] for name in rule)]
            if run is not None and values == key:
                run = (slice(run[0].start, part.stop), run[1], lr)
                continue
            if run is not None:
                yield run
            run, key = (part, group, lr), values
        if run is not None:
            yield run

    def update(self, part: slice, group: ParamGroup, lr: float,
               previous: np.ndarray | None) -> None:
        """θ[part] ← the rule's next values at learning rate ``lr`` with ``group``'s
        hyperparameters; θ[part] is first copied to ``previous`` (unless it is None)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        groups = f", {len(self.param_groups)} groups" if len(self.param_groups) > 1 else ""
        return f"{type(self).__name__}(lr={self.lr}, n_values={self.theta.size}{groups})"

