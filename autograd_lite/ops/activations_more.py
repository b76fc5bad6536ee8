"""More of ``nn.functional``'s activations: the piecewise ones (hardtanh and relu6, hardswish,
hardsigmoid, threshold, hardshrink, softshrink), mish, selu and celu (elu's kernel), prelu, glu,
and the compositions PyTorch writes in Python (softsign, softmin, tanhshrink, logsigmoid).

A piecewise-linear activation's backward ``grad * slope(x)`` is an op of its own in PyTorch
(``HardtanhBackwardBackward0`` ...): linear in ``grad`` (its gradient is the same op), constant
in ``x`` (zero), which ``_SlopeBackward`` writes once for all of them.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..creation import zeros_like
from ..dtypes import _NO_INT_KERNEL, dtype as _dtype, scalar_type_name
from ..function import Function
from ..tensor import _make, _wrap_dim, Tensor
from ._common import _pointwise
from .arithmetic import DivScalar, number_minus
from .activations import Elu, LogSigmoid, softmax
from .comparison import where
from .inplace import _inplace
from .shape import cat

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _float_kernel(kernel: str, input: Tensor) -> None:
    """PyTorch's kernels of these activations exist for floating types only: its error, naming the kernel."""
    if input._data.dtype.kind in _NO_INT_KERNEL:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_type_name(input.dtype)}\'')


def _apply(function: type, input: Tensor, *params, inplace: bool = False) -> Tensor:
    """``function`` on ``input``, or written into it (``inplace=True``: PyTorch's in-place rules)."""
    if inplace:
        return _inplace(input, lambda s: function.apply(s, *params))
    return function.apply(input, *params)


class _SlopeBackward(Function):
    """``grad * slope(x, *params)`` with a piecewise-constant slope; subclasses give ``slope``."""

    @staticmethod
    def slope(x: np.ndarray, *params) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def forward(ctx, grad, a, *params):
        ctx.params = params
        ctx.save_for_backward(a)
        g = grad._data
        return _pointwise((g * ctx._function.slope(a._data, *params)).astype(g.dtype, copy=False), grad, a)

    @staticmethod
    def backward(ctx, gg):
        a, = ctx.saved_tensors
        return (ctx._function.apply(gg, a, *ctx.params), zeros_like(a)) + (None,) * len(ctx.params)


