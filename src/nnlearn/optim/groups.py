"""Parameter groups: PyTorch's idiom of a list of dicts, each with its own hyperparameters.

>>> import nnlearn as nl
>>> net = nl.Sequential(nl.Dense(2, 3, activation="tanh"), nl.Dense(3, 1))
>>> opt = nl.optim.SGD([
...     {"params": [layer.weight for layer in net.layers], "weight_decay": 1e-3},
...     {"params": [layer.bias for layer in net.layers]},   # the biases are not decayed
... ], lr=0.1)
>>> [group["weight_decay"] for group in opt.param_groups]
[0.001, 0.0]

A group names its parameters (``"params"``) and any of the rule's hyperparameters (``lr``,
``weight_decay``, ``momentum``, ``betas``, ...); what it leaves out comes from the
optimizer's arguments (``opt.defaults``). :func:`decay_groups` makes the two groups above
for any network. The optimizer lays the groups out one after the other in its flat buffer
θ, so that each group is one contiguous slice of θ, of the gradient and of every state
array.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from nnlearn.layers.module import Module, Parameter

#: a hyperparameter's check: ``check(value, name)`` returns the value to keep or raises
Check = Callable[[Any, str], Any]


class ParamGroup(dict):
    """One group: its parameters under ``"params"`` and its hyperparameters.

    Every value is checked when it is set, at construction and later (``group["lr"] =
    0.01``, as a PyTorch scheduler does it), so a typo or a bad value is a clear error,
    never a silently ignored key.

    Parameters
    ----------
    values : mapping
        ``"params"`` and hyperparameters.
    rules : optimizer class
        Its ``hyperparameters`` (name → check) are the keys a group may have (``"name"``,
        a label of the user's, is always allowed); its ``check_group(group)`` checks the
        values together (Nesterov's momentum needs momentum > 0, ...).
    where : str, default ""
        Names the group in error messages ("param group 1").
    """

    def __init__(self, values: Mapping[str, Any], rules: Any, where: str = "") -> None:
        super().__init__()
        self._rules, self._where = rules, where
        for key, value in values.items():
            dict.__setitem__(self, key, self._checked(key, value))
        rules.check_group(self)

    def _checked(self, key: str, value: Any) -> Any:
        if key in ("params", "name"):
            return value
        checks: Mapping[str, Check] = self._rules.hyperparameters
        if key not in checks:
            raise ValueError(f"{self._where or 'param group'}: unknown hyperparameter {key!r}; "
                             f"expected one of {sorted(checks)}")
        return checks[key](value, f"{key} of {self._where}" if self._where else key)

    def __setitem__(self, key: str, value: Any) -> None:
        previous = self.get(key)
        dict.__setitem__(self, key, self._checked(key, value))
        try:
            self._rules.check_group(self)
        except ValueError:
            dict.__setitem__(self, key, previous)
            raise

    def update(self, *args: Any, **values: Any) -> None:  # type: ignore[override]
        for key, value in dict(*args, **values).items():
            self[key] = value

    def setdefault(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        if key not in self:
            self[key] = default
        return self[key]

    def __reduce__(self) -> tuple[Any, ...]:
        return (ParamGroup, (dict(self), self._rules, self._where))


def as_group_dicts(params: Iterable[Parameter] | Iterable[Mapping[str, Any]]
                   ) -> list[dict[str, Any]]:
    """``params`` as a list of group dicts: parameters alone make one group; a parameter
    listed twice in one group counts once.

    Raises
    ------
    TypeError
        If an entry is neither a Parameter nor a dict with ``"params"``.
    """
    entries = list(params)
    if entries and all(isinstance(entry, Mapping) for entry in entries):
        groups = []
        for i, entry in enumerate(entries):
            if "params" not in entry:
                raise TypeError(f"params: param group {i} has no 'params' entry")
            members = entry["params"]
            members = [members] if isinstance(members, Parameter) else list(members)
            groups.append({**entry, "params": _once(members)})
        return groups
    return [{"params": _once(entries)}]


def _once(members: list[Any]) -> list[Any]:
    """Each member once (a shared parameter is optimized once), in order."""
    return list({id(p): p for p in members}.values())


def check_members(groups: list[dict[str, Any]]) -> None:
    """A clear error unless every member of every group is a Parameter, each in one group."""
    seen: dict[int, int] = {}
    for i, group in enumerate(groups):
        for p in group["params"]:
            if not isinstance(p, Parameter):
                raise TypeError(f"params: expected Parameters (or param group dicts), got a "
                                f"{type(p).__name__} in param group {i}")
            if seen.setdefault(id(p), i) != i:
                raise ValueError(f"params: a parameter is in param groups {seen[id(p)]} and {i}; "
                                 "each parameter may be in one group only")


def is_bias(name: str, parameter: Parameter) -> bool:
    """Whether a parameter is a bias or a scale: a vector (biases, BatchNorm's γ and β,
    PReLU's slopes) or any parameter whose name ends in ``bias``."""
    return parameter.ndim <= 1 or name.rsplit(".", 1)[-1] == "bias"


def decay_groups(module: Module, weight_decay: float) -> list[dict[str, Any]]:
    """Two param groups: the weight matrices with ``weight_decay``, the biases without.

    The course's penalty R(W) = Σ_l ‖W⁽ˡ⁾‖²_F sums over the weight matrices only, as
    scikit-learn's α does; biases (see :func:`is_bias`) shift a unit's threshold and are
    left free.

    Parameters
    ----------
    module : Module
    weight_decay : float
        λ of the weights' group (the optimizer checks it).

    Returns
    -------
    list of dict
        ``[{"params": weights, "weight_decay": λ}, {"params": biases, "weight_decay": 0}]``;
        a group with no parameters is left out.

    Examples
    --------
    >>> import nnlearn as nl
    >>> net = nl.Sequential(nl.Dense(2, 3), nl.Dense(3, 1))
    >>> [[p.shape for p in g["params"]] for g in decay_groups(net, 1e-4)]
    [[(2, 3), (3, 1)], [(3,), (1,)]]
    """
    named = {id(p): (name, p) for name, p in module.named_parameters()}.values()
    weights = [p for name, p in named if not is_bias(name, p)]
    biases = [p for name, p in named if is_bias(name, p)]
    groups = [{"params": weights, "weight_decay": weight_decay},
              {"params": biases, "weight_decay": 0.0}]
    return [group for group in groups if group["params"]]
