"""Elementwise math of one tensor (exp, log, sin, ...): forward ufunc and derivative side by side.
``Exp`` is the book's second example Function (it saves its own output).
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .. import dtypes, kernels, layout
from ..creation import zeros_like
from ..function import Function
from ..tensor import _make, Tensor, tensor_method
from ._common import _float_data, _pointwise, _t, as_tensor_like, overload
from .arithmetic import AddScalar, MulScalar, number_minus, reciprocal
from .comparison import max_first, min_first, where


class Abs(Function):
    node_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, a):
        dtypes.check_accepts("abs", a)
        ctx.save_for_backward(a)
        return _pointwise(np.abs(a._data), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * a.sgn()


@tensor_method('absolute', '__abs__')
def abs(input: Tensor) -> Tensor:
    return Abs.apply(input)


absolute = abs


class Exp(Function):
    node_name = "ExpBackward0"

    @staticmethod
    def forward(ctx, a):
        out = _pointwise(np.exp(_float_data(a)), a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * out


@tensor_method()
def exp(input: Tensor) -> Tensor:
    return Exp.apply(input)


class _Elementwise(Function):
    """One numpy function forward, one derivative backward: the ops of the table below.

    ``backward`` gets the input, or the output where the derivative is cheaper from it
    (sqrt, expm1, tan), as PyTorch's ``derivatives.yaml`` chooses.
    """

    @staticmethod
    def forward(ctx, a):
        op = ctx._function
        out = _pointwise(op.numpy(_float_data(a)), a)
        ctx.save_for_backward(out if op.saves_output else a)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return ctx._function.derivative(grad, x)


def _elementwise(name: str, node_name: str, numpy: Callable, saves_output: bool,
                 derivative: Callable) -> tuple[type, Callable]:
    """The Function ``name`` and its public function (``Sin`` and ``sin``), a Tensor method too."""
    function = type(name, (_Elementwise,), {
        "node_name": node_name, "numpy": staticmethod(numpy), "saves_output": saves_output,
        "derivative": staticmethod(derivative), "__module__": __name__,
        "__doc__": f"``{name.lower()}`` elementwise; PyTorch records ``{node_name}``."})

    def op(input: Tensor) -> Tensor:
        return function.apply(input)

    op.__name__ = op.__qualname__ = name.lower()
    op.__doc__ = function.__doc__
    return function, tensor_method()(op)


# Function, node, numpy forward, backward from the output?, derivative(grad, input or output): each
# derivatives.yaml's formula op by op, numbers as its C++ writes them (``2 * result`` is mul.Scalar,
# ``MulScalar``; ``result + 1`` add.Scalar, ``AddScalar``), so a gradient taken with create_graph
# records PyTorch's nodes.
Log, log = _elementwise("Log", "LogBackward0", np.log, False, lambda grad, a: grad / a)
Sqrt, sqrt = _elementwise("Sqrt", "SqrtBackward0", np.sqrt, True, lambda grad, out: grad / MulScalar.apply(out, 2))
Sin, sin = _elementwise("Sin", "SinBackward0", np.sin, False, lambda grad, a: grad * a.cos())
Cos, cos = _elementwise("Cos", "CosBackward0", np.cos, False, lambda grad, a: grad * -a.sin())
Log1p, log1p = _elementwise("Log1p", "Log1PBackward0", np.log1p, False, lambda grad, a: grad / AddScalar.apply(a, 1))
Expm1, expm1 = _elementwise("Expm1", "Expm1Backward0", np.expm1, True,
                            lambda grad, out: grad * AddScalar.apply(out, 1))
Erf, erf = _elementwise("Erf", "ErfBackward0", kernels.erf, False,
                        lambda grad, a: MulScalar.apply((-a.pow(2)).exp(), 2 / math.sqrt(math.pi)) * grad)
Tan, tan = _elementwise("Tan", "TanBackward0", np.tan, True,
                        lambda grad, out: grad * AddScalar.apply(out.pow(2), 1))
Atan, atan = _elementwise("Atan", "AtanBackward0", np.arctan, False,
                          lambda grad, a: grad / AddScalar.apply(a * a, 1))
Sinh, sinh = _elementwise("Sinh", "SinhBackward0", np.sinh, False, lambda grad, a: grad * a.cosh())
Cosh, cosh = _elementwise("Cosh", "CoshBackward0", np.cosh, False, lambda grad, a: grad * a.sinh())
Log10, log10 = _elementwise("Log10", "Log10Backward0", np.log10, False,
                            lambda grad, a: grad / MulScalar.apply(a, math.log(10)))
Log2, log2 = _elementwise("Log2", "Log2Backward0", np.log2, False, lambda grad, a: grad / MulScalar.apply(a, math.log(2)))
Rsqrt, rsqrt = _elementwise("Rsqrt", "RsqrtBackward0", lambda x: 1 / np.sqrt(x), True, lambda grad, out: _rsqrt_derivative(grad, out))


def _rsqrt_derivative(grad: Tensor, out: Tensor) -> Tensor:
    """``-0.5 * grad * result.pow(3)``: C++ evaluates the right operand of ``*`` first (see
    normalization.py's _OPERANDS), so pow's node is recorded before mul.Scalar's."""
    cube = out.pow(3)
    return MulScalar.apply(grad, -0.5) * cube


class Logit(Function):
    """log(x / (1 - x)), the inverse of sigmoid; here for binary_cross_entropy's target gradient
    (PyTorch's ``at::logit(self)``)."""

    node_name = "LogitBackward0"

    @staticmethod
    def forward(ctx, a):
        x = _float_data(a)
        ctx.save_for_backward(a)
        return _pointwise(np.log(x / (1 - x)), a)

    @staticmethod
    def backward(ctx, grad):
        """PyTorch's infinitely_differentiable_logit_backward: grad / (x (1 - x)) inside [0, 1], NaN outside."""
        a, = ctx.saved_tensors
        inside = _make((a._data >= 0) & (a._data <= 1))
        slope = a * number_minus(1.0, a)  # (C++ records the right operand of ``/`` first)
        return where(inside, grad / slope, _make(np.array(np.nan, a._data.dtype)))


class Clamp(Function):
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        ctx.save_for_backward(a)
        ctx.min, ctx.max = min, max
        out = a._data.astype(dtypes.result_dtype(a, *(as_tensor_like(v, a) for v in (min, max) if v is not None)),
                             copy=False)  # a bound of a higher kind promotes (bool clamped by 0 is int64)
        if min is not None:  # std::min(std::max(a, min), max), as PyTorch's kernel
            out = max_first(out, np.asarray(min, dtype=out.dtype))
        if max is not None:
            out = min_first(out, np.asarray(max, dtype=out.dtype))
        return _pointwise(out.copy() if out is a._data else out, a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        below = a >= ctx.min if ctx.min is not None else None
        above = a <= ctx.max if ctx.max is not None else None
        if below is None or above is None:
            inside = above if below is None else below
        else:  # PyTorch's (a >= min).logical_and_(a <= max): in place, so laid out as the first
            inside = _t(layout.laid_out(below._data & above._data, layout.strides_of(below._data)))
        return where(inside, grad, 0.0), None, None  # a mask by where: blocked gradients are +0


def _and(x: Tensor, y: Tensor) -> Tensor:
    """PyTorch's ``x.logical_and_(y)`` of two masks: in place, so laid out as ``x``."""
    return _t(layout.laid_out(x._data & y._data, layout.strides_of(x._data)))


class ClampTensor(Function):
    """``clamp`` with tensor bounds (PyTorch's clamp.Tensor): the bounds are inputs too, and get
    the gradient where they won (``min`` only where it is below ``max``)."""

    node_name = "ClampBackward0"
    _optional_tensor_args = (1, 2)  # an absent bound keeps its edge, (None, 0)

    @staticmethod
    def forward(ctx, a, min=None, max=None):
        ctx.save_for_backward(a, min, max)
        bounds = [b for b in (min, max) if b is not None]
        dt = dtypes.result_dtype(a, *bounds)
        out = a._data.astype(dt, copy=False)
        if min is not None:  # std::min(std::max(a, min), max), as PyTorch's kernel
            out = max_first(out, min._data.astype(dt, copy=False))
        if max is not None:
            out = min_first(out, max._data.astype(dt, copy=False))
        return _pointwise(out.copy() if out is a._data else out, a, *bounds)

    @staticmethod
    def backward(ctx, grad):  # PyTorch's clamp_backward and clamp_backward_min_max
        a, lo, hi = ctx.saved_tensors
        need_a, need_lo, need_hi = ctx.needs_input_grad[:3]
        g_a = g_lo = g_hi = None
        if lo is not None and hi is not None:
            if need_a:
                g_a = where(_and(a >= lo, a <= hi), grad, 0.0)
            if need_lo:
                g_lo = where(_and(a < lo, lo < hi), grad, 0.0)
            if need_hi:
                hi_won = a > hi
                g_hi = where(_t(layout.laid_out(hi_won._data | (hi < lo)._data, layout.strides_of(hi_won._data))),
                             grad, 0.0)
        elif lo is not None:
            g_a = where(a >= lo, grad, 0.0) if need_a else None
            g_lo = where(a < lo, grad, 0.0) if need_lo else None
        else:
            g_a = where(a <= hi, grad, 0.0) if need_a else None
            g_hi = where(a > hi, grad, 0.0) if need_hi else None
        return g_a, g_lo, g_hi


# clamp_min/clamp_max with a tensor: the same formulas, the bound an input without an absent one
ClampMinTensor = overload(ClampTensor, "ClampMinTensor", "ClampMinBackward1", _optional_tensor_args=())
ClampMaxTensor = overload(ClampTensor, "ClampMaxTensor", "ClampMaxBackward1", _optional_tensor_args=())


@tensor_method('clip')
def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Limit to [min, max] (``ClampBackward1``); with tensor bounds ``ClampBackward0``, the bounds differentiable."""
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if not all(b is None or isinstance(b, Tensor) for b in (min, max)):  # no signature mixes them
            raise TypeError("clamp() received an invalid combination of arguments - got (Tensor, "
                            f"{', '.join(_arg_type(b) for b in (min, max))}), but expected one of:\n"
                            " * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
                            " * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n")
        return ClampTensor.apply(input, min, max)
    return Clamp.apply(input, min, max)


def _arg_type(value: Any) -> str:
    return "Tensor" if isinstance(value, Tensor) else type(value).__name__


clip = clamp


class Sign(Function):
    node_name = "SignBackward0"

    @staticmethod
    def forward(ctx, a):
        kind = a._data.dtype.kind
        if kind == "b":  # the sign of a bool is itself
            return _pointwise(a._data.copy(), a)
        return _pointwise(np.nan_to_num(np.sign(a._data), nan=0.0) if kind == "f" else np.sign(a._data), a)

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


@tensor_method()
def sign(input: Tensor) -> Tensor:
    return Sign.apply(input)


Sgn = overload(Sign, "Sgn", "SgnBackward0")  # sgn: sign extended to complex numbers, another op to PyTorch


@tensor_method()
def sgn(input: Tensor) -> Tensor:
    return Sgn.apply(input)


class Floor(Function):
    node_name = "FloorBackward0"

    @staticmethod
    def forward(ctx, a):
        dtypes.check_accepts("floor", a)
        return _pointwise(np.floor(a._data) if a._data.dtype.kind == "f" else a._data.copy(), a)

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


@tensor_method()
def floor(input: Tensor) -> Tensor:
    return Floor.apply(input)


class ClampMin(Clamp):
    node_name = "ClampMinBackward0"  # clamp_min (clamp(min=...) records ClampBackward1)


class ClampMax(Clamp):
    node_name = "ClampMaxBackward0"


@tensor_method()
def clamp_min(input: Tensor, min: Any) -> Tensor:
    return ClampMinTensor.apply(input, min, None) if isinstance(min, Tensor) else ClampMin.apply(input, min, None)


@tensor_method()
def clamp_max(input: Tensor, max: Any) -> Tensor:
    return ClampMaxTensor.apply(input, None, max) if isinstance(max, Tensor) else ClampMax.apply(input, None, max)
