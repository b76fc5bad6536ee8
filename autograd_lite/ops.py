"""Every differentiable operation, forward and backward side by side.

Each operation is a ``Function``: ``forward`` computes with numpy on ``x._data``;
``backward`` is PyTorch's derivative formula (``tools/autograd/derivatives.yaml``)
written with autograd_lite operations, so it can itself be differentiated
(``create_graph=True``). When an input was broadcast, ``backward`` may return a
gradient of the broadcast shape: the engine sums it back to the input's shape.
"""
from __future__ import annotations

import builtins
import math
import numbers
from typing import Any, Sequence

import numpy as np

from . import dtypes, errors
from .function import AccumulateGrad, Function, _record
from .grad_mode import _state
from .tensor import Size, Tensor, _make, _sizes, _wrap_dim

# ---------------------------------------------------------------------------------
# Helpers: wrapping numpy results, Python numbers and PyTorch's type promotion.
# ---------------------------------------------------------------------------------


def _t(x: Any) -> Tensor:
    """A fresh tensor around a numpy result (numpy turns 0-d results into scalars)."""
    return _make(x if type(x) is np.ndarray else np.asarray(x))


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def _default_np(value: Any) -> np.dtype:
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(value, numbers.Integral):
        return np.dtype(np.int64)
    if isinstance(value, numbers.Real):
        return dtypes.get_default_dtype().np
    raise TypeError(f"unsupported operand type: '{type(value).__name__}'")


def as_tensor_like(value: Any, like: Tensor) -> Tensor:
    """Wrap a Python number as a 0-d tensor, typed as PyTorch types a number beside ``like``.

    A number of the same kind as the tensor (float with float, int with int) takes the
    tensor's dtype; a "higher" kind (a float beside an int tensor) takes the default dtype.
    """
    kind = like._data.dtype.kind
    if type(value) is float and kind == "f" or type(value) is int and kind in "iuf":
        return _make(np.array(value, like._data.dtype))  # the common case
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        from .creation import tensor

        return tensor(value)
    dt = _default_np(value)
    if _CATEGORY[dt.kind] <= _CATEGORY[kind]:
        dt = like._data.dtype
    return _make(np.asarray(value, dtype=dt))


def _promote(x: np.dtype, y: np.dtype) -> np.dtype:
    """PyTorch's promotion of two dtypes: a higher kind wins outright (int64 + float32 is float32)."""
    if x == y:
        return x
    cx, cy = _CATEGORY[x.kind], _CATEGORY[y.kind]
    if cx != cy:
        return x if cx > cy else y
    return np.promote_types(x, y)


def result_dtype(*operands: Tensor) -> np.dtype:
    """PyTorch's type promotion: tensors with dimensions outrank 0-d ones, unless of a higher kind."""
    dim = zero = None
    for t in operands:
        d = t._data.dtype
        if t._data.ndim:
            dim = d if dim is None else _promote(dim, d)
        else:
            zero = d if zero is None else _promote(zero, d)
    if dim is None:
        return zero
    if zero is None or _CATEGORY[zero.kind] <= _CATEGORY[dim.kind]:
        return dim
    return zero


def _binary_inputs(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    if not isinstance(a, Tensor):
        a = as_tensor_like(a, b)
    if not isinstance(b, Tensor):
        b = as_tensor_like(b, a)
    if a._data.ndim and b._data.ndim and a._data.shape != b._data.shape:  # (a 0-d tensor fits anything)
        _check_shapes_broadcast(a._data.shape, b._data.shape)
    return a, b


def _cast(out: np.ndarray, a: Tensor, b: Tensor) -> Tensor:
    """Wrap a binary op's numpy result, cast to PyTorch's result dtype where numpy differs."""
    dt = a._data.dtype
    if dt is b._data.dtype and type(out) is np.ndarray and out.dtype is dt:
        return _make(out)  # the common case: same dtypes in and out
    if dt is not b._data.dtype:
        dt = result_dtype(a, b)
    out = np.asarray(out)
    return _make(out if out.dtype == dt else out.astype(dt))


def _float_data(x: Tensor) -> np.ndarray:
    """The data as floats: math on integer tensors gives the default float dtype, as in PyTorch."""
    d = x._data
    return d if d.dtype.kind == "f" else d.astype(dtypes.get_default_dtype().np)


def _dims(dim: Any, ndim: int) -> tuple[int, ...]:
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        dims = [_wrap_dim(d, ndim) for d in dim]
        for i, d in enumerate(dims):
            if d in dims[:i]:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        return tuple(sorted(dims))
    return (_wrap_dim(dim, ndim),)


def _check_shapes_broadcast(sa: tuple, sb: tuple) -> None:
    """PyTorch's message where numpy would say "operands could not be broadcast together"."""
    for i, (x, y) in enumerate(zip(reversed(sa), reversed(sb))):
        if x != y and x != 1 and y != 1:
            dim = builtins.max(len(sa), len(sb)) - 1 - i
            raise RuntimeError(  # from None: PyTorch shows one error, not numpy's before it
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension {dim}"
            ) from None


# ---------------------------------------------------------------------------------
# Arithmetic
# ---------------------------------------------------------------------------------


class Add(Function):
    node_name = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        try:
            return _cast(a._data + (b._data if alpha == 1 else alpha * b._data), a, b)
        except ValueError:  # shapes that do not broadcast (the fast path in add/sub skips the check)
            _check_shapes_broadcast(a._data.shape, b._data.shape)
            raise

    @staticmethod
    def backward(ctx, grad):
        return grad, (grad if ctx.alpha == 1 else grad * ctx.alpha) if ctx.needs_input_grad[1] else None, None


class Sub(Function):
    node_name = "SubBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        if a._data.dtype == np.bool_ and b._data.dtype == np.bool_:
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                               "Use the `^` or `logical_xor()` operator instead.")
        ctx.alpha = alpha
        try:
            return _cast(a._data - (b._data if alpha == 1 else alpha * b._data), a, b)
        except ValueError:  # shapes that do not broadcast (the fast path in add/sub skips the check)
            _check_shapes_broadcast(a._data.shape, b._data.shape)
            raise

    @staticmethod
    def backward(ctx, grad):
        return grad, (-grad if ctx.alpha == 1 else grad * -ctx.alpha) if ctx.needs_input_grad[1] else None, None


class Rsub(Function):
    """``number - tensor``: a number on the left is not wrapped, so one edge only."""

    node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, number, alpha=1):
        b = as_tensor_like(number, a)
        return _cast(b._data - alpha * a._data, a, b)

    @staticmethod
    def backward(ctx, grad):
        return -grad, None


def _save_operands(ctx, a: Tensor, b: Tensor, first: int = 0) -> None:
    """For a product, each operand is needed only for the *other* one's gradient: save no more."""
    need_a, need_b = ctx.needs_input_grad[first:first + 2]
    ctx.save_for_backward(a if need_b else None, b if need_a else None)


class Mul(Function):
    node_name = "MulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        _save_operands(ctx, a, b)
        try:
            with np.errstate(invalid="ignore"):  # inf * 0 is nan, silently, as in PyTorch
                return _cast(a._data * b._data, a, b)
        except ValueError:
            _check_shapes_broadcast(a._data.shape, b._data.shape)
            raise

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad * b if need_a else None, grad * a if need_b else None


class Div(Function):
    node_name = "DivBackward0"

    @staticmethod
    def forward(ctx, a, b, rounding_mode=None):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)  # grad_a = grad / b needs only b
        dt = result_dtype(a, b)
        if dt.kind != "f" and rounding_mode is None:
            dt = dtypes.get_default_dtype().np
        with np.errstate(divide="ignore", invalid="ignore"):
            out = a._data / b._data
            if rounding_mode == "floor":
                out = np.floor(out)
            elif rounding_mode == "trunc":
                out = np.trunc(out)
        return _t(out.astype(dt, copy=False))

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        return grad / b if need_a else None, -grad * a / (b * b) if need_b else None, None


class DivMode(Div):
    """``div(a, b, rounding_mode=...)``: piecewise constant, so both gradients are zero (as PyTorch's)."""

    node_name = "DivBackward2"

    @staticmethod
    def backward(ctx, grad):
        need_a, need_b = ctx.needs_input_grad[:2]
        return zeros_like(grad) if need_a else None, zeros_like(grad) if need_b else None, None


