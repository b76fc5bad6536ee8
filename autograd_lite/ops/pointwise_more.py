"""More elementwise math course code calls: rounding (round, ceil, trunc, frac), inverse
trigonometry (acos, asinh, atan2 ...), erfc/erfinv, lerp, addcmul/addcdiv, logaddexp, xlogy,
hypot, fmod, nan_to_num, float_power, and their in-place forms.

Each backward is PyTorch's ``derivatives.yaml`` formula written with autograd_lite ops, so a
gradient taken with ``create_graph=True`` records PyTorch's nodes; numbers in those formulas are
Scalars in C++ (``grad * 2`` is mul.Scalar: ``MulScalar``), as in ``unary.py``.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .. import dtypes, kernels
from ..creation import zeros_like
from ..function import Function
from ..tensor import _make, Tensor, tensor_method
from ._common import _binary_inputs, _default_np, _float_data, _pointwise, _type_name, as_tensor_like
from .arithmetic import _not_implemented, AddScalar, floor_divide, MulScalar, number_minus, pow, remainder, SubScalar
from .comparison import isfinite, tensors_only, where
from .shape import to_dtype
from .unary import _elementwise, atan, Logit
from .inplace import _can_cast, _inplace_of, atan_

__all__ = ["acos", "acosh", "addcdiv", "addcmul", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
           "arctanh", "asin", "asinh", "atan2", "atanh", "ceil", "copysign", "deg2rad", "erfc", "erfinv", "exp2", "fix",
           "float_power", "fmod", "frac", "hypot", "lerp", "logaddexp", "logaddexp2", "logit", "nan_to_num", "positive",
           "rad2deg", "round", "signbit", "trunc", "xlogy", "sinc", "isposinf", "isneginf", "heaviside", "result_type", "promote_types", "can_cast",
           "is_nonzero"]


def _refuse(kernel: str, kinds: str, *inputs: Tensor) -> None:
    """PyTorch's error for a dtype ``kernel`` has no implementation for (kinds: "b" bool, "iu" integers)."""
    for x in inputs:
        if x._data.dtype.kind in kinds:
            raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(x)}\'')


def _number_over(number: float, a: Tensor) -> Tensor:
    """``number / tensor`` in PyTorch's C++ formulas: a tensor filled with the number, then ``div_``
    (``DivBackward0`` whose first edge is None), as ``number_minus`` is for ``-``."""
    return _make(np.full_like(a._data, number)) / a


# --- rounding: integers pass through, the derivative is zero (frac's is one) -------------------

class _Rounding(Function):
    """``numpy`` forward on floats, a copy of integers (``kernel``: PyTorch's name refusing bools)."""

    @staticmethod
    def forward(ctx, a):
        op = ctx._function
        _refuse(op.kernel, op.refused, a)
        return _pointwise(op.numpy(a._data) if a._data.dtype.kind == "f" else a._data.copy(), a)

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


def _rounding(name: str, node_name: str, numpy: Callable, kernel: str, refused: str = "b") -> type:
    return type(name, (_Rounding,), {"node_name": node_name, "numpy": staticmethod(numpy), "kernel": kernel,
                                     "refused": refused, "__module__": __name__,
                                     "__doc__": f"``{name.lower()}``; PyTorch records ``{node_name}``."})


Round = _rounding("Round", "RoundBackward0", np.round, "round_vml_cpu")
Ceil = _rounding("Ceil", "CeilBackward0", np.ceil, "ceil_vml_cpu")
Trunc = _rounding("Trunc", "TruncBackward0", np.trunc, "trunc_vml_cpu")


class RoundDecimals(Function):
    """``round(x, decimals=d)``: nearest to a multiple of 10**-d, ties to even (PyTorch's ``RoundBackward1``)."""

    node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx, a, decimals):
        _refuse("round_cpu", "biu", a)
        x = a._data
        if decimals >= 0:
            scale = x.dtype.type(10.0 ** decimals)
            return _pointwise(np.rint(x * scale) / scale, a)
        scale = x.dtype.type(10.0 ** -decimals)
        return _pointwise(np.rint(x / scale) * scale, a)

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), None


