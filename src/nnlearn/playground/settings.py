"""A view's settings: one declaration gives the defaults, the checks, the link and the controls.

Each view declares its settings as a tuple of :class:`Setting`. From that one declaration

- :func:`read_setup` checks a setup sent by the page (a JSON object) and fills in defaults;
- :func:`parse_query` reads the setup from a link (``data=spiral&hidden=8,8&lr=0.03``),
  keeping the default, with a message, for each value that does not parse;
- :func:`format_query` writes the canonical link of a setup, every setting in order, so
  that opening it reproduces the whole setup;
- :meth:`Setting.describe` tells the page how to draw the control (a slider's range, a
  menu's choices), so that no range or default is written twice.

Every check goes through :mod:`nnlearn.checks` and fails with a :class:`ProtocolError`
naming the setting, what was expected and what came.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, quote

from nnlearn.checks import InvalidArgumentError, check_integer, check_real
from nnlearn.playground.protocol import ProtocolError

Kind = Literal["integer", "real", "choice", "choices", "sizes", "reals", "words"]
#: the longest list a setting may hold (a link stays a few kilobytes at most)
MAX_ITEMS = 256
#: a word of a "words" setting: letters, digits, "-" and "_"
_WORD = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class Setting:
    """One setting of a view.

    Parameters
    ----------
    name : str
        Its key in the setup and in the link.
    label : str
        What the page shows beside the control.
    kind : {"integer", "real", "choice", "choices", "sizes", "reals", "words"}
        A whole number, a real number, one of ``options``, a subset of ``options`` (in
        their order), a list of whole numbers each in [minimum, maximum] (the sizes of
        hidden layers), a list of real numbers, or a list of words (letters, digits, "-",
        "_": the bits of a pattern in hexadecimal).
    default : object
        The value when neither the page nor the link gives one.
    minimum, maximum : float, optional
        Bounds of a number or of every item of a list.
    step : float, optional
        The slider's step on the page (numbers are checked against the bounds only).
    options : tuple of str
        The choices of "choice" and "choices".
    option_labels : tuple of str, optional
        What the page shows for each option (by default the options themselves).
    max_items : int, default 256
        The longest list.
    help : str
        One sentence the page shows as the control's tooltip.
    live : bool, default False
        Whether a change keeps what the model has learned (a learning rate), instead of
        starting the view afresh.
    """

    name: str
    label: str
    kind: Kind
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    options: tuple[str, ...] = ()
    option_labels: tuple[str, ...] = ()
    max_items: int = MAX_ITEMS
    help: str = ""
    live: bool = False

    def check(self, value: Any) -> Any:
        """``value`` (from JSON) in its canonical form, or a :class:`ProtocolError`."""
        try:
            return self._check(value)
        except InvalidArgumentError as error:
            raise ProtocolError(str(error)) from None

    def _check(self, value: Any) -> Any:
        bounds = {"minimum": self.minimum, "maximum": self.maximum}
        if self.kind == "integer":
            return check_integer(value, self.name, **bounds)
        if self.kind == "real":
            return check_real(value, self.name, **bounds)
        if self.kind == "choice":
            if value not in self.options:
                raise ProtocolError(f"{self.name} must be one of {', '.join(self.options)}, "
                                    f"got {value!r}")
            return value
        items = self._items(value)
        if self.kind == "choices":
            unknown = [item for item in items if item not in self.options]
            if unknown or len(set(items)) < len(items):
                raise ProtocolError(f"{self.name} must name each of {', '.join(self.options)} "
                                    f"at most once, got {items!r}")
            return [option for option in self.options if option in items]
        if self.kind == "sizes":
            return [check_integer(v, f"{self.name}[{i}]", **bounds) for i, v in enumerate(items)]
        if self.kind == "reals":
            return [check_real(v, f"{self.name}[{i}]", **bounds) for i, v in enumerate(items)]
        bad = [item for item in items if not (isinstance(item, str) and _WORD.fullmatch(item))]
        if bad:
            raise ProtocolError(f"{self.name} must hold words of letters, digits, '-' and '_', "
                                f"got {bad[0]!r}")
        return list(items)

    def _items(self, value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise ProtocolError(f"{self.name} must be a list, got {type(value).__name__}")
        if len(value) > self.max_items:
            raise ProtocolError(f"{self.name} must hold at most {self.max_items} items, got "
                                f"{len(value)}")
        return value

    def parse(self, text: str) -> Any:
        """The value written in a link (``"8,8"``, ``"0.03"``), checked."""
        if self.kind in ("integer", "real"):
            return self.check(_number(text, self.name, integer=self.kind == "integer"))
        if self.kind == "choice":
            return self.check(text)
        items = [item for item in text.split(",") if item] if text else []
        if self.kind == "sizes":
            items = [_number(item, self.name, integer=True) for item in items]
        elif self.kind == "reals":
            items = [_number(item, self.name, integer=False) for item in items]
        return self.check(items)

    def format(self, value: Any) -> str:
        """The value as a link writes it (the inverse of :meth:`parse`)."""
        if self.kind == "real":
            return _real(value)
        if self.kind in ("integer", "choice"):
            return str(value)
        if self.kind == "reals":
            return ",".join(_real(v) for v in value)
        return ",".join(str(v) for v in value)

    def describe(self) -> dict[str, Any]:
        """What the page needs to draw the control, as JSON."""
        described = {"name": self.name, "label": self.label, "kind": self.kind,
                     "default": self.default, "help": self.help, "live": self.live}
        for key in ("minimum", "maximum", "step"):
            if getattr(self, key) is not None:
                described[key] = getattr(self, key)
        if self.options:
            described["options"] = list(self.options)
            described["option_labels"] = list(self.option_labels or self.options)
        return described


def _number(text: str, name: str, integer: bool) -> float | int:
    """A number written in a link; a :class:`ProtocolError` naming ``name`` if it is none."""
    try:
        return int(text) if integer else float(text)
    except ValueError:
        kind = "an integer" if integer else "a number"
        raise ProtocolError(f"{name} must be {kind}, got {text!r}") from None


def _real(value: float) -> str:
    """The shortest text that reads back as the same float (``0.03``, not ``0.030000``)."""
    return repr(float(value)).removesuffix(".0")


def seed(help: str = "seeds every random draw of the view: the same seed, the same run"
         ) -> Setting:
    """The ``seed`` setting that every view has (an integer from 0 to 2³¹ − 1)."""
    return Setting("seed", "Seed", "integer", 0, minimum=0, maximum=2**31 - 1, help=help)


def by_name(settings: Iterable[Setting]) -> dict[str, Setting]:
    return {setting.name: setting for setting in settings}


def read_setup(settings: tuple[Setting, ...], values: Any) -> dict[str, Any]:
    """A whole setup from a JSON object: every given value checked, the others defaulted.

    Raises
    ------
    ProtocolError
        If ``values`` is not an object, names a setting the view does not have, or holds
        a value its setting refuses.
    """
    if not isinstance(values, Mapping):
        raise ProtocolError(f"setup must be an object, got {type(values).__name__}")
    known = by_name(settings)
    unknown = [key for key in values if key not in known]
    if unknown:
        raise ProtocolError(f"unknown setting {unknown[0]!r}; expected one of "
                            f"{', '.join(known)}")
    return {s.name: s.check(values[s.name]) if s.name in values else s.default
            for s in settings}


def parse_query(settings: tuple[Setting, ...], query: str) -> tuple[dict[str, Any], list[str]]:
    """The setup a link describes, and a message for each part of it that was not used.

    A link is shared and edited by hand, so a bad value does not refuse the whole link:
    that setting keeps its default and the message says why.
    """
    known = by_name(settings)
    setup = {s.name: s.default for s in settings}
    problems = []
    for key, text in parse_qsl(query, keep_blank_values=True):
        if key == "view":
            continue
        if key not in known:
            problems.append(f"the link's {key!r} is not a setting of this view; ignored")
            continue
        try:
            setup[key] = known[key].parse(text)
        except ProtocolError as error:
            problems.append(f"{error}; the default {known[key].format(known[key].default)!r} "
                            "is used instead")
    return setup, problems


def format_query(view: str, settings: tuple[Setting, ...], setup: Mapping[str, Any]) -> str:
    """The link's query for ``setup``: ``view=...`` then every setting, in order."""
    parts = [f"view={view}"]
    parts += [f"{s.name}={quote(s.format(setup[s.name]), safe=',')}" for s in settings]
    return "&".join(parts)
