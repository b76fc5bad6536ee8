"""The other activations of ``nn.functional``: hardtanh (relu6), threshold, hardsigmoid, hardswish,
mish, selu and celu, prelu and glu, each recorded under PyTorch's node (``HardtanhBackward0`` ...).

Their backward formulas are written with autograd_lite ops, so a ``create_graph=True``
backward differentiates them again with the right values; hardtanh's, threshold's and the elus'
record PyTorch's ``*BackwardBackward0`` nodes, the others' second-order graphs are made of the ops
written here, not of PyTorch's kernels (hardsigmoid, as PyTorch's, has no second derivative).
The activations PyTorch writes in Python (softsign, tanhshrink, softmin) are in ``nn/functional.py``.
"""
from __future__ import annotations

import numpy as np

from ..creation import zeros_like
from ..function import Function
from ..tensor import _wrap_dim, Tensor
from ..dtypes import scalar_type_name
from ._common import _pointwise, overload
from .activations import softplus
from .arithmetic import MulScalar, number_minus
from .comparison import where
from .inplace import _inplace
from .shape import cat


def _maybe_inplace(op, input: Tensor, inplace: bool, *args, inplace_op=None) -> Tensor:
    """``op(input, *args)``, or written into ``input`` when ``inplace``, recording ``inplace_op``'s node
    where PyTorch names its in-place overload apart (``ThresholdBackward1``), else ``op``'s."""
    if not inplace:
        return op.apply(input, *args)
    return _inplace(input, lambda s: (inplace_op or op).apply(s, *args))


