"""More layers of ``torch.nn``: the activations of ``ops/activations_more.py`` as modules, the losses
of ``ops/losses_more.py``, and group, instance and RMS normalisation. Each stores its options,
prints them as PyTorch's ``extra_repr`` does, and calls the function of the same name.
"""
from __future__ import annotations

from typing import Any

from .. import creation
from ..ops import activations_more as A
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["ReLU6", "Hardtanh", "Hardswish", "Hardsigmoid", "Mish", "SELU", "CELU", "Softsign", "Softmin",
           "LogSigmoid", "PReLU", "Threshold", "GLU", "Softshrink", "Hardshrink", "Tanhshrink"]


def _inplace(inplace: bool) -> str:
    return "inplace=True" if inplace else ""


class Hardtanh(Module):
    """x clamped to [min_val, max_val] (mirrors ``torch.nn.Hardtanh``)."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace
        if self.max_val <= self.min_val:
            raise AssertionError(f"max_val ({max_val}) must be greater than min_val ({min_val})")

    def forward(self, input: Tensor) -> Tensor:
        return A.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + (", inplace=True" if self.inplace else "")


class ReLU6(Hardtanh):
    """min(max(x, 0), 6) (mirrors ``torch.nn.ReLU6``, a Hardtanh(0, 6))."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace(self.inplace)


class _Elementwise(Module):
    """An activation whose only option is ``inplace`` (printed when True)."""

    function: Any

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return type(self).function(input, self.inplace)

    def extra_repr(self) -> str:
        return _inplace(self.inplace)


class Hardswish(_Elementwise):
    """x relu6(x + 3) / 6 (mirrors ``torch.nn.Hardswish``; PyTorch does not print inplace)."""

    function = staticmethod(A.hardswish)

    def extra_repr(self) -> str:
        return ""


class Hardsigmoid(Hardswish):
    """relu6(x + 3) / 6 (mirrors ``torch.nn.Hardsigmoid``)."""

    function = staticmethod(A.hardsigmoid)


class Mish(_Elementwise):
    """x tanh(softplus(x)) (mirrors ``torch.nn.Mish``)."""

    function = staticmethod(A.mish)


class SELU(_Elementwise):
    """Scaled ELU with the self-normalising constants (mirrors ``torch.nn.SELU``)."""

    def forward(self, input: Tensor) -> Tensor:
        return A.selu(input, self.inplace)


class CELU(Module):
    """max(0, x) + min(0, alpha (exp(x / alpha) - 1)) (mirrors ``torch.nn.CELU``)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Softsign(Module):
    """x / (1 + |x|) (mirrors ``torch.nn.Softsign``)."""

    def forward(self, input: Tensor) -> Tensor:
        return A.softsign(input)


class Tanhshrink(Module):
    """x - tanh(x) (mirrors ``torch.nn.Tanhshrink``)."""

    def forward(self, input: Tensor) -> Tensor:
        return A.tanhshrink(input)


class LogSigmoid(Module):
    """log σ(x) (mirrors ``torch.nn.LogSigmoid``)."""

    def forward(self, input: Tensor) -> Tensor:
        return A.logsigmoid(input)


class Softmin(Module):
    """softmax(-x) along ``dim`` (mirrors ``torch.nn.Softmin``)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return A.softmin(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Threshold(Module):
    """x where x > threshold, else value (mirrors ``torch.nn.Threshold``)."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + (", inplace=True" if self.inplace else "")


class GLU(Module):
    """a σ(b) over the two halves along ``dim`` (mirrors ``torch.nn.GLU``)."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return A.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Hardshrink(Module):
    """0 for |x| <= lambd, else x (mirrors ``torch.nn.Hardshrink``)."""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return A.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """x shrunk towards 0 by lambd (mirrors ``torch.nn.Softshrink``)."""

    def forward(self, input: Tensor) -> Tensor:
        return A.softshrink(input, self.lambd)


class PReLU(Module):
    """x for x > 0, else a learned slope times x (mirrors ``torch.nn.PReLU``; slopes start at ``init``)."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(creation.empty(num_parameters, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every slope set to ``init`` (``nn.init.constant_``)."""
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return A.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"