class _Piecewise(Function):
    """``f(x, *params)`` whose backward is ``backward_op`` (a ``_SlopeBackward``); subclasses give ``f``."""

    backward_op: type

    @staticmethod
    def f(x: np.ndarray, *params) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def forward(ctx, a, *params):
        ctx.params = params
        ctx.save_for_backward(a)
        x = a._data
        return _pointwise(np.asarray(ctx._function.f(x, *params)).astype(x.dtype, copy=False), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return (ctx._function.backward_op.apply(grad, a, *ctx.params),) + (None,) * len(ctx.params)


class HardtanhBackward(_SlopeBackward):
    node_name = "HardtanhBackwardBackward0"

    @staticmethod
    def slope(x, lo, hi):
        return (x > lo) & (x < hi)


class Hardtanh(_Piecewise):
    """x clamped to [min_val, max_val]; slope 1 strictly inside, else 0."""

    node_name = "HardtanhBackward0"
    backward_op = HardtanhBackward

    @staticmethod
    def f(x, lo, hi):
        return np.where(x < lo, x.dtype.type(lo), np.where(x > hi, x.dtype.type(hi), x))


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """x clamped to [min_val, max_val] (``HardtanhBackward0``)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _apply(Hardtanh, input, min_val, max_val, inplace=inplace)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6): PyTorch's hardtanh(x, 0, 6) (``HardtanhBackward0``)."""
    return _apply(Hardtanh, input, 0.0, 6.0, inplace=inplace)


class ThresholdBackwardT(_SlopeBackward):
    """threshold_backward with any threshold (relu's is ``activations.ThresholdBackward``, on its output)."""

    node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def slope(x, threshold):
        return x > threshold


class Threshold(_Piecewise):
    node_name = "ThresholdBackward0"
    backward_op = ThresholdBackwardT

    @staticmethod
    def f(x, threshold, value):
        return np.where(x <= threshold, x.dtype.type(value), x)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return ThresholdBackwardT.apply(grad, a, ctx.params[0]), None, None


class ThresholdInplace(Threshold):
    node_name = "ThresholdBackward1"


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value (``ThresholdBackward0``)."""
    return _apply(ThresholdInplace if inplace else Threshold, input, threshold, value, inplace=inplace)


def _check_lambd(input: Tensor, lambd: float) -> None:
    if lambd < 0:
        raise RuntimeError(f"lambda must be in range [0, {np.finfo(input._data.dtype).max:g}] for input dtype "
                           f"{scalar_type_name(input.dtype)}, but found {lambd:g}")


class HardshrinkBackward(_SlopeBackward):
    node_name = "HardshrinkBackwardBackward0"

    @staticmethod
    def slope(x, lambd):
        return (x < -lambd) | (x > lambd)


class Hardshrink(_Piecewise):
    node_name = "HardshrinkBackward0"
    backward_op = HardshrinkBackward

    @staticmethod
    def f(x, lambd):
        return np.where((x >= -lambd) & (x <= lambd), x.dtype.type(0), x)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """0 for |x| <= lambd, else x (``HardshrinkBackward0``)."""
    _float_kernel("hardshrink_cpu", input)
    return Hardshrink.apply(input, lambd)


class SoftshrinkBackward(_SlopeBackward):
    node_name = "SoftshrinkBackwardBackward0"

    @staticmethod
    def slope(x, lambd):
        return (x < -lambd) | (x > lambd)


class Softshrink(_Piecewise):
    node_name = "SoftshrinkBackward0"
    backward_op = SoftshrinkBackward

    @staticmethod
    def f(x, lambd):
        t = x.dtype.type(lambd)
        return np.where(x > t, x - t, np.where(x < -t, x + t, x.dtype.type(0)))  # (PyTorch's vector path; its
        # scalar tail gives x * 0, -0. for a negative x: the sign of such zeros can differ)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd above lambd, x + lambd below -lambd, else 0 (``SoftshrinkBackward0``)."""
    _float_kernel("softshrink_check", input)
    _check_lambd(input, lambd)
    return Softshrink.apply(input, lambd)


class HardswishBackward(Function):
    """``grad * (x / 3 + 1/2)`` on (-3, 3), ``grad`` above, 0 below (PyTorch's ``hardswish_backward``);
    its derivative in x is ``grad * gg / 3`` on (-3, 3), recorded as PyTorch's formula records it."""

    node_name = "HardswishBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, a):
        ctx.save_for_backward(grad, a)
        g, x = grad._data, a._data
        t = x.dtype.type
        d = np.where(x < -3, t(0), np.where(x <= 3, x / t(3) + t(0.5), t(1)))
        return _pointwise((g * d).astype(g.dtype, copy=False), grad, a)

    @staticmethod
    def backward(ctx, gg):
        grad, a = ctx.saved_tensors
        inside = ((a > -3.0) & (a < 3.0))
        second = where(inside, DivScalar.apply(gg * grad, 3.0), _make(np.zeros((), a._data.dtype)))
        return HardswishBackward.apply(gg, a), second


class Hardswish(Function):
    node_name = "HardswishBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a._data
        t = x.dtype.type
        return _pointwise((x * np.minimum(np.maximum(x + t(3), t(0)), t(6)) / t(6)).astype(x.dtype, copy=False), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return HardswishBackward.apply(grad, a)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x relu6(x + 3) / 6 (``HardswishBackward0``)."""
    _float_kernel("hardswish_cpu", input)
    return _apply(Hardswish, input, inplace=inplace)


class HardsigmoidBackward(Function):
    """``grad / 6`` on (-3, 3), else 0. PyTorch has no derivative for it: its node has an edge to x
    only (``grad`` comes in as an array), and differentiating it raises."""

    node_name = "torch::autograd::NotImplemented"

    @staticmethod
    def forward(ctx, a, g):
        x = a._data
        one_sixth = g.dtype.type(np.float32(1 / 6))  # (PyTorch's kernel: a float constant, for every dtype)
        return _make(np.where((x > -3) & (x < 3), g * one_sixth, g.dtype.type(0)))

    @staticmethod
    def backward(ctx, gg):
        raise RuntimeError("derivative for aten::hardsigmoid_backward is not implemented")


class Hardsigmoid(Function):
    node_name = "HardsigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a._data
        t = x.dtype.type
        return _pointwise((np.minimum(np.maximum(x + t(3), t(0)), t(6)) / t(6)).astype(x.dtype, copy=False), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return HardsigmoidBackward.apply(a, grad._data)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6 (``HardsigmoidBackward0``; PyTorch cannot differentiate it twice)."""
    _float_kernel("hardsigmoid_cpu", input)
    return _apply(Hardsigmoid, input, inplace=inplace)


class Mish(Function):
    node_name = "MishBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = a._data
        return _pointwise((x * np.tanh(np.log1p(np.exp(x)))).astype(x.dtype, copy=False), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors  # PyTorch's infinitely_differentiable_mish_backward (right operands first)
        sigmoid = a.sigmoid()
        tanh_softplus = a.exp().log1p().tanh()
        right = number_minus(1.0, tanh_softplus * tanh_softplus)
        return grad * (tanh_softplus + a * sigmoid * right)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x tanh(softplus(x)) (``MishBackward0``)."""
    _float_kernel("mish_cpu", input)
    return _apply(Mish, input, inplace=inplace)


class EluInplace(Elu):
    """elu written into its input, recorded as ``EluBackward1`` (selu_)."""

    node_name = "EluBackward1"


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the self-normalising constants (``EluBackward0``, as PyTorch)."""
    return _apply(EluInplace if inplace else Elu, input, SELU_ALPHA, SELU_SCALE, 1, inplace=inplace)


class Celu(Elu):
    """elu with input_scale 1 / alpha, recorded as ``CeluBackward0``."""

    node_name = "CeluBackward0"


class CeluInplace(Elu):
    node_name = "CeluBackward1"


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha (exp(x / alpha) - 1)) (``CeluBackward0``)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _apply(CeluInplace if inplace else Celu, input, alpha, 1, 1.0 / alpha, inplace=inplace)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|), composed as PyTorch's Python does (``DivBackward0``)."""
    return input / (input.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x), composed as PyTorch's Python does (``SubBackward0``)."""
    return input - input.tanh()


def logsigmoid(input: Tensor) -> Tensor:
    """log σ(x), computed without overflow (``LogSigmoidBackward0``)."""
    _float_kernel("log_sigmoid_cpu", input)
    return LogSigmoid.apply(input)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: _dtype | None = None) -> Tensor:
    """softmax(-x) (``SoftmaxBackward0`` over ``NegBackward0``)."""
    if dim is None:  # (PyTorch's legacy choice, with its warning)
        warnings.warn("Implicit dimension choice for softmin has been deprecated. "
                      "Change the call to include dim=X as an argument.", stacklevel=_stacklevel - 1)
        dim = 0 if input.dim() in (0, 1, 3) else 1
    x = -input if dtype is None else -input.to(dtype)
    return softmax(x, dim)


