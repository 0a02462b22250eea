"""The progress bar of training (tqdm), shown only on a terminal unless asked for."""

from __future__ import annotations

import sys
from typing import Any


class Progress:
    """Epochs wrapped in a tqdm bar; ``enabled=None`` means "when stderr is a terminal"."""

    def __init__(self, epochs: int, enabled: bool | None = None) -> None:
        if enabled is None:
            enabled = sys.stderr.isatty()
        self.bar: Any = None
        if enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=epochs, unit="epoch", leave=False)

    def update(self, values: dict[str, float]) -> None:
        """Advance by one epoch and show the latest values."""
        if self.bar is not None:
            self.bar.set_postfix({k: f"{v:.4g}" for k, v in values.items()}, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
