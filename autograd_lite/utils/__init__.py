"""``torch.utils``: data loading (``utils.data``), activation checkpointing (``utils.checkpoint``)."""
from . import checkpoint, data  # noqa: F401