class PreluKernelBackward(Function):
    """PyTorch's ``_prelu_kernel_backward``: (grad where x > 0 else weight * grad, 0 where x > 0 else
    x * grad); its derivative is PyTorch's formula, op by op."""

    node_name = "PreluKernelBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, a, weight):
        ctx.save_for_backward(grad, a, weight)
        ctx.set_materialize_grads(False)
        g, x, w = grad._data, a._data, weight._data
        pos = x > 0
        return _make(np.where(pos, g, w * g).astype(g.dtype)), _make(np.where(pos, 0, x * g).astype(g.dtype))

    @staticmethod
    def backward(ctx, gg_input, gg_weight):
        grad, a, weight = ctx.saved_tensors
        zero = _make(np.zeros((), grad._data.dtype))
        pos = a > 0
        if gg_input is not None:
            off = gg_input * weight + gg_weight * a if gg_weight is not None else gg_input * weight
            g_grad = where(pos, gg_input, off)
        else:
            g_grad = where(pos, zero, gg_weight * a)
        g_a = where(pos, zero, grad * gg_weight) if gg_weight is not None else zeros_like(a)
        g_w = where(pos, zero, grad * gg_input) if gg_input is not None else zeros_like(a)
        return g_grad, g_a, g_w


class PreluKernel(Function):
    """x where x > 0, else weight * x (``weight`` already shaped to broadcast over channels)."""

    node_name = "PreluKernelBackward0"

    @staticmethod
    def forward(ctx, a, weight):
        ctx.save_for_backward(a, weight)
        x = a._data
        return _pointwise(np.where(x > 0, x, weight._data * x).astype(x.dtype, copy=False), a)

    @staticmethod
    def backward(ctx, grad):
        a, weight = ctx.saved_tensors
        return PreluKernelBackward.apply(grad, a, weight)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x for x > 0, else a learned slope times x, one slope per channel (dim 1) or one for all."""
    channels = input.shape[1] if input.dim() >= 2 else 1
    n = weight.numel()
    if n != 1 and n != channels:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = {n} "
                           f"and channel size = {channels}.")
    if input.dim() > 1 and weight.dim() == 1:
        weight = weight.reshape((n,) + (1,) * (input.dim() - 2))
    return PreluKernel.apply(input, weight)


class GluBackward(Function):
    """PyTorch's ``glu_backward``: cat(grad σ(b), grad a σ(b)(1 - σ(b))) along ``dim``; its derivatives
    are PyTorch's glu_double_backward formulas, op by op."""

    node_name = "GluBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, a, dim):
        ctx.dim = dim
        ctx.save_for_backward(grad, a)
        g, x = grad._data, a._data
        first, second = np.split(x, 2, axis=dim)
        sig = 1 / (1 + np.exp(-second))
        return _make(np.concatenate([g * sig, g * first * sig * (1 - sig)], axis=dim).astype(x.dtype, copy=False))

    @staticmethod
    def backward(ctx, gg):
        grad, a = ctx.saved_tensors
        dim = ctx.dim
        half = a.shape[dim] // 2
        first, second = a.narrow(dim, 0, half), a.narrow(dim, half, half)
        need_grad, need_a, _ = ctx.needs_input_grad
        g_grad = g_a = None
        if need_grad:  # glu_double_backward_grad_output
            tmp = gg * GluBackward.apply(_make(np.ones(first._data.shape, a._data.dtype)), a, dim)
            g_grad = tmp.narrow(dim, 0, half) + tmp.narrow(dim, half, half)
        if need_a:  # glu_double_backward
            sig_second_half = second.sigmoid()
            one_sub_sig_second_half = number_minus(1, sig_second_half)
            sig_one_sub_sig = sig_second_half * one_sub_sig_second_half
            ggI_first_half, ggI_second_half = gg.narrow(dim, 0, half), gg.narrow(dim, half, half)
            ggI_second_half_times_first_half = ggI_second_half * first
            gI_first_half = ggI_second_half * grad * sig_one_sub_sig
            right = sig_second_half * sig_one_sub_sig
            second_order_sh = sig_one_sub_sig * one_sub_sig_second_half - right
            right = ggI_first_half * grad * sig_one_sub_sig
            gI_second_half = ggI_second_half_times_first_half * grad * second_order_sh + right
            g_a = cat([gI_first_half, gI_second_half], dim)
        return g_grad, g_a, None


class Glu(Function):
    node_name = "GluBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        ctx.save_for_backward(a)
        first, second = np.split(a._data, 2, axis=dim)
        return _make((first / (1 + np.exp(-second))).astype(a._data.dtype, copy=False))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return GluBackward.apply(grad, a, ctx.dim), None


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a σ(b), a and b the two halves of ``input`` along ``dim`` (``GluBackward0``)."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _wrap_dim(dim, input.dim())
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    _float_kernel("glu_cpu", input)
    return Glu.apply(input, d)
