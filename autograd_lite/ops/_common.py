"""Helpers every op family shares: wrapping numpy results, Python numbers beside
tensors, the broadcast check. No Function lives here.
"""
from __future__ import annotations

import builtins
import inspect
import numbers
from typing import Any

import numpy as np

from .. import dtypes
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
        if not first and out.flags.c_contiguous and x.flags.c_contiguous and y.flags.c_contiguous:
            return _make(out)
        return _make(_laid_out(out, *first, x, y))
    if dt is not b._data.dtype:
        dt = result_dtype(a, b)
    out = np.asarray(out)
    return _make(_laid_out(out if out.dtype == dt else out.astype(dt), *first, a._data, b._data))


def _laid_out(out: np.ndarray, *inputs: np.ndarray) -> np.ndarray:
    """``out`` (an elementwise result of ``inputs``) with the strides PyTorch gives it.

    numpy picks C order when its inputs' layouts disagree; PyTorch's TensorIterator sorts
    the dimensions by the inputs' strides, the first input that orders two dimensions
    deciding. The layout matters beyond printing: it decides whether a later ``view`` or
    ``reshape`` can alias the result.
    """
    if out.flags.c_contiguous:
        for x in inputs:
            if not x.flags.c_contiguous:
                break
        else:
            return out  # the common case: everything in C order
    order = _output_order(out.shape, inputs)
    if order is None:
        return np.ascontiguousarray(out)
    buf = np.empty([out.shape[d] for d in order], out.dtype)
    laid = buf.transpose(np.argsort(order))
    laid[...] = out
    return laid


def _output_order(shape: tuple, inputs: tuple) -> list[int] | None:
    """TensorIterator's dimension order for a new output, outermost first (None: C order)."""
    ndim = len(shape)
    strides = []
    for x in inputs:
        lead = ndim - x.ndim
        item = x.itemsize
        strides.append([0] * lead + [0 if n == 1 and shape[lead + i] != 1 else s // item
                                     for i, (n, s) in enumerate(zip(x.shape, x.strides))])
    if builtins.all(x.shape == shape for x in inputs):  # TensorIterator's fast setups
        if builtins.all(x.flags.c_contiguous for x in inputs):
            return None
        if builtins.all(s == strides[0] for s in strides) and _dense(shape, strides[0]):
            return sorted(range(ndim), key=lambda d: (-strides[0][d], d))

    def should_swap(d0: int, d1: int) -> int:
        for st in strides:
            s0, s1 = st[d0], st[d1]
            if s0 == 0 or s1 == 0:
                continue
            if s0 != s1:
                return -1 if s0 < s1 else 1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    perm = list(range(ndim - 1, -1, -1))  # innermost first, as TensorIterator sorts
    for i in range(1, ndim):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = should_swap(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    return None if perm == list(range(ndim - 1, -1, -1)) else perm[::-1]


def _dense(shape: tuple, strides: list) -> bool:
    """Non-overlapping and dense: the elements fill a block of memory exactly once."""
    expected = 1
    for d in sorted(range(len(shape)), key=lambda d: strides[d]):
        if shape[d] == 1:
            continue
        if strides[d] != expected:
            return False
        expected *= shape[d]
    return True


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
    return dtypes.tensor_type_name(t.dtype)


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
    total = np.sum(x, axis=axis, keepdims=keepdims, dtype=dtype)
    return total / (x.size if axis is None else int(np.prod([x.shape[d] for d in axis])))
