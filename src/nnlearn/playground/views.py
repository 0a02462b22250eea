"""What every view of the playground is: settings, a frame to draw, updates and actions.

A view is the server's side of one page of the playground: it holds the nnlearn model
and its data, and answers in JSON-ready dicts. The server calls it from a worker thread
while holding its session's lock, so a view needs no locking of its own.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from nnlearn.equations import CATALOGUE, to_mathml
from nnlearn.playground.protocol import Fields, ProtocolError
from nnlearn.playground.settings import Setting, by_name, format_query
from nnlearn.registry import Registry

#: an action's name: the ``action_<name>`` method that answers it
_ACTION = re.compile(r"[a-z][a-z_]{0,31}")


class View(ABC):
    """The server's side of a view.

    Subclasses set :attr:`name`, :attr:`title`, :attr:`settings` and
    :attr:`equations`, build their model in ``__init__`` from the checked setup, and
    implement :meth:`scene` and :meth:`frame`; a view that plays implements
    :meth:`advance`; a request ``{"type": "action", "name": "x", ...}`` calls
    ``action_x(fields)``.

    Parameters
    ----------
    setup : dict
        Checked by :func:`~nnlearn.playground.settings.read_setup` (every setting present).
    files : dict, optional
        What was uploaded in this tab, by view name (the MLP view's data set).
    """

    name: ClassVar[str]
    title: ClassVar[str]
    settings: ClassVar[tuple[Setting, ...]]
    #: keys of the equation catalogue that the view's side panel shows
    equations: ClassVar[tuple[str, ...]] = ()

    def __init__(self, setup: dict[str, Any], files: Mapping[str, Any] | None = None) -> None:
        self.setup, self.files = setup, dict(files or {})

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """The view's name, title and settings, for the page's menu and controls."""
        return {"name": cls.name, "title": cls.title,
                "settings": [setting.describe() for setting in cls.settings]}

    @property
    def query(self) -> str:
        """The canonical link of the current setup."""
        return format_query(self.name, self.settings, self.setup)

    def setup_message(self, problems: Sequence[str] = ()) -> dict[str, Any]:
        """Everything the page needs to (re)draw the view: setup, link, scene, equations."""
        return {"type": "setup", "view": self.name, "setup": self.setup, "query": self.query,
                "problems": list(problems), "scene": self.scene(),
                "equations": [{"name": CATALOGUE[key].name,
                               "mathml": to_mathml(CATALOGUE[key].latex)}
                              for key in self.equations]}

    @abstractmethod
    def scene(self) -> dict[str, Any]:
        """What the page draws once per setup (the data points, the grid's extent)."""

    @abstractmethod
    def frame(self) -> dict[str, Any]:
        """What the page draws now (weights, maps, curves), a ``frame`` message's body."""

    def advance(self) -> bool:
        """One update (a training epoch, a unit of a recall); whether more may follow.

        Returns False when there is nothing more to do (a recall has converged), which
        stops the play. The default view has no updates.
        """
        return False

    def change(self, name: str, value: Any) -> View | None:
        """Apply a checked change of one setting; return the view to use from now on.

        A live setting (a learning rate) changes this view in place (:meth:`retune`);
        any other starts a new view from the new setup. Returns None when the value is
        the current one.
        """
        if self.setup[name] == value:
            return None
        setup = {**self.setup, name: value}
        if by_name(self.settings)[name].live:
            self.setup = setup
            self.retune(name)
            return self
        return type(self)(setup, self.files)

    def retune(self, name: str) -> None:  # noqa: B027 (a view without live settings needs none)
        """Take up the new value of the live setting ``name`` (see :meth:`change`)."""

    def act(self, name: Any, fields: Fields) -> dict[str, Any] | View | None:
        """Answer the action ``name``: a message for the page, a new view to show (with a
        new setup), or None (the page gets a new frame)."""
        method = getattr(self, f"action_{name}", None) if isinstance(name, str) else None
        if method is None or not _ACTION.fullmatch(name):
            actions = sorted(a.removeprefix("action_") for a in dir(self)
                             if a.startswith("action_"))
            raise ProtocolError(f"the {self.name} view has no action {name!r}; its actions "
                                f"are {', '.join(actions) or 'none'}")
        return method(fields)


#: the views by name (each view's module registers it)
VIEWS: Registry[type[View]] = Registry("view")
#: the order of the page's menu
MENU = ("mlp", "neurons", "hopfield", "boltzmann", "markov")