class Reciprocal(Function):
    node_name = "ReciprocalBackward0"

    @staticmethod
    def forward(ctx, a):
        with np.errstate(divide="ignore"):
            out = _t(1 / _float_data(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        r, = ctx.saved_tensors
        return -grad * r * r


class Neg(Function):
    node_name = "NegBackward0"

    @staticmethod
    def forward(ctx, a):
        if a._data.dtype == np.bool_:
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        return _t(-a._data)

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Pow(Function):
    """``tensor ** number``."""

    node_name = "PowBackward0"

    @staticmethod
    def forward(ctx, a, exponent):
        ctx.save_for_backward(a)
        ctx.exponent = exponent
        data = a._data
        if isinstance(exponent, float) and data.dtype.kind != "f":
            data = _float_data(a)
        if data.dtype.kind in "iu" and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.power(data, np.asarray(exponent, dtype=data.dtype))
        return _t(out)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        p = ctx.exponent
        if p == 0:
            return zeros_like(a), None
        return grad * MulScalar.apply(a ** (p - 1), p), None


class MulScalar(Function):
    """``tensor * number`` inside backward formulas (PyTorch's Scalar overload: one edge)."""

    node_name = "MulBackward1"

    @staticmethod
    def forward(ctx, a, number):
        ctx.number = number
        return _t(a._data * np.asarray(number, a._data.dtype))

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.number, None


class PowTensor(Function):
    """``tensor ** tensor``."""

    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            out = _cast(np.power(a._data, b._data), a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = grad * b * a ** (b - 1) if need_a else None
        gb = grad * where((a == 0) & (b >= 0), 0.0, out * a.log()) if need_b else None
        return ga, gb


class PowScalarBase(Function):
    """``number ** tensor``."""

    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx, base, b):
        ctx.base = base
        out = _t(np.power(np.asarray(base, dtype=_float_data(b).dtype if isinstance(base, float) else b._data.dtype), b._data))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        if ctx.base == 0:
            return None, grad * where(out == 0, 0.0, math.inf) * 0
        return None, grad * out * math.log(ctx.base)


class Abs(Function):
    node_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _t(np.abs(a._data))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * a.sign()


class Exp(Function):
    node_name = "ExpBackward0"

    @staticmethod
    def forward(ctx, a):
        out = _t(np.exp(_float_data(a)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * out


class Log(Function):
    node_name = "LogBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return _t(np.log(_float_data(a)))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad / a


class Sqrt(Function):
    node_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx, a):
        with np.errstate(invalid="ignore"):
            out = _t(np.sqrt(_float_data(a)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad / (2 * out)


class Sin(Function):
    node_name = "SinBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _t(np.sin(_float_data(a)))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * a.cos()


class Cos(Function):
    node_name = "CosBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _t(np.cos(_float_data(a)))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * -a.sin()


class Log1p(Function):
    node_name = "Log1PBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return _t(np.log1p(_float_data(a)))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad / (a + 1)


class Expm1(Function):
    node_name = "Expm1Backward0"

    @staticmethod
    def forward(ctx, a):
        out = _t(np.expm1(_float_data(a)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * (out + 1)


class Erf(Function):
    node_name = "ErfBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _t(kernels.erf(_float_data(a)))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * (a * a * -1.0).exp() * (2 / math.sqrt(math.pi))


class Tan(Function):
    node_name = "TanBackward0"

    @staticmethod
    def forward(ctx, a):
        out = _t(np.tan(_float_data(a)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * (1 + out * out)


class Atan(Function):
    node_name = "AtanBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _t(np.arctan(_float_data(a)))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad / (a * a + 1)


class Sinh(Function):
    node_name = "SinhBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _t(np.sinh(_float_data(a)))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * a.cosh()


class Cosh(Function):
    node_name = "CoshBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _t(np.cosh(_float_data(a)))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * a.sinh()


class Tanh(Function):
    node_name = "TanhBackward0"

    @staticmethod
    def forward(ctx, a):
        out = _t(np.tanh(_float_data(a)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return tanh_backward(grad, out)


class Sigmoid(Function):
    node_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        x = _float_data(a)
        with np.errstate(over="ignore"):
            out = _t(1 / (1 + np.exp(-x)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return sigmoid_backward(grad, out)


class TanhBackwardOp(Function):
    """``grad * (1 - y²)`` as one fused pass (PyTorch's ``tanh_backward``), itself differentiable."""

    node_name = "TanhBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(grad, y)
        return _t(kernels.tanh_backward(grad._data, y._data))

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors
        return gg * (1 - y * y), gg * grad * -2 * y


class SigmoidBackwardOp(Function):
    """``grad * y * (1 - y)`` as one fused pass (PyTorch's ``sigmoid_backward``)."""

    node_name = "SigmoidBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(grad, y)
        return _t(kernels.sigmoid_backward(grad._data, y._data))

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors
        return gg * y * (1 - y), gg * grad * (1 - 2 * y)


class Relu(Function):
    node_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, a):
        out = _t(np.maximum(a._data, 0))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return ThresholdBackward.apply(grad, out)


class ThresholdBackward(Function):
    """ReLU's backward, ``grad * (out > 0)``, as an op of its own so that it can be differentiated
    again: its derivative is the same mask for ``grad`` and zero for ``out``."""

    node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, out):
        ctx.save_for_backward(out)
        return _t(kernels.threshold_backward(grad._data, out._data))

    @staticmethod
    def backward(ctx, gg):
        out, = ctx.saved_tensors
        return ThresholdBackward.apply(gg, out), zeros_like(out)


class Clamp(Function):
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        ctx.save_for_backward(a)
        ctx.min, ctx.max = min, max
        out = a._data
        if isinstance(min, float) or isinstance(max, float):
            out = _float_data(a)
        if min is not None:
            out = np.maximum(out, np.asarray(min, dtype=out.dtype))
        if max is not None:
            out = np.minimum(out, np.asarray(max, dtype=out.dtype))
        return _t(out.copy() if out is a._data else out)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        inside = ones_like(a, dtype=dtypes.bool_)
        if ctx.min is not None:
            inside = inside & (a >= ctx.min)
        if ctx.max is not None:
            inside = inside & (a <= ctx.max)
        return where(inside, grad, 0.0), None, None  # a mask by where: blocked gradients are +0


class Maximum(Function):
    node_name = "MaximumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _cast(np.maximum(a._data, b._data), a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        tie = where(a == b, grad / 2, grad)  # ties split the gradient, as PyTorch does
        return where(a < b, 0.0, tie), where(a > b, 0.0, tie)


class Minimum(Function):
    node_name = "MinimumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _cast(np.minimum(a._data, b._data), a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        tie = where(a == b, grad / 2, grad)
        return where(a > b, 0.0, tie), where(a < b, 0.0, tie)


class Where(Function):
    node_name = "WhereBackward0"

    @staticmethod
    def forward(ctx, cond, a, b):
        # ``cond`` arrives as a numpy array: PyTorch's node has edges for ``a`` and ``b`` only.
        ctx.cond = cond
        return _cast(np.where(cond, a._data, b._data), a, b)

    @staticmethod
    def backward(ctx, grad):
        cond = _t(ctx.cond)
        zero = zeros((), dtype=grad.dtype)
        return (None, where(cond, grad, zero) if ctx.needs_input_grad[1] else None,
                where(cond, zero, grad) if ctx.needs_input_grad[2] else None)


class Sign(Function):
    node_name = "SignBackward0"

    @staticmethod
    def forward(ctx, a):
        return _t(np.nan_to_num(np.sign(a._data), nan=0.0) if a._data.dtype.kind == "f" else np.sign(a._data))

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


class Floor(Function):
    node_name = "FloorBackward0"

    @staticmethod
    def forward(ctx, a):
        return _t(np.floor(a._data) if a._data.dtype.kind == "f" else a._data.copy())

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


class ToCopy(Function):
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.dtype = a.dtype
        return _t(a._data.astype(dtype.np))

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.dtype), None


class Clone(Function):
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, a):
        return _t(a._data.copy())

    @staticmethod
    def backward(ctx, grad):
        return grad


# ---------------------------------------------------------------------------------
# Linear algebra
# ---------------------------------------------------------------------------------


class Mm(Function):
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        if a._data.ndim != 2:
            raise RuntimeError("self must be a matrix")
        if b._data.ndim != 2:
            raise RuntimeError("mat2 must be a matrix")
        if a._data.shape[1] != b._data.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({a._data.shape[0]}x{a._data.shape[1]} and "
                f"{b._data.shape[0]}x{b._data.shape[1]})"
            )
        if a._data.dtype != b._data.dtype:
            raise RuntimeError("expected m1 and m2 to have the same dtype, but got: "
                               f"{_scalar_name(a)} != {_scalar_name(b)}")
        _save_operands(ctx, a, b)
        return _t(a._data @ b._data)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad.mm(b.t()) if need_a else None, a.t().mm(grad) if need_b else None


class Addmm(Function):
    """``bias + a @ b``: what ``nn.functional.linear`` records for a batch of inputs."""

    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, bias, a, b):
        if a._data.shape[1] != b._data.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({a._data.shape[0]}x{a._data.shape[1]} and "
                f"{b._data.shape[0]}x{b._data.shape[1]})"
            )
        _save_operands(ctx, a, b, first=1)
        out = a._data @ b._data
        out += bias._data
        return _t(out)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        _, need_a, need_b = ctx.needs_input_grad
        return grad, grad.mm(b.t()) if need_a else None, a.t().mm(grad) if need_b else None


class Mv(Function):
    node_name = "MvBackward0"

    @staticmethod
    def forward(ctx, a, v):
        if a._data.shape[1] != v._data.shape[0]:
            raise RuntimeError(
                f"size mismatch, got input ({a._data.shape[0]}), mat ({a._data.shape[0]}x{a._data.shape[1]}), "
                f"vec ({v._data.shape[0]})"
            )
        _save_operands(ctx, a, v)
        return _t(a._data @ v._data)

    @staticmethod
    def backward(ctx, grad):
        a, v = ctx.saved_tensors
        need_a, need_v = ctx.needs_input_grad
        return grad.unsqueeze(1) * v if need_a else None, a.t().mv(grad) if need_v else None


class Dot(Function):
    node_name = "DotBackward0"

    @staticmethod
    def forward(ctx, a, b):
        if a._data.ndim != 1 or b._data.ndim != 1:
            raise RuntimeError(
                f"1D tensors expected, but got {a._data.ndim}D and {b._data.ndim}D tensors"
            )
        if a._data.shape != b._data.shape:
            raise RuntimeError(
                "inconsistent tensor size, expected tensor [{}] and src [{}] to have the same number of elements, "
                "but got {} and {} elements respectively".format(a._data.size, b._data.size, a._data.size, b._data.size)
            )
        _same_dtype(a, b, "dot : expected both vectors to have same dtype, but found {} and {}")
        _save_operands(ctx, a, b)
        return _t(np.dot(a._data, b._data))

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad * b if need_a else None, grad * a if need_b else None


class Bmm(Function):
    """Batched matrix product with broadcasting of the batch dimensions."""

    node_name = "BmmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        sa, sb = a._data.shape, b._data.shape
        if len(sa) != 3 or len(sb) != 3:
            raise RuntimeError(f"batch{1 if len(sa) != 3 else 2} must be a 3D tensor")
        if sb[0] != sa[0] or sb[1] != sa[2]:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{sa[0]}, {sa[2]}] "
                               f"but got: [{sb[0]}, {sb[1]}].")
        _save_operands(ctx, a, b)
        return _t(np.matmul(a._data, b._data))

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad.bmm(b.transpose(1, 2)) if need_a else None,
                a.transpose(1, 2).bmm(grad) if need_b else None)


def _same_dtype(a: Tensor, b: Tensor, message: str) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(message.format(_type_name(a), _type_name(b)))


def _type_name(t: Tensor) -> str:
    return {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int", "bool": "Bool"}.get(
        t.dtype.name, t.dtype.name)


# ---------------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------------


def _expand_back(grad: Tensor, shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    """Undo a reduction over ``dims``: put the reduced dimensions back and broadcast."""
    if not keepdim:
        for d in dims:
            grad = grad.unsqueeze(d)
    return grad.expand(shape)


class Sum(Function):
    node_name = "SumBackward0"

    @staticmethod
    def forward(ctx, a, dtype=None):
        ctx.shape = a._data.shape
        data = a._data if dtype is None else a._data.astype(dtype.np)
        return _t(np.sum(data, dtype=np.int64 if data.dtype.kind in "biu" else None))

    @staticmethod
    def backward(ctx, grad):
        return grad.expand(ctx.shape), None


class SumDim(Function):
    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, a, dim, keepdim=False, dtype=None):
        ctx.shape, ctx.dims, ctx.keepdim = a._data.shape, _dims(dim, a._data.ndim), keepdim
        data = a._data if dtype is None else a._data.astype(dtype.np)
        return _t(np.sum(data, axis=ctx.dims, keepdims=keepdim, dtype=np.int64 if data.dtype.kind in "biu" else None))

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim), None, None, None


def _check_mean_dtype(a: Tensor, dtype) -> None:
    if a._data.dtype.kind != "f" and dtype is None:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
            f"Got: {_type_name(a)}"
        )


class Mean(Function):
    node_name = "MeanBackward0"

    @staticmethod
    def forward(ctx, a, dtype=None):
        _check_mean_dtype(a, dtype)
        ctx.shape, ctx.n = a._data.shape, a._data.size
        return _t(np.mean(a._data, dtype=None if dtype is None else dtype.np).astype(
            a._data.dtype if dtype is None else dtype.np))

    @staticmethod
    def backward(ctx, grad):
        return grad.expand(ctx.shape) / ctx.n, None


class MeanDim(Function):
    node_name = "MeanBackward1"

    @staticmethod
    def forward(ctx, a, dim, keepdim=False, dtype=None):
        _check_mean_dtype(a, dtype)
        ctx.shape, ctx.dims, ctx.keepdim = a._data.shape, _dims(dim, a._data.ndim), keepdim
        ctx.n = int(np.prod([a._data.shape[d] for d in ctx.dims]))
        out = np.mean(a._data, axis=ctx.dims, keepdims=keepdim)
        return _t(np.asarray(out).astype(a._data.dtype if dtype is None else dtype.np))

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim) / ctx.n, None, None, None


class Var(Function):
    """Σ (x - mean)² / (n - correction) over ``dims``; gradient 2 (x - mean) / (n - correction)."""

    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim):
        if a._data.dtype.kind != "f":
            raise RuntimeError("std and var only support floating point and complex dtypes")
        x = a._data
        n = int(np.prod([x.shape[d] for d in dims])) if x.ndim else 1
        if n - correction <= 0:
            errors.warn(errors.DOF.format(name="var" if type(ctx).__name__.startswith("Var") else "std"))
        ctx.dims, ctx.keepdim, ctx.denom = dims, keepdim, n - correction
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.sum((x - x.mean(axis=dims, keepdims=True)) ** 2, axis=dims, keepdims=keepdim) / (n - correction)
        ctx.save_for_backward(a)
        return _t(np.asarray(out).astype(x.dtype))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        centered = a - a.mean(ctx.dims, keepdim=True)
        return _expand_back(grad, a.shape, ctx.dims, ctx.keepdim) * centered * (2 / ctx.denom), None, None, None


class Std(Function):
    """sqrt(var); gradient (x - mean) / ((n - correction) std)."""

    node_name = "StdBackward0"

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim):
        out = _t(np.sqrt(Var.forward(ctx, a, dims, correction, keepdim)._data))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        centered = a - a.mean(ctx.dims, keepdim=True)
        scale = _expand_back(grad / (out * ctx.denom), a.shape, ctx.dims, ctx.keepdim)
        return scale * centered, None, None, None


