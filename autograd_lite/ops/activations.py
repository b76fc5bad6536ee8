"""Activations: tanh, sigmoid, relu, softmax and log_softmax, with the
double-backward ops PyTorch records for them (``TanhBackwardOp`` ...), and the
activations of ``nn.functional``: leaky_relu, elu, softplus, gelu, silu.
"""
from __future__ import annotations

import builtins
import math
from typing import Callable

import numpy as np

from .. import dtypes, errors, kernels, layout
from ..creation import zeros_like
from ..dtypes import dtype as _dtype
from ..function import BackwardFunction, Function
from ..tensor import _make, _wrap_dim, Tensor, tensor_method
from ._common import _float_data, _pointwise, _t, _type_name
from .arithmetic import AddScalar, MulScalar, number_minus, SubScalar
from .comparison import where


class Tanh(Function):
    node_name = "TanhBackward0"

    @staticmethod
    def forward(ctx, a):
        d = a._data
        out = _pointwise(np.tanh(d if d.dtype.kind == "f" else _float_data(a)), a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return tanh_backward(grad, out)


@tensor_method()
def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(input)


class Sigmoid(Function):
    node_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        x = _float_data(a)
        out = _pointwise(1 / (1 + np.exp(-x)), a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return sigmoid_backward(grad, out)


@tensor_method()
def sigmoid(input: Tensor) -> Tensor:
    return Sigmoid.apply(input)


class TanhBackwardOp(Function):
    """``grad * (1 - y²)`` as one fused pass (PyTorch's ``tanh_backward``), itself differentiable."""

    node_name = "TanhBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(grad, y)
        return _pointwise(kernels.tanh_backward(grad._data, y._data), grad, y)

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors  # (PyTorch's formulas: the same op for grad, gg * (-2 y grad) for y)
        return TanhBackwardOp.apply(gg, y), gg * (MulScalar.apply(y, -2) * grad)


def tanh_backward(grad: Tensor, output: Tensor) -> Tensor:
    return TanhBackwardOp.apply(grad, output)


class SigmoidBackwardOp(Function):
    """``grad * y * (1 - y)`` as one fused pass (PyTorch's ``sigmoid_backward``)."""

    node_name = "SigmoidBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(grad, y)
        return _pointwise(kernels.sigmoid_backward(grad._data, y._data), grad, y)

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors  # PyTorch's formulas: the same op for grad, gg grad (-2 y + 1) for y
        grad_grad = SigmoidBackwardOp.apply(gg, y)
        slope = AddScalar.apply(MulScalar.apply(y, -2), 1)  # (C++ records the right operand first)
        return grad_grad, gg * grad * slope


def sigmoid_backward(grad: Tensor, output: Tensor) -> Tensor:
    return SigmoidBackwardOp.apply(grad, output)


class Relu(Function):
    node_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, a):
        x = a._data
        if x.dtype.kind != "f":  # (every floating dtype has a kernel)
            dtypes.check_accepts("relu", a)
        out = _pointwise(np.maximum(x.dtype.type(0), x), a)  # clamp_min(0): -0. and NaN stay (numpy keeps x when equal)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return ThresholdBackward.apply(grad, out)


@tensor_method()
def relu(input: Tensor) -> Tensor:
    return Relu.apply(input)


class ThresholdBackward(Function):
    """ReLU's backward, PyTorch's ``threshold_backward(grad, out, 0)`` (0 where out <= 0), as an op of its own so that it can be differentiated
    again: its derivative is the same mask for ``grad`` and zero for ``out``."""

    node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, out):
        ctx.save_for_backward(out)
        return _pointwise(kernels.threshold_backward(grad._data, out._data), out, grad)  # (PyTorch's operand order)

    @staticmethod
    def backward(ctx, gg):
        out, = ctx.saved_tensors
        return ThresholdBackward.apply(gg, out), zeros_like(out)


def _check_float_kernel(a: Tensor, name: str, dim: int) -> None:
    """PyTorch has no integer softmax: its CPU kernels refuse them by name (an empty input returns
    before any kernel, in its own dtype)."""
    if a._data.size and a._data.dtype.kind != "f":  # (every floating dtype has a kernel)
        last = dim == builtins.max(a._data.ndim - 1, 0)
        dtypes.check_accepts("softmax", a, kernel=f"{name}_lastdim_kernel_impl" if last else f"{name}_kernel_impl")


def _softmax_forward(ctx: BackwardFunction, a: Tensor, dim: int, name: str, kernel: Callable) -> Tensor:
    """softmax and log_softmax alike: wrap dim, refuse integers, run the kernel, save the output y."""
    ctx.dim = _wrap_dim(dim, a._data.ndim)
    _check_float_kernel(a, name, ctx.dim)
    out = _t(layout.contiguous(kernel(a._data, ctx.dim) if a._data.size else a._data.copy()))  # (PyTorch allocates it contiguous)
    ctx.save_for_backward(out)
    return out


