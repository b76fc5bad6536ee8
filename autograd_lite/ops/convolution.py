"""1-D and 2-D convolution and pooling (the ops behind ``nn.Conv1d``, ``nn.Conv2d``,
``nn.ConvTranspose2d``, ``nn.MaxPool2d``, ``nn.AvgPool2d``, the adaptive pools and their
functional forms).

Both work on sliding windows of the (padded) input: ``windows[n, c, i, j]`` is the
``kh x kw`` patch under output position ``(i, j)``, a numpy view, so no patch is copied
until the product needs it. The convolution is one tensor product of the windows with
the weight; its backward is two more (for the weight and the input), the input's being
scattered back window by window. Their backward is numpy, not differentiable ops, so a
``create_graph=True`` backward through them raises instead of giving a wrong result.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..function import Function
from ..grad_mode import is_grad_enabled
from ..tensor import _make, Tensor
from .padding import pad


def _pair(v: int | tuple) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else tuple(v)


def _ntuple(v: int | tuple, n: int, name: str) -> tuple:
    """``v`` as ``n`` ints (one int is repeated), with PyTorch's error for a wrong length."""
    v = (v,) * n if isinstance(v, int) else tuple(v)
    if len(v) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match the "
                           f"convolution dimensions, but got {name}={list(v)}")
    return v


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
    """out[n, o] = bias[o] + Σ_c weight[o, c] ⋆ input[n, c] (cross-correlation, as PyTorch's).

    A 1-D convolution is computed as a 2-D one of height 1 (``conv`` holds 2-D arguments)."""

    node_name = "ConvolutionBackward0"
    _optional_tensor_args = (2,)  # no bias: PyTorch's node still has its edge, (None, 0)

    @staticmethod
    def forward(ctx, input, weight, bias, stride, padding, dilation):
        x, w = _as_2d(input._data), _as_2d(weight._data)
        win = _windows(x, w.shape[2:], stride, padding, dilation)
        out = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
        if bias is not None:
            out = out + bias._data[:, None, None]
        ctx.save_for_backward(input, weight)
        ctx.conv = (stride, padding, dilation)
        return _make(np.ascontiguousarray(out.reshape(out.shape[:2] + out.shape[6 - input.dim():]), dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad):
        _no_double_backward(grad, "convolution")
        input, weight = ctx.saved_tensors
        stride, padding, dilation = ctx.conv
        x, w, g = _as_2d(input._data), _as_2d(weight._data), _as_2d(grad._data)
        need_input, need_weight, need_bias = ctx.needs_input_grad[:3]
        grad_input = grad_weight = grad_bias = None
        if need_input:
            per_window = np.tensordot(g, w, axes=([1], [0]))  # (N, Ho, Wo, C, kh, kw)
            grad_input = _make(_scatter_windows(per_window.transpose(0, 3, 1, 2, 4, 5), x.shape, stride,
                                                padding, dilation).reshape(input.shape))
        if need_weight:
            win = _windows(x, w.shape[2:], stride, padding, dilation)
            grad_weight = _make(np.tensordot(g, win, axes=([0, 2, 3], [0, 2, 3])).astype(w.dtype).reshape(weight.shape))
        if need_bias:
            grad_bias = _make(g.sum(axis=(0, 2, 3)))
        return grad_input, grad_weight, grad_bias, None, None, None


def _as_2d(a: np.ndarray) -> np.ndarray:
    """A 1-D convolution's (N, C, L) array as (N, C, 1, L): the 2-D code computes both."""
    return a[:, :, None, :] if a.ndim == 3 else a


def _convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any, dilation: Any,
                 groups: int, n: int) -> Tensor:
    """What ``F.conv1d`` (n = 1) and ``F.conv2d`` (n = 2) share: PyTorch's checks, its
    ``padding="same"`` (extra padding on the right when the total is odd), unbatched input."""
    if groups != 1:
        raise NotImplementedError(f"autograd_lite's conv{n}d supports groups=1 only")
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to conv{n}d, but got input of "
                           f"size: {list(input.shape)}")
    if input.dim() == n + 1:
        return _convolution(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups, n).squeeze(0)
    stride, dilation = _ntuple(stride, n, "stride"), _ntuple(dilation, n, "dilation")
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if padding == "same" and any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        totals = [d * (k - 1) if padding == "same" else 0 for d, k in zip(dilation, kernel)]
        padding = tuple(t // 2 for t in totals)
        extra = [t - 2 * (t // 2) for t in totals]
        if any(extra):
            warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a zero-padded "
                          "copy of the input be created", stacklevel=3)
            input = pad(input, tuple(v for e in reversed(extra) for v in (0, e)))
    padding = _ntuple(padding, n, "padding")
    if input.shape[1] != weight.shape[1]:
        raise RuntimeError(f"Given groups=1, weight of size {list(weight.shape)}, expected input{list(input.shape)} "
                           f"to have {weight.shape[1]} channels, but got {input.shape[1]} channels instead")
    padded = tuple(s + 2 * p for s, p in zip(input.shape[2:], padding))
    if any(p < d * (k - 1) + 1 for p, d, k in zip(padded, dilation, kernel)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, kernel))}). Kernel size can't be greater than actual input size")
    if n == 1:
        stride, padding, dilation = (1,) + stride, (0,) + padding, (1,) + dilation
    return Convolution.apply(input, weight, bias, stride, padding, dilation)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation of (N, C, L) input with (O, C, k) weight (``ConvolutionBackward0``)."""
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation of (N, C, H, W) input with (O, C, kh, kw) weight (``ConvolutionBackward0``)."""
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 2)


