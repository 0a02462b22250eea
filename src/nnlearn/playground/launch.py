"""Starting the playground: a listening socket, uvicorn, the browser, Ctrl-C.

``nnlearn playground`` calls :func:`serve`; the application itself is
:func:`nnlearn.playground.server.create_app`.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from typing import Any

from nnlearn.playground.protocol import MAX_MESSAGE_BYTES
from nnlearn.playground.server import create_app


def has_display() -> bool:
    """Whether a browser window can open here (macOS and Windows always; elsewhere an X11
    or Wayland display)."""
    return sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (port 0: any free port), or a ValueError that
    says what to do."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as error:
        sock.close()
        raise ValueError(f"cannot listen on {host}:{port} ({error.strerror}); choose another "
                         "--port (0 picks a free one)") from None
    sock.listen(128)
    return sock


def serve(host: str = "127.0.0.1", port: int = 8000, open_browser: bool = True,
          echo: Callable[[str], Any] = print) -> None:
    """Run the playground until Ctrl-C: print its address, open it in the browser.

    Parameters
    ----------
    host : str, default "127.0.0.1"
    port : int, default 8000
        0 picks a free port.
    open_browser : bool, default True
        Open the page in the default browser (where there is a display).
    echo : callable, default print
    """
    import uvicorn

    sock = bind(host, port)
    shown = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    config = uvicorn.Config(create_app(host=host), ws="websockets-sansio", log_level="warning",
                            ws_max_size=MAX_MESSAGE_BYTES, timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)
    echo(f"nnlearn playground at {url} (Ctrl-C stops it)")
    if open_browser and has_display():
        threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
    elif open_browser:
        echo("no display here: open the address in a browser")
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    echo("nnlearn playground: stopped")


def _open_when_started(server: Any, url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if server.started:
        webbrowser.open(url)
