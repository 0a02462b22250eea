"""The state of each browser tab: its view, its uploads, its lock; and the store of them all.

A :class:`Session` belongs to one tab (one WebSocket). Its methods are called in worker
threads, never on the server's event loop, and each takes the session's lock, so that a
training epoch, an action and an upload of the same tab follow one another while other
tabs train at the same time. The :class:`SessionStore` makes the sessions, finds them by
their random id (what an upload or a download names), frees those of closed tabs, and
tells which have been idle too long.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Sequence
from typing import Any

from nnlearn.playground import datasets
from nnlearn.playground.protocol import Fields, ProtocolError
from nnlearn.playground.settings import by_name, parse_query
from nnlearn.playground.views import VIEWS, View

#: the longest link a page may open (its query), in characters
MAX_QUERY = 8192


class Session:
    """One tab's state.

    Attributes
    ----------
    id : str
        128 random bits, known only to the tab: uploads and downloads name it.
    view : View or None
        The view the tab shows.
    generation : int
        Counts the views made; a frame of an older view is never sent.
    files : dict
        The tab's uploads, by view name.
    """

    def __init__(self) -> None:
        self.id = secrets.token_urlsafe(16)
        self.lock = threading.Lock()
        self.view: View | None = None
        self.generation = 0
        self.files: dict[str, Any] = {}
        self.last_seen = time.monotonic()

    def touch(self) -> None:
        self.last_seen = time.monotonic()

    def _use(self, view: View) -> None:
        self.view = view
        self.generation += 1

    def _setup(self, problems: Sequence[str] = ()) -> dict[str, Any]:
        """The current view's setup message, with the generation its frames will carry."""
        return {**self._current().setup_message(problems), "generation": self.generation}

    def _current(self) -> View:
        if self.view is None:
            raise ProtocolError('no view is open yet: send {"type": "open", "view": ...} first')
        return self.view

    def open(self, name: Any, query: Any) -> dict[str, Any]:
        """Show the view ``name`` with the setup of a link's ``query``; the setup message."""
        if not isinstance(name, str) or name not in VIEWS:
            raise ProtocolError(f"view must be one of {', '.join(VIEWS)}, got {name!r}")
        if not isinstance(query, str) or len(query) > MAX_QUERY:
            raise ProtocolError(f"query must be the text of a link of at most {MAX_QUERY} "
                                "characters")
        cls = VIEWS.get(name)
        setup, problems = parse_query(cls.settings, query)
        with self.lock:
            try:
                view = cls(setup, self.files)
            except ProtocolError as error:  # the setup as a whole is refused: the defaults
                problems.append(f"{error}; the view starts from its defaults")
                view = cls({s.name: s.default for s in cls.settings}, self.files)
            self._use(view)
            return self._setup(problems)

    def change(self, name: Any, value: Any) -> dict[str, Any]:
        """Change one setting of the current view; the new setup message."""
        with self.lock:
            view = self._current()
            settings = by_name(view.settings)
            if name not in settings:
                raise ProtocolError(f"the {view.name} view has no setting {name!r}; its "
                                    f"settings are {', '.join(settings)}")
            changed = view.change(name, settings[name].check(value))
            if changed is not None and changed is not view:
                self._use(changed)
            return self._setup()

    def reset(self) -> dict[str, Any]:
        """Start the current view afresh from its setup."""
        with self.lock:
            view = self._current()
            self._use(type(view)(view.setup, self.files))
            return self._setup()

    def frame(self) -> dict[str, Any]:
        """The current view's frame, as a message."""
        with self.lock:
            return self._frame()

    def _frame(self) -> dict[str, Any]:
        view = self._current()
        return {"type": "frame", "view": view.name, "generation": self.generation,
                **view.frame()}

    def advance(self) -> tuple[dict[str, Any], bool]:
        """One update of the current view: its frame, and whether more may follow."""
        with self.lock:
            more = self._current().advance()
            return self._frame(), more

    def act(self, message: dict[str, Any]) -> dict[str, Any]:
        """A view's action: its answer, the new setup when it made a new view, or the
        new frame when it has no answer."""
        with self.lock:
            view = self._current()
            answer = view.act(message.get("name"), Fields(message, str(message.get("name"))))
            if answer is None:
                return self._frame()
            if isinstance(answer, View):  # the action made a new view (a new setup)
                self._use(answer)
                return self._setup()
            if answer["type"] == "setup":  # the setup changed with the view kept (a link)
                return {**answer, "generation": self.generation}
            return answer

    def upload(self, content: bytes, filename: str) -> dict[str, Any]:
        """Take an uploaded CSV file as the MLP view's data; the new setup message."""
        try:
            upload = datasets.read_upload(content, filename)
        except ValueError as error:
            raise ProtocolError(str(error)) from None
        with self.lock:
            view = self._current()
            if view.name != "mlp":
                raise ProtocolError("uploads are for the MLP view; open it first", status=409)
            self.files["mlp"] = upload
            self._use(type(view)({**view.setup, "data": "upload"}, self.files))
            return self._setup()

    def export(self, what: str) -> bytes:
        """The MLP view's network as a model file ("model.nnl") or a script ("train.py")."""
        from nnlearn.playground import export

        with self.lock:
            view = self._current()
            if view.name != "mlp":
                raise ProtocolError("export is for the MLP view; open it first", status=409)
            if what == "model.nnl":
                return export.model_file(view)
            return export.script(view).encode("utf-8")


class SessionStore:
    """The sessions of the open tabs.

    Parameters
    ----------
    max_sessions : int
        More tabs than this are refused (each holds models and data in memory).
    idle_seconds : float
        A session with no message for this long is idle (:meth:`idle`).
    """

    def __init__(self, max_sessions: int, idle_seconds: float) -> None:
        self.max_sessions, self.idle_seconds = max_sessions, idle_seconds
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def create(self) -> Session:
        with self._lock:
            if len(self._sessions) >= self.max_sessions:
                raise ProtocolError(f"{self.max_sessions} tabs are open already; close one",
                                    status=503)
            session = Session()
            self._sessions[session.id] = session
            return session

    def get(self, session_id: str) -> Session:
        session = self._sessions.get(session_id)
        if session is None:
            raise ProtocolError("no such session: it was closed, or the tab was reloaded",
                                status=404)
        return session

    def remove(self, session: Session) -> None:
        with self._lock:
            self._sessions.pop(session.id, None)

    def idle(self) -> list[Session]:
        """The sessions whose tab has sent nothing for ``idle_seconds``."""
        now = time.monotonic()
        return [s for s in list(self._sessions.values())
                if now - s.last_seen > self.idle_seconds]
