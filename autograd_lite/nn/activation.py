"""More activation layers (mirrors ``nn.ReLU6``, ``nn.Hardtanh``, ``nn.PReLU``, ``nn.SELU``, ``nn.Mish`` ...):
each calls its ``F.`` function and prints as PyTorch prints it."""
from __future__ import annotations

from typing import Any

from .. import creation
from ..tensor import Tensor
from . import functional as F
from .module import Module
from .parameter import Parameter


def _inplace_repr(inplace: bool, first: bool = False) -> str:
    """PyTorch's ``inplace=True`` suffix (nothing when False): alone, or after other arguments."""
    return ("inplace=True" if first else ", inplace=True") if inplace else ""


class Hardtanh(Module):
    """x clamped into [min_val, max_val] (mirrors ``torch.nn.Hardtanh``)."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        if max_val <= min_val:
            raise AssertionError(f"max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + _inplace_repr(self.inplace)


class ReLU6(Hardtanh):
    """min(max(x, 0), 6) (mirrors ``torch.nn.ReLU6``)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, first=True)


class Threshold(Module):
    """x where x > threshold, else ``value`` (mirrors ``torch.nn.Threshold``)."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + _inplace_repr(self.inplace)


class _InplaceActivation(Module):
    """An activation whose only argument is ``inplace``, printed as PyTorch prints it (``_fn``: its F.)."""

    _repr_inplace = True

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, first=True) if self._repr_inplace else ""


class Hardsigmoid(_InplaceActivation):
    """relu6(x + 3) / 6 (mirrors ``torch.nn.Hardsigmoid``)."""

    _fn, _repr_inplace = staticmethod(F.hardsigmoid), False


class Hardswish(_InplaceActivation):
    """x relu6(x + 3) / 6 (mirrors ``torch.nn.Hardswish``)."""

    _fn, _repr_inplace = staticmethod(F.hardswish), False


class Mish(_InplaceActivation):
    """x tanh(softplus(x)) (mirrors ``torch.nn.Mish``)."""

    _fn, _repr_inplace = staticmethod(F.mish), False


class SELU(_InplaceActivation):
    """Self-normalising scaled ELU (mirrors ``torch.nn.SELU``)."""

    _fn = staticmethod(F.selu)


class CELU(Module):
    """x if x > 0 else alpha (exp(x / alpha) - 1) (mirrors ``torch.nn.CELU``)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + _inplace_repr(self.inplace)


class PReLU(Module):
    """x if x > 0 else a x, ``a`` learned: one, or one per channel (mirrors ``torch.nn.PReLU``; a = 0.25 at first)."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(creation.empty(num_parameters, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every slope back to ``init``."""
        self.weight.data.fill_(self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class GLU(Module):
    """First half times the sigmoid of the second half along ``dim`` (mirrors ``torch.nn.GLU``)."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmin(Module):
    """softmax(-x) along ``dim`` (mirrors ``torch.nn.Softmin``)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmin(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSigmoid(Module):
    """log σ(x) (mirrors ``torch.nn.LogSigmoid``)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.logsigmoid(input)


class Softsign(Module):
    """x / (|x| + 1) (mirrors ``torch.nn.Softsign``)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class Tanhshrink(Module):
    """x - tanh(x) (mirrors ``torch.nn.Tanhshrink``)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.tanhshrink(input)
