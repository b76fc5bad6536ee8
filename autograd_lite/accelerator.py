"""``torch.accelerator`` as a CPU-only PyTorch build answers it: no accelerator.

Recent tutorials pick their device with
``torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"``;
here, as with PyTorch on a CPU-only machine, that gives ``"cpu"``.
"""
from __future__ import annotations


def is_available() -> bool:
    """False (mirrors ``torch.accelerator.is_available`` on a CPU-only machine)."""
    return False


def current_accelerator(check_available: bool = False) -> None:
    """None: there is no accelerator (mirrors ``torch.accelerator.current_accelerator``)."""
    return None


def device_count() -> int:
    """0 (mirrors ``torch.accelerator.device_count`` on a CPU-only machine)."""
    return 0


def current_device_index() -> int:
    """No accelerator here: PyTorch's CPU build raises the same error."""
    raise RuntimeError("Cannot access accelerator device when none is available.")
