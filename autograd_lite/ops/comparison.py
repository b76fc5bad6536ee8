"""Comparisons, logical ops and ``where``: results are bool or selections, no gradients but ``where``'s.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

import numpy as np

from .. import dtypes
from ..creation import zeros
from ..dtypes import result_dtype
from ..function import Function
from ..tensor import _make, Tensor, tensor_method
from ._common import (_binary_inputs, _cast, _check_shapes_broadcast, _default_np, _new, _pointwise, _scalar_name, _t,
                      _type_name)


def tensors_only(*aliases: str) -> Callable:
    """Attach an op whose first two arguments must be tensors (PyTorch has no ``Number other``
    overload of maximum, logical_and, mm, ...) to Tensor under its name and ``aliases``.

    A number there raises the TypeError of PyTorch's argument parser, which counts the
    positions of the form called: ``torch.maximum(x, 0)``'s ``other`` is argument 2,
    ``x.maximum(0)``'s argument 1, and ``other=0`` has no position. The method and the
    function are two wrappers of the one op for that reason.
    """
    def attach(fn: Callable) -> Callable:
        name, params = fn.__name__, tuple(inspect.signature(fn).parameters)[:2]

        @functools.wraps(fn)
        def function(*args: Any, **kwargs: Any) -> Any:
            _check_tensors(name, params, args, kwargs)
            return fn(*args, **kwargs)

        @functools.wraps(fn)
        def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
            _check_tensors(name, params[1:], args, kwargs)
            return fn(self, *args, **kwargs)

        for attr in (name,) + aliases:
            setattr(Tensor, attr, method)
        return function

    return attach


def _check_tensors(name: str, params: tuple, args: tuple, kwargs: dict) -> None:
    for position, (param, value) in enumerate(zip(params, args), 1):
        if not isinstance(value, Tensor):
            raise TypeError(f"{name}(): argument '{param}' (position {position}) must be Tensor, not {_tp_name(value)}")
    for param in params[len(args):]:
        if param in kwargs and not isinstance(kwargs[param], Tensor):
            raise TypeError(f"{name}(): argument '{param}' must be Tensor, not {_tp_name(kwargs[param])}")


def _tp_name(value: Any) -> str:
    """A type's name as PyTorch's C++ parser prints it (C's ``tp_name``): ``int``, ``numpy.float64``, ``MyClass``."""
    kind = type(value)
    if kind.__module__ == "builtins" or kind.__flags__ & _HEAP_TYPE:  # (a class defined in Python: its name only)
        return kind.__name__
    return f"{kind.__module__}.{kind.__name__}"


_HEAP_TYPE = 1 << 9  # CPython's Py_TPFLAGS_HEAPTYPE


class Where(Function):
    node_name = "WhereBackward0"

    @staticmethod
    def forward(ctx, cond, a, b):
        # ``cond`` arrives as a numpy array: PyTorch's node has edges for ``a`` and ``b`` only; it
        # saves the condition as a tensor (freed after backward, as every saved tensor)
        ctx.save_for_backward(_make(cond))
        return _cast(np.where(cond, a._data, b._data), a, b, cond)

    @staticmethod
    def backward(ctx, grad):
        cond, = ctx.saved_tensors
        zero = zeros((), dtype=grad.dtype)
        return (None, where(cond, grad, zero) if ctx.needs_input_grad[1] else None,
                where(cond, zero, grad) if ctx.needs_input_grad[2] else None)


def where(condition: Tensor, input: Any = None, other: Any = None) -> Tensor | tuple:
    """``input`` where ``condition`` holds, else ``other`` (``WhereBackward0``); with one argument, ``nonzero(as_tuple=True)``."""
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


class MaskedFill(Function):
    """``value`` where ``mask`` is True, ``x`` elsewhere; no gradient flows where it was filled."""

    node_name = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx, a, mask, value):
        ctx.mask = mask
        return _new(np.where(mask, np.asarray(value, a._data.dtype), a._data))

    @staticmethod
    def backward(ctx, grad):
        return MaskedFill.apply(grad, ctx.mask, 0), None, None


class MaskedFillTensor(Function):
    """``masked_fill`` with a 0-d tensor value, another op to PyTorch: the value gets the filled
    places' gradient (summed)."""

    node_name = "MaskedFillBackward1"

    @staticmethod
    def forward(ctx, a, mask, value):
        ctx.mask, ctx.value_dtype = mask, value.dtype
        return _new(np.where(mask, value._data.astype(a._data.dtype), a._data))

    @staticmethod
    def backward(ctx, grad):
        g_value = where(_t(ctx.mask), grad, 0.0).sum().to(ctx.value_dtype) if ctx.needs_input_grad[2] else None
        return MaskedFill.apply(grad, ctx.mask, 0), None, g_value


