"""``torch.autograd.graph``: the recorded graph's nodes, and hooks on what it saves."""
from __future__ import annotations

from ..function import Node

__all__ = ["Node"]
