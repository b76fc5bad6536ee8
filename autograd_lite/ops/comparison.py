"""Comparisons, logical ops and ``where``: results are bool or selections, no gradients but ``where``'s.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..creation import zeros
from ..dtypes import result_dtype
from ..function import Function
from ..tensor import _make, Tensor, tensor_method
from ._common import _binary_inputs, _cast, _check_shapes_broadcast, _default_np, _pointwise, _t, _type_name


class Where(Function):
    node_name = "WhereBackward0"

    @staticmethod
    def forward(ctx, cond, a, b):
        # ``cond`` arrives as a numpy array: PyTorch's node has edges for ``a`` and ``b`` only.
        ctx.cond = cond
        return _cast(np.where(cond, a._data, b._data), a, b, cond)

    @staticmethod
    def backward(ctx, grad):
        cond = _t(ctx.cond)
        zero = zeros((), dtype=grad.dtype)
        return (None, where(cond, grad, zero) if ctx.needs_input_grad[1] else None,
                where(cond, zero, grad) if ctx.needs_input_grad[2] else None)


def where(condition: Tensor, input: Any = None, other: Any = None):
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = _make(np.asarray(input, dtype=_default_np(input)))
    a, b = _binary_inputs(input, other)
    if condition._data.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {_type_name(condition)}")
    if condition._data.shape != a._data.shape or a._data.shape != b._data.shape:
        _check_shapes_broadcast(condition._data.shape, a._data.shape)
        _check_shapes_broadcast(np.broadcast_shapes(condition._data.shape, a._data.shape), b._data.shape)
    return Where.apply(condition._data, a, b)


def _compare(fn):
    def compare(self, other):
        a, b = _binary_inputs(self, other)
        common = a._data.dtype if a._data.dtype is b._data.dtype else result_dtype(a, b)  # what PyTorch compares in
        return _pointwise(np.asarray(fn(a._data, b._data)), a, b, common=common)

    compare.__name__ = fn.__name__
    return compare


eq = _compare(np.equal)


Tensor.eq = Tensor.__eq__ = eq


ne = _compare(np.not_equal)


Tensor.ne = Tensor.__ne__ = ne


gt = _compare(np.greater)


Tensor.gt = Tensor.__gt__ = gt


lt = _compare(np.less)


Tensor.lt = Tensor.__lt__ = lt


ge = _compare(np.greater_equal)


Tensor.ge = Tensor.__ge__ = ge


le = _compare(np.less_equal)


Tensor.le = Tensor.__le__ = le


greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne


Tensor.greater = greater


Tensor.less = less


Tensor.greater_equal = greater_equal


Tensor.less_equal = less_equal


Tensor.not_equal = not_equal


logical_and = _compare(np.logical_and)


Tensor.logical_and = Tensor.__and__ = logical_and


logical_or = _compare(np.logical_or)


Tensor.logical_or = Tensor.__or__ = logical_or


logical_xor = _compare(np.logical_xor)


Tensor.logical_xor = Tensor.__xor__ = logical_xor


@tensor_method()
def logical_not(input: Tensor) -> Tensor:
    return _pointwise(np.logical_not(input._data), input, common=None)


def bitwise_not(input: Tensor) -> Tensor:
    return _pointwise(np.invert(input._data), input)


@tensor_method()
def isnan(input: Tensor) -> Tensor:
    return _pointwise(np.isnan(input._data), input, common=None)


@tensor_method()
def isinf(input: Tensor) -> Tensor:
    return _pointwise(np.isinf(input._data), input, common=None)


@tensor_method()
def isfinite(input: Tensor) -> Tensor:
    return _pointwise(np.isfinite(input._data), input, common=None)


@tensor_method()
def equal(input: Tensor, other: Tensor) -> bool:
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


@tensor_method()
def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


@tensor_method()
def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    out = np.isclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return _pointwise(out, input, other, common=None)


def _invert(self: Tensor) -> Tensor:
    """``~x``: logical not on bool tensors, bitwise not on integers."""
    return logical_not(self) if self._data.dtype == np.bool_ else bitwise_not(self)


Tensor.__invert__ = _invert
