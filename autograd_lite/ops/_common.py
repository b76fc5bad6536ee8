"""Helpers every op family shares: wrapping numpy results, Python numbers beside
tensors, the broadcast check. No Function lives here.
"""
from __future__ import annotations

import builtins
import inspect
import numbers
from typing import Any

import numpy as np

from .. import dtypes, layout
from ..creation import tensor
from ..dtypes import _CATEGORY, result_dtype
from ..function import Function
from ..tensor import _make, _wrap_dim, Tensor


def _t(x: Any) -> Tensor:
    """A fresh tensor around a numpy result (numpy turns 0-d results into scalars)."""
    return _make(x if type(x) is np.ndarray else np.asarray(x))


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
        return tensor(value)
    dt = _default_np(value)
    if _CATEGORY[dt.kind] <= _CATEGORY[kind]:
        dt = like._data.dtype
    return _make(np.asarray(value, dtype=dt))


def _binary_inputs(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    if not isinstance(a, Tensor):
        a = as_tensor_like(a, b)
    if not isinstance(b, Tensor):
        b = as_tensor_like(b, a)
    if a._data.ndim and b._data.ndim and a._data.shape != b._data.shape:  # (a 0-d tensor fits anything)
        _check_shapes_broadcast(a._data.shape, b._data.shape)
    return a, b


def _cast(out: np.ndarray, a: Tensor, b: Tensor, *first: np.ndarray) -> Tensor:
    """Wrap a binary op's numpy result, cast to PyTorch's result dtype where numpy differs and
    laid out as PyTorch lays it out (``first``: operands PyTorch's kernel reads before ``a``)."""
    x, y = a._data, b._data
    dt = x.dtype
    if dt is y.dtype and type(out) is np.ndarray and out.dtype is dt:  # the common case: same dtypes in and out
        if (not first and x.flags.c_contiguous and y.flags.c_contiguous and out.flags.c_contiguous and out.size
                and 1 not in x.shape and 1 not in y.shape):
            return _make(out)  # (C order and no size-1 dimension: PyTorch's strides exactly)
        return _make(layout.elementwise(out, *first, x, y, exempt=len(first)))
    if dt is not b._data.dtype:
        dt = result_dtype(a, b)
    out = np.asarray(out)
    return _make(layout.elementwise(out if out.dtype == dt else out.astype(dt), *first, a._data, b._data,
                                    exempt=len(first)))


def _new(x: Any) -> Tensor:
    """A fresh tensor around a result PyTorch allocates contiguous (reductions, cat, matmul, softmax...)."""
    return _make(layout.contiguous(x if type(x) is np.ndarray else np.asarray(x)))


def _pointwise(out: Any, *inputs: Tensor, common: Any = "out") -> Tensor:
    """A fresh tensor around an elementwise result of ``inputs``, laid out as PyTorch lays it out
    (``common``: the dtype PyTorch computes in, see ``layout.elementwise``)."""
    out = out if type(out) is np.ndarray else np.asarray(out)
    data = []  # (a plain loop: a list comprehension is one more function call on Python 3.11)
    for x in inputs:
        data.append(x._data)
    return _make(out if layout.plain(out, *data) else layout.elementwise(out, *data, common=common))


_WRAPPED_NUMBER = np.zeros(())


def _with_number(out: np.ndarray, a: Tensor) -> Tensor:
    """A fresh tensor around ``a`` (op) a Python number: PyTorch wraps the number as a 0-d
    operand, which keeps TensorIterator off its same-shape fast path (so size-1 strides differ)."""
    return _make(layout.elementwise(out, a._data, _WRAPPED_NUMBER))


def _float_data(x: Tensor) -> np.ndarray:
    """The data as floats: math on integer tensors gives the default float dtype, as in PyTorch."""
    d = x._data
    return d if d.dtype.kind == "f" else d.astype(dtypes.get_default_dtype().np)


def _dims(dim: Any, ndim: int) -> tuple[int, ...]:
    """The numpy axes a reduction (or flip) works on: ``dim`` validated as PyTorch does.

    A 0-d tensor accepts dim 0 and -1 but has no numpy axis: its axes are ``()``.
    """
    if dim is None:
        return tuple(range(ndim))
    if type(dim) is int:  # the common case, one dimension: nothing to sort or repeat
        d = _wrap_dim(dim, ndim)
        return (d,) if ndim else ()
    dims = [_wrap_dim(d, ndim) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))]
    for i, d in enumerate(dims):
        if d in dims[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return tuple(sorted(dims)) if ndim else ()


def _check_shapes_broadcast(sa: tuple, sb: tuple) -> None:
    """PyTorch's message where numpy would say "operands could not be broadcast together"."""
    for i, (x, y) in enumerate(zip(reversed(sa), reversed(sb))):
        if x != y and x != 1 and y != 1:
            dim = builtins.max(len(sa), len(sb)) - 1 - i
            raise RuntimeError(  # from None: PyTorch shows one error, not numpy's before it
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension {dim}"
            ) from None


def _same_dtype(a: Tensor, b: Tensor, message: str) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(message.format(_type_name(a), _type_name(b)))


def _type_name(t: Tensor) -> str:
    return dtypes.scalar_type_name(t.dtype)


def _type_str(t: Tensor) -> str:
    return dtypes.cpp_tensor_type_name(t.dtype)


def _scalar_name(t: Tensor) -> str:
    return dtypes.c_type_name(t.dtype)


def overload(function: type, name: str, node_name: str, **attrs: Any) -> type:
    """The same op recorded under another node name, as PyTorch names its overloads.

    ``prod(x)`` records ``ProdBackward0`` and ``prod(x, dim)`` ``ProdBackward1``: one
    forward, one backward, two names. A name is the only difference, so it is one line
    (``ProdDim = overload(Prod, "ProdDim", "ProdBackward1")``), not a subclass.
    """
    return type(name, (Function,), {
        "forward": inspect.getattr_static(function, "forward"),
        "backward": inspect.getattr_static(function, "backward"),
        "node_name": node_name, "__module__": function.__module__,
        "__doc__": f"``{function.__name__}`` recorded as PyTorch's ``{node_name}``.", **attrs})


def np_mean(x: np.ndarray, axis: tuple | None = None, keepdims: bool = False, dtype: Any = None) -> np.ndarray:
    """numpy's mean (sum / count) without its "Mean of empty slice" warning, which PyTorch
    never gives: the mean of nothing is 0 / 0 = nan, quietly (see function.py's NUMPY_QUIET)."""
    total = np.add.reduce(x, axis=axis, keepdims=keepdims, dtype=dtype)
    return total / (x.size if axis is None else int(np.prod([x.shape[d] for d in axis])))
