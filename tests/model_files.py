"""Helpers for tests that take nnlearn model files apart and put them back together."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_entries(path: Path, contents: dict[str, bytes],
                  compression: int = zipfile.ZIP_STORED) -> None:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)


def rewrite(path: Path, edit: Callable[[dict[str, Any]], Any]) -> None:
    """Rewrite the file with ``edit(document)`` applied to its JSON document."""
    contents = entries(path)
    document = json.loads(contents["nnlearn.json"])
    edit(document)
    contents["nnlearn.json"] = json.dumps(document).encode()
    write_entries(path, contents)
