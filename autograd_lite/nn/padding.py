"""Padding layers (mirrors ``nn.ZeroPad2d``, ``nn.ConstantPad1d``, ``nn.ReflectionPad2d``,
``nn.ReplicationPad1d`` ...): each holds its ``padding`` tuple and calls ``F.pad``."""
from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import functional as F
from .module import Module


class _PadNd(Module):
    """``padding`` as a tuple of ``_size`` ints (one int is repeated, as PyTorch's ``_ntuple``)."""

    _mode = "constant"
    _size = 2

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * self._size

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    _size = 2


class ConstantPad2d(_ConstantPadNd):
    _size = 4


class ConstantPad3d(_ConstantPadNd):
    _size = 6


class ZeroPad1d(ConstantPad1d):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_PadNd):
    _mode, _size = "reflect", 2


class ReflectionPad2d(_PadNd):
    _mode, _size = "reflect", 4


class ReflectionPad3d(_PadNd):
    _mode, _size = "reflect", 6


class ReplicationPad1d(_PadNd):
    _mode, _size = "replicate", 2


class ReplicationPad2d(_PadNd):
    _mode, _size = "replicate", 4


class ReplicationPad3d(_PadNd):
    _mode, _size = "replicate", 6