def _var_args(input: Tensor, dim: Any, unbiased: Any, keepdim: bool, correction: Any) -> tuple:
    if isinstance(dim, bool):  # var(True): the old ``unbiased`` positional form
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return _dims(dim, input._data.ndim), correction, keepdim


def var(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> Tensor:
    """The variance over ``dim`` (all elements by default), with Bessel's correction unless told otherwise."""
    return Var.apply(input, *_var_args(input, dim, unbiased, keepdim, correction))


def std(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> Tensor:
    """The standard deviation: ``sqrt(var)``."""
    return Std.apply(input, *_var_args(input, dim, unbiased, keepdim, correction))


class Cumsum(Function):
    node_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        data = a._data
        return _t(np.cumsum(data, axis=dim, dtype=np.int64 if data.dtype.kind in "biu" else None))

    @staticmethod
    def backward(ctx, grad):
        return grad.flip((ctx.dim,)).cumsum(ctx.dim).flip((ctx.dim,)), None


def cumsum(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """Running sums along ``dim``; the gradient is the reversed running sum of the gradient."""
    out = Cumsum.apply(input if dtype is None else input.to(dtype), _wrap_dim(dim, input._data.ndim))
    return out


class Prod(Function):
    node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        ctx.dims = None if dim is None else _dims(dim, a._data.ndim)
        ctx.keepdim = keepdim
        out = _t(np.prod(a._data, axis=ctx.dims, keepdims=keepdim,
                         dtype=np.int64 if a._data.dtype.kind in "biu" else None))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        dims = ctx.dims or tuple(range(a.ndim))
        keep = ctx.keepdim or ctx.dims is None
        if not (a == 0).any():
            return _expand_back(grad, a.shape, dims, keep) * (_expand_back(out, a.shape, dims, keep) / a), None, None
        # With zeros, the product of the *other* elements is computed directly.
        others = _t(_prod_of_others(a._data, dims))
        return _expand_back(grad, a.shape, dims, keep) * others, None, None


def _prod_of_others(x: np.ndarray, dims: tuple) -> np.ndarray:
    moved = np.moveaxis(x, dims, tuple(range(-len(dims), 0)))
    flat = moved.reshape(moved.shape[: moved.ndim - len(dims)] + (-1,))
    left = np.cumprod(np.concatenate([np.ones_like(flat[..., :1]), flat[..., :-1]], -1), -1)
    right = np.flip(np.cumprod(np.flip(np.concatenate([flat[..., 1:], np.ones_like(flat[..., :1])], -1), -1), -1), -1)
    return np.moveaxis((left * right).reshape(moved.shape), tuple(range(-len(dims), 0)), dims)


class MaxAll(Function):
    """``x.max()``: the gradient is shared evenly among the elements equal to the max."""

    node_name = "MaxBackward1"

    @staticmethod
    def forward(ctx, a, reduce=np.max):
        if a._data.size == 0:
            raise RuntimeError(
                f"{'max' if reduce is np.max else 'min'}(): Expected reduction dim to be specified for input.numel() "
                "== 0. Specify the reduction dim with the 'dim' argument."
            )
        out = _t(reduce(a._data))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        mask = a == out
        return where(mask, grad / mask.sum(), 0.0), None


class MinAll(MaxAll):
    node_name = "MinBackward1"

    @staticmethod
    def forward(ctx, a):
        return MaxAll.forward(ctx, a, np.min)


class Logsumexp(Function):
    """log Σ exp(x) over ``dims``, computed stably; its gradient is softmax(x) * grad."""

    node_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        x = _float_data(a)
        m = np.max(x, axis=dims, keepdims=True) if x.size else np.zeros((1,) * x.ndim, x.dtype)
        m = np.where(np.isfinite(m), m, 0)
        with np.errstate(divide="ignore"):
            out = np.log(np.sum(np.exp(x - m), axis=dims, keepdims=True)) + m
        ctx.dims, ctx.keepdim = dims, keepdim
        out = _t((out if keepdim else out.squeeze(dims)).astype(x.dtype))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        shape = a.shape
        return (_expand_back(grad, shape, ctx.dims, ctx.keepdim)
                * (a - _expand_back(out, shape, ctx.dims, ctx.keepdim)).exp()), None, None


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """log(sum(exp(input))) over ``dim`` without overflow (mirrors ``torch.logsumexp``)."""
    return Logsumexp.apply(input, _dims(dim, input._data.ndim), keepdim)


class Sort(Function):
    """Values sorted along ``dim`` and where they came from; the gradient goes back to those places."""

    node_name = "SortBackward0"

    @staticmethod
    def forward(ctx, a, dim, descending, k=None):
        order = np.argsort(-a._data if descending else a._data, axis=dim, kind="stable")
        if k is not None:
            order = np.take(order, np.arange(k), axis=dim)
        indices = _t(order.astype(np.int64))
        ctx.mark_non_differentiable(indices)
        ctx.shape, ctx.dim, ctx.order = a._data.shape, dim, order
        return _t(np.take_along_axis(a._data, order, dim)), indices

    @staticmethod
    def backward(ctx, grad, _):
        return ScatterAdd.apply(grad, ctx.shape, ctx.dim, ctx.order), None, None, None


class Topk(Sort):
    node_name = "TopkBackward0"


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    """(values, indices) sorted along ``dim`` (mirrors ``torch.sort``; ties keep their order)."""
    return _sort_type(*Sort.apply(input, _wrap_dim(dim, input._data.ndim), descending))


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices (mirrors ``torch.topk``)."""
    d = _wrap_dim(dim, input._data.ndim)
    if not 0 <= k <= (input._data.shape[d] if input._data.ndim else 1):
        raise RuntimeError("selected index k out of range")
    return _topk_type(*Topk.apply(input, d, largest, k))


class Einsum(Function):
    """``np.einsum``; each operand's gradient is another einsum: the output's gradient with the other
    operands, mapped back to that operand's subscripts (PyTorch records a chain of bmm/permute nodes
    instead, so the node names differ, the values do not)."""

    node_name = "EinsumBackward0"

    @staticmethod
    def forward(ctx, equation, *operands):
        ctx.inputs, ctx.output = _parse_einsum(equation, operands)
        ctx.save_for_backward(*operands)
        dt = result_dtype(*operands)
        return _t(np.asarray(np.einsum(equation, *(o._data for o in operands))).astype(dt, copy=False))

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.saved_tensors
        grads = []
        for k, (subs, op) in enumerate(zip(ctx.inputs, operands)):
            if not ctx.needs_input_grad[k + 1]:
                grads.append(None)
                continue
            others = [o for j, o in enumerate(operands) if j != k]
            known = set(ctx.output).union(*(ctx.inputs[j] for j in range(len(operands)) if j != k))
            kept = "".join(c for c in dict.fromkeys(subs) if c in known)  # letters only op k has: broadcast back
            spec = ",".join([ctx.output] + [ctx.inputs[j] for j in range(len(operands)) if j != k]) + "->" + kept
            g = einsum(spec, grad, *others)
            if kept != subs:
                g = _undo_einsum_sum(g, kept, subs, op.shape)
            grads.append(g)
        return (None, *grads)


def _parse_einsum(equation: str, operands: tuple) -> tuple[list[str], str]:
    eq = equation.replace(" ", "")
    if "..." in eq:
        raise NotImplementedError("autograd_lite's einsum does not support '...'")
    lhs, _, rhs = eq.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(operands) > len(inputs) else
                           "einsum(): fewer operands were provided than specified in the equation")
    if "->" not in eq:
        counts = {c: lhs.count(c) for c in lhs if c.isalpha()}
        rhs = "".join(sorted(c for c, n in counts.items() if n == 1))
    return inputs, rhs


def _undo_einsum_sum(g: Tensor, kept: str, subs: str, shape: tuple) -> Tensor:
    """Broadcast ``g`` (subscripts ``kept``) back to an operand with subscripts ``subs``."""
    if len(set(subs)) != len(subs):
        raise NotImplementedError("autograd_lite's einsum backward does not support repeated subscripts")
    view = [shape[subs.index(c)] if c in kept else 1 for c in subs]
    order = [kept.index(c) for c in subs if c in kept]
    return g.permute(order).reshape(view).expand(shape)


def einsum(equation: str, *operands: Tensor) -> Tensor:
    """Einstein summation (mirrors ``torch.einsum``; operands may also come as one list)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return Einsum.apply(equation, *operands)


class Tril(Function):
    """The lower triangle (``diagonal`` shifts it); the gradient keeps the same triangle."""

    node_name = "TrilBackward0"
    _numpy = staticmethod(np.tril)

    @staticmethod
    def forward(ctx, a, diagonal):
        ctx.diagonal = diagonal
        return _t(type(ctx)._function._numpy(a._data, diagonal))

    @staticmethod
    def backward(ctx, grad):
        return (tril if type(ctx)._function is Tril else triu)(grad, ctx.diagonal), None


class Triu(Tril):
    node_name = "TriuBackward0"
    _numpy = staticmethod(np.triu)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    return Tril.apply(input, diagonal)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    return Triu.apply(input, diagonal)


class MaxDim(Function):
    """``x.max(dim)``: values and indices; the gradient goes to the chosen index only."""

    node_name = "MaxBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim=False, arg=np.argmax):
        d = _wrap_dim(dim, a._data.ndim)
        if a._data.ndim == 0:
            idx = np.zeros((), np.int64)
        else:
            idx = arg(a._data, axis=d, keepdims=True)
        values = np.take_along_axis(a._data, idx, d) if a._data.ndim else a._data.copy()
        if not keepdim and a._data.ndim:
            values, idx = values.squeeze(d), idx.squeeze(d)
        indices = _t(idx.astype(np.int64))
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)
        ctx.shape, ctx.dim, ctx.keepdim = a._data.shape, d, keepdim
        return _t(values), indices

    @staticmethod
    def backward(ctx, grad, _):
        indices, = ctx.saved_tensors
        if not ctx.shape:
            return grad, None, None
        idx = indices if ctx.keepdim else indices.unsqueeze(ctx.dim)
        g = grad if ctx.keepdim else grad.unsqueeze(ctx.dim)
        positions = arange(ctx.shape[ctx.dim]).reshape([-1] + [1] * (len(ctx.shape) - 1 - ctx.dim))
        return g * (positions == idx), None, None


class MinDim(MaxDim):
    node_name = "MinBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim=False):
        return MaxDim.forward(ctx, a, dim, keepdim, np.argmin)


class Amax(Function):
    """``amax``: like max, but a tie shares the gradient evenly."""

    node_name = "AmaxBackward0"

    @staticmethod
    def forward(ctx, a, dim=(), keepdim=False, reduce=np.max):
        ctx.dims = _dims(dim if dim != () else None, a._data.ndim)
        ctx.keepdim = keepdim
        out = _t(reduce(a._data, axis=ctx.dims, keepdims=keepdim))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        mask = a == _expand_back(out, a.shape, ctx.dims, ctx.keepdim)
        count = mask.sum(ctx.dims, keepdim=True)
        return _expand_back(grad, a.shape, ctx.dims, ctx.keepdim) * mask / count, None, None


class Amin(Amax):
    node_name = "AminBackward0"

    @staticmethod
    def forward(ctx, a, dim=(), keepdim=False):
        return Amax.forward(ctx, a, dim, keepdim, np.min)


class Norm(Function):
    """The p-norm ``(sum |x|^p)^(1/p)``; its gradient is ``x |x|^(p-2) / norm^(p-1)`` (0 where norm is 0)."""

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, p=2, dim=None, keepdim=False):
        ctx.p, ctx.dims, ctx.keepdim = p, _dims(dim, a._data.ndim), keepdim
        x = np.abs(_float_data(a))
        if p == 2:
            out = np.sqrt(np.sum(x * x, axis=ctx.dims, keepdims=keepdim))
        elif p == math.inf:
            out = np.max(x, axis=ctx.dims, keepdims=keepdim)
        else:
            out = np.sum(x ** p, axis=ctx.dims, keepdims=keepdim) ** (1 / p)
        out = _t(out.astype(x.dtype, copy=False))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        norm = _expand_back(out, a.shape, ctx.dims, ctx.keepdim)
        g = _expand_back(grad, a.shape, ctx.dims, ctx.keepdim)
        if ctx.p == 1:
            return g * a.sign(), None, None, None
        if ctx.p == math.inf:
            mask = a.abs() == norm
            return g * a.sign() * mask / mask.sum(ctx.dims, keepdim=True), None, None, None
        scale = a * a.abs() ** (ctx.p - 2) / norm ** (ctx.p - 1) if ctx.p != 2 else a / norm
        return where(norm == 0, 0.0, g * scale), None, None, None