class ConvTranspose(Function):
    """The adjoint of a convolution (what its input's gradient computes): each input element adds
    ``weight[c]`` times itself into the output window it maps to (``ConvolutionBackward0``, as PyTorch's)."""

    node_name = "ConvolutionBackward0"
    _optional_tensor_args = (2,)

    @staticmethod
    def forward(ctx, input, weight, bias, stride, padding, output_padding, dilation):
        x, w = _as_2d(input._data), _as_2d(weight._data)
        (n, _, h, wd), (kh, kw) = x.shape, w.shape[2:]
        out_hw = [(size - 1) * s - 2 * p + d * (k - 1) + op + 1
                  for size, s, p, d, k, op in zip((h, wd), stride, padding, dilation, (kh, kw), output_padding)]
        per_window = np.tensordot(x, w, axes=([1], [0])).transpose(0, 3, 1, 2, 4, 5)  # (N, O, H, W, kh, kw)
        out = _scatter_windows(per_window, (n, w.shape[1], *out_hw), stride, padding, dilation)
        if bias is not None:
            out = out + bias._data[:, None, None]
        ctx.save_for_backward(input, weight)
        ctx.conv = (stride, padding, dilation)
        return _make(np.ascontiguousarray(out.reshape(out.shape[:2] + out.shape[6 - input.dim():]), dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad):
        _no_double_backward(grad, "conv_transpose")
        input, weight = ctx.saved_tensors
        stride, padding, dilation = ctx.conv
        x, w, g = _as_2d(input._data), _as_2d(weight._data), _as_2d(grad._data)
        win = _windows(g, w.shape[2:], stride, padding, dilation)[:, :, :x.shape[2], :x.shape[3]]
        need_input, need_weight, need_bias = ctx.needs_input_grad[:3]
        grad_input = grad_weight = grad_bias = None
        if need_input:
            grad_input = _make(np.ascontiguousarray(np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3]))
                                                    .transpose(0, 3, 1, 2)).reshape(input.shape))
        if need_weight:
            grad_weight = _make(np.tensordot(x, win, axes=([0, 2, 3], [0, 2, 3])).astype(w.dtype).reshape(weight.shape))
        if need_bias:
            grad_bias = _make(g.sum(axis=(0, 2, 3)))
        return grad_input, grad_weight, grad_bias, None, None, None, None


