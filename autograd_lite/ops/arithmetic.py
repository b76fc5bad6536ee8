"""Arithmetic: add, sub, mul, div, pow and friends, with their Tensor operators.

``Mul`` is the book's example of a Function (chapter 4 and 8 print it): forward
computes with numpy, backward is PyTorch's formula written in autograd_lite ops.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .. import dtypes, layout
from ..creation import zeros_like
from ..dtypes import result_dtype
from ..function import Function
from ..tensor import _make, Tensor, tensor_method
from ._common import _binary_inputs, _cast, _check_shapes_broadcast, _float_data, _new, _pointwise, _t, _with_number, as_tensor_like
from .comparison import max_first, min_first, tensors_only, where


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
        g_b = (grad if ctx.alpha == 1 else grad * ctx.alpha) if ctx.needs_input_grad[1] else None
        return (grad, g_b) if len(ctx.needs_input_grad) == 2 else (grad, g_b, None)  # None: for alpha, if passed


@tensor_method('__add__', '__radd__')
def add(input: Any, other: Any, *, alpha: float = 1) -> Tensor:
    if type(other) is not Tensor or type(input) is not Tensor:
        input, other = _binary_inputs(input, other)
    return Add.apply(input, other) if alpha == 1 else Add.apply(input, other, alpha)


def _check_bool_subtraction(a: Tensor, b: Tensor) -> None:
    """PyTorch refuses ``-`` whenever a bool is involved, with a hint for masks."""
    if a._data.dtype == np.bool_ and b._data.dtype == np.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if a._data.dtype == np.bool_ or b._data.dtype == np.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


class Sub(Function):
    node_name = "SubBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        _check_bool_subtraction(a, b)
        ctx.alpha = alpha
        try:
            return _cast(a._data - (b._data if alpha == 1 else alpha * b._data), a, b)
        except ValueError:  # shapes that do not broadcast (the fast path in add/sub skips the check)
            _check_shapes_broadcast(a._data.shape, b._data.shape)
            raise

    @staticmethod
    def backward(ctx, grad):
        g_b = (-grad if ctx.alpha == 1 else grad * -ctx.alpha) if ctx.needs_input_grad[1] else None
        return (grad, g_b) if len(ctx.needs_input_grad) == 2 else (grad, g_b, None)  # None: for alpha, if passed


@tensor_method('subtract', '__sub__')
def sub(input: Any, other: Any, *, alpha: float = 1) -> Tensor:
    if type(other) is not Tensor or type(input) is not Tensor:
        input, other = _binary_inputs(_bool_as_tensor(input), _bool_as_tensor(other))
    return Sub.apply(input, other) if alpha == 1 else Sub.apply(input, other, alpha)


subtract = sub


class Rsub(Function):
    """``number - tensor``: a number on the left is not wrapped, so one edge only."""

    node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, number, alpha=1):
        b = as_tensor_like(_bool_as_tensor(number), a)
        _check_bool_subtraction(a, b)
        return _cast(b._data - alpha * a._data, a, b)

    @staticmethod
    def backward(ctx, grad):
        return -grad, None


def rsub(input: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    return Rsub.apply(input, other, alpha) if alpha != 1 else Rsub.apply(input, other)


Tensor.__rsub__ = rsub


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
            out = a._data * b._data
        except ValueError:  # numpy could not broadcast: PyTorch's message instead
            _check_shapes_broadcast(a._data.shape, b._data.shape)
            raise
        return _cast(out, a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad * b if need_a else None, grad * a if need_b else None


@tensor_method('multiply', '__mul__', '__rmul__')
def mul(input: Any, other: Any) -> Tensor:
    """``input * other`` (``MulBackward0``); numbers and arrays become tensors first."""
    if type(other) is not Tensor or type(input) is not Tensor:
        input, other = _binary_inputs(input, other)
    return Mul.apply(input, other)


multiply = mul


def _bool_as_tensor(value: Any) -> Any:
    """A Python bool beside a tensor in a subtraction: a bool tensor, which PyTorch refuses there."""
    return _make(np.array(value)) if isinstance(value, bool) else value


class Div(Function):
    node_name = "DivBackward0"

    @staticmethod
    def forward(ctx, a, b, rounding_mode=None):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)  # grad_a = grad / b needs only b
        dt = result_dtype(a, b)
        if dt.kind != "f" and rounding_mode is None:
            dt = dtypes.get_default_dtype().np
        out = a._data / b._data
        if rounding_mode == "floor":
            out = np.floor(out)
        elif rounding_mode == "trunc":
            out = np.trunc(out)
        return _pointwise(out.astype(dt, copy=False), a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        # PyTorch's generated backward runs the formulas in the order of the inputs' names, other before
        # self: under create_graph, other's nodes are recorded first
        g_b = -grad * ((a / b) / b) if need_b else None
        return grad / b if need_a else None, g_b, None


class DivMode(Div):
    """``div(a, b, rounding_mode=...)``: piecewise constant, so both gradients are zero (as PyTorch's)."""

    node_name = "DivBackward2"

    @staticmethod
    def backward(ctx, grad):
        need_a, need_b = ctx.needs_input_grad[:2]
        return zeros_like(grad) if need_a else None, zeros_like(grad) if need_b else None, None


@tensor_method('divide', 'true_divide', '__truediv__')
def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """``input / other`` (``DivBackward0``), or rounded by ``rounding_mode`` (``'trunc'``, ``'floor'``)."""
    a, b = _binary_inputs(input, other)
    return DivMode.apply(a, b, rounding_mode) if rounding_mode else Div.apply(a, b)


divide = true_divide = div


class Reciprocal(Function):
    node_name = "ReciprocalBackward0"

    @staticmethod
    def forward(ctx, a):
        out = _pointwise(1 / _float_data(a), a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        r, = ctx.saved_tensors
        return -grad * (r * r)  # (PyTorch's order)


@tensor_method()
def reciprocal(input: Tensor) -> Tensor:
    return Reciprocal.apply(input)


class Neg(Function):
    node_name = "NegBackward0"

    @staticmethod
    def forward(ctx, a):
        if a._data.dtype == np.bool_:
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        return _pointwise(-a._data, a)

    @staticmethod
    def backward(ctx, grad):
        return -grad


@tensor_method('negative', '__neg__')
def neg(input: Tensor) -> Tensor:
    return Neg.apply(input)


negative = neg


class Pow(Function):
    """``tensor ** number``."""

    node_name = "PowBackward0"

    @staticmethod
    def forward(ctx, a, exponent):
        ctx.save_for_backward(a)
        ctx.exponent = exponent
        dt = result_dtype(a, as_tensor_like(exponent, a))
        if dt.kind == "b":  # a bool to a bool power: itself (** True) or all True (** False)
            return _t(a._data | (not exponent))
        if dt.kind in "iu" and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return _pointwise(np.power(a._data.astype(dt, copy=False), np.asarray(exponent, dtype=dt)), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        p = ctx.exponent
        if p == 0:  # (PyTorch's zeros here are contiguous, whatever a's layout)
            return zeros_like(a, memory_format=layout.contiguous_format), None
        return grad * MulScalar.apply(a ** (p - 1), p), None


class MulScalar(Function):
    """``tensor * number`` as PyTorch records it inside backward formulas and C++ losses (mul.Scalar: one edge)."""

    node_name = "MulBackward1"

    @staticmethod
    def forward(ctx, a, number):
        ctx.number = number
        return _with_number(a._data * np.asarray(number, a._data.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        return MulScalar.apply(grad, ctx.number), None


class AddScalar(Function):
    """``tensor + number`` as PyTorch records it inside backward formulas (add.Scalar: ``AddBackward1``,
    one edge; Python's ``tensor + 1`` is add.Tensor, ``AddBackward0``)."""

    node_name = "AddBackward1"

    @staticmethod
    def forward(ctx, a, number):
        return _with_number(a._data + np.asarray(number, a._data.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class SubScalar(Function):
    """``tensor - number`` as PyTorch records it inside backward formulas (sub.Scalar: ``SubBackward1``)."""

    node_name = "SubBackward1"

    @staticmethod
    def forward(ctx, a, number):
        _check_bool_subtraction(a, as_tensor_like(number, a))
        return _with_number(a._data - np.asarray(number, a._data.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


def number_minus(number: float, a: Tensor) -> Tensor:
    """``number - tensor`` in PyTorch's C++ formulas: a tensor filled with the number, then ``sub_``
    (``SubBackward0`` whose first edge is None; Python's ``1 - t`` is ``RsubBackward1``)."""
    return _make(np.full_like(a._data, number)) - a


class DivScalar(Function):
    """``tensor / number`` as PyTorch records it inside backward formulas and C++ losses (div.Scalar:
    ``DivBackward1``; Python's ``tensor / 2`` is div.Tensor, ``DivBackward0``)."""

    node_name = "DivBackward1"

    @staticmethod
    def forward(ctx, a, number):
        ctx.number = number
        return _with_number((a._data / number).astype(a._data.dtype, copy=False), a)

    @staticmethod
    def backward(ctx, grad):
        return DivScalar.apply(grad, ctx.number), None


class PowTensor(Function):
    """``tensor ** tensor``."""

    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        dt = result_dtype(a, b)
        dtypes.check_accepts("pow", dt)
        out = _cast(_power(a._data.astype(dt, copy=False), b._data.astype(dt, copy=False)), a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        # exponent's gradient first: PyTorch's generated backward takes the inputs in name order
        gb = grad * where((a == 0) & (b >= 0), 0.0, out * a.log()) if need_b else None
        # derivatives.yaml's pow_backward_self: masked where the exponent is 0 (0 ** 0 has slope 0)
        ga = where(b == 0, 0.0, grad * (b * a ** SubScalar.apply(b, 1))) if need_a else None  # (C++: sub.Scalar)
        return ga, gb


class PowScalarBase(Function):
    """``number ** tensor``."""

    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx, base, b):
        ctx.base = base
        # (PyTorch allocates this overload's result contiguous, then runs tensor ** tensor into it)
        dt = result_dtype(as_tensor_like(base, b), b)
        dtypes.check_accepts("pow", dt)
        out = _new(_power(np.asarray(base, dtype=dt), b._data.astype(dt, copy=False)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        if ctx.base == 0:
            return None, grad * where(out == 0, 0.0, math.inf) * 0
        return None, grad * MulScalar.apply(out, math.log(ctx.base))  # (PyTorch's grad * (result * log(base)))


def _power(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x ** y`` elementwise; for integers as PyTorch computes it, where numpy refuses a negative
    exponent: 1 ** -n is 1, (-1) ** -n is 1 or -1 by parity, any other base gives 0."""
    if y.dtype.kind != "i" or not (y < 0).any():
        return np.power(x, y)
    negative = y < 0
    out = np.power(x, np.where(negative, 0, y))
    inverse = np.where(x == 1, 1, np.where(x == -1, np.where(y % 2 == 0, 1, -1), 0))
    return np.where(negative, inverse, out).astype(out.dtype)


@tensor_method('__pow__')
def pow(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent``: PyTorch records a different node for a number exponent, a tensor exponent and a number base."""
    if not isinstance(input, Tensor):
        return PowScalarBase.apply(input, exponent)
    if isinstance(exponent, Tensor):
        return PowTensor.apply(*_binary_inputs(input, exponent))
    return Pow.apply(input, exponent)


class Maximum(Function):
    node_name = "MaximumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _cast(max_first(a._data, b._data), a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _to_the_chosen(grad, a, b, a < b, a > b)


def _to_the_chosen(grad: Tensor, a: Tensor, b: Tensor, a_lost: Tensor, b_lost: Tensor) -> tuple:
    """maximum's and minimum's gradient goes to the input chosen; a tie splits it in half, as PyTorch does
    (``where(a == b, grad / 2, grad).masked_fill_(a_lost, 0)``, and the same for b)."""
    return (where(a == b, DivScalar.apply(grad, 2), grad).masked_fill_(a_lost, 0),  # (in place: where's layout)
            where(a == b, DivScalar.apply(grad, 2), grad).masked_fill_(b_lost, 0))


@tensors_only()
def maximum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise maximum of two tensors; a tie splits the gradient in half, as PyTorch does."""
    return Maximum.apply(*_binary_inputs(input, other))


class Minimum(Function):
    node_name = "MinimumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _cast(min_first(a._data, b._data), a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _to_the_chosen(grad, a, b, a > b, a < b)


@tensors_only()
def minimum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise minimum of two tensors; a tie splits the gradient in half, as PyTorch does."""
    return Minimum.apply(*_binary_inputs(input, other))


def _integer_divisor(a: Tensor, b: Tensor, op: str) -> np.dtype:
    """The result dtype of ``a // b`` or ``a % b``; integer division by zero raises, as PyTorch's kernels
    do, when they run: an empty result computes nothing."""
    dt = result_dtype(a, b)
    dtypes.check_accepts(op, dt)
    if dt.kind in "iu" and (b._data == 0).any() and 0 not in np.broadcast_shapes(a._data.shape, b._data.shape):
        raise RuntimeError("ZeroDivisionError")
    return dt


def _floor_divide(a: Tensor, b: Tensor) -> Tensor:
    dt = _integer_divisor(a, b, "floor_divide")
    return _pointwise(np.floor_divide(a._data.astype(dt, copy=False), b._data.astype(dt, copy=False)), a, b)


def _remainder(a: Tensor, b: Tensor) -> Tensor:
    """PyTorch's remainder: fmod, moved into the divisor's sign when it is not 0 (so -0. % 1 is -0.)."""
    dt = _integer_divisor(a, b, "remainder")
    x, y = a._data.astype(dt, copy=False), b._data.astype(dt, copy=False)
    if dt.kind != "f":
        return _pointwise(np.remainder(x, y), a, b)
    m = np.fmod(x, y)
    return _pointwise(np.where((m != 0) & ((y < 0) != (m < 0)), m + y, m), a, b)


class NotImplementedBackward(Function):
    """An op PyTorch records without a derivative (``floor_divide``, ``number % tensor``): its result
    requires grad, and backward through it raises."""

    node_name = "NotImplemented"
    node_in_torch_autograd = True

    @staticmethod
    def forward(ctx, op, compute, *tensors):
        ctx.op = op
        return compute()

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError(f"derivative for aten::{ctx.op} is not implemented")


def _not_implemented(op: str, compute: Callable, a: Tensor, b: Tensor) -> Tensor:
    """``compute(a, b)`` recorded as PyTorch's fallback for ops without a derivative records it:
    the node's edges are the inputs that require grad, only (no None edges)."""
    return NotImplementedBackward.apply(op, lambda: compute(a, b), *[t for t in (a, b) if t._requires_grad])


@tensor_method('__floordiv__')
def floor_divide(input: Tensor, other: Any) -> Tensor:
    return _not_implemented("floor_divide", _floor_divide, *_binary_inputs(input, other))


class Remainder(Function):
    """``a % b``; differentiable: 1 for ``a``, -floor(a / b) for ``b``."""

    node_name = "RemainderBackward1"

    @staticmethod
    def forward(ctx, a, b):
        if ctx.needs_input_grad[1]:  # only b's gradient reads them (PyTorch saves nothing otherwise)
            ctx.save_for_backward(a, b)
        return _remainder(a, b)

    @staticmethod
    def backward(ctx, grad):
        need_a, need_b = ctx.needs_input_grad
        if not need_b:
            return grad, None
        a, b = ctx.saved_tensors  # floor(a / b) recorded as PyTorch records it (a zero-gradient node)
        return grad if need_a else None, -grad * div(a, b, rounding_mode="floor")


class RemainderScalar(Function):
    """``tensor % number``: one edge (PyTorch's Scalar overload)."""

    node_name = "RemainderBackward0"

    @staticmethod
    def forward(ctx, a, number):
        return _remainder(a, as_tensor_like(number, a))

    @staticmethod
    def backward(ctx, grad):
        return grad, None


@tensor_method('__mod__')
def remainder(input: Any, other: Any) -> Tensor:
    """Python's ``%`` (the sign of the divisor), with PyTorch's node for each operand kind."""
    if not isinstance(input, Tensor):  # remainder(number, tensor) has no derivative in PyTorch
        return _not_implemented("remainder", _remainder, *_binary_inputs(input, other))
    if not isinstance(other, Tensor):
        return RemainderScalar.apply(input, other)
    return Remainder.apply(*_binary_inputs(input, other))


@tensor_method()
def square(input: Tensor) -> Tensor:
    return pow(input, 2)


def _rtruediv(self: Tensor, other: Any) -> Tensor:
    """``number / tensor`` is recorded as ``reciprocal(tensor) * number``, as PyTorch records it."""
    return mul(reciprocal(self), other)


def _rfloordiv(self: Tensor, other: Any) -> Tensor:
    return floor_divide(as_tensor_like(other, self), self)


def _rmod(self: Tensor, other: Any) -> Tensor:
    return remainder(other, self)


def _rpow(self: Tensor, other: Any) -> Tensor:
    return pow(other, self)


Tensor.__rtruediv__, Tensor.__rfloordiv__, Tensor.__rmod__, Tensor.__rpow__ = _rtruediv, _rfloordiv, _rmod, _rpow