def norm(input: Tensor, p: float | str = "fro", dim: Any = None, keepdim: bool = False, dtype=None) -> Tensor:
    """The vector p-norm over ``dim`` (all elements by default); "fro" is the 2-norm."""
    p = 2 if p in ("fro", None) else math.inf if p in ("inf", float("inf")) else p
    return Norm.apply(input, p, dim, keepdim)


def _check_float_kernel(a: Tensor, name: str, dim: int) -> None:
    """PyTorch has no integer softmax: its CPU kernels refuse them by name."""
    if a._data.dtype.kind != "f":
        kernel = f"{name}_lastdim_kernel_impl" if dim == builtins.max(a._data.ndim - 1, 0) else f"{name}_kernel_impl"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(a)}\'')


class Softmax(Function):
    node_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = _wrap_dim(dim, a._data.ndim)
        _check_float_kernel(a, "softmax", ctx.dim)
        out = _t(kernels.softmax(a._data, ctx.dim))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return SoftmaxBackwardOp.apply(grad, y, ctx.dim), None


class SoftmaxBackwardOp(Function):
    """``y * (grad - sum(grad * y))`` in one pass; differentiable again (for create_graph)."""

    node_name = "SoftmaxBackwardDataBackward0"

    @staticmethod
    def forward(ctx, grad, y, dim):
        ctx.dim = dim
        ctx.save_for_backward(grad, y)
        return _t(kernels.softmax_backward(grad._data, y._data, dim))

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors
        d = ctx.dim
        gg_y = (gg * y).sum(d, keepdim=True)
        return y * (gg - gg_y), gg * (grad - (grad * y).sum(d, keepdim=True)) - grad * gg_y, None


class LogSoftmax(Function):
    node_name = "LogSoftmaxBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = _wrap_dim(dim, a._data.ndim)
        _check_float_kernel(a, "log_softmax", ctx.dim)
        out = _t(kernels.log_softmax(a._data, ctx.dim))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return LogSoftmaxBackwardOp.apply(grad, y, ctx.dim), None


class LogSoftmaxBackwardOp(Function):
    """``grad - exp(y) * sum(grad)`` in one pass; differentiable again (for create_graph)."""

    node_name = "LogSoftmaxBackwardDataBackward0"

    @staticmethod
    def forward(ctx, grad, y, dim):
        ctx.dim = dim
        ctx.save_for_backward(grad, y)
        return _t(kernels.log_softmax_backward(grad._data, y._data, dim))

    @staticmethod
    def backward(ctx, gg):
        grad, y = ctx.saved_tensors
        d, p = ctx.dim, y.exp()
        return gg - (gg * p).sum(d, keepdim=True), -gg * p * grad.sum(d, keepdim=True), None


class SumToSize(Function):
    """Sum a broadcast gradient back to an input's shape (the engine calls this)."""

    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a._data.shape
        return _t(kernels.sum_to_shape(a._data, tuple(shape)))

    @staticmethod
    def backward(ctx, grad):
        return grad.expand(ctx.shape), None


# ---------------------------------------------------------------------------------
# Views and shape operations: numpy views share memory, as PyTorch views do.
# ---------------------------------------------------------------------------------


def _view_of(out: Tensor, base: Tensor, view_func) -> Tensor:
    """Mark ``out`` as a view of ``base``: same storage and version counter.

    ``view_func`` rebuilds the view from the base: in-place ops on the view write
    through it, and a view whose base changed in place gets a fresh grad_fn from it.
    """
    out._base = base if base._base is None else base._base
    out._vc = base._shared_version()
    out._view_version = out._vc[0]
    if base._base is None:
        out._view_func = view_func
    elif base._view_func is not None and view_func is not None:
        inner = base._view_func
        out._view_func = lambda t: view_func(inner(t))
    return out


class AsStrided(Function):
    """A view rebuilt on its base's current graph, after the base was changed in place."""

    node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, base, view_func):
        ctx.shape, ctx.dtype, ctx.view_func = base._data.shape, base.dtype, view_func
        return _view_of(_t(view_func(base.detach())._data), base, view_func)

    @staticmethod
    def backward(ctx, grad):
        return CopySlices.apply(zeros(ctx.shape, dtype=ctx.dtype), grad, None, ctx.view_func), None


def refresh_view(t: Tensor) -> None:
    """If ``t`` is a view whose base was modified in place since ``t``'s grad_fn was set,
    point ``t`` at the base's new graph (PyTorch regenerates it the same way)."""
    base = t._base
    if t._view_func is None or t._view_version == t._vc[0] or not base._requires_grad:
        return
    prev = _state.enabled
    _state.enabled = True
    try:
        fresh = AsStrided.apply(base, t._view_func)
    finally:
        _state.enabled = prev
    t._grad_fn, t._output_nr, t._requires_grad = fresh._grad_fn, 0, fresh._requires_grad
    t._view_version = t._vc[0]


class View(Function):
    node_name = "ViewBackward0"

    @staticmethod
    def forward(ctx, a, shape):
        shape = _infer_shape(shape, a._data.size)
        ctx.shape = a._data.shape
        v = a._data.view()
        try:
            v.shape = shape
        except AttributeError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one dimension spans "
                "across two contiguous subspaces). Use .reshape(...) instead."
            ) from None
        return _view_of(_t(v), a, lambda t: t.view(shape))

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None


class UnsafeView(View):
    node_name = "UnsafeViewBackward0"


def _infer_shape(shape: Sequence[int], numel: int) -> tuple:
    shape = tuple(shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = int(np.prod([s for s in shape if s != -1], dtype=np.int64))
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
    return shape


class Expand(Function):
    node_name = "ExpandBackward0"

    @staticmethod
    def forward(ctx, a, sizes):
        shape = a._data.shape
        if len(sizes) < len(shape):
            raise RuntimeError(
                f"expand({_type_str(a)}{{[{', '.join(map(str, shape))}]}}, size=[{', '.join(map(str, sizes))}]): "
                "the number of sizes provided "
                f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({len(shape)})"
            )
        lead = len(sizes) - len(shape)
        target = tuple(s if s != -1 else shape[i - lead] for i, s in enumerate(sizes))
        for i, (s, t) in enumerate(zip(shape, target[lead:])):
            if s != t and s != 1:
                raise RuntimeError(
                    f"The expanded size of the tensor ({t}) must match the existing size ({s}) at non-singleton "
                    f"dimension {i + lead}.  Target sizes: [{', '.join(map(str, sizes))}].  Tensor sizes: "
                    f"[{', '.join(map(str, shape))}]"
                )
        ctx.shape = shape
        return _view_of(_t(np.broadcast_to(a._data, target)), a, None)

    @staticmethod
    def backward(ctx, grad):
        return grad.sum_to_size(ctx.shape), None


def _type_str(t: Tensor) -> str:
    return "torch." + _type_name(t) + "Tensor"


def _scalar_name(t: Tensor) -> str:
    """C++'s name of the element type: ``float``, ``double``, ``long int``."""
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "bool": "bool"}.get(
        t.dtype.name, t.dtype.name)


class Permute(Function):
    node_name = "PermuteBackward0"

    @staticmethod
    def forward(ctx, a, dims):
        if len(dims) != a._data.ndim:
            raise RuntimeError(
                "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
                f"desired ordering of dimensions i.e. input.dim() = {a._data.ndim} is not equal to len(dims) = {len(dims)}"
            )
        ctx.dims = tuple(_wrap_dim(d, a._data.ndim) for d in dims)
        if len(set(ctx.dims)) != len(dims):
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return _view_of(_t(a._data.transpose(ctx.dims)), a, lambda t: t.permute(dims))

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(tuple(np.argsort(ctx.dims))), None


class Transpose(Function):
    node_name = "TransposeBackward0"

    @staticmethod
    def forward(ctx, a, d0, d1):
        n = a._data.ndim
        ctx.d = (_wrap_dim(d0, n), _wrap_dim(d1, n)) if n else (0, 0)
        return _view_of(_t(np.swapaxes(a._data, *ctx.d) if n else a._data.view()), a, lambda t: t.transpose(d0, d1))

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(*ctx.d), None, None


