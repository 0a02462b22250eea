"""The messages between the page and the server, and the checks on what the page sends.

Page and server talk over one WebSocket per browser tab, in JSON objects with a
``"type"``. The page sends:

=================  ===========================================================================
``open``           ``{"view": "mlp", "query": "data=spiral&hidden=8,8"}``: start a view from a
                   link (the part after ``#``); the server answers ``setup`` then ``frame``
``set``            ``{"name": "noise", "value": 10}``: change one setting (answer: ``setup``)
``play`` ``pause`` run the view's updates continuously, or stop
``step`` ``reset`` one update; start the view afresh from its setup
``ack``            the last frame is drawn: the server sends the next one only then
``action``         ``{"name": "inspect", ...}``: a view's own request (see each view's
                   ``action_*`` methods); the answer is a ``detail`` or a new ``frame``
``upload``         ``{"filename": "data.csv", "content": "x1,x2,label\n..."}``: the MLP view's
                   own data (answer: ``setup``)
=================  ===========================================================================

The server sends ``hello`` (the session's id, the views and their settings), ``setup``
(the checked setup, its canonical link, what the page draws once), ``frame`` (what it
draws after each update), ``detail``, ``status`` (playing or not) and ``error`` (a
message for the person at the page, in answer to a request the server refused).

Everything a page sends is checked here or by the settings (:mod:`.settings`); a refusal
is a :class:`ProtocolError`, which the server turns into an ``error`` message (on the
WebSocket) or a 4xx answer (over HTTP), never into a crash.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from nnlearn.checks import InvalidArgumentError, check_integer, check_real

#: the largest CSV file a tab may upload (its text travels in an ``upload`` message)
MAX_UPLOAD_BYTES = 512 * 1024
#: the largest message the page may send over the WebSocket: an upload and its envelope
MAX_MESSAGE_BYTES = MAX_UPLOAD_BYTES + 16 * 1024


class ProtocolError(ValueError):
    """A request the server refuses; the message says why, for the person at the page.

    Parameters
    ----------
    message : str
    status : int, default 400
        The HTTP status of the answer, when the request came over HTTP.
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _refuse_constant(name: str) -> None:
    raise ProtocolError(f"the message holds {name}; numbers must be finite")


def parse_message(text: str | bytes) -> dict[str, Any]:
    """A message from the page: a JSON object with a string ``"type"``.

    Raises
    ------
    ProtocolError
        If the text is too long, not JSON, holds NaN or infinity, or is not such an object.
    """
    if len(text) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"the message has {len(text)} bytes; the most is "
                            f"{MAX_MESSAGE_BYTES}", status=413)
    try:
        message = json.loads(text, parse_constant=_refuse_constant)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise ProtocolError(f"the message is not valid JSON ({error})") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError('a message must be a JSON object with a "type" string')
    return message


class Fields:
    """The arguments of one request, read with checks that name the argument.

    Parameters
    ----------
    values : mapping
        The message (its ``"type"`` and ``"name"`` are not arguments).
    where : str
        Who asks, for the messages ("inspect").
    """

    def __init__(self, values: Mapping[str, Any], where: str) -> None:
        self.values, self.where = values, where

    def _get(self, key: str) -> Any:
        if key not in self.values:
            raise ProtocolError(f"{self.where}: the argument {key!r} is missing")
        return self.values[key]

    def integer(self, key: str, minimum: int = 0, maximum: int | None = None) -> int:
        try:
            return check_integer(self._get(key), f"{self.where}: {key}", minimum=minimum,
                                 maximum=maximum)
        except InvalidArgumentError as error:
            raise ProtocolError(str(error)) from None

    def real(self, key: str, minimum: float | None = None, maximum: float | None = None
             ) -> float:
        try:
            return check_real(self._get(key), f"{self.where}: {key}", minimum=minimum,
                              maximum=maximum)
        except InvalidArgumentError as error:
            raise ProtocolError(str(error)) from None

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = self._get(key)
        if value not in options:
            raise ProtocolError(f"{self.where}: {key} must be one of {', '.join(options)}, "
                                f"got {value!r}")
        return value


def encode_map(values: np.ndarray, low: float, high: float) -> str:
    """Values on a grid as bytes 0..255 (``low`` → 0, ``high`` → 255), in base64.

    Heat maps travel this way: a 40 × 40 map is 1600 bytes, not 1600 JSON numbers.
    """
    span = high - low if high > low else 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.clip(np.rint((np.asarray(values) - low) / span * 255.0), 0, 255)
    scaled = np.nan_to_num(scaled, nan=127.0)
    return base64.b64encode(scaled.astype(np.uint8).tobytes()).decode("ascii")


def rounded(values: Any, digits: int = 6) -> Any:
    """Numbers (an array, a float) as JSON-ready lists with ``digits`` significant digits."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0:
        return float(f"{float(array):.{digits}g}")
    return [rounded(row, digits) for row in array]