def _conv_transpose(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any,
                    output_padding: Any, groups: int, dilation: Any, n: int) -> Tensor:
    """What ``F.conv_transpose1d`` and ``F.conv_transpose2d`` share: PyTorch's checks, unbatched input."""
    if groups != 1:
        raise NotImplementedError(f"autograd_lite's conv_transpose{n}d supports groups=1 only")
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to conv_transpose{n}d, but got "
                           f"input of size: {list(input.shape)}")
    if input.dim() == n + 1:
        return _conv_transpose(input.unsqueeze(0), weight, bias, stride, padding, output_padding, groups, dilation,
                               n).squeeze(0)
    stride, padding = _ntuple(stride, n, "stride"), _ntuple(padding, n, "padding")
    output_padding, dilation = _ntuple(output_padding, n, "output_padding"), _ntuple(dilation, n, "dilation")
    if input.shape[1] != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input{list(input.shape)} "
                           f"to have {weight.shape[0]} channels, but got {input.shape[1]} channels instead")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        names = ("width",) if n == 1 else ("height", "width")
        raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                           + " ".join(f"output_padding_{k}: {v}" for k, v in zip(names, output_padding)) + " "
                           + " ".join(f"stride_{k}: {v}" for k, v in zip(names, stride)) + " "
                           + " ".join(f"dilation_{k}: {v}" for k, v in zip(names, dilation)))
    if n == 1:
        stride, padding, output_padding, dilation = ((1,) + stride, (0,) + padding, (0,) + output_padding,
                                                     (1,) + dilation)
    return ConvTranspose.apply(input, weight, bias, stride, padding, output_padding, dilation)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """The transpose of conv1d: (N, C, L) input, (C, O, k) weight (``ConvolutionBackward0``)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 1)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """The transpose of conv2d, e.g. to upsample in a decoder: (N, C, H, W) input, (C, O, kh, kw) weight."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 2)


class MaxPool(Function):
    """The largest value of each window; its gradient goes to that one element (the first, on ties).

    ``out_size`` may need windows past the right edge (``ceil_mode``): they read -inf there."""

    node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, input, kernel, stride, padding, dilation, out_size):
        x = _batched(input._data)
        out, ctx.argmax, ctx.padded = _window_max(x, kernel, stride, padding, dilation, out_size)
        ctx.pool, ctx.shape = (kernel, stride, padding, dilation), x.shape
        return _make(out.reshape(out.shape[4 - input.dim():]))

    @staticmethod
    def backward(ctx, grad):
        _no_double_backward(grad, "max_pool2d")
        (kh, kw), stride, padding, dilation = ctx.pool
        per_window = np.zeros(ctx.argmax.shape + (kh * kw,), grad._data.dtype)
        np.put_along_axis(per_window, ctx.argmax[..., None], _batched(grad._data)[..., None], -1)
        grads = per_window.reshape(ctx.argmax.shape + (kh, kw))
        (n, c, h, w) = ctx.shape
        out = _scatter_windows(grads, (n, c) + ctx.padded, stride, padding, dilation)[:, :, :h, :w]
        return _make(out.reshape(out.shape[4 - grad.dim():])), None, None, None, None, None



def _window_max(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
                out_size: tuple) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Each window's maximum and where in the window it is; and the padded height and width the
    windows span (the right edge padded with -inf as far as ``out_size`` needs)."""
    extents = [(o - 1) * s + d * (k - 1) + 1 for o, s, d, k in zip(out_size, stride, dilation, kernel)]
    right = [max(e - size - p, 0) for e, size, p in zip(extents, x.shape[2:], padding)]
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding[0], right[0]), (padding[1], right[1])), constant_values=-np.inf)
    win = _windows(x_pad, kernel, stride, (0, 0), dilation)[:, :, :out_size[0], :out_size[1]]
    flat = win.reshape(win.shape[:4] + (-1,))
    argmax = flat.argmax(axis=-1)
    out = np.take_along_axis(flat, argmax[..., None], -1)[..., 0].astype(x.dtype)
    return out, argmax, tuple(max(size, e - 2 * p) for size, e, p in zip(x.shape[2:], extents, padding))


def _flat_indices(argmax: np.ndarray, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
                  width: int) -> np.ndarray:
    """Where each maximum is, as a flat index into its input plane (``return_indices=True``)."""
    ki, kj = np.divmod(argmax, kernel[1])
    i = np.arange(argmax.shape[2])[:, None] * stride[0] - padding[0] + ki * dilation[0]
    j = np.arange(argmax.shape[3])[None, :] * stride[1] - padding[1] + kj * dilation[1]
    return (i * width + j).astype(np.int64)


def _batched(x: np.ndarray) -> np.ndarray:
    """An unbatched (C, H, W) array as a batch of one: the pools handle both without extra nodes, as PyTorch's."""
    return x if x.ndim == 4 else x[None]