class T(Function):
    node_name = "TBackward0"

    @staticmethod
    def forward(ctx, a):
        if a._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a._data.ndim}D")
        return _view_of(_t(a._data.T), a, lambda t: t.t())

    @staticmethod
    def backward(ctx, grad):
        return grad.t()


class Unsqueeze(Function):
    node_name = "UnsqueezeBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = _wrap_dim(dim, a._data.ndim + 1)
        return _view_of(_t(np.expand_dims(a._data, ctx.dim)), a, lambda t: t.unsqueeze(dim))

    @staticmethod
    def backward(ctx, grad):
        return grad.squeeze(ctx.dim), None


class Squeeze(Function):
    node_name = "SqueezeBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.shape = a._data.shape
        return _view_of(_t(np.squeeze(a._data)), a, lambda t: t.squeeze())

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape)


class SqueezeDim(Function):
    node_name = "SqueezeBackward1"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.shape = a._data.shape
        dims = tuple(d for d in _dims(dim, a._data.ndim) if a._data.ndim and a._data.shape[d] == 1)
        return _view_of(_t(np.squeeze(a._data, dims) if dims else a._data.view()), a, lambda t: t.squeeze(dim))

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None


class SqueezeDims(SqueezeDim):
    node_name = "SqueezeBackward2"


class SqueezeInPlace(SqueezeDim):
    """What ``matmul`` records when it squeezes a vector's added dimension back out."""

    node_name = "SqueezeBackward4"


class Cat(Function):
    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx, dim, *tensors):
        if not tensors:
            raise ValueError("torch.cat(): expected a non-empty list of Tensors")
        ref = next((t for t in tensors if t._data.shape != (0,)), tensors[0])
        if ref._data.ndim == 0:
            raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
        d = _wrap_dim(dim, ref._data.ndim)
        parts = [t for t in tensors if t._data.shape != (0,) or t is ref]
        for i, t in enumerate(parts):
            if t._data.ndim != ref._data.ndim:
                raise RuntimeError(
                    f"Tensors must have same number of dimensions: got {ref._data.ndim} and {t._data.ndim}")
            for k in range(ref._data.ndim):
                if k != d and t._data.shape[k] != ref._data.shape[k]:
                    raise RuntimeError(
                        f"Sizes of tensors must match except in dimension {d}. Expected size {ref._data.shape[k]} "
                        f"but got size {t._data.shape[k]} for tensor number {i} in the list.")
        ctx.dim, ctx.sizes = d, [t._data.shape[d] if t._data.ndim else 0 for t in tensors]
        dt = result_dtype(*parts) if len(parts) > 1 else ref._data.dtype
        return _t(np.concatenate([t._data for t in parts], axis=d).astype(dt, copy=False))

    @staticmethod
    def backward(ctx, grad):
        grads, start = [], 0
        for size, need in zip(ctx.sizes, ctx.needs_input_grad[1:]):
            grads.append(grad.narrow(ctx.dim, start, size) if need else None)
            start += size
        return (None, *grads)


class Stack(Function):
    node_name = "StackBackward0"

    @staticmethod
    def forward(ctx, dim, *tensors):
        if not tensors:
            raise RuntimeError("stack expects a non-empty TensorList")
        for i, t in enumerate(tensors):
            if t._data.shape != tensors[0]._data.shape:
                raise RuntimeError(
                    f"stack expects each tensor to be equal size, but got [{', '.join(map(str, tensors[0]._data.shape))}] "
                    f"at entry 0 and [{', '.join(map(str, t._data.shape))}] at entry {i}")
        ctx.dim = _wrap_dim(dim, tensors[0]._data.ndim + 1)
        dt = result_dtype(*tensors)
        return _t(np.stack([t._data for t in tensors], axis=ctx.dim).astype(dt, copy=False))

    @staticmethod
    def backward(ctx, grad):
        return (None, *(grad.select(ctx.dim, i) if need else None
                        for i, need in enumerate(ctx.needs_input_grad[1:])))


class Unbind(Function):
    node_name = "UnbindBackward0"

    @staticmethod
    def forward(ctx, a, dim=0):
        ctx.dim = _wrap_dim(dim, a._data.ndim)
        ctx.shape, ctx.dtype = a._data.shape, a._data.dtype
        return tuple(_view_of(_t(a._data[(slice(None),) * ctx.dim + (i, Ellipsis)]),
                              a, None) for i in range(a._data.shape[ctx.dim]))

    @staticmethod
    def backward(ctx, *grads):
        parts = [g if g is not None else zeros(ctx.shape[:ctx.dim] + ctx.shape[ctx.dim + 1:], dtype=dtypes.from_numpy_dtype(ctx.dtype))
                 for g in grads]
        return stack(parts, ctx.dim), None


# Indexing: ints select, slices slice, None adds a dimension, tensors/lists gather.


class Select(Function):
    node_name = "SelectBackward0"

    @staticmethod
    def forward(ctx, a, dim, index):
        n = a._data.shape[dim]
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {n}")
        ctx.shape, ctx.key = a._data.shape, (slice(None),) * dim + (index,)
        view = a._data[ctx.key + (Ellipsis,)]  # the Ellipsis keeps a view even for a single element
        return _view_of(_t(view), a, lambda t: t.select(dim, index))

    @staticmethod
    def backward(ctx, grad):
        return IndexBackward.apply(grad, ctx.shape, ctx.key), None, None


class Slice(Function):
    node_name = "SliceBackward0"

    @staticmethod
    def forward(ctx, a, dim, sl):
        if sl.step is not None and sl.step <= 0:
            raise ValueError("step must be greater than zero")
        ctx.shape, ctx.key = a._data.shape, (slice(None),) * dim + (sl,)
        return _view_of(_t(a._data[ctx.key]), a, lambda t: Slice.apply(t, dim, sl))

    @staticmethod
    def backward(ctx, grad):
        return IndexBackward.apply(grad, ctx.shape, ctx.key), None, None


class Index(Function):
    """Advanced indexing (``x[mask]``, ``x[[0, 2]]``): a copy, not a view."""

    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, a, key):
        ctx.shape, ctx.key = a._data.shape, key
        try:
            return _t(a._data[key])
        except IndexError as e:  # numpy says "axis", PyTorch "dimension"
            raise IndexError(str(e).replace(" for axis ", " for dimension ")) from None

    @staticmethod
    def backward(ctx, grad):
        return IndexBackward.apply(grad, ctx.shape, ctx.key), None


class IndexBackward(Function):
    """Zeros of the input's shape with the gradient put back where it was read (summing repeats)."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, grad, shape, key):
        ctx.key = key
        out = np.zeros(shape, grad._data.dtype)
        np.add.at(out, key, grad._data)
        return _t(out)

    @staticmethod
    def backward(ctx, gg):
        return gg[ctx.key], None, None


def _index_key(index: Any) -> tuple:
    """Normalise an index to a tuple, converting tensors to numpy arrays."""
    if not isinstance(index, tuple):
        index = (index,)
    key = []
    for i in index:
        if isinstance(i, Tensor):
            if i._data.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            key.append(i._data if i._data.ndim or i._data.dtype == np.bool_ else int(i._data))
        elif isinstance(i, list):
            key.append(np.asarray(i))
        else:
            key.append(i)
    return tuple(key)


def getitem(self: Tensor, index: Any) -> Tensor:
    """``x[...]``: basic indices become a chain of views, advanced ones one gather (as in PyTorch)."""
    key = _index_key(index)
    n_real = builtins.sum(1 for k in key if k is not None and k is not Ellipsis
                          and not (isinstance(k, np.ndarray) and k.dtype == np.bool_))
    n_real += builtins.sum(k.ndim for k in key if isinstance(k, np.ndarray) and k.dtype == np.bool_)
    if n_real > self._data.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self._data.ndim}")
    if Ellipsis in [k for k in key if not isinstance(k, np.ndarray)]:
        at = [i for i, k in enumerate(key) if k is Ellipsis and not isinstance(k, np.ndarray)][0]
        key = key[:at] + (slice(None),) * (self._data.ndim - n_real) + key[at + 1:]
    out, dim, advanced = self, 0, []
    for k in key:
        if k is None:
            out = out.unsqueeze(dim)
            dim += 1
        elif isinstance(k, numbers.Integral) and not isinstance(k, bool):
            out = Select.apply(out, dim, int(k))
        elif isinstance(k, slice):
            if k != slice(None):
                out = Slice.apply(out, dim, k)
            dim += 1
        else:
            advanced.append((dim, k))
            dim += k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1
    if advanced:
        full = [slice(None)] * out._data.ndim
        for d, k in advanced:
            full[d] = k
        full = [f for i, f in enumerate(full) if not (isinstance(f, np.ndarray) and f.dtype == np.bool_ and False)]
        out = Index.apply(out, tuple(_squash_bool(full)))
    elif out is self:
        out = Slice.apply(self, 0, slice(None)) if self._data.ndim else View.apply(self, ())
    return out


def _squash_bool(full: list) -> list:
    """A bool mask spanning k dimensions replaces k slots of the index."""
    out, skip = [], 0
    for f in full:
        if skip:
            skip -= 1
            continue
        out.append(f)
        if isinstance(f, np.ndarray) and f.dtype == np.bool_:
            skip = f.ndim - 1
    return out


def _along(index: np.ndarray, dim: int) -> tuple:
    """Numpy's index tuple for "position index[i, j, ...] along ``dim``" (gather/scatter)."""
    key = list(np.indices(index.shape, sparse=True))
    key[dim] = index
    return tuple(key)


def _check_index(index: Tensor, dim: int, shape: tuple, name: str) -> np.ndarray:
    idx = index._data if index._data.ndim else index._data.reshape(1)
    if idx.dtype != np.int64:
        raise RuntimeError(f"{name}(): Expected dtype int64 for index")
    if idx.size and (idx.min() < -shape[dim] or idx.max() >= shape[dim]):
        bad = idx[(idx < -shape[dim]) | (idx >= shape[dim])].flat[0]
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {shape[dim]}")
    return idx


class Gather(Function):
    """``out[i][j] = x[i][index[i][j]]`` (along ``dim``); the gradient is scattered back, summing repeats."""

    node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.shape, ctx.dim, ctx.index = a._data.shape, dim, index
        return _t(a._data[_along(index, dim)])

    @staticmethod
    def backward(ctx, grad):
        return ScatterAdd.apply(grad, ctx.shape, ctx.dim, ctx.index), None, None


class ScatterAdd(Function):
    """Zeros of ``shape`` with ``src`` added in at ``index`` along ``dim`` (gather's backward)."""

    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, src, shape, dim, index):
        ctx.dim, ctx.index = dim, index
        out = np.zeros(shape, src._data.dtype)
        np.add.at(out, _along(index, dim), src._data)
        return _t(out)

    @staticmethod
    def backward(ctx, gg):
        return Gather.apply(gg, ctx.dim, ctx.index), None, None, None


