"""Reductions: sum, mean, var/std, prod, max/min, norm, cumsum, logsumexp, sort/topk, arg* and any/all.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import errors, kernels
from ..creation import arange
from ..function import Function
from ..tensor import _sizes, _wrap_dim, Tensor, tensor_method
from ._common import _dims, _float_data, _t, _type_name, np_mean, overload
from .arithmetic import maximum, minimum
from .comparison import where
from .indexing import ScatterAdd
from .shape import _expandable_to


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


@tensor_method()
def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype=None) -> Tensor:
    if dim is None:
        return Sum.apply(input, dtype) if dtype else Sum.apply(input)
    return SumDim.apply(input, dim, keepdim, dtype)


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
        return _t(np_mean(a._data, dtype=None if dtype is None else dtype.np).astype(
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
        out = np_mean(a._data, ctx.dims, keepdim)
        return _t(np.asarray(out).astype(a._data.dtype if dtype is None else dtype.np))

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim) / ctx.n, None, None, None


@tensor_method()
def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype=None) -> Tensor:
    if dim is None:
        return Mean.apply(input, dtype) if dtype else Mean.apply(input)
    return MeanDim.apply(input, dim, keepdim, dtype)


def _variance(ctx, a: Tensor, dims: tuple, correction: float, keepdim: bool, name: str) -> np.ndarray:
    """Σ (x - mean)² / (n - correction) in numpy, shared by var and std (``name`` is for the warning)."""
    if a._data.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    x = a._data
    n = int(np.prod([x.shape[d] for d in dims])) if x.ndim else 1
    if n - correction <= 0:
        errors.warn(errors.DOF.format(name=name))
    ctx.dims, ctx.keepdim, ctx.denom = dims, keepdim, n - correction
    out = np.sum((x - np_mean(x, dims, True)) ** 2, axis=dims, keepdims=keepdim) / (n - correction)
    return np.asarray(out).astype(x.dtype)


class Var(Function):
    """Σ (x - mean)² / (n - correction) over ``dims``; gradient 2 (x - mean) / (n - correction)."""

    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim):
        out = _t(_variance(ctx, a, dims, correction, keepdim, "var"))
        ctx.save_for_backward(a)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        centered = a - a.mean(ctx.dims, keepdim=True)
        return _expand_back(grad, a.shape, ctx.dims, ctx.keepdim) * centered * (2 / ctx.denom), None, None, None


@tensor_method()
def var(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> Tensor:
    """The variance over ``dim`` (all elements by default), with Bessel's correction unless told otherwise."""
    return Var.apply(input, *_var_args(input, dim, unbiased, keepdim, correction))


class Std(Function):
    """sqrt(var); gradient (x - mean) / ((n - correction) std)."""

    node_name = "StdBackward0"

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim):
        out = _t(np.sqrt(_variance(ctx, a, dims, correction, keepdim, "std")))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        centered = a - a.mean(ctx.dims, keepdim=True)
        scale = _expand_back(grad / (out * ctx.denom), a.shape, ctx.dims, ctx.keepdim)
        return scale * centered, None, None, None