class Frac(Function):
    """``x - trunc(x)``, the fractional part with ``x``'s sign; the gradient passes unchanged."""

    node_name = "FracBackward0"

    @staticmethod
    def forward(ctx, a):
        _refuse("frac_cpu", "biu", a)
        return _pointwise(a._data - np.trunc(a._data), a)

    @staticmethod
    def backward(ctx, grad):
        return grad


@tensor_method()
def round(input: Tensor, *, decimals: int = 0) -> Tensor:
    """Nearest integer, ties to even (``RoundBackward0``); with ``decimals``, ``RoundBackward1``."""
    return RoundDecimals.apply(input, decimals) if decimals else Round.apply(input)


@tensor_method()
def ceil(input: Tensor) -> Tensor:
    return Ceil.apply(input)


@tensor_method("fix")
def trunc(input: Tensor) -> Tensor:
    return Trunc.apply(input)


fix = trunc


@tensor_method()
def frac(input: Tensor) -> Tensor:
    return Frac.apply(input)


# --- inverse trigonometry, exp2, erfc, erfinv, angles: derivatives.yaml's formulas ------------

def _erfinv(y: np.ndarray) -> np.ndarray:
    """The inverse of erf: Giles' single-precision approximation, then Newton steps on erf."""
    w = -np.log((1.0 - y) * (1.0 + y))
    small = w < 5.0
    ws, wl = w - 2.5, np.sqrt(np.where(small, 5.0, w)) - 3.0
    cs = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
          -0.00417768164, 0.246640727, 1.50140941)
    cl = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
          0.00943887047, 1.00167406, 2.83297682)
    ps, pl = np.zeros_like(w), np.zeros_like(w)
    for c_s, c_l in zip(cs, cl):
        ps, pl = ps * ws + c_s, pl * wl + c_l
    x = np.where(small, ps, pl) * y
    for _ in range(3):
        x = x - (kernels.erf(x) - y) / (2 / math.sqrt(math.pi) * np.exp(-x * x))
    x = np.where(np.abs(y) == 1, np.copysign(np.inf, y), x)
    return np.where(np.abs(y) > 1, np.nan, x)