class Scatter(Function):
    """A copy of ``x`` with ``src`` (or ``value``) written at ``index`` along ``dim``."""

    node_name = "ScatterBackward0"

    @staticmethod
    def forward(ctx, a, dim, index, src):
        ctx.dim, ctx.index = dim, index
        out = a._data.copy()
        key = _along(index, dim)
        if isinstance(src, Tensor):
            out[key] = src._data[tuple(slice(0, n) for n in index.shape)] if src._data.ndim else src._data
        else:  # a number: no edge for it in the graph (ScatterBackward1)
            out[key] = src
        return _t(out)

    @staticmethod
    def backward(ctx, grad):
        mask = np.ones(grad.shape, dtype=bool)
        mask[_along(ctx.index, ctx.dim)] = False  # overwritten: no gradient to the old values
        g_src = Gather.apply(grad, ctx.dim, ctx.index) if ctx.needs_input_grad[3] else None  # (src's part)
        return where(_t(mask), grad, 0.0), None, None, g_src


class ScatterValue(Scatter):
    node_name = "ScatterBackward1"


def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """Pick ``input``'s elements at ``index`` along ``dim`` (mirrors ``torch.gather``)."""
    d = _wrap_dim(dim, input._data.ndim)
    return Gather.apply(input, d, _check_index(index, d, input._data.shape, "gather"))


def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None) -> Tensor:
    """A copy of ``input`` with ``src`` (a tensor) or ``value`` written at ``index`` along ``dim``."""
    d = _wrap_dim(dim, input._data.ndim)
    idx = _check_index(index, d, input._data.shape, "scatter")
    if src is None:
        src = value
    if isinstance(src, Tensor):
        return Scatter.apply(input, d, idx, src)
    return ScatterValue.apply(input, d, idx, src.item() if isinstance(src, Tensor) else src)


def scatter_(self: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None) -> Tensor:
    return _inplace(self, lambda s: scatter(s, dim, index, src, value=value))


class IndexSelect(Function):
    """Whole slices of ``x`` along ``dim`` at ``index``; the gradient adds back into them."""

    node_name = "IndexSelectBackward0"

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.shape, ctx.key = a._data.shape, (slice(None),) * dim + (index,)
        return _t(np.take(a._data, index, axis=dim))

    @staticmethod
    def backward(ctx, grad):
        return IndexBackward.apply(grad, ctx.shape, ctx.key), None, None


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """``input`` restricted to ``index`` along ``dim`` (mirrors ``torch.index_select``)."""
    d = _wrap_dim(dim, input._data.ndim)
    if index._data.dtype.kind not in "iu" or index._data.ndim > 1:
        raise RuntimeError("index_select(): Expected dtype int32/int64 for index")
    return IndexSelect.apply(input, d, _check_index(index, d, input._data.shape, "index_select"))


