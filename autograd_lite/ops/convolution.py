"""2-D convolution and pooling (the ops behind ``nn.Conv2d``, ``nn.MaxPool2d``, ``nn.AvgPool2d``,
``nn.AdaptiveAvgPool2d`` and their functional forms).

Both work on sliding windows of the (padded) input: ``windows[n, c, i, j]`` is the
``kh x kw`` patch under output position ``(i, j)``, a numpy view, so no patch is copied
until the product needs it. The convolution is one tensor product of the windows with
the weight; its backward is two more (for the weight and the input), the input's being
scattered back window by window. Their backward is numpy, not differentiable ops, so a
``create_graph=True`` backward through them raises instead of giving a wrong result.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..function import Function
from ..grad_mode import is_grad_enabled
from ..tensor import _make, Tensor
from ._common import overload


def _pair(v: int | tuple) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else tuple(v)


def _windows(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
             fill: float = 0.0) -> np.ndarray:
    """(N, C, Ho, Wo, kh, kw) patches of ``x`` (N, C, H, W), padded with ``fill``."""
    (ph, pw), (dh, dw), (kh, kw), (sh, sw) = padding, dilation, kernel, stride
    if ph or pw:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    span = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    return sliding_window_view(x, span, axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]


def _scatter_windows(grads: np.ndarray, shape: tuple, stride: tuple, padding: tuple, dilation: tuple) -> np.ndarray:
    """Add (N, C, Ho, Wo, kh, kw) window gradients back into an input of ``shape`` (N, C, H, W)."""
    (n, c, h, w), (ph, pw), (dh, dw), (sh, sw) = shape, padding, dilation, stride
    _, _, ho, wo, kh, kw = grads.shape
    out = np.zeros((n, c, h + 2 * ph, w + 2 * pw), grads.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, i * dh:i * dh + sh * ho:sh, j * dw:j * dw + sw * wo:sw] += grads[..., i, j]
    return out[:, :, ph:ph + h, pw:pw + w]


def _no_double_backward(grad: Tensor, name: str) -> None:
    """Backward runs with grad mode on only under ``create_graph=True``: refuse, don't mislead."""
    if is_grad_enabled():
        raise NotImplementedError(f"autograd_lite does not implement double backward through {name}")


