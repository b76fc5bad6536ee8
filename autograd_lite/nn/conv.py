"""Convolution and pooling layers (mirrors ``nn.Conv1d``, ``nn.Conv2d``, ``nn.MaxPool2d``, ``nn.AvgPool2d``,
``nn.AdaptiveAvgPool2d`` and their functional forms).

The ops they call live in ``ops/convolution.py``.
"""
from __future__ import annotations

import math
from typing import Any

from .. import creation
from ..ops.convolution import adaptive_max_pool1d, adaptive_max_pool2d
from ..ops.convolution import adaptive_avg_pool1d, adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


def _ntuple(v: Any, n: int) -> tuple:
    """``v`` as a tuple, one int repeated ``n`` times (PyTorch's ``_ntuple``: no length check here)."""
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


# sets, as PyTorch prints them in its messages (their order is Python's set order, as there)
_PADDING_STRINGS = {"same", "valid"}
_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


class _ConvNd(Module):
    """What Conv1d and Conv2d share: PyTorch's arguments, checks, initialisation and printed form."""

    _n = 2
    _transposed = False  # ConvTranspose: weight (in, out, *kernel) instead of (out, in, *kernel)

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        n = self._n
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {_PADDING_STRINGS}")
            if padding == "same" and any(s != 1 for s in _ntuple(stride, n)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got padding_mode={padding_mode!r}")
        if groups != 1 or padding_mode == "circular":
            raise NotImplementedError(f"autograd_lite's Conv{n}d supports groups=1 and no circular padding only")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.dilation = _ntuple(kernel_size, n), _ntuple(stride, n), _ntuple(dilation, n)
        self.padding = padding if isinstance(padding, str) else _ntuple(padding, n)
        self.groups, self.padding_mode = groups, padding_mode
        self.output_padding = (0,) * n
        channels = (in_channels, out_channels) if self._transposed else (out_channels, in_channels)
        self.weight = Parameter(creation.empty(channels + self.kernel_size, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's initialisation, draw for draw: weight by kaiming_uniform_(a=sqrt(5)), bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                init.uniform_(self.bias, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))

    def _padded_input(self, input: Tensor) -> tuple[Tensor, Any]:
        """A padding mode other than zeros pads the input first (F.pad) and convolves without padding."""
        if self.padding_mode == "zeros":
            return input, self.padding
        if isinstance(self.padding, str):
            totals = [0 if self.padding == "valid" else d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
            pads = [(t // 2, t - t // 2) for t in totals]
        else:
            pads = [(p, p) for p in self.padding]
        return F.pad(input, tuple(v for pair in reversed(pads) for v in pair), self.padding_mode), 0

    def extra_repr(self) -> str:
        """The arguments PyTorch prints inside ``Conv2d(...)``: only those that differ from their defaults."""
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self._n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._n:
            s += f", output_padding={self.output_padding}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv1d(_ConvNd):
    """A 1-D convolution layer over (N, C, L) input, initialised as PyTorch's (mirrors ``torch.nn.Conv1d``)."""

    _n = 1

    def forward(self, input: Tensor) -> Tensor:
        input, padding = self._padded_input(input)
        return F.conv1d(input, self.weight, self.bias, self.stride, padding, self.dilation)


class Conv2d(_ConvNd):
    """A 2-D convolution layer, initialised as PyTorch initialises it (mirrors ``torch.nn.Conv2d``)."""

    def forward(self, input: Tensor) -> Tensor:
        input, padding = self._padded_input(input)
        return F.conv2d(input, self.weight, self.bias, self.stride, padding, self.dilation)


class _ConvTransposeNd(_ConvNd):
    """ConvTranspose1d and ConvTranspose2d: a convolution's adjoint, zero padding only (as PyTorch)."""

    _transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                         device, dtype)
        self.output_padding = _ntuple(output_padding, self._n)

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        if output_size is not None:
            raise NotImplementedError("autograd_lite's ConvTranspose has no output_size argument")
        fn = F.conv_transpose1d if self._n == 1 else F.conv_transpose2d
        return fn(input, self.weight, self.bias, self.stride, self.padding, self.output_padding, self.groups,
                  self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """The transpose of Conv1d, initialised as PyTorch's (mirrors ``torch.nn.ConvTranspose1d``)."""

    _n = 1


class ConvTranspose2d(_ConvTransposeNd):
    """The transpose of Conv2d, e.g. a decoder's upsampling, initialised as PyTorch's (mirrors ``torch.nn.ConvTranspose2d``)."""


class MaxPool2d(Module):
    """Max pooling over windows (mirrors ``torch.nn.MaxPool2d``)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.dilation, self.ceil_mode = padding, dilation, ceil_mode
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        return max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                          self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """Average pooling over windows (mirrors ``torch.nn.AvgPool2d``)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding = padding

    def forward(self, input: Tensor) -> Tensor:
        return avg_pool2d(input, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (mirrors ``torch.nn.AdaptiveAvgPool2d``)."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class MaxPool1d(MaxPool2d):
    """Max pooling over windows of the last dimension (mirrors ``torch.nn.MaxPool1d``)."""

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        return max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                          self.return_indices)


class AvgPool1d(Module):
    """Average pooling over windows of the last dimension (mirrors ``torch.nn.AvgPool1d``)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size = _ntuple(kernel_size, 1)
        self.stride = _ntuple(stride if stride is not None else kernel_size, 1)
        self.padding = _ntuple(padding, 1)

    def forward(self, input: Tensor) -> Tensor:
        return avg_pool1d(input, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool1d(AdaptiveAvgPool2d):
    """Average pooling of the last dimension to a fixed size (mirrors ``torch.nn.AdaptiveAvgPool1d``)."""

    def forward(self, input: Tensor) -> Tensor:
        return adaptive_avg_pool1d(input, self.output_size)


class AdaptiveMaxPool2d(Module):
    """Max pooling to a fixed output size (mirrors ``torch.nn.AdaptiveMaxPool2d``)."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        return adaptive_max_pool2d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(AdaptiveMaxPool2d):
    """Max pooling of the last dimension to a fixed size (mirrors ``torch.nn.AdaptiveMaxPool1d``)."""

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        return adaptive_max_pool1d(input, self.output_size, self.return_indices)