def _erfinv_numpy(x: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return _erfinv(x.astype(np.float64)).astype(x.dtype)


Acos, acos = _elementwise("Acos", "AcosBackward0", np.arccos, False,
                          lambda grad, a: grad * -(AddScalar.apply(-a * a, 1).rsqrt()))
Asin, asin = _elementwise("Asin", "AsinBackward0", np.arcsin, False,
                          lambda grad, a: grad * AddScalar.apply(-a * a, 1).rsqrt())
Asinh, asinh = _elementwise("Asinh", "AsinhBackward0", np.arcsinh, False,
                            lambda grad, a: grad * AddScalar.apply(a.pow(2), 1).rsqrt())
Acosh, acosh = _elementwise("Acosh", "AcoshBackward0", np.arccosh, False,
                            lambda grad, a: grad * SubScalar.apply(a * a, 1).rsqrt())
Atanh, atanh = _elementwise("Atanh", "AtanhBackward0", np.arctanh, False,
                            lambda grad, a: MulScalar.apply(grad, 1) / number_minus(1, a.pow(2)))
Exp2, exp2 = _elementwise("Exp2", "Exp2Backward0", np.exp2, True,
                          lambda grad, out: MulScalar.apply(grad * out, math.log(2)))
Erfc, erfc = _elementwise("Erfc", "ErfcBackward0", lambda x: 1 - kernels.erf(x), False,
                          lambda grad, a: MulScalar.apply((-a.pow(2)).exp(), -2 / math.sqrt(math.pi)) * grad)
Erfinv, erfinv = _elementwise("Erfinv", "ErfinvBackward0", _erfinv_numpy, False,
                              lambda grad, a: MulScalar.apply(erfinv(a).pow(2).exp(), 0.5 * math.sqrt(math.pi)) * grad)
Deg2rad, deg2rad = _elementwise("Deg2rad", "Deg2RadBackward0", lambda x: x * x.dtype.type(math.pi / 180), False,
                                lambda grad, a: MulScalar.apply(grad, math.pi / 180))
Rad2deg, rad2deg = _elementwise("Rad2deg", "Rad2DegBackward0", lambda x: x * x.dtype.type(180 / math.pi), False,
                                lambda grad, a: MulScalar.apply(grad, 180 / math.pi))

# numpy's names, PyTorch's aliases
arccos, arcsin, arctan, arcsinh, arccosh, arctanh = (
    tensor_method(name)(op) for name, op in (("arccos", acos), ("arcsin", asin), ("arctan", atan),
                                             ("arcsinh", asinh), ("arccosh", acosh), ("arctanh", atanh)))


class LogitEps(Function):
    """``logit(x, eps)``: x clamped to [eps, 1 - eps] first; no gradient where it was clamped."""

    node_name = "LogitBackward0"

    @staticmethod
    def forward(ctx, a, eps):
        x = np.clip(_float_data(a), eps, 1 - eps)
        ctx.save_for_backward(a)
        ctx.eps = eps
        return _pointwise(np.log(x / (1 - x)), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        lo, hi = ctx.eps, 1.0 - ctx.eps
        inside = _make((a._data >= lo) & (a._data <= hi))
        slope = a * number_minus(1.0, a)
        return where(inside, grad / slope, _make(np.zeros((), a._data.dtype))), None


@tensor_method()
def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """log(x / (1 - x)), the inverse of sigmoid (``LogitBackward0``); ``eps`` clamps x away from 0 and 1."""
    return Logit.apply(input) if eps is None else LogitEps.apply(input, eps)


# --- two tensors ----------------------------------------------------------------------------

def _float_pair(a: Tensor, b: Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Both operands in their promoted dtype, the default float if that is an integer type."""
    dt = dtypes.result_dtype(a, b)
    if dt.kind != "f":
        dt = dtypes.get_default_dtype().np
    return a._data.astype(dt, copy=False), b._data.astype(dt, copy=False)


class Atan2(Function):
    node_name = "Atan2Backward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _pointwise(np.arctan2(*_float_pair(a, b)), a, b)

    @staticmethod
    def backward(ctx, grad):  # PyTorch's atan2_backward
        a, b = ctx.saved_tensors
        recip = (a * a + b * b).reciprocal()  # (0, 0) has no direction, so no gradient; out of place here, where
        recip = recip.masked_fill(_make(recip._data == np.inf), 0)  # PyTorch's in-place fill can break 2nd order
        need_a, need_b = ctx.needs_input_grad
        return grad * b * recip if need_a else None, grad * -a * recip if need_b else None


@tensors_only("arctan2")
def atan2(input: Tensor, other: Tensor) -> Tensor:
    """The angle of the point (other, input), in (-pi, pi] (``Atan2Backward0``)."""
    return Atan2.apply(*_binary_inputs(input, other))


arctan2 = atan2


class Hypot(Function):
    node_name = "HypotBackward0"

    @staticmethod
    def forward(ctx, a, b):
        _refuse("hypot_cpu", "biu", a, b)
        out = _pointwise(np.hypot(*_float_pair(a, b)), a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad * a / out if need_a else None, grad * b / out if need_b else None


@tensors_only()
def hypot(input: Tensor, other: Tensor) -> Tensor:
    """sqrt(input**2 + other**2) without overflow (``HypotBackward0``)."""
    return Hypot.apply(*_binary_inputs(input, other))


class Logaddexp(Function):
    node_name = "LogaddexpBackward0"

    @staticmethod
    def forward(ctx, a, b):
        _refuse("logaddexp_cpu", "biu", a, b)
        ctx.save_for_backward(a, b)
        return _pointwise(np.logaddexp(*_float_pair(a, b)), a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad / AddScalar.apply((b - a).exp(), 1) if need_a else None,
                grad / AddScalar.apply((a - b).exp(), 1) if need_b else None)


@tensors_only()
def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    """log(exp(input) + exp(other)) without overflow (``LogaddexpBackward0``)."""
    return Logaddexp.apply(*_binary_inputs(input, other))


class Logaddexp2(Function):
    node_name = "Logaddexp2Backward0"

    @staticmethod
    def forward(ctx, a, b):
        _refuse("logaddexp2_cpu", "biu", a, b)
        ctx.save_for_backward(a, b)
        return _pointwise(np.logaddexp2(*_float_pair(a, b)), a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad / AddScalar.apply(pow(2, b - a), 1) if need_a else None,
                grad / AddScalar.apply(pow(2, a - b), 1) if need_b else None)


@tensors_only()
def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    """log2(2**input + 2**other) (``Logaddexp2Backward0``)."""
    return Logaddexp2.apply(*_binary_inputs(input, other))


def _fmod(a: Tensor, b: Tensor) -> Tensor:
    """C's fmod: the remainder with the dividend's sign; an integer division by zero raises."""
    dt = dtypes.result_dtype(a, b)
    if dt.kind in "iub" and (b._data == 0).any():
        raise RuntimeError("ZeroDivisionError")
    return _pointwise(np.fmod(a._data.astype(dt, copy=False), b._data.astype(dt, copy=False)), a, b)


class Fmod(Function):
    node_name = "FmodBackward1"

    @staticmethod
    def forward(ctx, a, b):
        if ctx.needs_input_grad[1]:
            ctx.save_for_backward(a, b)
        return _fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        need_a, need_b = ctx.needs_input_grad
        if not need_b:
            return grad, None
        a, b = ctx.saved_tensors
        return grad if need_a else None, -grad * a.div(b, rounding_mode="trunc")


class FmodScalar(Function):
    node_name = "FmodBackward0"

    @staticmethod
    def forward(ctx, a, number):
        return _fmod(a, as_tensor_like(number, a))

    @staticmethod
    def backward(ctx, grad):
        return grad, None


@tensor_method()
def fmod(input: Tensor, other: Any) -> Tensor:
    """The remainder of input / other with input's sign (C's fmod; ``%`` takes the divisor's sign)."""
    if not isinstance(other, Tensor):
        return FmodScalar.apply(input, other)
    return Fmod.apply(*_binary_inputs(input, other))


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        out = np.where(x == 0, 0, x * np.log(y))
    return np.where(np.isnan(y), np.nan, out).astype(x.dtype, copy=False)


class Xlogy(Function):
    """``x * log(y)``, 0 where x is 0 (unless y is NaN): entropy terms stay finite at 0."""

    node_name = "XlogyBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _pointwise(_xlogy(*_float_pair(a, b)), a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (xlogy(grad, b).masked_fill(_make((a._data == 0) & (b._data <= 0)), 0) if need_a else None,
                grad * a / b if need_b else None)


class XlogyScalarSelf(Function):
    node_name = "XlogyBackward1"

    @staticmethod
    def forward(ctx, number, b):
        ctx.number = number
        ctx.save_for_backward(b)
        a = as_tensor_like(number, b)
        return _pointwise(_xlogy(*_float_pair(a, b)), b)

    @staticmethod
    def backward(ctx, grad):
        b, = ctx.saved_tensors
        return None, MulScalar.apply(grad, ctx.number) / b


class XlogyScalarOther(Function):
    node_name = "XlogyBackward2"

    @staticmethod
    def forward(ctx, a, number):
        ctx.number = number
        ctx.save_for_backward(a)
        b = as_tensor_like(number, a)
        return _pointwise(_xlogy(*_float_pair(a, b)), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        g = xlogy(grad, ctx.number)
        return g if ctx.number > 0 else g.masked_fill(a == 0, 0), None


@tensor_method()
def xlogy(input: Any, other: Any) -> Tensor:
    """``input * log(other)``, 0 where input is 0; PyTorch records one node per operand kind."""
    if not isinstance(input, Tensor):
        return XlogyScalarSelf.apply(input, other)
    if not isinstance(other, Tensor):
        return XlogyScalarOther.apply(input, other)
    return Xlogy.apply(*_binary_inputs(input, other))


class Copysign(Function):
    node_name = "CopysignBackward0"

    @staticmethod
    def forward(ctx, a, b):
        out = _pointwise(np.copysign(*_float_pair(a, b)), a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):  # PyTorch's copysign_tensor_self_backward; other gets zeros
        a, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ratio = (out / a).masked_fill_(a == 0, 0) if need_a else None
        return grad * ratio if need_a else None, zeros_like(grad) if need_b else None


CopysignScalar = type("CopysignScalar", (Function,), {
    "node_name": "CopysignBackward1", "__module__": __name__,
    "__doc__": "``copysign(tensor, number)``: one edge (PyTorch's Scalar overload).",
    "forward": staticmethod(lambda ctx, a, number: Copysign.forward(ctx, a, as_tensor_like(number, a))),
    "backward": staticmethod(lambda ctx, grad: (Copysign.backward(ctx, grad)[0], None))})


@tensor_method()
def copysign(input: Tensor, other: Any) -> Tensor:
    """|input| with the sign of ``other`` (-0.0 counts as negative)."""
    if not isinstance(other, Tensor):
        return CopysignScalar.apply(input, other)
    return Copysign.apply(*_binary_inputs(input, other))


# --- three operands: lerp, addcmul, addcdiv ----------------------------------------------------

def _lerp(x: np.ndarray, y: np.ndarray, w: Any) -> np.ndarray:
    """PyTorch's lerp kernel: from the nearer end, so lerp(a, b, 1) is exactly b."""
    return np.where(np.abs(w) < 0.5, x + w * (y - x), y - (y - x) * (1 - w))


def _check_lerp(a: Tensor, *others: Tensor, names: tuple = ("end", "weight")) -> None:
    for name, t in zip(names, others):
        if t._data.dtype != a._data.dtype:
            raise RuntimeError(f"expected dtype {dtypes.c_type_name(a.dtype)} for `{name}` but got dtype "
                               f"{dtypes.c_type_name(t.dtype)}")


class Lerp(Function):
    """``start + weight * (end - start)`` with a number weight (``LerpBackward0``)."""

    node_name = "LerpBackward0"

    @staticmethod
    def forward(ctx, a, b, weight):
        _check_lerp(a, b)
        _refuse("lerp_kernel_scalar", "biu", a)
        ctx.weight = weight
        return _pointwise(_lerp(a._data, b._data, a._data.dtype.type(weight)), a, b)

    @staticmethod
    def backward(ctx, grad):
        need_a, need_b, _ = ctx.needs_input_grad
        w = ctx.weight
        return (MulScalar.apply(grad, 1 - w) if need_a else None, MulScalar.apply(grad, w) if need_b else None, None)


class LerpTensor(Function):
    """``start + weight * (end - start)`` with a tensor weight, which gets a gradient too (``LerpBackward1``)."""

    node_name = "LerpBackward1"

    @staticmethod
    def forward(ctx, a, b, w):
        _check_lerp(a, b, w)
        _refuse("lerp_kernel_tensor", "biu", a)
        ctx.save_for_backward(a, b, w)
        return _pointwise(_lerp(a._data, b._data, w._data), a, b, w)

    @staticmethod
    def backward(ctx, grad):
        a, b, w = ctx.saved_tensors
        need_a, need_b, need_w = ctx.needs_input_grad
        return (grad * number_minus(1, w) if need_a else None, grad * w if need_b else None,
                grad * (b - a) if need_w else None)


@tensor_method()
def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """Linear interpolation from ``input`` to ``end`` (an exponential moving average's update)."""
    if isinstance(weight, Tensor):
        return LerpTensor.apply(input, end, weight)
    return Lerp.apply(input, end, weight)


def _three(input: Tensor, tensor1: Tensor, tensor2: Tensor) -> np.dtype:
    for x, y in ((input, tensor1), (tensor1, tensor2), (input, tensor2)):
        _binary_inputs(x, y)  # (PyTorch's broadcast message)
    np.broadcast_shapes(input._data.shape, tensor1._data.shape, tensor2._data.shape)
    return dtypes.result_dtype(input, tensor1, tensor2)


class Addcmul(Function):
    node_name = "AddcmulBackward0"

    @staticmethod
    def forward(ctx, a, t1, t2, value):
        dt = _three(a, t1, t2)
        ctx.value = value
        ctx.save_for_backward(t1, t2)
        x, y, z = (t._data.astype(dt, copy=False) for t in (a, t1, t2))
        return _pointwise(x + dt.type(value) * y * z, a, t1, t2)

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        need_a, need_1, need_2 = ctx.needs_input_grad[:3]
        return (grad if need_a else None, grad * MulScalar.apply(t2, ctx.value) if need_1 else None,
                grad * MulScalar.apply(t1, ctx.value) if need_2 else None, None)


class Addcdiv(Function):
    node_name = "AddcdivBackward0"

    @staticmethod
    def forward(ctx, a, t1, t2, value):
        dt = _three(a, t1, t2)
        if t1._data.dtype.kind in "biu" and t2._data.dtype.kind in "biu":
            raise RuntimeError(_ADDCDIV_INTEGER)
        ctx.value = value
        ctx.save_for_backward(t1, t2)
        x, y, z = (t._data.astype(dt, copy=False) for t in (a, t1, t2))
        with np.errstate(all="ignore"):
            return _pointwise(x + dt.type(value) * y / z, a, t1, t2)

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        need_a, need_1, need_2 = ctx.needs_input_grad[:3]
        v = ctx.value
        return (grad if need_a else None, grad * _number_over(v, t2) if need_1 else None,
                -grad * (MulScalar.apply(t1, v) / (t2 * t2)) if need_2 else None, None)


_ADDCDIV_INTEGER = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true "
    "division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * "
    "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) "
    "for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
    "tensor2), for all dtypes.")


@tensor_method()
def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 * tensor2`` in one op (optimizers' moment updates)."""
    return Addcmul.apply(input, tensor1, tensor2, value)


@tensor_method()
def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 / tensor2`` in one op (Adam's step)."""
    return Addcdiv.apply(input, tensor1, tensor2, value)


# --- one tensor, no formula of its own ----------------------------------------------------------

class NanToNum(Function):
    node_name = "NanToNumBackward0"

    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        ctx.save_for_backward(a)
        x = a._data
        if x.dtype.kind != "f":
            return _pointwise(x.copy(), a)
        info = np.finfo(x.dtype)
        return _pointwise(np.nan_to_num(x, nan=nan, posinf=info.max if posinf is None else posinf,
                                        neginf=info.min if neginf is None else neginf), a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * isfinite(a), None, None, None


@tensor_method()
def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """NaN, +inf and -inf replaced by numbers (by default 0 and the dtype's largest and smallest)."""
    return NanToNum.apply(input, nan, posinf, neginf)


@tensor_method()
def signbit(input: Tensor) -> Tensor:
    """True where the sign bit is set (-0.0 too): a bool tensor, no gradient."""
    x = input._data
    return _pointwise(np.signbit(x) if x.dtype != np.bool_ else np.zeros_like(x), input)


@tensor_method()
def positive(input: Tensor) -> Tensor:
    """``+input``: the tensor itself (a bool tensor refused, as PyTorch's unary plus)."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


@tensor_method()
def float_power(input: Any, exponent: Any) -> Tensor:
    """``pow`` in float64 (PyTorch converts the tensors first: ``ToCopyBackward0`` then ``PowBackward``)."""
    def double(x: Any) -> Any:
        return to_dtype(x, dtypes.float64) if isinstance(x, Tensor) and x.dtype != dtypes.float64 else x
    return pow(double(input), double(exponent))


def _sinc_derivative(grad: Tensor, a: Tensor) -> Tensor:
    """PyTorch's sinc_backward: (pi x cos(pi x) - sin(pi x)) / (pi x^2), and 0 at x = 0."""
    a_pi = MulScalar.apply(a, math.pi)
    a_squared_pi = MulScalar.apply(a * a, math.pi)
    out = grad * ((a_pi * a_pi.cos() - a_pi.sin()) / a_squared_pi)
    return where(a_squared_pi == 0.0, _make(np.zeros((), grad._data.dtype)), out)


Sinc, sinc = _elementwise("Sinc", "SincBackward0", np.sinc, False, _sinc_derivative)


@tensor_method()
def isposinf(input: Tensor) -> Tensor:
    """True where the value is +inf."""
    return _pointwise(np.isposinf(input._data) if input._data.dtype.kind == "f" else
                      np.zeros(input._data.shape, np.bool_), input)


@tensor_method()
def isneginf(input: Tensor) -> Tensor:
    """True where the value is -inf."""
    return _pointwise(np.isneginf(input._data) if input._data.dtype.kind == "f" else
                      np.zeros(input._data.shape, np.bool_), input)


def _heaviside(a: Tensor, values: Tensor) -> Tensor:
    x, v = a._data, values._data
    return _pointwise(np.where(x == 0, v, (x > 0)).astype(x.dtype), a, values)


@tensors_only()
def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """The step function: 0 below zero, 1 above, ``values`` at zero (no derivative, as in PyTorch)."""
    if input._data.dtype != values._data.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _not_implemented("heaviside", _heaviside, *_binary_inputs(input, values))


# --- dtype questions ---------------------------------------------------------------------------

def result_type(tensor1: Any, tensor2: Any) -> dtypes.dtype:
    """The dtype an elementwise op of the two gives (PyTorch's promotion, Python numbers as wrapped numbers)."""
    a, b = (t if isinstance(t, Tensor) else _make(np.asarray(t, _default_np(t))) for t in (tensor1, tensor2))
    return dtypes.from_numpy_dtype(dtypes.result_dtype(a, b))


def promote_types(type1: dtypes.dtype, type2: dtypes.dtype) -> dtypes.dtype:
    """The smallest dtype both convert to without loss of kind (int8 and uint8: int16)."""
    return dtypes.from_numpy_dtype(dtypes.result_dtype(_make(np.zeros(1, type1.np)), _make(np.zeros(1, type2.np))))


def can_cast(from_: dtypes.dtype, to: dtypes.dtype) -> bool:
    """Whether an in-place op may write ``from_`` values into a ``to`` tensor (no float into int, nothing into bool)."""
    return _can_cast(from_.np, to.np)


def is_nonzero(input: Tensor) -> bool:
    """The single element as a bool (an empty or larger tensor is ambiguous)."""
    if input.numel() != 1:
        raise RuntimeError(f"Boolean value of Tensor with {'no values' if not input.numel() else 'more than one value'} "
                           "is ambiguous")
    return bool(input._data.reshape(-1)[0])


# --- in place: the op above written into the tensor (its node on the tensor) ---------------------
(round_, ceil_, trunc_, frac_, acos_, asin_, asinh_, acosh_, atanh_, exp2_, erfc_, erfinv_, deg2rad_, rad2deg_,
 logit_, atan2_, hypot_, logaddexp_, fmod_, xlogy_, copysign_, lerp_, addcmul_, addcdiv_, nan_to_num_) = map(
    _inplace_of, (round, ceil, trunc, frac, acos, asin, asinh, acosh, atanh, exp2, erfc, erfinv, deg2rad, rad2deg,
                  logit, atan2, hypot, logaddexp, fmod, xlogy, copysign, lerp, addcmul, addcdiv, nan_to_num))
fix_ = tensor_method("fix_")(trunc_)
remainder_, floor_divide_, sinc_, heaviside_ = map(_inplace_of, (remainder, floor_divide, sinc, heaviside))
arccos_, arcsin_, arctan_, arctan2_ = (tensor_method(n)(op) for n, op in (
    ("arccos_", acos_), ("arcsin_", asin_), ("arctan_", atan_), ("arctan2_", atan2_)))
