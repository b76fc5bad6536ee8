"""Elementwise math of one tensor (exp, log, sin, ...): forward ufunc and derivative side by side.

``Exp`` is the book's second example Function (it saves its own output).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import dtypes, kernels
from ..creation import ones_like, zeros_like
from ..function import Function
from ..tensor import Tensor, tensor_method
from ._common import _float_data, _t, as_tensor_like
from .arithmetic import maximum, minimum, reciprocal
from .comparison import where


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


@tensor_method('absolute', '__abs__')
def abs(input: Tensor) -> Tensor:
    return Abs.apply(input)


absolute = abs


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


@tensor_method()
def exp(input: Tensor) -> Tensor:
    return Exp.apply(input)


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


@tensor_method()
def log(input: Tensor) -> Tensor:
    return Log.apply(input)


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


@tensor_method()
def sqrt(input: Tensor) -> Tensor:
    return Sqrt.apply(input)


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


@tensor_method()
def sin(input: Tensor) -> Tensor:
    return Sin.apply(input)


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


@tensor_method()
def cos(input: Tensor) -> Tensor:
    return Cos.apply(input)


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


@tensor_method()
def log1p(input: Tensor) -> Tensor:
    return Log1p.apply(input)


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


@tensor_method()
def expm1(input: Tensor) -> Tensor:
    return Expm1.apply(input)


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


@tensor_method()
def erf(input: Tensor) -> Tensor:
    return Erf.apply(input)


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


@tensor_method()
def tan(input: Tensor) -> Tensor:
    return Tan.apply(input)


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


@tensor_method()
def atan(input: Tensor) -> Tensor:
    return Atan.apply(input)


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


@tensor_method()
def sinh(input: Tensor) -> Tensor:
    return Sinh.apply(input)


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


@tensor_method()
def cosh(input: Tensor) -> Tensor:
    return Cosh.apply(input)


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


@tensor_method('clip')
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


class Sign(Function):
    node_name = "SignBackward0"

    @staticmethod
    def forward(ctx, a):
        return _t(np.nan_to_num(np.sign(a._data), nan=0.0) if a._data.dtype.kind == "f" else np.sign(a._data))

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


@tensor_method()
def sign(input: Tensor) -> Tensor:
    return Sign.apply(input)


class Floor(Function):
    node_name = "FloorBackward0"

    @staticmethod
    def forward(ctx, a):
        return _t(np.floor(a._data) if a._data.dtype.kind == "f" else a._data.copy())

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


@tensor_method()
def floor(input: Tensor) -> Tensor:
    return Floor.apply(input)


@tensor_method()
def rsqrt(input: Tensor) -> Tensor:
    return reciprocal(sqrt(input))


@tensor_method()
def clamp_min(input: Tensor, min: Any) -> Tensor:
    return clamp(input, min=min)


@tensor_method()
def clamp_max(input: Tensor, max: Any) -> Tensor:
    return clamp(input, max=max)
