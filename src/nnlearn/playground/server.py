"""The playground's web server: Starlette (ASGI) on uvicorn, one WebSocket per tab.

Why this stack: Starlette is a small, typed ASGI toolkit with WebSockets, routing and
responses and nothing else (no templating, no ORM); uvicorn is the reference ASGI
server. A WebSocket, rather than server-sent events, because the page talks as much as it
listens (play, pause, an edited weight, a clicked neuron) and a tab's session should live
exactly as long as its connection: when the socket closes, the session is freed.

- Each update runs in a worker thread (``anyio.to_thread``), never on the event loop, under
  its session's lock; nnlearn's engine state is per thread, so tabs train side by side.
- Frames are paced by the page: the next is sent only once the page acknowledges the last
  (``ack``), so a slow page is never flooded, and a hidden tab, which draws nothing, gets
  one update every :data:`ACK_TIMEOUT_SECONDS` until it is shown again.
- An upload travels over the socket as text (at most :data:`MAX_UPLOAD_BYTES`; the page
  checks the size before it sends, the server again), so that a bad file is answered with
  a message in the page; a download is plain HTTP and names the session's random id,
  never a path. A malformed HTTP request gets a 4xx answer with a message, a malformed
  message on the socket an ``error`` message.
- On loopback only requests for a loopback host name are served, and a WebSocket from a
  page of another origin is refused: another web site open in the same browser can
  neither reach nor drive the playground.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from nnlearn.equations.mathml import MATH_FONT, STYLESHEET
from nnlearn.playground.protocol import MAX_UPLOAD_BYTES, ProtocolError, parse_message
from nnlearn.playground.sessions import Session, SessionStore
from nnlearn.playground.views import MENU, VIEWS

log = logging.getLogger("nnlearn.playground")

#: the most updates per second a playing tab gets (each one an epoch and a frame)
MAX_UPDATES_PER_SECOND = 30
#: how long a playing tab waits for the page to acknowledge a frame before it goes on
ACK_TIMEOUT_SECONDS = 5.0
#: loopback host names that a server bound to loopback answers
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
#: the files the page loads: URL path under /static/ → (package folder, file name, type)
_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html",
          ".otf": "font/otf", ".txt": "text/plain", ".svg": "image/svg+xml"}


def _static_files() -> dict[str, tuple[bytes, str]]:
    """Every file the page may load, read once from the package: the front end, and the
    math font with its stylesheet (from :mod:`nnlearn.equations`)."""
    files = {}
    front = resources.files("nnlearn.playground").joinpath("static")
    for entry in _walk(front):
        name = entry.name if entry.parent == front else f"{entry.parent.name}/{entry.name}"
        files[name] = entry
    typeset = resources.files("nnlearn.equations").joinpath("typeset")
    for name in (STYLESHEET, MATH_FONT):
        files[f"typeset/{name}"] = typeset.joinpath(name)
    return {name: (entry.read_bytes(), _TYPES.get("." + name.rsplit(".", 1)[-1], "text/plain"))
            for name, entry in files.items()}


def _walk(folder: Any) -> list[Any]:
    """The files of a package folder and of its subfolders (one level down)."""
    found = []
    for entry in folder.iterdir():
        if entry.is_dir():
            found += [child for child in entry.iterdir() if child.is_file()]
        elif entry.is_file():
            found.append(entry)
    return found


class Connection:
    """One tab's WebSocket: reads its requests, plays its view, sends its frames."""

    def __init__(self, websocket: WebSocket, session: Session) -> None:
        self.websocket, self.session = websocket, session
        self.playing = False
        self.wake = asyncio.Event()       # set while playing
        self.drawn = asyncio.Event()      # set when the page has drawn the last frame
        self.drawn.set()
        self.send_lock = asyncio.Lock()

    async def send(self, message: dict[str, Any]) -> None:
        """Send one message as JSON; NaN and infinity, which JSON has not, are a bug said
        in the page rather than a message the page cannot read."""
        try:
            text = json.dumps(message, allow_nan=False)
        except ValueError:
            log.exception("a %r message holds NaN or infinity", message.get("type"))
            text = json.dumps({"type": "error", "request": message.get("type"),
                               "message": "the server computed NaN or infinity (a bug)"})
        async with self.send_lock:
            if message.get("type") == "frame":
                self.drawn.clear()
            await self.websocket.send_text(text)

    def gone(self) -> bool:
        """Whether the tab has closed its socket (or the server has closed it)."""
        return WebSocketState.DISCONNECTED in (self.websocket.client_state,
                                               self.websocket.application_state)

    async def run_in_thread(self, function: Callable[..., Any], *args: Any) -> Any:
        return await anyio.to_thread.run_sync(function, *args)

    async def serve(self) -> None:
        """Say hello, then answer requests and play until the tab goes."""
        await self.send({"type": "hello", "session": self.session.id,
                         "views": [VIEWS.get(name).describe() for name in MENU],
                         "max_upload_bytes": MAX_UPLOAD_BYTES})
        player = asyncio.ensure_future(self.play_until_gone())
        try:
            while True:
                message = await self.websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return
                self.session.touch()
                await self.answer(message.get("text") or message.get("bytes") or "")
        except Exception:
            if not self.gone():
                raise
        finally:
            player.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await player

    async def answer(self, text: str | bytes) -> None:
        """Handle one request; a refused one gets an ``error`` message, the socket stays."""
        kind = None
        try:
            message = parse_message(text)
            kind = message["type"]
            await self.handle(kind, message)
        except ProtocolError as error:
            await self.send({"type": "error", "request": kind, "message": str(error)})
        except Exception as error:  # a bug: said in the page and the terminal, tab kept
            if isinstance(error, WebSocketDisconnect) or self.gone():
                raise
            log.exception("the %r request failed", kind)
            await self.send({"type": "error", "request": kind,
                             "message": f"the server failed on this request ({error!r})"})

    async def handle(self, kind: str, message: dict[str, Any]) -> None:
        session = self.session
        if kind == "ack":
            self.drawn.set()
        elif kind in ("open", "set", "reset"):
            self.set_playing(False)
            if kind == "open":
                setup = await self.run_in_thread(session.open, message.get("view"),
                                                 message.get("query", ""))
            elif kind == "set":
                setup = await self.run_in_thread(session.change, message.get("name"),
                                                 message.get("value"))
            else:
                setup = await self.run_in_thread(session.reset)
            await self.send(setup)
            await self.send(await self.run_in_thread(session.frame))
            await self.send_status()
        elif kind == "play":
            self.set_playing(True)
            await self.send_status()
        elif kind == "pause":
            self.set_playing(False)
            await self.send_status()
        elif kind == "step":
            self.set_playing(False)
            frame, _ = await self.run_in_thread(session.advance)
            await self.send(frame)
        elif kind == "action":
            await self.send(await self.run_in_thread(session.act, message))
        elif kind == "upload":
            await self.upload(message)
        else:
            raise ProtocolError(f"unknown message type {kind!r}; expected one of open, set, "
                                "play, pause, step, reset, ack, action, upload")

    async def upload(self, message: dict[str, Any]) -> None:
        """A CSV file for the MLP view, its text in the message (at most MAX_UPLOAD_BYTES)."""
        content, filename = message.get("content"), message.get("filename", "upload.csv")
        if not isinstance(content, str) or not isinstance(filename, str):
            raise ProtocolError('upload: expected {"content": the file\'s text, "filename": '
                                'its name}')
        data = content.encode("utf-8")
        if len(data) > MAX_UPLOAD_BYTES:
            raise ProtocolError(f"the file {filename[:80]!r} has {len(data):,} bytes; the "
                                f"most is {MAX_UPLOAD_BYTES:,}", status=413)
        self.set_playing(False)
        await self.send(await self.run_in_thread(self.session.upload, data, filename[:200]))
        await self.send(await self.run_in_thread(self.session.frame))
        await self.send_status()

    def set_playing(self, playing: bool) -> None:
        self.playing = playing
        if playing:
            self.wake.set()
        else:
            self.wake.clear()

    async def send_status(self, reason: str = "") -> None:
        await self.send({"type": "status", "playing": self.playing, "reason": reason})

    async def play_until_gone(self) -> None:
        try:
            await self.play()
        except Exception:
            if not self.gone():
                raise

    async def play(self) -> None:
        """While playing: one update in a worker thread, its frame, the page's ack, again."""
        interval = 1.0 / MAX_UPDATES_PER_SECOND
        while True:
            await self.wake.wait()
            with contextlib.suppress(TimeoutError):  # an ack lost: go on after a while
                await asyncio.wait_for(self.drawn.wait(), ACK_TIMEOUT_SECONDS)
            if not self.playing:
                continue
            started = asyncio.get_running_loop().time()
            generation = self.session.generation
            try:
                frame, more = await self.run_in_thread(self.session.advance)
            except Exception as error:  # a bug: the play stops with a message, the tab stays
                log.exception("an update failed")
                self.set_playing(False)
                await self.send({"type": "error", "request": "play",
                                 "message": f"the update failed ({error!r})"})
                await self.send_status("failed")
                continue
            if not self.playing or frame["generation"] != generation:
                continue  # paused or replaced while the update ran: its frame is stale
            await self.send(frame)
            if not more:
                self.set_playing(False)
                await self.send_status("finished")
            elapsed = asyncio.get_running_loop().time() - started
            await asyncio.sleep(max(0.0, interval - elapsed))