def _pool_size(size: int, kernel: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's pooling_output_shape: with ``ceil_mode`` a last partial window, if it starts inside."""
    out = (size + 2 * pad - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max over ``kernel_size`` windows (stride defaults to the kernel size), as ``F.max_pool2d``;
    ``return_indices`` also gives where each maximum was (flat in its plane, for ``max_unpool2d``)."""
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    padding, dilation = _pair(padding), _pair(dilation)
    for p, k, d in zip(padding, kernel, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    out_size = tuple(_pool_size(n, k, s, p, d, ceil_mode)
                     for n, k, s, p, d in zip(input.shape[-2:], kernel, stride, padding, dilation))
    if min(out_size) < 1:
        sizes = "x".join(map(str, input.shape[-3:]))
        raise RuntimeError(f"Given input size: ({sizes}). Calculated output size: "
                           f"({input.shape[-3]}x{out_size[0]}x{out_size[1]}). Output size is too small")
    out = MaxPool.apply(input, kernel, stride, padding, dilation, out_size)
    if not return_indices:
        return out
    _, argmax, _ = _window_max(_batched(input._data), kernel, stride, padding, dilation, out_size)
    return out, _make(_flat_indices(argmax, kernel, stride, padding, dilation, input.shape[-1]).reshape(out.shape))


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max over windows of the last dimension: a max_pool2d of height 1, as PyTorch computes it."""
    one = lambda v: v[0] if isinstance(v, (tuple, list)) else v  # noqa: E731
    stride = None if stride is None or stride == [] else (1, one(stride))
    out = max_pool2d(input.unsqueeze(-2), (1, one(kernel_size)), stride, (0, one(padding)), (1, one(dilation)),
                     ceil_mode, return_indices)
    return (out[0].squeeze(-2), out[1].squeeze(-2)) if return_indices else out.squeeze(-2)


class AvgPool(Function):
    """The mean of each window (padding counts as zeros, PyTorch's ``count_include_pad=True``)."""

    node_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, input, kernel, stride, padding):
        x = _batched(input._data)
        ctx.pool, ctx.shape = (kernel, stride, padding), x.shape
        out = _windows(x, kernel, stride, padding, (1, 1)).mean(axis=(-2, -1)).astype(x.dtype)
        return _make(out.reshape(out.shape[4 - input.dim():]))

    @staticmethod
    def backward(ctx, grad):
        _no_double_backward(grad, "avg_pool2d")
        (kh, kw), stride, padding = ctx.pool
        g = _batched(grad._data)
        share = np.broadcast_to((g / (kh * kw))[..., None, None], g.shape + (kh, kw))
        out = _scatter_windows(share, ctx.shape, stride, padding, (1, 1))
        return _make(out.reshape(out.shape[4 - grad.dim():])), None, None, None


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """Mean over ``kernel_size`` windows (stride defaults to the kernel size), as ``F.avg_pool2d``."""
    if ceil_mode or not count_include_pad or divisor_override is not None:
        raise NotImplementedError("autograd_lite's avg_pool2d has no ceil_mode, count_include_pad=False or "
                                  "divisor_override")
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    return AvgPool.apply(input, kernel, stride, _pair(padding))


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """Mean over windows of the last dimension: an avg_pool2d of height 1, as PyTorch computes it."""
    one = lambda v: v[0] if isinstance(v, (tuple, list)) else v  # noqa: E731
    stride = None if stride is None or stride == [] else (1, one(stride))
    return avg_pool2d(input.unsqueeze(-2), (1, one(kernel_size)), stride, (0, one(padding)), ceil_mode,
                      count_include_pad).squeeze(-2)


def _adaptive_windows(size: int, out: int) -> list[tuple[int, int]]:
    """PyTorch's adaptive pooling windows: output i covers [floor(i size / out), ceil((i + 1) size / out))."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


class AdaptiveAvgPool(Function):
    """The mean of each adaptive window (they overlap when the sizes do not divide); the gradient
    shares each output's gradient among its window."""

    node_name = "AdaptiveAvgPool2DBackward0"

    @staticmethod
    def forward(ctx, input, out_size):
        x = input._data
        ctx.rows, ctx.cols = (_adaptive_windows(n, o) for n, o in zip(x.shape[-2:], out_size))
        out = np.empty(x.shape[:-2] + tuple(out_size), x.dtype)
        for i, (h0, h1) in enumerate(ctx.rows):
            for j, (w0, w1) in enumerate(ctx.cols):
                out[..., i, j] = x[..., h0:h1, w0:w1].mean(axis=(-2, -1))
        ctx.shape = x.shape
        return _make(out)

    @staticmethod
    def backward(ctx, grad):
        _no_double_backward(grad, "adaptive_avg_pool2d")
        g = grad._data
        out = np.zeros(ctx.shape, g.dtype)
        for i, (h0, h1) in enumerate(ctx.rows):
            for j, (w0, w1) in enumerate(ctx.cols):
                out[..., h0:h1, w0:w1] += (g[..., i, j] / ((h1 - h0) * (w1 - w0)))[..., None, None]
        return _make(out), None


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average into an ``output_size`` grid (None keeps that size), as ``F.adaptive_avg_pool2d``."""
    h, w = input.shape[-2:]
    oh, ow = _pair(output_size)
    oh, ow = oh or h, ow or w
    if (oh, ow) == (1, 1):
        return input.mean((-2, -1), keepdim=True)  # PyTorch computes this case as a mean, too
    return AdaptiveAvgPool.apply(input, (oh, ow))


def _adaptive_max(x: np.ndarray, out_size: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Each adaptive window's maximum, and where it is as a flat index into its input plane."""
    rows, cols = (_adaptive_windows(n, o) for n, o in zip(x.shape[-2:], out_size))
    out = np.empty(x.shape[:-2] + tuple(out_size), x.dtype)
    index = np.empty(out.shape, np.int64)
    for i, (h0, h1) in enumerate(rows):
        for j, (w0, w1) in enumerate(cols):
            window = x[..., h0:h1, w0:w1].reshape(x.shape[:-2] + (-1,))
            k = window.argmax(axis=-1)
            out[..., i, j] = np.take_along_axis(window, k[..., None], -1)[..., 0]
            index[..., i, j] = (h0 + k // (w1 - w0)) * x.shape[-1] + w0 + k % (w1 - w0)
    return out, index


class AdaptiveMaxPool(Function):
    """The largest value of each adaptive window; its gradient goes to that element (the first, on ties)."""

    node_name = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, input, out_size):
        out, ctx.index = _adaptive_max(input._data, out_size)
        ctx.shape = input.shape
        return _make(out)

    @staticmethod
    def backward(ctx, grad):
        _no_double_backward(grad, "adaptive_max_pool2d")
        g = grad._data
        flat = np.zeros(ctx.shape[:-2] + (ctx.shape[-2] * ctx.shape[-1],), g.dtype)
        lead = flat.reshape(-1, flat.shape[-1])
        np.add.at(lead, (np.arange(lead.shape[0])[:, None], ctx.index.reshape(lead.shape[0], -1)),
                  g.reshape(lead.shape[0], -1))
        return _make(flat.reshape(ctx.shape)), None


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """The maximum of each cell of an ``output_size`` grid (None keeps that size), as ``F.adaptive_max_pool2d``;
    ``return_indices`` also gives where each maximum was (flat in its plane)."""
    h, w = input.shape[-2:]
    oh, ow = _pair(output_size)
    out = AdaptiveMaxPool.apply(input, (oh or h, ow or w))
    return (out, _make(_adaptive_max(input._data, (oh or h, ow or w))[1])) if return_indices else out


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """The maximum of each of ``output_size`` pieces of the last dimension (an adaptive_max_pool2d of height 1)."""
    size = output_size[0] if isinstance(output_size, (tuple, list)) else output_size
    out = adaptive_max_pool2d(input.unsqueeze(-2), (1, size), return_indices)
    return (out[0].squeeze(-2), out[1].squeeze(-2)) if return_indices else out.squeeze(-2)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Average into ``output_size`` pieces of the last dimension (an adaptive_avg_pool2d of height 1)."""
    size = output_size[0] if isinstance(output_size, (tuple, list)) else output_size
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)
