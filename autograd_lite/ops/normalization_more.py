"""Group, instance, RMS and local response normalisation. group_norm has a node of its own in PyTorch
(``NativeGroupNormBackward0``); its backward here is written with autograd_lite ops (the gradient
through normalisation.py's ``_normalization_backward``), so it can be differentiated again, though a
second order records those ops rather than PyTorch's ``NativeGroupNormBackwardBackward0``.
instance_norm and rms_norm are PyTorch's compositions, op by op (batch_norm on a (1, N·C, ...)
view; x · rsqrt(mean(x²) + eps) · weight).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from ..grad_mode import no_grad
from ..tensor import _make, Tensor
from ._common import np_mean
from .arithmetic import AddScalar
from .normalization import _normalization_backward, batch_norm
from .shape import cat


class NativeGroupNorm(Function):
    """(x - mean) / sqrt(var + eps) over each group of channels (and all spatial positions), then
    * weight + bias per channel."""

    node_name = "NativeGroupNormBackward0"
    _optional_tensor_args = (1, 2)  # an absent weight or bias keeps its edge, (None, 0), as in PyTorch

    @staticmethod
    def forward(ctx, input, weight, bias, groups, eps):
        x = input._data
        n, c = x.shape[:2]
        rows = x.reshape(n, groups, -1)
        mean = np_mean(rows, (2,), True)
        rstd = 1 / np.sqrt(np_mean((rows - mean) ** 2, (2,), True) + eps)
        out = ((rows - mean) * rstd).reshape(x.shape)
        channel = (1, c) + (1,) * (x.ndim - 2)
        if weight is not None:
            out = out * weight._data.reshape(channel)
        if bias is not None:
            out = out + bias._data.reshape(channel)
        ctx.groups, ctx.eps = groups, eps
        ctx.save_for_backward(input, weight)
        return _make(np.ascontiguousarray(out).astype(x.dtype, copy=False))

    @staticmethod
    def backward(ctx, grad):
        input, weight = ctx.saved_tensors
        n, c = input.shape[:2]
        channel = (1, c) + (1,) * (input.dim() - 2)
        others = (0,) + tuple(range(2, input.dim()))
        gx = grad * weight.reshape(channel) if weight is not None else grad
        grouped = (n, ctx.groups, -1)
        grad_input, xhat = _normalization_backward(input.reshape(grouped), gx.reshape(grouped), (2,), ctx.eps)
        need_input, need_weight, need_bias = ctx.needs_input_grad[:3]
        return (grad_input.reshape(input.shape) if need_input else None,
                (grad * xhat.reshape(input.shape)).sum(others) if need_weight else None,
                grad.sum(others) if need_bias else None, None, None)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise each group of ``C / num_groups`` channels per sample (``NativeGroupNormBackward0``)."""
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    size = [input.shape[0] * input.shape[1] // num_groups, num_groups] + list(input.shape[2:])
    if math.prod(size[:1] + size[2:]) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")
    if input.shape[1] % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    return NativeGroupNorm.apply(input, weight, bias, num_groups, eps)


def _repeat(t: Tensor | None, times: int) -> Tensor | None:
    return None if t is None else t.repeat(times)


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel of each sample: PyTorch's batch_norm of the (1, N·C, ...) view, weight and
    bias (and running statistics, averaged back over the batch) repeated N times."""
    if use_input_stats and math.prod(input.shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.size()}")
    b, c = input.shape[:2]
    shape = (1, b * c) + tuple(input.shape[2:])
    running_mean_, running_var_ = _repeat(running_mean, b), _repeat(running_var, b)
    out = batch_norm(input.contiguous().view(shape), running_mean_, running_var_, _repeat(weight, b),
                     _repeat(bias, b), use_input_stats, momentum, eps)
    with no_grad():
        if running_mean is not None:
            running_mean.copy_(running_mean_.view(b, c).mean(0))
        if running_var is not None:
            running_var.copy_(running_var_.view(b, c).mean(0))
    return out.view(input.shape)


def rms_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """x / sqrt(mean(x²) + eps) over the last dimensions, then * weight (PyTorch's composition; eps
    defaults to the dtype's machine epsilon)."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.dim() - len(shape):]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [*"  # (sic: no ", ")
                           f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    dims = tuple(range(input.dim() - len(shape), input.dim()))
    if eps is None:
        eps = float(np.finfo(input._data.dtype if input._data.dtype == np.float64 else np.float32).eps)
    rsqrt_input = AddScalar.apply(input.pow(2).mean(dims, keepdim=True), eps).rsqrt()
    result = input * rsqrt_input
    return result if weight is None else result * weight


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    """x / (k + alpha · mean of x² over ``size`` neighbouring channels)^beta (AlexNet's normalisation).

    PyTorch averages with a zero-padded avg_pool over the channels; here the same window mean is a sum
    of shifted slices of the zero-padded squares, so the last nodes (DivBackward0, PowBackward0,
    AddBackward0, MulBackward0) are PyTorch's and the pooling's are not."""
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = input.mul(input)
    channels = input.shape[1]
    before, after = (_make(np.zeros(input.shape[:1] + (n,) + tuple(input.shape[2:]), input._data.dtype))
                     for n in (size // 2, (size - 1) // 2))
    padded = cat([before, div, after], 1)
    window = padded.narrow(1, 0, channels)
    for i in range(1, size):
        window = window + padded.narrow(1, i, channels)
    div = (window / size).mul(alpha).add(k).pow(beta)
    return input / div