@tensor_method()
def std(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> Tensor:
    """The standard deviation: ``sqrt(var)``."""
    return Std.apply(input, *_var_args(input, dim, unbiased, keepdim, correction))


def _var_args(input: Tensor, dim: Any, unbiased: Any, keepdim: bool, correction: Any) -> tuple:
    if isinstance(dim, bool):  # var(True): the old ``unbiased`` positional form
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return _dims(dim, input._data.ndim), correction, keepdim


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


@tensor_method()
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


ProdDim = overload(Prod, "ProdDim", "ProdBackward1")  # prod(x, dim): the second overload


@tensor_method()
def prod(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return Prod.apply(input)
    return ProdDim.apply(input, dim, keepdim)


def _prod_of_others(x: np.ndarray, dims: tuple) -> np.ndarray:
    moved = np.moveaxis(x, dims, tuple(range(-len(dims), 0)))
    flat = moved.reshape(moved.shape[: moved.ndim - len(dims)] + (-1,))
    left = np.cumprod(np.concatenate([np.ones_like(flat[..., :1]), flat[..., :-1]], -1), -1)
    right = np.flip(np.cumprod(np.flip(np.concatenate([flat[..., 1:], np.ones_like(flat[..., :1])], -1), -1), -1), -1)
    return np.moveaxis((left * right).reshape(moved.shape), tuple(range(-len(dims), 0)), dims)


class MaxAll(Function):
    """``x.max()``: the gradient is shared evenly among the elements equal to the max."""

    node_name = "MaxBackward1"

    _reduce = staticmethod(np.max)

    @staticmethod
    def forward(ctx, a):
        reduce = ctx._function._reduce
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


MinAll = overload(MaxAll, "MinAll", "MinBackward1", _reduce=staticmethod(np.min))


class Logsumexp(Function):
    """log Σ exp(x) over ``dims``, computed stably; its gradient is softmax(x) * grad."""

    node_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        x = _float_data(a)
        m = np.max(x, axis=dims, keepdims=True) if x.size else np.zeros((1,) * x.ndim, x.dtype)
        m = np.where(np.isfinite(m), m, 0)
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


@tensor_method()
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


@tensor_method()
def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    """(values, indices) sorted along ``dim`` (mirrors ``torch.sort``; ties keep their order)."""
    return _sort_type(*Sort.apply(input, _wrap_dim(dim, input._data.ndim), descending))


Topk = overload(Sort, "Topk", "TopkBackward0")


@tensor_method()
def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices (mirrors ``torch.topk``)."""
    d = _wrap_dim(dim, input._data.ndim)
    if not 0 <= k <= (input._data.shape[d] if input._data.ndim else 1):
        raise RuntimeError("selected index k out of range")
    return _topk_type(*Topk.apply(input, d, largest, k))


class MaxDim(Function):
    """``x.max(dim)``: values and indices; the gradient goes to the chosen index only."""

    node_name = "MaxBackward0"

    _arg = staticmethod(np.argmax)

    @staticmethod
    def forward(ctx, a, dim, keepdim=False):
        arg = ctx._function._arg
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


@tensor_method()
def max(input: Tensor, dim: Any = None, keepdim: bool = False):
    if dim is None:
        return MaxAll.apply(input)
    if isinstance(dim, Tensor):
        return maximum(input, dim)
    return _max_type(*MaxDim.apply(input, dim, keepdim))


MinDim = overload(MaxDim, "MinDim", "MinBackward0", _arg=staticmethod(np.argmin))


@tensor_method()
def min(input: Tensor, dim: Any = None, keepdim: bool = False):
    if dim is None:
        return MinAll.apply(input)
    if isinstance(dim, Tensor):
        return minimum(input, dim)
    return _min_type(*MinDim.apply(input, dim, keepdim))


class Amax(Function):
    """``amax``: like max, but a tie shares the gradient evenly."""

    node_name = "AmaxBackward0"

    _reduce = staticmethod(np.max)

    @staticmethod
    def forward(ctx, a, dim=(), keepdim=False):
        reduce = ctx._function._reduce
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


@tensor_method()
def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return Amax.apply(input, dim, keepdim)


Amin = overload(Amax, "Amin", "AminBackward0", _reduce=staticmethod(np.min))


@tensor_method()
def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return Amin.apply(input, dim, keepdim)


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


@tensor_method()
def norm(input: Tensor, p: float | str = "fro", dim: Any = None, keepdim: bool = False, dtype=None) -> Tensor:
    """The vector p-norm over ``dim`` (all elements by default); "fro" is the 2-norm."""
    p = 2 if p in ("fro", None) else math.inf if p in ("inf", float("inf")) else p
    return Norm.apply(input, p, dim, keepdim)


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


@tensor_method()
def sum_to_size(input: Tensor, *size) -> Tensor:
    shape = _sizes(size)
    if tuple(shape) == input._data.shape:
        return input
    if not _expandable_to(shape, input._data.shape):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(input._data.shape)}}}.")
    return SumToSize.apply(input, shape)


@tensor_method()
def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return _t(np.asarray(np.argmax(input._data), dtype=np.int64))
    return _t(np.argmax(input._data, axis=_wrap_dim(dim, input._data.ndim), keepdims=keepdim).astype(np.int64))


@tensor_method()
def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return _t(np.asarray(np.argmin(input._data), dtype=np.int64))
    return _t(np.argmin(input._data, axis=_wrap_dim(dim, input._data.ndim), keepdims=keepdim).astype(np.int64))


@tensor_method()
def argsort(input: Tensor, dim: int = -1, descending: bool = False) -> Tensor:
    d = input._data if not descending else -input._data
    return _t(np.argsort(d, axis=dim, kind="stable").astype(np.int64))


@tensor_method()
def any(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _t(np.any(input._data, axis=dim, keepdims=keepdim))


@tensor_method()
def all(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _t(np.all(input._data, axis=dim, keepdims=keepdim))


@tensor_method()
def count_nonzero(input: Tensor, dim: int | None = None) -> Tensor:
    return _t(np.asarray(np.count_nonzero(input._data, axis=dim), dtype=np.int64))


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
