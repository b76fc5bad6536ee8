"""``torch.backends``: which hardware back ends exist (only the CPU here)."""
from . import mps  # noqa: F401
