"""``RemovableHandle``: what every ``register_*hook`` returns (tensors, nodes and modules share it)."""
from __future__ import annotations

import itertools
from typing import Callable


class RemovableHandle:
    """Returned by ``register_hook``; ``handle.remove()`` unregisters the hook."""

    _ids = itertools.count()

    def __init__(self, hooks: dict, fn: Callable) -> None:
        self.id = next(self._ids)
        self._hooks = hooks
        hooks[self.id] = fn

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()