def _softmax_backward_data(ctx: BackwardFunction, grad: Tensor, y: Tensor, dim: int, kernel: Callable) -> Tensor:
    """The first backward of both, in one kernel pass; saves what its own backward (create_graph) needs."""
    ctx.dim = dim
    ctx.save_for_backward(grad, y)
    return _t(layout.contiguous(kernel(grad._data, y._data, dim)))


class Softmax(Function):
    node_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        return _softmax_forward(ctx, a, dim, "softmax", kernels.softmax)

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return SoftmaxBackwardOp.apply(grad, y, ctx.dim), None


@tensor_method()
def softmax(input: Tensor, dim: int, dtype: _dtype | None = None) -> Tensor:
    return Softmax.apply(input if dtype is None else input.to(dtype), dim)


class SoftmaxBackwardOp(Function):
    """``y * (grad - sum(grad * y))`` in one pass; differentiable again (for create_graph)."""

    node_name = "SoftmaxBackwardDataBackward0"

    @staticmethod
    def forward(ctx, grad, y, dim):
        return _softmax_backward_data(ctx, grad, y, dim, kernels.softmax_backward)

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors  # PyTorch's formulas: the same op for grad, softmax_double_backward for y
        needs_grad, needs_y = ctx.needs_input_grad[:2]
        return (SoftmaxBackwardOp.apply(gg, y, ctx.dim) if needs_grad else None,
                _softmax_double_backward(gg, grad, ctx.dim, y) if needs_y else None, None)


def _softmax_double_backward(grad: Tensor, grad_output: Tensor, dim: int, output: Tensor) -> Tensor:
    """PyTorch's softmax_double_backward, ``grad_output * grad - (output * grad_output).sum(dim) * grad
    - grad_output * (output * grad).sum(dim)``, its operators' right operands recorded first (C++)."""
    last = grad_output * (output * grad).sum(dim, keepdim=True)
    middle = (output * grad_output).sum(dim, keepdim=True) * grad
    return grad_output * grad - middle - last


class LogSoftmax(Function):
    node_name = "LogSoftmaxBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        return _softmax_forward(ctx, a, dim, "log_softmax", kernels.log_softmax)

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return LogSoftmaxBackwardOp.apply(grad, y, ctx.dim), None


@tensor_method()
def log_softmax(input: Tensor, dim: int, dtype: _dtype | None = None) -> Tensor:
    return LogSoftmax.apply(input if dtype is None else input.to(dtype), dim)


class LogSoftmaxBackwardOp(Function):
    """``grad - exp(y) * sum(grad)`` in one pass; differentiable again (for create_graph)."""

    node_name = "LogSoftmaxBackwardDataBackward0"

    @staticmethod
    def forward(ctx, grad, y, dim):
        return _softmax_backward_data(ctx, grad, y, dim, kernels.log_softmax_backward)

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors  # PyTorch's two formulas, each computing exp(y) (right operands first)
        d = ctx.dim
        needs_grad, needs_y = ctx.needs_input_grad[:2]
        grad_grad = grad_y = None
        if needs_grad:
            grad_grad = gg - (gg * y.exp()).sum(d, keepdim=True)
        if needs_y:
            p = y.exp()
            grad_y = -grad.sum(d, keepdim=True) * p * gg
        return grad_grad, grad_y, None


