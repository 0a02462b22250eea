"""Registries: the one place where a name such as ``"tanh"`` becomes an object.

The CLI, the estimators, the training loop and save/load all resolve names through
a :class:`Registry`, so a new activation, loss, initializer or optimizer is usable
everywhere once it is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """A named collection of objects of one kind.

    Parameters
    ----------
    kind : str
        What the entries are ("activation", "loss", ...), used in error messages.

    Examples
    --------
    >>> colours = Registry("colour")
    >>> @colours.register("red", "rouge")
    ... def red():
    ...     return "#f00"
    >>> colours.get("rouge")()
    '#f00'
    >>> sorted(colours)
    ['red']
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}
        self._aliases: dict[str, str] = {}

    def register(self, name: str, *aliases: str, replace: bool = False) -> Callable[[T], T]:
        """Decorator registering an object under ``name`` and optional aliases.

        ``replace=True`` lets the object take the place of the one registered under ``name``
        (a class defined again, when a notebook cell runs twice); otherwise a name or alias
        given twice is an error.
        """

        def decorate(obj: T) -> T:
            for key in (name, *aliases):
                if replace and key == name and key in self._entries:
                    continue
                if key in self._entries or key in self._aliases:
                    raise ValueError(f"{self.kind} {key!r} is registered twice")
            self._entries[name] = obj
            self._aliases.update(dict.fromkeys(aliases, name))
            return obj

        return decorate

    def canonical(self, name: str) -> str:
        """The registered name behind ``name`` (itself or the name it is an alias of)."""
        key = self._aliases.get(name, name)
        if key not in self._entries:
            raise ValueError(
                f"unknown {self.kind} {name!r}; expected one of {', '.join(sorted(self))}"
            )
        return key

    def get(self, name: str) -> T:
        """The entry called ``name`` (or one of its aliases).

        Raises
        ------
        ValueError
            If ``name`` is not registered; the message lists the valid names.
        """
        if not isinstance(name, str):
            raise TypeError(f"{self.kind} name must be a str, got {type(name).__name__}")
        return self._entries[self.canonical(name)]

    def __contains__(self, name: object) -> bool:
        return name in self._entries or name in self._aliases

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def aliases(self) -> dict[str, str]:
        """Alias -> registered name."""
        return dict(self._aliases)