class Hardtanh(Function):
    """x clamped into [min_val, max_val]; the gradient passes strictly inside."""

    node_name = "HardtanhBackward0"

    @staticmethod
    def forward(ctx, a, min_val, max_val):
        ctx.bounds = (min_val, max_val)
        ctx.save_for_backward(a)
        return _pointwise(np.clip(a._data, min_val, max_val).astype(a._data.dtype, copy=False), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return HardtanhBackward.apply(grad, a, *ctx.bounds), None, None


class HardtanhBackward(Function):
    """``grad`` where min_val < x < max_val, else 0 (PyTorch's ``hardtanh_backward``, an op of its own:
    a double backward records ``HardtanhBackwardBackward0``, the same mask again)."""

    node_name = "HardtanhBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, a, min_val, max_val):
        ctx.bounds = (min_val, max_val)
        ctx.save_for_backward(a)
        x = a._data
        return _pointwise(np.where((x > min_val) & (x < max_val), grad._data, 0).astype(grad._data.dtype), grad, a)

    @staticmethod
    def backward(ctx, gg):
        a, = ctx.saved_tensors
        return HardtanhBackward.apply(gg, a, *ctx.bounds), zeros_like(a), None, None


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """x clamped into [min_val, max_val] (``HardtanhBackward0``)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(Hardtanh, input, inplace, min_val, max_val)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6): a hardtanh, as PyTorch computes it (``HardtanhBackward0``)."""
    return hardtanh(input, 0.0, 6.0, inplace)


class Threshold(Function):
    """x where x > threshold, else ``value``; the gradient passes where x > threshold."""

    node_name = "ThresholdBackward0"

    @staticmethod
    def forward(ctx, a, threshold, value):
        ctx.threshold = threshold
        ctx.save_for_backward(a)
        x = a._data
        return _pointwise(np.where(x > threshold, x, value).astype(x.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return ThresholdAtBackward.apply(grad, a, ctx.threshold), None, None


class ThresholdAtBackward(Function):
    """``grad`` where x > threshold, else 0 (PyTorch's ``threshold_backward``; a double backward
    records ``ThresholdBackwardBackward0``)."""

    node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, a, threshold):
        ctx.threshold = threshold
        ctx.save_for_backward(a)
        return _pointwise(np.where(a._data > threshold, grad._data, 0).astype(grad._data.dtype), grad, a)

    @staticmethod
    def backward(ctx, gg):
        a, = ctx.saved_tensors
        return ThresholdAtBackward.apply(gg, a, ctx.threshold), zeros_like(a), None


ThresholdInplace = overload(Threshold, "ThresholdInplace", "ThresholdBackward1")


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else ``value`` (``ThresholdBackward0``)."""
    return _maybe_inplace(Threshold, input, inplace, threshold, value, inplace_op=ThresholdInplace)


class Hardsigmoid(Function):
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, a line between."""

    node_name = "HardsigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a._data
        return _pointwise((np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return HardsigmoidBackward.apply(grad, a)


class HardsigmoidBackward(Function):
    """``grad / 6`` where -3 < x < 3, else 0 (PyTorch's ``hardsigmoid_backward``, whose kernel multiplies
    by 1/6 rounded to float32 in every dtype). PyTorch has no derivative for it: neither has this."""

    node_name = "HardsigmoidBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, a):
        x, g = a._data, grad._data
        return _pointwise(np.where((x > -3) & (x < 3), g * g.dtype.type(_ONE_SIXTH), 0).astype(g.dtype), grad, a)

    @staticmethod
    def backward(ctx, gg):
        raise RuntimeError("derivative for aten::hardsigmoid_backward is not implemented")


_ONE_SIXTH = np.float32(1 / 6)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6 (``HardsigmoidBackward0``)."""
    return _maybe_inplace(Hardsigmoid, input, inplace)


class Hardswish(Function):
    """x relu6(x + 3) / 6: 0 below -3, x above 3."""

    node_name = "HardswishBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a._data
        return _pointwise((x * np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors  # PyTorch's hardswish_backward: 0 up to -3, then x / 3 + 0.5, then 1 from 3
        return where(a <= -3, 0, where(a < 3, grad * (a / 3 + 0.5), grad))


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x relu6(x + 3) / 6 (``HardswishBackward0``)."""
    return _maybe_inplace(Hardswish, input, inplace)


class Mish(Function):
    """x tanh(softplus(x))."""

    node_name = "MishBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a._data
        sp = np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20))))
        return _pointwise((x * np.tanh(sp)).astype(x.dtype, copy=False), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors  # PyTorch's infinitely_differentiable_mish_backward, op for op
        s = a.sigmoid()
        t = softplus(a).tanh()
        return grad * (t + a * s * number_minus(1.0, t * t))


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x tanh(softplus(x)) (``MishBackward0``)."""
    return _maybe_inplace(Mish, input, inplace)


class ScaledElu(Function):
    """scale * (x if x > 0 else alpha (exp(input_scale x) - 1)): PyTorch's elu with all its scales,
    behind selu (``EluBackward0``) and celu (``CeluBackward0``, below)."""

    node_name = "EluBackward0"

    @staticmethod
    def forward(ctx, a, alpha, scale, input_scale):
        ctx.scales = (alpha, scale, input_scale)
        ctx.save_for_backward(a)
        x = a._data
        neg = alpha * np.expm1(np.minimum(x, 0) * input_scale)
        return _pointwise((scale * np.where(x > 0, x, neg)).astype(x.dtype, copy=False), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return ScaledEluBackward.apply(grad, a, ctx.scales), None, None, None


class ScaledEluBackward(Function):
    """``grad * scale`` where x > 0, else ``grad * scale * alpha * input_scale * exp(input_scale x)``
    (PyTorch's ``elu_backward``, an op of its own: a double backward records ``EluBackwardBackward0``)."""

    node_name = "EluBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, a, scales):
        alpha, scale, input_scale = ctx.scales = scales
        ctx.save_for_backward(grad, a)
        g, x = grad._data, a._data
        negative = g * (scale * alpha * input_scale) * np.exp(np.minimum(x, 0) * input_scale)
        return _pointwise(np.where(x > 0, g * scale, negative).astype(g.dtype, copy=False), grad, a)

    @staticmethod
    def backward(ctx, gg):
        grad, a = ctx.saved_tensors  # PyTorch's elu_double_backward (not is_result)
        second = ScaledEluBackward.apply(MulScalar.apply(gg * grad, ctx.scales[2]), a, ctx.scales) * (a < 0).to(gg.dtype)
        return ScaledEluBackward.apply(gg, a, ctx.scales), second, None


ScaledEluInplace = overload(ScaledElu, "ScaledEluInplace", "EluBackward1")
Celu = overload(ScaledElu, "Celu", "CeluBackward0")
CeluInplace = overload(ScaledElu, "CeluInplace", "CeluBackward1")

_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the self-normalising constants (``EluBackward0``)."""
    return _maybe_inplace(ScaledElu, input, inplace, _SELU_ALPHA, _SELU_SCALE, 1.0, inplace_op=ScaledEluInplace)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha (exp(x / alpha) - 1) (``CeluBackward0``)."""
    return _maybe_inplace(Celu, input, inplace, alpha, 1.0, 1 / alpha, inplace_op=CeluInplace)


class PreluKernel(Function):
    """x if x > 0 else w x, ``w`` already shaped to broadcast over x (PyTorch's ``_prelu_kernel``)."""

    node_name = "PreluKernelBackward0"

    @staticmethod
    def forward(ctx, a, w):
        ctx.save_for_backward(a, w)
        x = a._data
        return _pointwise(np.where(x > 0, x, w._data * x).astype(x.dtype, copy=False), a, w)

    @staticmethod
    def backward(ctx, grad):
        a, w = ctx.saved_tensors  # (w's gradient has x's shape: the engine sums it to w's)
        positive = a > 0
        return where(positive, grad, w * grad), where(positive, 0, a * grad)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x if x > 0 else w x, one learned w or one per channel (dimension 1) (``PreluKernelBackward0``)."""
    if input.dtype != weight.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {scalar_type_name(input.dtype)} and "
                           f"{scalar_type_name(weight.dtype)}")
    n = weight.numel()
    if n != 1:
        if input.dim() == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.dim() > 1 else 1
        if channels != n:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = {n} "
                               f"and channel size = {channels}.")
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}")
    if input.dim() != weight.dim():
        shape = [1] * input.dim()
        if input.dim() >= 2:
            shape[1] = n
        weight = weight.reshape(shape)
    return PreluKernel.apply(input, weight)


class Glu(Function):
    """a σ(b), a and b the two halves of the input along ``dim``."""

    node_name = "GluBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        ctx.save_for_backward(x)
        a, b = np.split(x._data, 2, axis=dim)
        return _pointwise((a / (1 + np.exp(-b))).astype(x._data.dtype, copy=False), x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        a, b = x.chunk(2, ctx.dim)
        s = b.sigmoid()
        return cat([grad * s, grad * a * s * number_minus(1.0, s)], ctx.dim), None


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """First half times the sigmoid of the second half along ``dim`` (``GluBackward0``)."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _wrap_dim(dim, input.dim())
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    return Glu.apply(input, d)