class Convolution(Function):
    """out[n, o] = bias[o] + Σ_c weight[o, c] ⋆ input[n, c] (cross-correlation, as PyTorch's)."""

    node_name = "ConvolutionBackward0"
    _optional_tensor_args = (2,)  # no bias: PyTorch's node still has its edge, (None, 0)

    @staticmethod
    def forward(ctx, input, weight, bias, stride, padding, dilation):
        x, w = input._data, weight._data
        win = _windows(x, w.shape[2:], stride, padding, dilation)
        out = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
        if bias is not None:
            out = out + bias._data[:, None, None]
        ctx.save_for_backward(input, weight)
        ctx.conv = (stride, padding, dilation)
        return _make(np.ascontiguousarray(out, dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad):
        _no_double_backward(grad, "conv2d")
        input, weight = ctx.saved_tensors
        stride, padding, dilation = ctx.conv
        g, w = grad._data, weight._data
        need_input, need_weight, need_bias = ctx.needs_input_grad[:3]
        grad_input = grad_weight = grad_bias = None
        if need_input:
            per_window = np.tensordot(g, w, axes=([1], [0]))  # (N, Ho, Wo, C, kh, kw)
            grad_input = _make(_scatter_windows(per_window.transpose(0, 3, 1, 2, 4, 5), input.shape, stride,
                                                padding, dilation))
        if need_weight:
            win = _windows(input._data, w.shape[2:], stride, padding, dilation)
            grad_weight = _make(np.tensordot(g, win, axes=([0, 2, 3], [0, 2, 3])).astype(w.dtype))
        if need_bias:
            grad_bias = _make(g.sum(axis=(0, 2, 3)))
        return grad_input, grad_weight, grad_bias, None, None, None


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation of (N, C, H, W) input with (O, C, kh, kw) weight (``ConvolutionBackward0``)."""
    if groups != 1:
        raise NotImplementedError("autograd_lite's conv2d supports groups=1 only")
    if input.dim() == 3:
        return conv2d(input.unsqueeze(0), weight, bias, stride, padding, dilation).squeeze(0)
    if input.dim() != 4:
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
                           f"{list(input.shape)}")
    if input.shape[1] != weight.shape[1]:
        raise RuntimeError(f"Given groups=1, weight of size {list(weight.shape)}, expected input{list(input.shape)} "
                           f"to have {weight.shape[1]} channels, but got {input.shape[1]} channels instead")
    return Convolution.apply(input, weight, bias, _pair(stride), _pair(padding), _pair(dilation))


class MaxPool(Function):
    """The largest value of each window; its gradient goes to that one element (the first, on ties)."""

    node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, input, kernel, stride, padding, dilation):
        x = input._data
        win = _windows(x, kernel, stride, padding, dilation, fill=-np.inf)
        flat = win.reshape(win.shape[:4] + (-1,))
        ctx.argmax = flat.argmax(axis=-1)
        ctx.pool, ctx.shape = (kernel, stride, padding, dilation), x.shape
        return _make(np.take_along_axis(flat, ctx.argmax[..., None], -1)[..., 0].astype(x.dtype))

    @staticmethod
    def backward(ctx, grad):
        _no_double_backward(grad, "max_pool2d")
        (kh, kw), stride, padding, dilation = ctx.pool
        per_window = np.zeros(ctx.argmax.shape + (kh * kw,), grad._data.dtype)
        np.put_along_axis(per_window, ctx.argmax[..., None], grad._data[..., None], -1)
        grads = per_window.reshape(ctx.argmax.shape + (kh, kw))
        return _make(_scatter_windows(grads, ctx.shape, stride, padding, dilation)), None, None, None, None


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Tensor:
    """Max over ``kernel_size`` windows (stride defaults to the kernel size), as ``F.max_pool2d``."""
    if ceil_mode or return_indices:
        raise NotImplementedError("autograd_lite's max_pool2d has no ceil_mode or return_indices")
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    if input.dim() == 3:
        return max_pool2d(input.unsqueeze(0), kernel, stride, padding, dilation).squeeze(0)
    return MaxPool.apply(input, kernel, stride, _pair(padding), _pair(dilation))


class AvgPool(Function):
    """The mean of each window (padding counts as zeros, PyTorch's ``count_include_pad=True``)."""

    node_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, input, kernel, stride, padding):
        x = input._data
        ctx.pool, ctx.shape = (kernel, stride, padding), x.shape
        return _make(_windows(x, kernel, stride, padding, (1, 1)).mean(axis=(-2, -1)).astype(x.dtype))

    @staticmethod
    def backward(ctx, grad):
        _no_double_backward(grad, "avg_pool2d")
        (kh, kw), stride, padding = ctx.pool
        share = np.broadcast_to((grad._data / (kh * kw))[..., None, None], grad.shape + (kh, kw))
        return _make(_scatter_windows(share, ctx.shape, stride, padding, (1, 1))), None, None, None


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """Mean over ``kernel_size`` windows (stride defaults to the kernel size), as ``F.avg_pool2d``."""
    if ceil_mode or not count_include_pad or divisor_override is not None:
        raise NotImplementedError("autograd_lite's avg_pool2d has no ceil_mode, count_include_pad=False or "
                                  "divisor_override")
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    if input.dim() == 3:
        return avg_pool2d(input.unsqueeze(0), kernel, stride, padding).squeeze(0)
    return AvgPool.apply(input, kernel, stride, _pair(padding))


AdaptiveAvgPool = overload(AvgPool, "AdaptiveAvgPool", "AdaptiveAvgPool2DBackward0")


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average into an ``output_size`` grid; here for sizes that divide the input evenly."""
    h, w = input.shape[-2:]
    oh, ow = _pair(output_size)
    oh, ow = oh or h, ow or w
    if (oh, ow) == (1, 1):
        return input.mean((-2, -1), keepdim=True)  # PyTorch computes this case as a mean, too
    if h % oh or w % ow:
        raise NotImplementedError("autograd_lite's adaptive_avg_pool2d needs output sizes dividing the input's")
    kernel = (h // oh, w // ow)
    if input.dim() == 3:
        return AdaptiveAvgPool.apply(input.unsqueeze(0), kernel, kernel, (0, 0)).squeeze(0)
    return AdaptiveAvgPool.apply(input, kernel, kernel, (0, 0))
