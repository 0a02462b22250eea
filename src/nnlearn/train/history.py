"""The record of a training run."""

from __future__ import annotations


class History(dict):
    """Names (``"loss"``, ``"val_loss"``, ``"accuracy"``, ...) mapped to per-epoch lists.

    Attributes
    ----------
    epochs : list of int
        The epochs recorded (1, 2, ...).
    stopped_epoch : int or None
        The epoch after which a callback stopped training, if one did.
    best_epoch : int or None
        The epoch whose weights early stopping restored, if it did.

    Examples
    --------
    >>> h = History()
    >>> h.record(1, {"loss": 0.5}); h.record(2, {"loss": 0.25})
    >>> h["loss"], h.epochs
    ([0.5, 0.25], [1, 2])
    """

    def __init__(self) -> None:
        super().__init__()
        self.epochs: list[int] = []
        self.stopped_epoch: int | None = None
        self.best_epoch: int | None = None

    def record(self, epoch: int, values: dict[str, float]) -> None:
        """Append one epoch's values."""
        self.epochs.append(epoch)
        for name, value in values.items():
            self.setdefault(name, []).append(float(value))

    def last(self) -> dict[str, float]:
        """The latest value of every entry."""
        return {name: values[-1] for name, values in self.items() if values}

    def __repr__(self) -> str:
        body = ", ".join(f"{k}: {v[-1]:.4g}" for k, v in self.items() if v)
        return f"History({len(self.epochs)} epochs; last {body})"
