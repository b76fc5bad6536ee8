"""Padding (``F.pad``, the ops behind ``nn.ZeroPad2d``, ``nn.ReflectionPad2d``, ``nn.ReplicationPad1d`` ...):
constant padding (a negative pad crops), reflection and replication, each recorded under
PyTorch's node (``ConstantPadNdBackward0``, ``ReflectionPad2DBackward0`` ...).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..creation import zeros_like
from ..function import Function
from ..tensor import _make, Tensor
from ._common import overload


# ``pad`` lists (left, right) pairs from the last dimension backwards, as F.pad takes it.

def _pad_pairs(pad: tuple, ndim: int) -> list[tuple[int, int, int]]:
    """(dimension, before, after) for each padded dimension, the last one first."""
    return [(ndim - 1 - i, pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2)]


class ConstantPadNd(Function):
    """``value`` added around the input (a negative pad crops); the gradient is the grad cropped back."""

    node_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, input, pad, value):
        x = input._data
        shape, src, dst = list(x.shape), [slice(None)] * x.ndim, [slice(None)] * x.ndim
        for d, before, after in _pad_pairs(pad, x.ndim):
            n = x.shape[d]
            kept = n - max(-before, 0) - max(-after, 0)
            if kept < 0 or n + before + after < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
            src[d] = slice(max(-before, 0), max(-before, 0) + kept)
            dst[d] = slice(max(before, 0), max(before, 0) + kept)
            shape[d] = n + before + after
        out = np.full(shape, value, dtype=x.dtype)
        out[tuple(dst)] = x[tuple(src)]
        ctx.pad = pad
        return _make(out)

    @staticmethod
    def backward(ctx, grad):
        return ConstantPadNd.apply(grad, tuple(-p for p in ctx.pad), 0), None, None


def _source_index(n: int, before: int, after: int, mode: str) -> np.ndarray:
    """Which input position each output position of a padded dimension copies."""
    i = np.arange(-before, n + after)
    if mode == "replicate":
        return np.clip(i, 0, n - 1)
    i = np.abs(i)
    return np.where(i >= n, 2 * (n - 1) - i, i)


def _gather(x: np.ndarray, index: list) -> np.ndarray:
    for d, idx in index:
        x = np.take(x, idx, axis=d)
    return x


def _scatter_add(g: np.ndarray, shape: tuple, index: list) -> np.ndarray:
    """The adjoint of ``_gather``: each output position's gradient added to the input position it copies."""
    for d, idx in reversed(index):
        out_shape = list(g.shape)
        out_shape[d] = shape[d]
        out = np.zeros(out_shape, g.dtype)
        np.add.at(np.moveaxis(out, d, 0), idx, np.moveaxis(g, d, 0))
        g = out
    return g


class IndexPad(Function):
    """Reflection or replication padding: every output element copies one input element.

    Its gradient sums what each input element was copied to (``PadBackward``, an op of its
    own in PyTorch, whose gradient pads again: double backward works)."""

    node_name = "ReflectionPad1DBackward0"

    @staticmethod
    def forward(ctx, input, pad, mode):
        ctx.index = [(d, _source_index(input.shape[d], b, a, mode)) for d, b, a in _pad_pairs(pad, input.dim())]
        ctx.args = (pad, mode)
        ctx.save_for_backward(input)
        return _make(np.ascontiguousarray(_gather(input._data, ctx.index)))

    @staticmethod
    def backward(ctx, grad):
        input, = ctx.saved_tensors
        return _PAD_BACKWARD[type(ctx)._function].apply(grad, input, ctx.index, ctx.args), None, None


class PadBackward(Function):
    """The gradient of a reflection or replication pad; its own gradient is that pad again.

    It takes the input too, as PyTorch's ``reflection_pad1d_backward(grad, self, padding)``:
    a double backward gives the input a zero gradient through it."""

    node_name = "ReflectionPad1DBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, input, index, args):
        ctx.args = args
        ctx.save_for_backward(input)
        return _make(_scatter_add(grad._data, input.shape, index))

    @staticmethod
    def backward(ctx, gg):
        input, = ctx.saved_tensors
        zero = zeros_like(input) if ctx.needs_input_grad[1] else None
        return pad(gg, *ctx.args), zero, None, None


_PADS = {(mode, k): overload(IndexPad, f"{name}Pad{k}D", f"{name}Pad{k}DBackward0")
         for mode, name in (("reflect", "Reflection"), ("replicate", "Replication")) for k in (1, 2, 3)}
_PAD_BACKWARD = {f: overload(PadBackward, f.__name__ + "Backward", f.node_name.replace("Backward0", "BackwardBackward0"))
                 for f in _PADS.values()}

_NON_CONSTANT_PAD = ("Supported combinations for non-constant padding:\n"
                     "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
                     "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
                     "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dimensions (``pad`` = (left, right, top, bottom, ...)), as ``F.pad``.

    "constant" fills with ``value`` (0 by default; a negative pad crops), "reflect" mirrors
    the input without repeating the edge, "replicate" repeats the edge.
    """
    pad = tuple(pad)
    for i, p in enumerate(pad):
        if not isinstance(p, int) or isinstance(p, bool):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
                            f"{type(p).__name__} at pos {i}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > 2 * input.dim():
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.dim()}")
    if mode == "constant":
        return ConstantPadNd.apply(input, pad, 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    k = len(pad) // 2
    if input.dim() not in (k + 1, k + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\n"
                                  + _NON_CONSTANT_PAD)
    if mode == "circular":
        raise NotImplementedError("autograd_lite's pad has no circular mode")
    if mode == "reflect":
        for i, (d, before, after) in enumerate(_pad_pairs(pad, input.dim())):
            if before >= input.shape[d] or after >= input.shape[d]:
                raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the corresponding input "
                                   f"dimension, but got: padding ({before}, {after}) at dimension {d} of input "
                                   f"{list(input.shape)}")
    shape = _padded_shape(input.shape, pad)
    if k == 1 and shape[-1] < 1:
        raise RuntimeError(f"input (W: {input.shape[-1]}) is too small. Calculated output W: {shape[-1]}")
    if min(shape) < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}")
    return _PADS[mode, k].apply(input, pad, mode)


def _padded_shape(shape: tuple, pad: tuple) -> tuple:
    shape = list(shape)
    for d, before, after in _pad_pairs(pad, len(shape)):
        shape[d] += before + after
    return tuple(shape)
