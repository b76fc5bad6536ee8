"""Resizing (``F.interpolate``, ``nn.Upsample``): nearest and (bi)linear, as PyTorch's kernels compute them.

Both are separable: along each resized dimension, output position ``j`` reads input positions
``i0[j]`` and ``i1[j]`` with weights ``w0[j]`` and ``w1[j]`` (nearest: one position, weight 1).
The forward applies that map dimension by dimension, the last one first (PyTorch's order of
rounding); the backward is its adjoint (a scatter-add), an op of its own whose own gradient
is the forward again, so gradients of any order work.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from ..tensor import _make, Tensor

_Axis = tuple  # (dimension, i0, i1, w0, w1)


def _nearest_axis(in_size: int, out_size: int, scale: float | None, dtype: np.dtype) -> tuple:
    """PyTorch's nearest_idx: i = min(floor(j * s), in - 1), s = 1 / scale_factor or in / out, in float32."""
    j = np.arange(out_size)
    if out_size == in_size:
        i = j
    elif out_size == 2 * in_size:
        i = j >> 1
    else:
        s = np.float32(1.0 / scale) if scale else np.float32(in_size) / np.float32(out_size)
        i = np.minimum(np.floor(j.astype(np.float32) * s).astype(np.int64), in_size - 1)
    ones = np.ones(out_size, dtype)
    return i, i, ones, np.zeros(out_size, dtype)


def _linear_axis(in_size: int, out_size: int, scale: float | None, align_corners: bool, dtype: np.dtype) -> tuple:
    """PyTorch's area_pixel_compute_source_index and its two neighbours' weights (in the input's precision)."""
    t = np.float64 if dtype == np.float64 else np.float32
    j = np.arange(out_size).astype(t)
    if align_corners:
        s = t((in_size - 1) / (out_size - 1)) if out_size > 1 else t(0)
        src = s * j
    else:
        s = t(1.0 / scale) if scale else t(in_size) / t(out_size)
        src = np.maximum(s * (j + t(0.5)) - t(0.5), t(0))
    i0 = src.astype(np.int64)
    i1 = i0 + (i0 < in_size - 1)
    w1 = (src - i0).astype(dtype)
    return i0, i1, (t(1) - w1).astype(dtype), w1


def _gather(x: np.ndarray, axes: list) -> np.ndarray:
    for d, i0, i1, w0, w1 in reversed(axes):  # (the last dimension first, as PyTorch rounds)
        shape = [1] * x.ndim
        shape[d] = -1
        a, b = np.take(x, i0, axis=d), np.take(x, i1, axis=d)
        x = w0.reshape(shape) * a + w1.reshape(shape) * b if np.any(w1) else a
    return x


def _scatter(g: np.ndarray, in_shape: tuple, axes: list) -> np.ndarray:
    for d, i0, i1, w0, w1 in axes:
        shape = [1] * g.ndim
        shape[d] = -1
        out_shape = list(g.shape)
        out_shape[d] = in_shape[d]
        out = np.zeros(out_shape, g.dtype)
        moved = np.moveaxis(out, d, 0)
        np.add.at(moved, i0, np.moveaxis(g * w0.reshape(shape), d, 0))
        if np.any(w1):
            np.add.at(moved, i1, np.moveaxis(g * w1.reshape(shape), d, 0))
        g = out
    return g


class Upsample(Function):
    """The separable resize of ``axes``; its gradient is ``UpsampleBackward`` (the adjoint)."""

    node_name = "UpsampleNearest2DBackward0"

    @staticmethod
    def forward(ctx, input, axes):
        ctx.axes, ctx.shape = axes, tuple(input.shape)
        return _make(np.ascontiguousarray(_gather(input._data, axes)).astype(input._data.dtype, copy=False))

    @staticmethod
    def backward(ctx, grad):
        return _BACKWARD[type(ctx)._function].apply(grad, ctx.shape, ctx.axes), None


class UpsampleBackward(Function):
    """The adjoint of ``Upsample`` (PyTorch's ``upsample_*_backward``); its gradient is the resize again."""

    node_name = "UpsampleNearest2DBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, shape, axes):
        ctx.axes = axes
        return _make(_scatter(grad._data, shape, axes))

    @staticmethod
    def backward(ctx, gg):
        return _FORWARD[type(ctx)._function].apply(gg, ctx.axes), None, None


_MODES = {("nearest", 1): "Nearest1D", ("nearest", 2): "Nearest2D", ("nearest", 3): "Nearest3D",
          ("linear", 1): "Linear1D", ("bilinear", 2): "Bilinear2D", ("trilinear", 3): "Trilinear3D"}
_UPSAMPLES = {key: type(f"Upsample{name}", (Upsample,), {"node_name": f"Upsample{name}Backward0"})
              for key, name in _MODES.items()}
_BACKWARD = {f: type(f.__name__ + "Backward", (UpsampleBackward,),
                     {"node_name": f.node_name.replace("Backward0", "BackwardBackward0")}) for f in _UPSAMPLES.values()}
_FORWARD = {b: f for f, b in _BACKWARD.items()}


_LINEAR_DIMS = {"linear": 3, "bilinear": 4, "trilinear": 5}


def _check_mode(mode: str, ndim: int) -> None:
    """PyTorch's refusals of a mode for an input rank (then ours, for the modes not written here)."""
    if mode in _LINEAR_DIMS and ndim in (3, 4, 5) and ndim != _LINEAR_DIMS[mode]:
        raise NotImplementedError(f"Got {ndim}D input, but {mode} mode needs {_LINEAR_DIMS[mode]}D input")
    if ndim not in (3, 4, 5):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {ndim}D) for the modes: "
                                  f"nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact (got {mode})")
    if mode not in ("nearest",) + tuple(_LINEAR_DIMS):
        raise NotImplementedError(f"autograd_lite's interpolate has no mode {mode!r}")


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dimensions (all but the first two) to ``size`` or by ``scale_factor``
    (``F.interpolate``; modes nearest, linear, bilinear, trilinear)."""
    n = input.dim() - 2
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                         "bicubic | trilinear")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (tuple, list)) and len(size) != n:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {list(input.shape[2:])} and output size of {size}. Please provide "
                             f"input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
        sizes, scales = list(size) if isinstance(size, (tuple, list)) else [size] * n, [None] * n
    else:
        if isinstance(scale_factor, (tuple, list)) and len(scale_factor) != n:
            raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                             f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                             f"scale_factor in (s1, s2, ...,sK) format.")
        scales = list(scale_factor) if isinstance(scale_factor, (tuple, list)) else [scale_factor] * n
        sizes = [math.floor(s * f) for s, f in zip(input.shape[2:], scales)]
    _check_mode(mode, input.dim())
    if antialias or recompute_scale_factor:
        raise NotImplementedError("autograd_lite's interpolate has no antialias or recompute_scale_factor")
    dtype = input._data.dtype
    axes = []
    for k, (in_size, out_size, scale) in enumerate(zip(input.shape[2:], sizes, scales)):
        if mode == "nearest":
            maps = _nearest_axis(in_size, out_size, scale, dtype)
        else:
            maps = _linear_axis(in_size, out_size, scale, bool(align_corners), dtype)
        axes.append((k + 2,) + maps)
    return _UPSAMPLES[mode, n].apply(input, axes)