@tensor_method()
def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` where ``mask`` (broadcast) is True."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {_scalar_name(mask)}")
    mask = np.broadcast_to(mask._data, input._data.shape)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        return MaskedFillTensor.apply(input, mask, value)
    return MaskedFill.apply(input, mask, value)


def max_first(a: np.ndarray, b: Any) -> np.ndarray:
    """``std::max(a, b)`` elementwise, PyTorch's maximum/clamp: ``b`` only where it is greater, so
    of two equal values (``-0.`` and ``0.``) the first is kept; NaN propagates."""
    out = np.maximum(a, b)
    return np.where(a == b, a, out) if out.dtype.kind == "f" else out


def min_first(a: np.ndarray, b: Any) -> np.ndarray:
    """``std::min(a, b)`` elementwise: ``b`` only where it is smaller (see ``max_first``)."""
    out = np.minimum(a, b)
    return np.where(a == b, a, out) if out.dtype.kind == "f" else out


def _comparison(ufunc: np.ufunc, name: str, *aliases: str, numbers: bool = True) -> Callable:
    """One elementwise comparison or logical op: a bool tensor laid out as its inputs (no gradient, so
    no Function), attached to Tensor as ``name`` and ``aliases``. The ops differ only in their ufunc,
    and in whether ``other`` may be a Python number (the logical ops take tensors only)."""
    def compare(input: Tensor, other: Any) -> Tensor:
        a, b = _binary_inputs(input, other)
        common = a._data.dtype if a._data.dtype is b._data.dtype else result_dtype(a, b)  # what PyTorch compares in
        return _pointwise(np.asarray(ufunc(a._data, b._data)), a, b, common=common)

    compare.__name__ = compare.__qualname__ = name
    return (tensor_method if numbers else tensors_only)(*aliases)(compare)


eq = _comparison(np.equal, "eq", "__eq__")
ne = not_equal = _comparison(np.not_equal, "ne", "__ne__", "not_equal")
gt = greater = _comparison(np.greater, "gt", "__gt__", "greater")
lt = less = _comparison(np.less, "lt", "__lt__", "less")
ge = greater_equal = _comparison(np.greater_equal, "ge", "__ge__", "greater_equal")
le = less_equal = _comparison(np.less_equal, "le", "__le__", "less_equal")
logical_and = _comparison(np.logical_and, "logical_and", numbers=False)
logical_or = _comparison(np.logical_or, "logical_or", numbers=False)
logical_xor = _comparison(np.logical_xor, "logical_xor", numbers=False)


def _bitwise(ufunc: np.ufunc, name: str, *aliases: str) -> Callable:
    """``&``, ``|``, ``^``: bitwise on integers and bools (where bitwise is logical), in the promoted
    dtype (``bool_tensor & 1`` is int64); PyTorch has no float kernel."""
    def bitwise(input: Tensor, other: Any) -> Tensor:
        a, b = _binary_inputs(input, other)
        dt = result_dtype(a, b)
        dtypes.check_accepts(name, dt)
        out = ufunc(a._data.astype(dt, copy=False), b._data.astype(dt, copy=False))
        return _pointwise(np.asarray(out), a, b, common=dt)

    bitwise.__name__ = bitwise.__qualname__ = name
    return tensor_method(*aliases)(bitwise)


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and", "__and__", "__rand__")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or", "__or__", "__ror__")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor", "__xor__", "__rxor__")


@tensor_method()
def logical_not(input: Tensor) -> Tensor:
    return _pointwise(np.logical_not(input._data), input, common=None)


def bitwise_not(input: Tensor) -> Tensor:
    """``~`` on integers (and bools); PyTorch has no float kernel."""
    dtypes.check_accepts("bitwise_not", input)
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


@tensors_only()
def equal(input: Tensor, other: Tensor) -> bool:
    """True if both tensors have the same shape and elements (a Python bool, unlike ``eq``)."""
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


@tensors_only()
def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


@tensors_only()
def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """|input - other| <= atol + rtol |other|, elementwise."""
    out = np.isclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return _pointwise(out, input, other, common=None)


def _invert(self: Tensor) -> Tensor:
    """``~x``: logical not on bool tensors, bitwise not on integers."""
    if self._data.dtype.kind == "f":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return logical_not(self) if self._data.dtype == np.bool_ else bitwise_not(self)


Tensor.__invert__ = _invert
