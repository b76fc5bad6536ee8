"""Comparisons, logical ops and ``where``: results are bool or selections, no gradients but ``where``'s.
"""
from __future__ import annotations

import functools
import inspect
import numbers
from typing import Any, Callable

import numpy as np

from .. import dtypes, layout
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


# PyTorch's signatures of the ops taking a tensor or a number (its argument parser's text).
FUNCTION_SIGNATURES = ("(Tensor input, Tensor other, *, Tensor out = None)",
                       "(Tensor input, Number other, *, Tensor out = None)")
METHOD_SIGNATURES = ("(Tensor other)", "(Number other)")


def tensor_or_number(fn: Callable, name: str, signatures: tuple = FUNCTION_SIGNATURES) -> tuple[Callable, Callable]:
    """The function and the method ``name`` of an op whose ``other`` may be a tensor or a Python
    number (``eq``, ``bitwise_and``...). Arguments no signature takes raise PyTorch's "invalid
    combination of arguments", which lists the signatures of the form called."""
    def function(*args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != 2 or not isinstance(args[0], Tensor) or not _tensor_or_number(args[1]):
            _parse(name, signatures, args, kwargs)
        return fn(*args, **kwargs)

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != 1 or not _tensor_or_number(args[0]):
            _parse(name, METHOD_SIGNATURES, args, kwargs)
        return fn(self, *args, **kwargs)

    for wrapper in (function, method):
        functools.update_wrapper(wrapper, fn)
        wrapper.__name__ = wrapper.__qualname__ = name
    return function, method


def _tensor_or_number(value: Any) -> bool:
    return type(value) in (Tensor, float, int, bool) or isinstance(value, (Tensor, numbers.Number))


def _is(kind: str, value: Any) -> bool:
    """Does ``value`` fit a parameter of type ``kind`` ("Tensor" or "Number")?"""
    if isinstance(value, Tensor):
        return kind == "Tensor"
    return kind == "Number" and isinstance(value, numbers.Number)


def _parse(name: str, signatures: tuple, args: tuple, kwargs: dict) -> None:
    """Return if one of ``signatures`` takes ``args`` and ``kwargs``, else raise the parser's TypeError.
    Only a signature with as many parameters as arguments given says which ones did not fit."""
    given = [(None, a) for a in args] + list(kwargs.items())
    params = [[p.split()[:2] for p in sig.strip("()").split(", ") if p != "*"] for sig in signatures]
    for ps in params:
        named = {n: t for t, n in ps[len(args):]}
        if len(args) <= len(ps) and all(_is(t, a) for (t, _), a in zip(ps, args)) and all(
                k in named and _is(named[k], v) for k, v in kwargs.items()) and all(
                n in kwargs or n == "out" for _, n in ps[len(args):]):
            return
    lines = []
    for sig, ps in zip(signatures, params):
        line = f" * {sig}\n"
        if len(ps) == len(given):
            kinds = [t for t, _ in ps[:len(args)]] + [dict((n, t) for t, n in ps).get(k, "") for k in kwargs]
            marked = [(k, v, _tp_name(v) != kind) for (k, v), kind in zip(given, kinds)]  # (the parser's
            # messages compare type names: a Number parameter never shows as matched, nor a subclass of Tensor)
            line = f" * {sig}\n      didn't match because some of the arguments have invalid types: {_listed(marked, args)}\n"
        lines.append(line)
    got = _listed([(k, v, None) for k, v in given], args)
    raise TypeError(f"{name}() received an invalid combination of arguments - got {got}, but expected one of:\n"
                    + "".join(lines))


def _listed(given: list, args: tuple) -> str:
    """Arguments as the parser lists them: ``(int, other=Tensor)``; with only keywords, a trailing
    ", " stays (``(other=NoneType, )``). ``given``: (keyword, value, invalid) triples; ``invalid``
    None: the types only; else a list's items are named, and the invalid ones put between "!"."""
    def one(key: str | None, value: Any, invalid: bool | None) -> str:
        text = ("" if key is None else key + "=") + (_tp_name(value) if invalid is None else _described(value))
        return f"!{text}!" if invalid else text

    text = "".join(one(*g) + ", " for g in given)
    return f"({text[:-2] if args else text})"


def _described(value: Any) -> str:
    """An argument's type as the parser describes it; a list's or tuple's with its items'."""
    if isinstance(value, (list, tuple)):
        items = ", ".join(map(_tp_name, value))
        return f"list of [{items}]" if isinstance(value, list) else f"tuple of ({items})"
    return _tp_name(value)


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


def _comparison(ufunc: np.ufunc, name: str) -> Callable:
    """One elementwise comparison or logical op: a bool tensor laid out as its inputs (no gradient, so
    no Function). The ops differ only in their ufunc."""
    def compare(input: Tensor, other: Any) -> Tensor:
        a, b = _binary_inputs(input, other)
        common = a._data.dtype if a._data.dtype is b._data.dtype else result_dtype(a, b)  # what PyTorch compares in
        return _pointwise(np.asarray(ufunc(a._data, b._data)), a, b, common=common)

    compare.__name__ = compare.__qualname__ = name
    return compare


def _comparison_names(ufunc: np.ufunc, operator: str, *names: str) -> tuple[Callable, ...]:
    """A comparison under each of its names (``gt``, ``greater``), function and method, each
    naming itself in its errors; the operator (``__gt__``) is the op itself, given way by Python."""
    compare = _comparison(ufunc, names[0])
    tensor_method(operator)(compare)  # (also attaches ``compare`` as the method, replaced below)
    functions = []
    for name in names:
        function, method = tensor_or_number(compare, name)
        setattr(Tensor, name, method)
        functions.append(function)
    return tuple(functions)


eq, = _comparison_names(np.equal, "__eq__", "eq")
ne, not_equal = _comparison_names(np.not_equal, "__ne__", "ne", "not_equal")
gt, greater = _comparison_names(np.greater, "__gt__", "gt", "greater")
lt, less = _comparison_names(np.less, "__lt__", "lt", "less")
ge, greater_equal = _comparison_names(np.greater_equal, "__ge__", "ge", "greater_equal")
le, less_equal = _comparison_names(np.less_equal, "__le__", "le", "less_equal")
logical_and = tensors_only()(_comparison(np.logical_and, "logical_and"))
logical_or = tensors_only()(_comparison(np.logical_or, "logical_or"))
logical_xor = tensors_only()(_comparison(np.logical_xor, "logical_xor"))


def _bitwise(ufunc: np.ufunc, name: str, *operators: str) -> Callable:
    """``&``, ``|``, ``^``: bitwise on integers and bools (where bitwise is logical), in the promoted
    dtype (``bool_tensor & 1`` is int64); PyTorch has no float kernel. The function also takes a
    number first (``bitwise_and(1, x)``)."""
    def bitwise(input: Tensor, other: Any) -> Tensor:
        a, b = _binary_inputs(input, other)
        dt = result_dtype(a, b)
        dtypes.check_accepts(name, dt)
        out = ufunc(a._data.astype(dt, copy=False), b._data.astype(dt, copy=False))
        return _pointwise(np.asarray(out), a, b, common=dt)

    bitwise.__name__ = bitwise.__qualname__ = name
    tensor_method(*operators)(bitwise)
    function, method = tensor_or_number(bitwise, name, (FUNCTION_SIGNATURES[0], "(Number self, Tensor other)",
                                                        FUNCTION_SIGNATURES[1]))
    setattr(Tensor, name, method)
    return function


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
    return _constant_for_integers(np.isinf(input._data), input)


@tensor_method()
def isfinite(input: Tensor) -> Tensor:
    return _constant_for_integers(np.isfinite(input._data), input)


def _constant_for_integers(out: np.ndarray, input: Tensor) -> Tensor:
    """isinf/isfinite: of an integer or bool tensor, PyTorch returns zeros_like/ones_like (laid out
    as ``empty_like``), of a float one TensorIterator's result."""
    if input._data.dtype.kind in "biu":
        return _make(layout.like(np.asarray(out), input._data))
    return _pointwise(out, input, common=None)


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