class MaskedFill(Function):
    """``value`` where ``mask`` is True, ``x`` elsewhere; no gradient flows where it was filled."""

    node_name = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx, a, mask, value):
        ctx.mask = mask
        return _t(np.where(mask, np.asarray(value, a._data.dtype), a._data))

    @staticmethod
    def backward(ctx, grad):
        return where(_t(ctx.mask), 0.0, grad), None, None


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` where ``mask`` (broadcast) is True."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype}")
    if isinstance(value, Tensor):
        value = value.item()
    return MaskedFill.apply(input, np.broadcast_to(mask._data, input._data.shape), value)


def masked_fill_(self: Tensor, mask: Tensor, value: Any) -> Tensor:
    return _inplace(self, lambda s: masked_fill(s, mask, value))


class IndexPut(Function):
    """``x[index] = value`` recorded out of place: the old values' gradient is zeroed at ``index``."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, base, value, key, view_func):
        ctx.key, ctx.view_func = key, view_func
        out = _t(base._data.copy())
        if view_func is not None:
            view_func(out)._data[...] = value._data
        else:
            out._data[key] = value._data
        return out

    @staticmethod
    def backward(ctx, grad):
        mask = np.ones(grad.shape, dtype=bool)
        if ctx.view_func is not None:
            ctx.view_func(_t(mask))._data[...] = False
            g_value = ctx.view_func(grad) if ctx.needs_input_grad[1] else None
        else:
            mask[ctx.key] = False
            g_value = grad[ctx.key] if ctx.needs_input_grad[1] else None
        return grad * _t(mask), g_value, None, None


class CopySlices(IndexPut):
    """``x[basic index] = value`` and in-place ops on views: PyTorch's CopySlices node."""

    node_name = "CopySlices"
    node_in_torch_autograd = True


# ---------------------------------------------------------------------------------
# In-place operations: computed out of place, written into the tensor's storage,
# and the tensor becomes the result's output in the graph (its version goes up).
# ---------------------------------------------------------------------------------


def _tracked(*tensors: Any) -> bool:
    return _state.enabled and builtins.any(isinstance(t, Tensor) and t._requires_grad for t in tensors)


def _check_leaf_inplace(self: Tensor) -> None:
    if self._grad_fn is None and self._requires_grad:
        raise RuntimeError(errors.LEAF_INPLACE)
    base = self._base
    if base is not None and base._grad_fn is None and base._requires_grad and self._grad_fn is not None:
        raise RuntimeError(errors.VIEW_OF_LEAF_INPLACE)


def _inplace(self: Tensor, op, *args: Any) -> Tensor:
    """Run ``op(self, *args)`` and store the result in ``self`` (PyTorch's in-place semantics)."""
    if not _tracked(self, *args):
        out = op(self.detach(), *args)
        if self._data.dtype.kind != "f" and out._data.dtype.kind == "f":
            raise RuntimeError(f"result type Float can't be cast to the desired output type {_type_name(self)}")
        np.copyto(self._data, out._data, casting="unsafe")
        self._bump_version()
        return self
    _check_leaf_inplace(self)
    result = op(_snapshot(self), *args)
    _write_into(self, result)
    return self


def _snapshot(self: Tensor) -> Tensor:
    """The values before an in-place write, holding the tensor's current place in the graph."""
    old = _make(self._data.copy())
    old._requires_grad, old._grad_fn, old._output_nr = self._requires_grad, self._grad_fn, self._output_nr
    old._accumulator = self._accumulator
    return old


def _write_into(self: Tensor, result: Tensor) -> None:
    """Make ``self`` hold ``result``: data copied in, graph rebased, version bumped."""
    if self._base is not None and self._view_func is not None and self._base._requires_grad or (
            self._base is not None and self._view_func is not None and result._requires_grad):
        base = self._base
        _setitem_tracked(base, None, result, self._view_func)
        fresh = self._view_func(base)
        self._grad_fn, self._output_nr, self._requires_grad = fresh._grad_fn, fresh._output_nr, fresh._requires_grad
        self._view_version = self._vc[0]
        return
    np.copyto(self._data, result._data, casting="unsafe")
    self._bump_version()
    self._grad_fn, self._output_nr, self._requires_grad = result._grad_fn, result._output_nr, result._requires_grad
    if result._grad_fn is not None and result._grad_fn._saved_outputs:
        _resave_output(result._grad_fn, self)


def _resave_output(node, self: Tensor) -> None:
    """A node that saved its output (``exp_``) must watch ``self`` for later in-place changes."""
    saved, versions = list(node._saved), list(node._saved_versions)
    for k, nr in enumerate(node._saved_outputs):
        if nr is not None:
            saved[k], versions[k] = self._alias(), self._version
    node._saved, node._saved_versions = tuple(saved), tuple(versions)


def _setitem_tracked(self: Tensor, key, value: Tensor, view_func=None) -> None:
    if self._grad_fn is None and self._requires_grad:
        raise RuntimeError(errors.VIEW_OF_LEAF_INPLACE)
    old = _snapshot(self)
    if value._data.dtype != self._data.dtype:
        value = value.to(self.dtype)
    node = CopySlices if view_func is not None else IndexPut
    result = node.apply(old, value, key, view_func)
    np.copyto(self._data, result._data)
    self._bump_version()
    self._grad_fn, self._output_nr, self._requires_grad = result._grad_fn, result._output_nr, True


def setitem(self: Tensor, index: Any, value: Any) -> None:
    """``x[index] = value``."""
    value = value if isinstance(value, Tensor) else as_tensor_like(value, self)
    if value._data.ndim:
        _check_expand(value, getitem(self.detach(), index)._data.shape, index)
        if value._data.shape[0] == 1:
            value = value.reshape(tuple(np.trim_zeros(np.array(value._data.shape) - 1, "f") + 1))
    if not _tracked(self, value):
        view = getitem(self.detach(), index)
        try:
            if view._base is not None:
                np.copyto(view._data, np.broadcast_to(value._data, view._data.shape), casting="unsafe")
            else:
                self._data[_index_key(index)] = value._data
        except ValueError as e:
            raise RuntimeError(str(e)) from None
        self._bump_version()
        return
    key = _index_key(index)
    basic = builtins.all(k is None or k is Ellipsis or isinstance(k, (numbers.Integral, slice)) for k in key)
    if basic:  # write through the view self[index]: CopySlices on the base, as PyTorch
        view = getitem(self, index)
        _check_leaf_inplace(view)
        _write_into(view, value)
    else:
        _inplace(self, lambda s, v: IndexPut.apply(s, v, key, None), value)


def _check_expand(value: Tensor, shape: tuple, index: Any) -> None:
    """``x[index] = value`` broadcasts ``value`` to the indexed shape: PyTorch's errors when it cannot."""
    vs = value._data.shape
    while vs and vs[0] == 1:  # leading ones are dropped (PyTorch's slicePrefix1sSize)
        vs = vs[1:]
    if not builtins.all(k is None or k is Ellipsis or isinstance(k, (numbers.Integral, slice))
                        for k in _index_key(index)):
        if not _expandable_to(vs, shape):
            raise RuntimeError(f"shape mismatch: value tensor of shape [{', '.join(map(str, vs))}] cannot be "
                               f"broadcast to indexing result of shape [{', '.join(map(str, shape))}]")
        return
    if len(vs) > len(shape):
        raise RuntimeError(
            f"expand({_type_str(value)}{{[{', '.join(map(str, vs))}]}}, size=[{', '.join(map(str, shape))}]): the "
            f"number of sizes provided ({len(shape)}) must be greater or equal to the number of dimensions in the "
            f"tensor ({len(vs)})")
    for i, (s, t) in enumerate(zip(reversed(vs), reversed(shape))):
        if s != t and s != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({t}) must match the existing size ({s}) at non-singleton "
                f"dimension {len(shape) - 1 - i}.  Target sizes: [{', '.join(map(str, shape))}].  Tensor sizes: "
                f"[{', '.join(map(str, vs))}]")


def add_(self, other, *, alpha=1):
    return _inplace(self, lambda s, o: add(s, o, alpha=alpha), other)


def sub_(self, other, *, alpha=1):
    return _inplace(self, lambda s, o: sub(s, o, alpha=alpha), other)


def mul_(self, other):
    return _inplace(self, mul, other)


def div_(self, other, *, rounding_mode=None):
    return _inplace(self, lambda s, o: div(s, o, rounding_mode=rounding_mode), other)


def pow_(self, exponent):
    return _inplace(self, pow, exponent)


def clamp_(self, min=None, max=None):
    return _inplace(self, lambda s: clamp(s, min, max))


def relu_(self):
    return _inplace(self, relu)


def neg_(self):
    return _inplace(self, neg)


def exp_(self):
    return _inplace(self, exp)


class Fill(Function):
    node_name = "FillBackward0"

    @staticmethod
    def forward(ctx, a, value):
        return _t(np.full_like(a._data, value))

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), None


class Zero(Function):
    node_name = "ZeroBackward0"

    @staticmethod
    def forward(ctx, a):
        return _t(np.zeros_like(a._data))

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


class FillTensor(Fill):
    node_name = "FillBackward2"


class Copy(Function):
    node_name = "CopyBackwards"
    node_in_torch_autograd = True

    @staticmethod
    def forward(ctx, a, src):
        ctx.src_dtype = src.dtype
        _check_shapes_broadcast(a._data.shape, src._data.shape)
        return _t(np.broadcast_to(src._data, a._data.shape).astype(a._data.dtype))

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), grad.to(ctx.src_dtype)


def zero_(self: Tensor) -> Tensor:
    return _inplace(self, Zero.apply)


def fill_(self: Tensor, value) -> Tensor:
    if isinstance(value, Tensor):
        value = value.item()
    return _inplace(self, FillTensor.apply if _tracked(self) else Fill.apply, value)


def copy_(self: Tensor, src: Tensor, non_blocking: bool = False) -> Tensor:
    src = src if isinstance(src, Tensor) else as_tensor_like(src, self)
    return _inplace(self, Copy.apply, src)


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    from . import random

    with random.using(generator):
        self._data[...] = random.uniform(self._data.shape, self._data.dtype, a, b)
    self._bump_version()
    return self


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    from . import random

    with random.using(generator):
        self._data[...] = random.normal(self._data.shape, self._data.dtype, mean, std)
    self._bump_version()
    return self


# ---------------------------------------------------------------------------------
# Non-differentiable operations: comparisons, indices, rounding.
# ---------------------------------------------------------------------------------


def _compare(fn):
    def compare(self, other):
        a, b = _binary_inputs(self, other)
        return _t(fn(a._data, b._data))

    compare.__name__ = fn.__name__
    return compare


eq = _compare(np.equal)
ne = _compare(np.not_equal)
gt = _compare(np.greater)
lt = _compare(np.less)
ge = _compare(np.greater_equal)
le = _compare(np.less_equal)
greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne
logical_and = _compare(np.logical_and)
logical_or = _compare(np.logical_or)
logical_xor = _compare(np.logical_xor)


def logical_not(input: Tensor) -> Tensor:
    return _t(np.logical_not(input._data))


def bitwise_not(input: Tensor) -> Tensor:
    return _t(np.invert(input._data))


def isnan(input: Tensor) -> Tensor:
    return _t(np.isnan(input._data))


def isinf(input: Tensor) -> Tensor:
    return _t(np.isinf(input._data))


def isfinite(input: Tensor) -> Tensor:
    return _t(np.isfinite(input._data))


def equal(input: Tensor, other: Tensor) -> bool:
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    return _t(np.isclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return _t(np.asarray(np.argmax(input._data), dtype=np.int64))
    return _t(np.argmax(input._data, axis=_wrap_dim(dim, input._data.ndim), keepdims=keepdim).astype(np.int64))


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return _t(np.asarray(np.argmin(input._data), dtype=np.int64))
    return _t(np.argmin(input._data, axis=_wrap_dim(dim, input._data.ndim), keepdims=keepdim).astype(np.int64))


def argsort(input: Tensor, dim: int = -1, descending: bool = False) -> Tensor:
    d = input._data if not descending else -input._data
    return _t(np.argsort(d, axis=dim, kind="stable").astype(np.int64))


def floor_divide(input: Tensor, other: Any) -> Tensor:
    a, b = _binary_inputs(input, other)
    return _cast(np.floor_divide(a._data, b._data), a, b)


def remainder(input: Tensor, other: Any) -> Tensor:
    a, b = _binary_inputs(input, other)
    return _cast(np.remainder(a._data, b._data), a, b)


def any(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _t(np.any(input._data, axis=dim, keepdims=keepdim))


def all(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _t(np.all(input._data, axis=dim, keepdims=keepdim))


def count_nonzero(input: Tensor, dim: int | None = None) -> Tensor:
    return _t(np.asarray(np.count_nonzero(input._data, axis=dim), dtype=np.int64))


def nonzero(input: Tensor, *, as_tuple: bool = False):
    idx = np.nonzero(input._data)
    if as_tuple:
        return tuple(_t(i.astype(np.int64)) for i in idx)
    return _t(np.stack(idx, axis=1).astype(np.int64) if idx else np.zeros((0, 0), np.int64))


class Unique(Function):
    """Sorted distinct values. Not differentiable: backward raises, as PyTorch's does."""

    node_name = "Unique2Backward0"

    @staticmethod
    def forward(ctx, a, sorted=True, return_inverse=False, return_counts=False, dim=None):
        values, inverse, counts = np.unique(a._data, return_inverse=True, return_counts=True, axis=dim)
        out = [_t(values)]
        if return_inverse:
            out.append(_t(inverse.reshape(a._data.shape).astype(np.int64)))
        if return_counts:
            out.append(_t(counts.astype(np.int64)))
        ctx.mark_non_differentiable(*out[1:])
        return out[0] if len(out) == 1 else tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError(errors.NOT_IMPLEMENTED_DERIVATIVE.format(name="_unique2"))


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: int | None = None):
    return Unique.apply(input, sorted, return_inverse, return_counts, dim)


# ---------------------------------------------------------------------------------
# The functions users call: torch.add, x.add, x + y all land here.
# ---------------------------------------------------------------------------------


def add(input: Any, other: Any, *, alpha: float = 1) -> Tensor:
    if type(other) is not Tensor or type(input) is not Tensor:
        input, other = _binary_inputs(input, other)
    return Add.apply(input, other) if alpha == 1 else Add.apply(input, other, alpha)


def sub(input: Any, other: Any, *, alpha: float = 1) -> Tensor:
    if type(other) is not Tensor or type(input) is not Tensor:
        input, other = _binary_inputs(input, other)
    return Sub.apply(input, other) if alpha == 1 else Sub.apply(input, other, alpha)


subtract = sub


def rsub(input: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    return Rsub.apply(input, other, alpha) if alpha != 1 else Rsub.apply(input, other)


def mul(input: Any, other: Any) -> Tensor:
    if type(other) is not Tensor or type(input) is not Tensor:
        input, other = _binary_inputs(input, other)
    return Mul.apply(input, other)


multiply = mul


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    a, b = _binary_inputs(input, other)
    return DivMode.apply(a, b, rounding_mode) if rounding_mode else Div.apply(a, b)


divide = true_divide = div


def reciprocal(input: Tensor) -> Tensor:
    return Reciprocal.apply(input)


def neg(input: Tensor) -> Tensor:
    return Neg.apply(input)


negative = neg


def pow(input: Any, exponent: Any) -> Tensor:
    if not isinstance(input, Tensor):
        return PowScalarBase.apply(input, exponent)
    if isinstance(exponent, Tensor):
        return PowTensor.apply(*_binary_inputs(input, exponent))
    return Pow.apply(input, exponent)


def square(input: Tensor) -> Tensor:
    return pow(input, 2)


def abs(input: Tensor) -> Tensor:
    return Abs.apply(input)


absolute = abs


def exp(input: Tensor) -> Tensor:
    return Exp.apply(input)


def log(input: Tensor) -> Tensor:
    return Log.apply(input)


def sqrt(input: Tensor) -> Tensor:
    return Sqrt.apply(input)


def rsqrt(input: Tensor) -> Tensor:
    return reciprocal(sqrt(input))


def sin(input: Tensor) -> Tensor:
    return Sin.apply(input)


def cos(input: Tensor) -> Tensor:
    return Cos.apply(input)


def log1p(input: Tensor) -> Tensor:
    return Log1p.apply(input)


def expm1(input: Tensor) -> Tensor:
    return Expm1.apply(input)


def erf(input: Tensor) -> Tensor:
    return Erf.apply(input)


def tan(input: Tensor) -> Tensor:
    return Tan.apply(input)


def atan(input: Tensor) -> Tensor:
    return Atan.apply(input)


def sinh(input: Tensor) -> Tensor:
    return Sinh.apply(input)


def cosh(input: Tensor) -> Tensor:
    return Cosh.apply(input)


def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(input)


def sigmoid(input: Tensor) -> Tensor:
    return Sigmoid.apply(input)


def tanh_backward(grad: Tensor, output: Tensor) -> Tensor:
    return TanhBackwardOp.apply(grad, output)


def sigmoid_backward(grad: Tensor, output: Tensor) -> Tensor:
    return SigmoidBackwardOp.apply(grad, output)


def relu(input: Tensor) -> Tensor:
    return Relu.apply(input)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = input
        if min is not None:
            out = maximum(out, as_tensor_like(min, input))
        if max is not None:
            out = minimum(out, as_tensor_like(max, input))
        return out
    return Clamp.apply(input, min, max)


clip = clamp


def clamp_min(input: Tensor, min: Any) -> Tensor:
    return clamp(input, min=min)


def clamp_max(input: Tensor, max: Any) -> Tensor:
    return clamp(input, max=max)


def maximum(input: Tensor, other: Tensor) -> Tensor:
    return Maximum.apply(*_binary_inputs(input, other))


def minimum(input: Tensor, other: Tensor) -> Tensor:
    return Minimum.apply(*_binary_inputs(input, other))


def where(condition: Tensor, input: Any = None, other: Any = None):
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = _make(np.asarray(input, dtype=_default_np(input)))
    a, b = _binary_inputs(input, other)
    if condition._data.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {_type_name(condition)}")
    if condition._data.shape != a._data.shape or a._data.shape != b._data.shape:
        _check_shapes_broadcast(condition._data.shape, a._data.shape)
        _check_shapes_broadcast(np.broadcast_shapes(condition._data.shape, a._data.shape), b._data.shape)
    return Where.apply(condition._data, a, b)


def sign(input: Tensor) -> Tensor:
    return Sign.apply(input)


def floor(input: Tensor) -> Tensor:
    return Floor.apply(input)


def clone(input: Tensor, *, memory_format=None) -> Tensor:
    return Clone.apply(input)


def to_dtype(input: Tensor, dtype: dtypes.dtype) -> Tensor:
    return ToCopy.apply(input, dtype)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    return Mm.apply(input, mat2)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    return Mv.apply(input, vec)


def dot(input: Tensor, other: Tensor) -> Tensor:
    return Dot.apply(input, other)


inner = dot


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor) -> Tensor:
    return Addmm.apply(input, mat1, mat2)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Dispatch by rank as PyTorch does: dot, mv, mm, or a batched product."""
    a, b = input, other
    if a._data.ndim == 0 or b._data.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a._data.ndim}D and {b._data.ndim}D")
    if a._data.ndim == 1 and b._data.ndim == 1:
        return dot(a, b)
    if a._data.ndim == 2 and b._data.ndim == 1:
        return mv(a, b)
    if a._data.ndim == 1 and b._data.ndim == 2:
        return SqueezeInPlace.apply(mm(a.unsqueeze(0), b), 0)
    if a._data.ndim == 2 and b._data.ndim == 2:
        return mm(a, b)
    if _should_fold(a, b):
        # One big mm/mv on the larger operand folded to a matrix (transposed when it is on the right).
        transpose = b._data.ndim > a._data.ndim
        t1 = b.mT if transpose else a
        t2 = (a.t() if a._data.ndim == 2 else a) if transpose else b
        lead = t1._data.shape[:-1]
        folded = reshape(t1, (int(np.prod(lead, dtype=np.int64)), t1._data.shape[-1]))
        if t2._data.ndim == 2:
            out = UnsafeView.apply(mm(folded, t2), lead + t2._data.shape[1:])
            return out.mT.contiguous() if transpose else out
        return UnsafeView.apply(mv(folded, t2), lead)
    # Batched: broadcast the batch dimensions, flatten them, one bmm, then view back.
    da, db = a._data.ndim, b._data.ndim
    n, m1 = (a._data.shape[-2] if da > 1 else 1), a._data.shape[-1]
    m2, p = (b._data.shape[-2] if db > 1 else b._data.shape[0]), (b._data.shape[-1] if db > 1 else 1)
    batch1, batch2 = a._data.shape[:builtins.max(da - 2, 0)], b._data.shape[:builtins.max(db - 2, 0)]
    _check_shapes_broadcast(batch1, batch2)
    batch = tuple(np.broadcast_shapes(batch1, batch2))
    count = int(np.prod(batch, dtype=np.int64))
    a3 = reshape(expand(a, batch + (n, m1)), (count, n, m1))
    if db == 1:
        b3 = reshape(expand(b, batch + (m2,)), (count, m2)).unsqueeze(2)
    else:
        b3 = reshape(expand(b, batch + (m2, p)), (count, m2, p))
    out = bmm(a3, b3)
    if db == 1:
        out = out.squeeze(-1)
    return UnsafeView.apply(out, batch + ((n,) if da > 1 else ()) + ((p,) if db > 1 else ()))


def _should_fold(a: Tensor, b: Tensor) -> bool:
    """PyTorch's ``should_fold``: fold the batch dimensions of a >= 3-D operand into one mm/mv."""
    da, db = a._data.ndim, b._data.ndim
    if da >= db:
        t1, dim2, needs_grad = a._data, db, a._requires_grad
    else:
        t1, dim2, needs_grad = np.swapaxes(b._data, -1, -2), da, b._requires_grad and _state.enabled
    if not (t1.ndim >= 3 and dim2 in (1, 2)):
        return False
    if needs_grad:
        return True
    if da == 2:
        return False
    if t1.size == 0:
        return True
    shape, strides = t1.shape, t1.strides
    return builtins.all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(t1.ndim - 2))


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    return Bmm.apply(input, mat2)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    return input.unsqueeze(1) * vec2


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype=None) -> Tensor:
    if dim is None:
        return Sum.apply(input, dtype) if dtype else Sum.apply(input)
    return SumDim.apply(input, dim, keepdim, dtype)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype=None) -> Tensor:
    if dim is None:
        return Mean.apply(input, dtype) if dtype else Mean.apply(input)
    return MeanDim.apply(input, dim, keepdim, dtype)


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return Prod.apply(input)
    out = Prod.apply(input, dim, keepdim)
    if out._grad_fn is not None:
        out._grad_fn.__class__ = ProdDimBackward
    return out


class _ReturnTypes(tuple):
    """``values, indices`` pairs printed as PyTorch prints ``torch.return_types.max``."""

    _name = "max"

    def __new__(cls, values: Tensor, indices: Tensor):
        return tuple.__new__(cls, (values, indices))

    @property
    def values(self) -> Tensor:
        return self[0]

    @property
    def indices(self) -> Tensor:
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.{self._name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


def _return_type(name: str):
    return type(name, (_ReturnTypes,), {"_name": name})


_max_type, _min_type = _return_type("max"), _return_type("min")
_sort_type, _topk_type = _return_type("sort"), _return_type("topk")


def max(input: Tensor, dim: Any = None, keepdim: bool = False):
    if dim is None:
        return MaxAll.apply(input)
    if isinstance(dim, Tensor):
        return maximum(input, dim)
    return _max_type(*MaxDim.apply(input, dim, keepdim))


def min(input: Tensor, dim: Any = None, keepdim: bool = False):
    if dim is None:
        return MinAll.apply(input)
    if isinstance(dim, Tensor):
        return minimum(input, dim)
    return _min_type(*MinDim.apply(input, dim, keepdim))


def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return Amax.apply(input, dim, keepdim)


def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return Amin.apply(input, dim, keepdim)


def softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    return Softmax.apply(input if dtype is None else input.to(dtype), dim)


def log_softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    return LogSoftmax.apply(input if dtype is None else input.to(dtype), dim)


def sum_to_size(input: Tensor, *size) -> Tensor:
    shape = _sizes(size)
    if tuple(shape) == input._data.shape:
        return input
    if not _expandable_to(shape, input._data.shape):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(input._data.shape)}}}.")
    return SumToSize.apply(input, shape)


def _expandable_to(shape: tuple, to: tuple) -> bool:
    return len(shape) <= len(to) and builtins.all(s == 1 or s == t for s, t in zip(reversed(shape), reversed(to)))


def view(input: Tensor, shape: Sequence[int]) -> Tensor:
    return View.apply(input, tuple(shape))


def reshape(input: Tensor, shape: Sequence[int]) -> Tensor:
    """A view when the memory layout allows it, else a copy (``UnsafeViewBackward0`` after a clone)."""
    shape = _infer_shape(_sizes((shape,)) if not isinstance(shape, int) else (shape,), input._data.size)
    v = input._data.view()
    try:
        v.shape = shape
    except AttributeError:
        return UnsafeView.apply(Clone.apply(input), shape)
    return View.apply(input, shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    shape = input._data.shape
    if not shape:
        return reshape(input, (1,))
    s, e = _wrap_dim(start_dim, len(shape)), _wrap_dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    return reshape(input, shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    d = _wrap_dim(dim, input._data.ndim)
    shape = input._data.shape
    return view(input, shape[:d] + tuple(sizes) + shape[d + 1:])


def expand(input: Tensor, sizes: Sequence[int]) -> Tensor:
    return Expand.apply(input, tuple(sizes))


def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    return expand(input, tuple(size))


def permute(input: Tensor, dims: Sequence[int]) -> Tensor:
    return Permute.apply(input, tuple(dims))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return Transpose.apply(input, dim0, dim1)


swapaxes = swapdims = transpose


def t(input: Tensor) -> Tensor:
    return T.apply(input)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    return Unsqueeze.apply(input, dim)


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    if dim is None:
        return Squeeze.apply(input)
    return (SqueezeDims if isinstance(dim, (tuple, list)) else SqueezeDim).apply(input, dim)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    return Select.apply(input, _wrap_dim(dim, input._data.ndim), index)


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    return Slice.apply(input, _wrap_dim(dim, input._data.ndim), slice(start, start + length))


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    return Cat.apply(dim, *tensors)


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    return Stack.apply(dim, *tensors)


def unbind(input: Tensor, dim: int = 0) -> tuple:
    out = Unbind.apply(input, dim)
    return out if isinstance(out, tuple) else (out,)


def split(tensor: Tensor, split_size_or_sections, dim: int = 0) -> tuple:
    n = tensor._data.shape[_wrap_dim(dim, tensor._data.ndim)]
    if isinstance(split_size_or_sections, int):
        sizes = [split_size_or_sections] * (n // split_size_or_sections)
        if n % split_size_or_sections:
            sizes.append(n % split_size_or_sections)
    else:
        sizes = list(split_size_or_sections)
    out, start = [], 0
    for s in sizes:
        out.append(narrow(tensor, dim, start, s))
        start += s
    return tuple(out)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    n = input._data.shape[_wrap_dim(dim, input._data.ndim)]
    return split(input, -(-n // chunks), dim)


def repeat(input: Tensor, sizes: Sequence[int]) -> Tensor:
    sizes = tuple(sizes)
    lead = len(sizes) - input._data.ndim
    x = input.reshape((1,) * lead + input._data.shape)
    expanded_shape, final = [], []
    for r, s in zip(sizes, x._data.shape):
        expanded_shape += [r, s]
        final.append(r * s)
    y = x.reshape(tuple(v for s in x._data.shape for v in (1, s)))
    return y.expand(expanded_shape).reshape(final)


class Flip(Function):
    node_name = "FlipBackward0"

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return _t(np.flip(a._data, dims).copy())

    @staticmethod
    def backward(ctx, grad):
        return grad.flip(ctx.dims), None


def flip(input: Tensor, dims: Sequence[int]) -> Tensor:
    """The elements in reverse order along ``dims`` (a copy, as in PyTorch)."""
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return Flip.apply(input, tuple(_wrap_dim(d, input._data.ndim) for d in dims))


def numel(input: Tensor) -> int:
    return input._data.size


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    return input._data.dtype.kind == "f"


def zeros_like(input: Tensor, *, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    from .creation import zeros_like as z

    return z(input, dtype=dtype, requires_grad=requires_grad)


def ones_like(input: Tensor, *, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    from .creation import ones_like as o

    return o(input, dtype=dtype, requires_grad=requires_grad)


def zeros(*size, dtype=None) -> Tensor:
    from .creation import zeros as z

    return z(*size, dtype=dtype)


def arange(*args, **kwargs) -> Tensor:
    from .creation import arange as a

    return a(*args, **kwargs)


class ProdDimBackward(Prod._backward_cls):
    """``x.prod(dim)`` is PyTorch's second prod overload."""

    __slots__ = ()


ProdDimBackward.__name__ = ProdDimBackward.__qualname__ = "ProdBackward1"


from . import kernels  # noqa: E402  (the fused kernels used above)

# Tensor methods that are exactly these functions (``x.exp()`` is ``exp(x)``).
TENSOR_METHODS = (
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "reciprocal", "neg", "negative",
    "pow", "square", "abs", "absolute", "exp", "log", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "relu",
    "clamp", "clip", "clamp_min", "clamp_max", "maximum", "minimum", "sign", "floor", "clone", "mm", "mv", "dot",
    "inner", "matmul", "bmm", "outer", "sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin",
    "argsort", "softmax", "log_softmax", "sum_to_size", "flatten", "unflatten", "transpose", "swapaxes",
    "swapdims", "t", "unsqueeze", "squeeze", "select", "narrow", "unbind", "split", "chunk", "flip", "eq", "ne",
    "gt", "lt", "ge", "le", "greater", "less", "greater_equal", "less_equal", "not_equal", "logical_and",
    "logical_or", "logical_xor", "logical_not", "isnan", "isinf", "isfinite", "equal", "allclose", "isclose",
    "floor_divide", "remainder", "any", "all", "count_nonzero", "nonzero", "unique", "add_", "sub_", "mul_",
    "div_", "pow_", "clamp_", "relu_", "neg_", "exp_", "zero_", "fill_", "copy_", "uniform_", "normal_",
    "broadcast_to", "norm", "gather", "scatter", "scatter_", "index_select", "masked_fill", "masked_fill_",
    "log1p", "expm1", "tan", "atan", "sinh", "cosh", "var", "std", "cumsum", "erf", "logsumexp", "sort", "topk",
    "tril", "triu",
)
