"""``torch.cuda`` as a CPU-only PyTorch build answers it: no GPU is available.

Tutorials start with ``device = "cuda" if torch.cuda.is_available() else "cpu"``; here that
picks ``"cpu"``, exactly as it does with PyTorch on a machine without a GPU.
"""
from __future__ import annotations

from . import errors


def is_available() -> bool:
    """False: autograd_lite computes on the CPU only (mirrors ``torch.cuda.is_available`` without a GPU)."""
    return False


def device_count() -> int:
    """0 (mirrors ``torch.cuda.device_count`` without a GPU)."""
    return 0


def is_initialized() -> bool:
    """Never: this is a CPU-only build, as ``torch.cuda`` reports on a machine without CUDA."""
    return False


def current_device() -> int:
    """Raises as PyTorch's CPU build does: ``AssertionError: Torch not compiled with CUDA enabled``."""
    raise AssertionError(errors.NO_CUDA)


def manual_seed(seed: int) -> None:
    """Accepted and ignored, as PyTorch does when CUDA is not available."""


def manual_seed_all(seed: int) -> None:
    """Accepted and ignored, as PyTorch does when CUDA is not available."""