def _same_origin(websocket: WebSocket) -> bool:
    """Whether a browser opened the socket from a page of this server (no Origin header:
    not a browser, e.g. a test client)."""
    origin = websocket.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == websocket.headers.get("host")


def create_app(*, host: str = "127.0.0.1", max_sessions: int = 32,
               idle_seconds: float = 30 * 60) -> Starlette:
    """The playground's ASGI application.

    Parameters
    ----------
    host : str, default "127.0.0.1"
        The address the server listens on: on a loopback address only loopback host names
        are served.
    max_sessions : int, default 32
        The most tabs at once.
    idle_seconds : float, default 1800
        A tab that sends nothing for this long has its session closed and freed.
    """
    store = SessionStore(max_sessions, idle_seconds)
    static = _static_files()
    connections: dict[str, Connection] = {}

    async def page(request: Request) -> Response:
        return Response(static["index.html"][0], media_type="text/html")

    async def static_file(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in static:
            raise HTTPException(404, f"no file {name!r} in the playground")
        content, media_type = static[name]
        return Response(content, media_type=media_type)

    async def download(request: Request) -> Response:
        session = store.get(request.path_params["session"])
        name = request.path_params["name"]
        if name not in ("model.nnl", "train.py"):
            raise HTTPException(404, f"no export {name!r}; expected model.nnl or train.py")
        session.touch()
        content = await anyio.to_thread.run_sync(session.export, name)
        media_type = "application/zip" if name.endswith(".nnl") else "text/x-python"
        return Response(content, media_type=media_type,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    async def socket(websocket: WebSocket) -> None:
        if not _same_origin(websocket):
            await websocket.close(code=1008, reason="a page of another origin")
            return
        try:
            session = store.create()
        except ProtocolError as error:
            await websocket.close(code=1013, reason=str(error)[:120])
            return
        await websocket.accept()
        connection = Connection(websocket, session)
        connections[session.id] = connection
        try:
            await connection.serve()
        finally:
            connections.pop(session.id, None)
            store.remove(session)

    async def close_idle() -> None:
        while True:
            await asyncio.sleep(min(60.0, idle_seconds / 2))
            for session in store.idle():
                connection = connections.get(session.id)
                store.remove(session)
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await connection.websocket.close(code=4000, reason="idle")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        reaper = asyncio.ensure_future(close_idle())
        try:
            yield
        finally:
            reaper.cancel()

    async def refused(request: Request, error: Exception) -> Response:
        status = error.status if isinstance(error, ProtocolError) else error.status_code
        message = str(error) if isinstance(error, ProtocolError) else error.detail
        return JSONResponse({"error": message}, status_code=status)

    routes = [
        Route("/", page),
        Route("/static/{name:path}", static_file),
        Route("/api/sessions/{session}/export/{name}", download),
        WebSocketRoute("/ws", socket),
    ]
    hosts = [*LOOPBACK_HOSTS, host] if is_loopback(host) else ["*"]
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)],
                    exception_handlers={ProtocolError: refused, HTTPException: refused})
    app.state.store = store
    return app



def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or name (this machine only)."""
    return host in LOOPBACK_HOSTS or host.startswith("127.")
