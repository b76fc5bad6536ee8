"""``torch.backends.mps`` (Apple GPUs): never available here, as in PyTorch on other machines."""


def is_available() -> bool:
    """False (mirrors ``torch.backends.mps.is_available`` where there is no Apple GPU)."""
    return False


def is_built() -> bool:
    """False (mirrors ``torch.backends.mps.is_built`` in a Linux/Windows build)."""
    return False