class LogSigmoid(Function):
    """log σ(x) = min(x, 0) - log1p(exp(-|x|)), which never overflows (PyTorch's log_sigmoid; here for
    binary_cross_entropy_with_logits's target gradient)."""

    node_name = "LogSigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        x = a._data
        ctx.save_for_backward(a)
        return _pointwise((np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return LogSigmoidBackward.apply(grad, a)


class LogSigmoidBackward(Function):
    """``grad (1 - σ(x))`` as PyTorch's kernel computes it from exp(-|x|) (``log_sigmoid_backward``), an
    op of its own: a double backward records ``LogSigmoidBackwardBackward0``."""

    node_name = "LogSigmoidBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, a):
        x = a._data
        z = np.exp(-np.abs(x))
        ctx.save_for_backward(grad, a)
        return _pointwise((np.where(x < 0, 1 - z / (1 + z), z / (1 + z)) * grad._data).astype(x.dtype, copy=False),
                          grad, a)

    @staticmethod
    def backward(ctx, gg):
        grad, a = ctx.saved_tensors  # grad_output's formula, then self's: log_sigmoid_double_backward
        needs_grad, needs_a = ctx.needs_input_grad
        grad_grad = LogSigmoidBackward.apply(gg, a) if needs_grad else None
        grad_a = None
        if needs_a:
            g = gg * grad
            z = a.sigmoid()
            grad_a = g * SubScalar.apply(z, 1) * z
        return grad_grad, grad_a


class LeakyRelu(Function):
    node_name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, a, slope):
        dtypes.check_accepts("leaky_relu", a)
        ctx.slope = slope
        ctx.save_for_backward(a)
        return _pointwise(np.where(a._data > 0, a._data, a._data * a._data.dtype.type(slope)), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return LeakyReluBackward.apply(grad, a, ctx.slope), None


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, else negative_slope * x (``LeakyReluBackward0``)."""
    return LeakyRelu.apply(input, negative_slope)


class LeakyReluBackward(Function):
    """``grad`` where x > 0, else ``slope * grad``: an op of its own, so that it can be
    differentiated again (the same mask for ``grad``, zero for ``x``)."""

    node_name = "LeakyReluBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, a, slope):
        ctx.slope = slope
        ctx.save_for_backward(a)
        g = grad._data
        return _pointwise(np.where(a._data > 0, g, g * g.dtype.type(slope)), grad, a)

    @staticmethod
    def backward(ctx, gg):
        a, = ctx.saved_tensors
        return LeakyReluBackward.apply(gg, a, ctx.slope), zeros_like(a), None


class Elu(Function):
    """scale x for x > 0, else scale alpha (exp(input_scale x) - 1): elu, and selu and celu
    through their scales, as PyTorch's one ``elu`` kernel."""

    node_name = "EluBackward0"

    @staticmethod
    def forward(ctx, a, alpha, scale=1, input_scale=1):  # (ints: PyTorch saves the Scalars as given)
        dtypes.check_accepts("elu", a)
        x = a._data
        neg = (alpha * scale * np.expm1(np.where(x > 0, 0, x) * input_scale)).astype(x.dtype)
        out = _pointwise(np.where(x > 0, x if scale == 1 else x * x.dtype.type(scale), neg), a)
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        ctx.save_for_backward(a)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return EluBackward.apply(grad, a, ctx.alpha, ctx.scale, ctx.input_scale), None, None, None


class EluBackward(Function):
    """``scale grad`` where x > 0, else ``grad * input_scale * scale * alpha * exp(input_scale x)``
    (PyTorch's ``elu_backward``, an op of its own: a double backward records ``EluBackwardBackward0``)."""

    node_name = "EluBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, a, alpha, scale=1, input_scale=1):
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        ctx.save_for_backward(grad, a)
        g, x = grad._data, a._data
        t = x.dtype.type
        neg = g * t(input_scale * scale * alpha) * np.exp(np.minimum(x, 0) * t(input_scale))
        # (PyTorch tests x <= 0 for the negative side: at NaN the gradient passes as for x > 0)
        return _pointwise(np.where(x <= 0, neg, g if scale == 1 else g * t(scale)).astype(g.dtype), grad, a)

    @staticmethod
    def backward(ctx, gg):
        grad, a = ctx.saved_tensors  # PyTorch's elu_double_backward
        params = ctx.alpha, ctx.scale, ctx.input_scale
        second = EluBackward.apply(MulScalar.apply(gg * grad, ctx.input_scale), a, *params) * (a < 0).to(gg.dtype)
        return EluBackward.apply(gg, a, *params), second, None, None, None


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, else alpha (exp(x) - 1) (``EluBackward0``)."""
    return Elu.apply(input, alpha)


class Softplus(Function):
    node_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, a, beta, threshold):
        dtypes.check_accepts("softplus", a)
        x = a._data
        bx = x * x.dtype.type(beta)
        out = np.where(bx > threshold, x, np.log1p(np.exp(np.minimum(bx, threshold))) / x.dtype.type(beta))
        ctx.beta, ctx.threshold = beta, threshold
        ctx.save_for_backward(a)
        return _pointwise(out.astype(x.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return SoftplusBackward.apply(grad, a, ctx.beta, ctx.threshold), None, None


class SoftplusBackward(Function):
    """``grad * sigmoid(beta x)``, ``grad`` above the threshold (PyTorch's ``softplus_backward``, an
    op of its own: a double backward records ``SoftplusBackwardBackward0``)."""

    node_name = "SoftplusBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, a, beta, threshold):
        ctx.beta, ctx.threshold = beta, threshold
        ctx.save_for_backward(grad, a)
        g, x = grad._data, a._data
        z = np.exp(np.minimum(x * x.dtype.type(beta), threshold))
        return _pointwise(np.where(x * x.dtype.type(beta) > threshold, g, g * z / (z + 1)).astype(g.dtype), grad, a)

    @staticmethod
    def backward(ctx, gg):
        grad, a = ctx.saved_tensors  # PyTorch's softplus_double_backward
        x = MulScalar.apply(a, ctx.beta)
        second = MulScalar.apply(sigmoid_backward(gg * grad, x.sigmoid()) * (x < ctx.threshold).to(gg.dtype),
                                 ctx.beta)
        return SoftplusBackward.apply(gg, a, ctx.beta, ctx.threshold), second, None, None


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, linear above ``threshold`` (``SoftplusBackward0``)."""
    return Softplus.apply(input, beta, threshold)


class Gelu(Function):
    node_name = "GeluBackward0"

    @staticmethod
    def forward(ctx, a, approximate):
        dtypes.check_accepts("gelu", a)
        x = a._data
        ctx.approximate = approximate
        ctx.save_for_backward(a)
        if approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            out = 0.5 * x * (1 + np.tanh(k * (x + 0.044715 * x ** 3)))
        else:
            out = 0.5 * x * (1 + kernels.erf(x / math.sqrt(2)))
        return _pointwise(np.asarray(out).astype(x.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return GeluBackward.apply(grad, a, ctx.approximate), None


_GELU_K = math.sqrt(2 / math.pi)  # the tanh approximation's sqrt(2 / pi) and cubic coefficient
_GELU_C = 0.044715


class GeluBackward(Function):
    """``grad * gelu'(x)`` (PyTorch's ``gelu_backward``, an op of its own: a double backward
    records ``GeluBackwardBackward0``)."""

    node_name = "GeluBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, a, approximate):
        ctx.approximate = approximate
        ctx.save_for_backward(grad, a)
        g, x = grad._data, a._data
        if approximate == "tanh":
            t = np.tanh(_GELU_K * (x + _GELU_C * x ** 3))
            d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _GELU_K * (1 + 3 * _GELU_C * x * x)
        else:
            d = 0.5 * (1 + kernels.erf(x / math.sqrt(2))) + x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        return _make(np.asarray(g * d).astype(g.dtype, copy=False))

    @staticmethod
    def backward(ctx, gg):
        grad, a = ctx.saved_tensors  # (grad_output's formula first, as PyTorch's generated code)
        grad_grad = GeluBackward.apply(gg, a, ctx.approximate)
        second = _gelu_second_derivative(a, ctx.approximate)
        return grad_grad, gg * grad * second, None


def _gelu_second_derivative(a: Tensor, approximate: str) -> Tensor:
    """gelu''(x), as PyTorch's gelu_double_backward writes it op by op (numbers as mul.Scalar and
    add.Scalar; a C++ operator's right operand recorded first)."""
    if approximate == "tanh":
        inner = MulScalar.apply(a + MulScalar.apply(a.pow(3), _GELU_C), _GELU_K)
        tanh_inner = inner.tanh()
        sech_inner = _make(np.ones((), a._data.dtype)) / inner.cosh()  # (C++ 1 / t: a filled tensor, div_)
        f = MulScalar.apply(a, 0.5)
        g = number_minus(1, tanh_inner * tanh_inner)
        h = MulScalar.apply(AddScalar.apply(MulScalar.apply(a, 3 * _GELU_C) * a, 1), _GELU_K)
        f_prime_gh = MulScalar.apply(g, 0.5) * h
        right = -sech_inner * tanh_inner
        g_prime = MulScalar.apply(sech_inner, 2) * right * h
        g_prime_fh = f * h * g_prime
        h_prime = MulScalar.apply(MulScalar.apply(a, 6 * _GELU_C), _GELU_K)
        h_prime_fg = f * g * h_prime
        return MulScalar.apply(f_prime_gh, 2) + g_prime_fh + h_prime_fg
    input_sq = a * a
    pdf = MulScalar.apply(MulScalar.apply(input_sq, -0.5).exp(), 1 / math.sqrt(2 * math.pi))
    right = input_sq * pdf
    return MulScalar.apply(pdf, 2) - right


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x Φ(x), Φ the normal CDF; ``approximate="tanh"`` uses the tanh formula (``GeluBackward0``)."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh.")
    return Gelu.apply(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x sigmoid(x) (``SiluBackward0``)."""
    return Silu.apply(input)


class Silu(Function):
    node_name = "SiluBackward0"

    @staticmethod
    def forward(ctx, a):
        dtypes.check_accepts("silu", a)
        x = a._data
        ctx.save_for_backward(a)
        return _pointwise((x / (1 + np.exp(-x))).astype(x.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors  # PyTorch's infinitely_differentiable_silu_backward, right operands first
        s = a.sigmoid()
        slope = AddScalar.apply(a * number_minus(1.0, s), 1.0)
        return grad * s * slope
