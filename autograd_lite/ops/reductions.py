"""Reductions: sum, mean, var/std, prod, max/min, norm, cumsum/cumprod, logsumexp, sort/topk, arg* and any/all.
"""
from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from .. import dtypes, errors, kernels, layout
from ..creation import arange, linspace, ones, zeros, zeros_like
from ..dtypes import dtype as _dtype
from ..function import Function
from ..grad_mode import _state
from ..tensor import _numpy_keywords, _sizes, _wrap_dim, Tensor, tensor_method
from ._common import _dims, _float_data, _new, _scalar_name, _t, _type_name, np_mean, overload
from .arithmetic import DivScalar, maximum, minimum, MulScalar
from .comparison import where
from .shape import _expandable_to, cat

_REQUIRED = object()  # a required argument PyTorch names in its own TypeError when left out


def _unsqueeze_back(grad: Tensor, dims: tuple, keepdim: bool) -> Tensor:
    """Put a reduction's reduced dimensions back (size 1), for a gradient that broadcasts."""
    if not keepdim:
        for d in dims:
            grad = grad.unsqueeze(d)
    return grad


def _restore_reduced_dims(grad: Tensor, dims: tuple, keepdim: bool) -> Tensor:
    """PyTorch's restore_reduced_dims: the reduced dimensions put back by a reshape (amax/amin's
    formula reads it so; the others unsqueeze, see ``_unsqueeze_back``)."""
    if keepdim:
        return grad
    shape, sizes = [], iter(grad.shape)
    for d in range(grad.dim() + len(dims)):
        shape.append(1 if d in dims else next(sizes))
    return grad.reshape(shape)


def _accumulate_in(ctx, input: Tensor, dtype: _dtype | None) -> Any:
    """The dtype= of sum, nansum, prod, cumsum and cumprod: the dtype the reduction computes and
    returns in (None: numpy's choice for floats, int64 for integers and bools, as PyTorch's). An
    integral one is refused where the result would be recorded (grad mode on, the input requiring
    grad), as PyTorch refuses it: such a result cannot carry a gradient."""
    if dtype is None:
        return np.int64 if input._data.dtype.kind in "biu" else None
    if ctx.needs_input_grad[0] and not dtype.is_floating_point:
        raise RuntimeError(f"Autograd not support dtype: {dtypes.scalar_type_name(dtype)}")
    return dtype.np


def _expand_back(grad: Tensor, shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    """Undo a reduction over ``dims``: put the reduced dimensions back and broadcast."""
    return _unsqueeze_back(grad, dims, keepdim).expand(shape)


class Sum(Function):
    node_name = "SumBackward0"

    @staticmethod
    def forward(ctx, a, dtype=None):
        ctx.shape = a._data.shape
        return _new(np.add.reduce(a._data, axis=None, dtype=_accumulate_in(ctx, a, dtype)))

    @staticmethod
    def backward(ctx, grad):
        return grad.expand(ctx.shape), None


class SumDim(Function):
    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, a, dim, keepdim=False, dtype=None):
        ctx.shape, ctx.dims, ctx.keepdim = a._data.shape, _dims(dim, a._data.ndim), keepdim
        return _new(np.add.reduce(a._data, axis=ctx.dims, keepdims=keepdim, dtype=_accumulate_in(ctx, a, dtype)))

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim), None, None, None


@tensor_method()
def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: _dtype | None = None) -> Tensor:
    """Sum of all elements (``SumBackward0``) or along ``dim`` (``SumBackward1``)."""
    if dim is None:
        return Sum.apply(input, dtype) if dtype else Sum.apply(input)
    return SumDim.apply(input, dim, keepdim, dtype)


def _check_mean_dtype(a: Tensor, dtype) -> None:
    if dtype is not None and not dtype.is_floating_point:
        raise RuntimeError("mean(): could not infer output dtype. Optional dtype must be either a floating point or "
                           f"complex dtype. Got: {dtypes.scalar_type_name(dtype)}")
    if a._data.dtype.kind != "f" and dtype is None:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
            f"Got: {_type_name(a)}"
        )


def _mean(x: np.ndarray, dims: tuple | None, keepdim: bool, dtype) -> np.ndarray:
    """Σ x / n, in ``dtype`` if given; an empty slice is nan without numpy's "Mean of empty slice"."""
    dt = x.dtype if dtype is None else dtype.np
    n = x.size if dims is None else int(np.prod([x.shape[d] for d in dims]))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.add.reduce(x, axis=dims, keepdims=keepdim, dtype=dt) / n).astype(dt, copy=False)


class Nansum(Function):
    """``sum`` with NaN counted as zero: so NaN positions get no gradient (PyTorch's nansum_backward)."""

    node_name = "NansumBackward0"

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False, dtype=None):
        ctx.shape, ctx.keepdim, ctx.input_dtype = a._data.shape, keepdim, a.dtype
        ctx.dims = _dims(dim, a._data.ndim)
        ctx.save_for_backward(a)
        data = a._data
        if data.dtype.kind == "f":
            data = np.where(np.isnan(data), data.dtype.type(0), data)
        return _new(np.add.reduce(data, axis=ctx.dims, keepdims=keepdim, dtype=_accumulate_in(ctx, a, dtype)))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return _unsqueeze_back(grad.to(ctx.input_dtype), ctx.dims, ctx.keepdim) * a.isnan().logical_not(), None, None, None


@tensor_method()
def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: _dtype | None = None) -> Tensor:
    """Sum of the elements that are not NaN (``NansumBackward0``)."""
    return Nansum.apply(input, dim, keepdim, dtype)


class Mean(Function):
    node_name = "MeanBackward0"

    @staticmethod
    def forward(ctx, a, dtype=None):
        _check_mean_dtype(a, dtype)
        ctx.shape, ctx.n = a._data.shape, a._data.size
        return _new(_mean(a._data, None, False, dtype))

    @staticmethod
    def backward(ctx, grad):
        return DivScalar.apply(grad.expand(ctx.shape), ctx.n), None


class MeanDim(Function):
    node_name = "MeanBackward1"

    @staticmethod
    def forward(ctx, a, dim, keepdim=False, dtype=None):
        _check_mean_dtype(a, dtype)
        ctx.shape, ctx.dims, ctx.keepdim = a._data.shape, _dims(dim, a._data.ndim), keepdim
        ctx.n = int(np.prod([a._data.shape[d] for d in ctx.dims]))
        return _new(_mean(a._data, ctx.dims, keepdim, dtype))

    @staticmethod
    def backward(ctx, grad):
        return DivScalar.apply(_expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim), ctx.n), None, None, None


@tensor_method()
def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: _dtype | None = None) -> Tensor:
    """Mean of all elements (``MeanBackward0``) or along ``dim`` (``MeanBackward1``)."""
    if dim is None:
        return Mean.apply(input, dtype) if dtype else Mean.apply(input)
    return MeanDim.apply(input, dim, keepdim, dtype)


def _variance(ctx, a: Tensor, dims: tuple | None, correction: float, keepdim: bool, name: str) -> np.ndarray:
    """Σ (x - mean)² / max(0, n - correction) in numpy, shared by var and std (``name`` is for the warning).

    As in PyTorch, a non-positive dof divides by 0 (nan or inf, never a negative variance) and
    warns; ``dims`` None means every element (it picks the backward formula, see ``_var_backward``).
    """
    x = a._data
    ctx.all, dims = dims is None or not x.ndim, tuple(range(x.ndim)) if dims is None else dims
    n = int(np.prod([x.shape[d] for d in dims]))
    if (n if x.size else 0) - correction <= 0:  # PyTorch's reduction factor is 0 for an empty input
        errors.warn(errors.DOF.format(name=name))
    ctx.dims, ctx.keepdim, ctx.dof = dims, keepdim, n - correction
    centered = x - np.sum(x, axis=dims, keepdims=True) / n
    out = np.sum(centered * centered, axis=dims, keepdims=keepdim) / builtins.max(0, n - correction)
    return np.asarray(out).astype(x.dtype)


def _var_backward(ctx, grad: Tensor, a: Tensor) -> Tensor:
    """PyTorch's var_backward, ``2 / (n - correction) * grad * (x - mean)`` (std's backward reuses it)."""
    if ctx.all and ctx.dof <= 0:  # the whole-tensor formula: 2 / 0 times 0 is nan, times the rest inf
        return grad * where(a == a.mean(), math.nan, math.inf)
    if not ctx.all and not ctx.keepdim and a.ndim > 1:
        for d in sorted(ctx.dims):  # (PyTorch's unsqueeze_multiple)
            grad = grad.unsqueeze(d)
    centered = a - (a.mean() if ctx.all else a.mean(ctx.dims, keepdim=True))  # (C++: the right operand first)
    factor = 2 / ctx.dof if ctx.dof else math.inf
    return MulScalar.apply(grad, factor) * centered


class Var(Function):
    """Σ (x - mean)² / (n - correction) over ``dims``; gradient 2 (x - mean) / (n - correction)."""

    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim):
        out = _new(_variance(ctx, a, dims, correction, keepdim, "var"))
        ctx.save_for_backward(a)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return _var_backward(ctx, grad, a), None, None, None


@tensor_method()
def var(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> Tensor:
    """The variance over ``dim`` (all elements by default), with Bessel's correction unless told otherwise."""
    return Var.apply(input, *_var_args(input, dim, unbiased, keepdim, correction))


class Std(Function):
    """sqrt(var); gradient var's gradient times 1 / (2 std), 0 where std is 0 (PyTorch's mask)."""

    node_name = "StdBackward0"

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim):
        out = _new(np.sqrt(_variance(ctx, a, dims, correction, keepdim, "std")))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors  # PyTorch's std_backward: (grad / (std * 2)), 0 where std is 0
        return _var_backward(ctx, (grad / MulScalar.apply(out, 2)).masked_fill(out == 0, 0), a), None, None, None


@tensor_method()
def std(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> Tensor:
    """The standard deviation: ``sqrt(var)``."""
    return Std.apply(input, *_var_args(input, dim, unbiased, keepdim, correction))


def _var_args(input: Tensor, dim: Any, unbiased: Any, keepdim: bool, correction: Any) -> tuple:
    if input._data.dtype.kind != "f":  # before the dims are checked, as PyTorch does
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if isinstance(dim, bool):  # var(True): the old ``unbiased`` positional form
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return None if dim is None else _dims(dim, input._data.ndim), correction, keepdim


class Cumsum(Function):
    node_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx, a, dim, dtype=None):
        ctx.dim, ctx.input_dtype = dim, a.dtype
        data = a._data if dtype is None else a._data.astype(_accumulate_in(ctx, a, dtype))
        if data.dtype.kind in "biu":
            out = np.cumsum(data, axis=dim, dtype=np.int64 if dtype is None else data.dtype)
        else:  # PyTorch's running sum starts from +0 in float64 (its CPU accumulate type), so an
            # all -0 prefix sums to +0 and float32 partial sums are rounded once
            out = np.cumsum(data, axis=dim, dtype=np.float64)
            if data.ndim:  # (a 0-d input is copied)
                out += 0.0
            out = out.astype(data.dtype, copy=False)
        return _new(out.reshape(data.shape))  # (numpy flattens a 0-d input to shape [1])

    @staticmethod
    def backward(ctx, grad):
        grad = grad.to(ctx.input_dtype)  # (PyTorch's formula: with a dtype=, the gradient is cast back first)
        if grad._data.size <= 1 or grad._data.shape[ctx.dim] == 1:  # (PyTorch's trivial case: grad itself)
            return grad, None, None
        return grad.flip((ctx.dim,)).cumsum(ctx.dim).flip((ctx.dim,)), None, None


@tensor_method()
def cumsum(input: Tensor, dim: int, *, dtype: _dtype | None = None) -> Tensor:
    """Running sums along ``dim``; the gradient is the reversed running sum of the gradient."""
    dim = _wrap_dim(dim, input._data.ndim)
    return Cumsum.apply(input, dim) if dtype is None else Cumsum.apply(input, dim, dtype)


class Cumprod(Function):
    node_name = "CumprodBackward0"

    @staticmethod
    def forward(ctx, a, dim, dtype=None):
        ctx.given_dim, ctx.dim = dim, _wrap_dim(dim, a._data.ndim)  # (PyTorch saves the dim as given)
        data = a._data if dtype is None else a._data.astype(_accumulate_in(ctx, a, dtype))
        # (PyTorch's running product is kept in float64, its CPU accumulate type)
        integral = data.dtype.kind in "biu"
        keep = data.dtype if dtype is not None else np.int64 if integral else data.dtype  # (integers: int64 unless dtype=)
        out = np.cumprod(data, axis=ctx.dim, dtype=keep if integral else np.float64)
        out = _new(out.astype(keep, copy=False).reshape(data.shape))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors  # (with ``dtype``, the input keeps its own: no cast node between)
        return _cumprod_backward(grad.to(a.dtype), a, ctx.dim, out), None, None


def _reversed_cumsum(w: Tensor, dim: int) -> Tensor:
    return w.flip((dim,)).cumsum(dim).flip((dim,))


def _cumprod_backward(grad: Tensor, a: Tensor, dim: int, out: Tensor) -> Tensor:
    """PyTorch's cumprod_backward. d out_j / d a_k is the product of a_0..a_j without a_k: without
    zeros ``out_j / a_k``, so the gradient is ``reversed_cumsum(out * grad) / a``. With a zero
    that division fails; then, under create_graph, the products are spelled out (a prod of the
    elements before k times a cumprod of those after it) so their graph is differentiable."""
    if a._data.size <= 1 or a.shape[dim] == 1:
        return grad
    w = out * grad
    if not (a._data == 0).any():
        return _reversed_cumsum(w, dim).div(a)
    if not _state.enabled:
        return _cumprod_zeros_backward_values(grad, a, dim, out, w)
    n = a.shape[dim]
    ones_size = list(a.shape)
    ones_size[dim] = 1
    first = ones(1, dtype=grad.dtype).expand(ones_size)
    grad_input = zeros(a.shape, dtype=grad.dtype)
    for k in range(n):
        if k == 0:
            others = cat([first, a.narrow(dim, 1, n - 1).cumprod(dim)], dim)
        else:
            until_k = a.narrow(dim, 0, k).prod(dim, keepdim=True)
            if k == n - 1:
                others = until_k
            else:
                after_k = a.narrow(dim, k + 1, n - k - 1).cumprod(dim)
                others = cat([until_k, until_k.expand_as(after_k) * after_k], dim)
        grad_input.select(dim, k).copy_((grad.narrow(dim, k, n - k) * others).sum(dim))
    return grad_input


def _cumprod_zeros_backward_values(grad: Tensor, a: Tensor, dim: int, out: Tensor, w: Tensor) -> Tensor:
    """Without create_graph, PyTorch's O(n) way with zeros: before the first zero z1 as without
    zeros; at z1, ``out[z1 - 1]`` times the sum of grad[j] * prod(a[z1 + 1..j]) up to the second
    zero; after z1, nothing (every product holds a zero)."""
    zeros_so_far = (a == 0).cumsum(dim)
    before = zeros_so_far == 0
    result = (_reversed_cumsum(w.masked_fill(~before, 0.0), dim) / a).masked_fill(~before, 0.0)
    segment = zeros_so_far == 1  # from the first zero to the second
    at_zero = segment & (a == 0)
    index = at_zero.max(dim, keepdim=True)[1]
    before_zero = out.gather(dim, (index - 1).clamp(min=0)).masked_fill(index == 0, 1.0)
    at_first = (a.masked_fill(~(segment & ~at_zero), 1.0).cumprod(dim) * grad.masked_fill(~segment, 0.0)
                ).sum(dim, keepdim=True) * before_zero
    return where(at_zero, at_first, result)


@tensor_method()
def cumprod(input: Tensor, dim: int, *, dtype: _dtype | None = None) -> Tensor:
    """Running products along ``dim`` (``CumprodBackward0``; zeros handled in backward)."""
    return Cumprod.apply(input, dim, dtype)


class Prod(Function):
    node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False, dtype=None):
        ctx.dims = None if dim is None else _dims(dim, a._data.ndim)
        ctx.keepdim = keepdim
        out = _new(np.multiply.reduce(a._data, axis=ctx.dims, keepdims=keepdim, dtype=_accumulate_in(ctx, a, dtype)))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        """PyTorch's prod_backward: ``grad * (result / input)``, the reduced dimension unsqueezed back
        (broadcasting, not expanded); with zeros, the products of the other elements."""
        a, out = ctx.saved_tensors
        if not a.ndim:
            return grad, None, None, None
        zeros = np.count_nonzero(a._data == 0)
        if ctx.dims is None:
            if not zeros:
                return grad * (out / a), None, None, None
            if zeros > 1 and not _state.enabled:  # (no create_graph: all zero)
                return zeros_like(a, memory_format=layout.contiguous_format), None, None, None
            return _prod_safe_zeros_backward(grad, a.contiguous().view(-1), 0).view_as(a), None, None, None
        dim, = ctx.dims
        if not ctx.keepdim:
            grad, out = grad.unsqueeze(dim), out.unsqueeze(dim)
        if not zeros:
            return grad * (out / a), None, None, None
        return _prod_safe_zeros_backward(grad, a, dim), None, None, None


def _prod_safe_zeros_backward(grad: Tensor, a: Tensor, dim: int) -> Tensor:
    """PyTorch's prod_safe_zeros_backward: ``grad`` times, per element, the product of the others
    of its slice along ``dim``, as exclusive running products from the front and from the back
    (safe with zeros: nothing is divided):

        input:                [    a,     b,     c]
        exclusive, forward:   [    1,     a, a * b]
        exclusive, backward:  [b * c,     c,     1]
    """
    if not a._data.size:
        return grad.expand_as(a)
    n = a.shape[dim]
    if n == 1:
        return grad
    ones_size = list(a.shape)
    ones_size[dim] = 1
    first = ones(ones_size, dtype=grad.dtype)
    forward = cat([first, a.narrow(dim, 0, n - 1)], dim).cumprod(dim)
    backward = cat([first, a.narrow(dim, 1, n - 1).flip((dim,))], dim).cumprod(dim).flip((dim,))
    return grad * (forward * backward)


ProdDim = overload(Prod, "ProdDim", "ProdBackward1")  # prod(x, dim): the second overload


@tensor_method()
def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype: _dtype | None = None) -> Tensor:
    """Product of all elements or along ``dim`` (``ProdBackward0``/``ProdBackward1``); zeros handled in backward."""
    if dim is None:
        return Prod.apply(input) if dtype is None else Prod.apply(input, None, False, dtype)
    if not isinstance(dim, int):
        raise _prod_dim_error(dim, keepdim, method=False)
    return ProdDim.apply(input, dim, keepdim) if dtype is None else ProdDim.apply(input, dim, keepdim, dtype)


def _prod_method(self: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype: _dtype | None = None) -> Tensor:
    if dim is not None and not isinstance(dim, int):
        raise _prod_dim_error(dim, keepdim, method=True)
    return prod(self, dim, keepdim, dtype=dtype)


def _prod_dim_error(dim: Any, keepdim: bool, method: bool) -> TypeError:
    """prod takes one dim only (unlike sum): PyTorch's argument parser finds no signature for a
    tuple, and lists both (the method's without ``input``); with ``keepdim`` only one is left."""
    kind = type(dim).__name__
    if keepdim:  # (as the method's positional dim or the function's keyword one)
        return TypeError(f"prod(): argument 'dim' {'(position 1) ' if method else ''}must be int, not {kind}")
    if method:
        got, signatures = f"(dim={kind}, )", ("(*, torch.dtype dtype = None)",
                                              "(int dim, bool keepdim = False, *, torch.dtype dtype = None)")
    else:
        got, signatures = f"(Tensor, dim={kind})", (
            "(Tensor input, *, torch.dtype dtype = None)",
            "(Tensor input, int dim, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)")
    return TypeError(f"prod() received an invalid combination of arguments - got {got}, but expected one of:\n"
                     + "".join(f" * {s}\n" for s in signatures))


_prod_method.__name__ = _prod_method.__qualname__ = "prod"
_prod_method.__doc__ = prod.__doc__
Tensor.prod = _numpy_keywords(_prod_method)


def _check_nonempty(name: str, a: Tensor, dim: Any, as_given: bool = False) -> None:
    """max/min-like reductions have no value for an empty set: PyTorch refuses to reduce over a
    dimension of size 0 (naming the dim ``as_given`` by the caller or wrapped, as each op does)."""
    if a._data.size:
        return
    if dim is None or dim == ():
        if name.startswith("arg"):
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           "reduction dim with the 'dim' argument.")
    n = a._data.ndim
    for d in sorted(dim if isinstance(dim, (tuple, list)) else (dim,), key=lambda d: _wrap_dim(d, n)):
        if a._data.shape[_wrap_dim(d, n)] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d if as_given else _wrap_dim(d, n)} to have "
                             "non-zero size.")


class MaxAll(Function):
    """``x.max()``: the gradient is shared evenly among the elements equal to the max."""

    node_name = "MaxBackward1"

    _reduce = staticmethod(np.max)

    @staticmethod
    def forward(ctx, a):
        reduce = ctx._function._reduce
        _check_nonempty("max" if reduce is np.max else "min", a, None)
        out = _new(reduce(a._data))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors  # PyTorch's evenly_distribute_backward (NaN: the NaNs share it)
        mask = a.isnan() if np.isnan(out._data) else a == out
        return zeros(a.shape, dtype=grad.dtype).masked_fill(mask, grad / mask.sum()), None


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
        out = _new((out if keepdim else out.squeeze(dims)).astype(x.dtype))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors  # PyTorch's logsumexp_backward: grad * exp(a - result), broadcast
        keep = ctx.keepdim or not a.dim()
        return _unsqueeze_back(grad, ctx.dims, keep) * (a - _unsqueeze_back(out, ctx.dims, keep)).exp(), None, None


@tensor_method()
def logsumexp(input: Tensor, dim: Any = _REQUIRED, keepdim: bool = False) -> Tensor:
    """log(sum(exp(input))) over ``dim`` without overflow (mirrors ``torch.logsumexp``)."""
    if dim is _REQUIRED:
        raise errors.missing_arguments("logsumexp", "dim")
    return Logsumexp.apply(input, _dims(dim, input._data.ndim), keepdim)


class Sort(Function):
    """Values sorted along ``dim`` and where they came from; the gradient goes back to those places."""

    node_name = "SortBackward0"

    @staticmethod
    def forward(ctx, a, dim, descending, k=None):
        x = a._data if a._data.ndim else a._data.reshape(1)  # a 0-d tensor sorts as one element
        order = _argsort(x, dim, descending)
        if k is not None:
            order = np.take(order, np.arange(k), axis=dim)
        values = np.take_along_axis(x, order, dim)
        if not a._data.ndim:
            order, values = order.reshape(order.shape[1:]), values.reshape(values.shape[1:])
        # sort keeps the input's layout (as empty_like), topk's results are contiguous
        lay = (lambda r: layout.like(r, a._data)) if k is None else layout.contiguous
        indices = _t(lay(order.astype(np.int64)))
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)  # saved as PyTorch saves them: freed after backward
        ctx.shape, ctx.dim = a._data.shape, dim
        return _t(lay(values)), indices

    @staticmethod
    def backward(ctx, grad, _):
        indices, = ctx.saved_tensors
        if not ctx.shape:
            return grad, None, None, None
        # PyTorch's value_selecting_reduction_backward: the gradient scattered into zeros
        return zeros(ctx.shape, dtype=grad.dtype).scatter(ctx.dim, indices, grad), None, None, None


@tensor_method()
def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> tuple:
    """(values, indices) sorted along ``dim`` (mirrors ``torch.sort``; ties keep their order)."""
    return _sort_type(*Sort.apply(input, _wrap_dim(dim, input._data.ndim), descending))


Topk = overload(Sort, "Topk", "TopkBackward0")


@tensor_method()
def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> tuple:
    """The ``k`` largest (or smallest) values along ``dim`` and their indices (mirrors ``torch.topk``)."""
    d = _wrap_dim(dim, input._data.ndim)
    if not 0 <= k <= (input._data.shape[d] if input._data.ndim else 1):  # (checked first, bool or not)
        raise RuntimeError("selected index k out of range")
    if input._data.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    return _topk_type(*Topk.apply(input, d, largest, k))


class MaxDim(Function):
    """``x.max(dim)``: values and indices; the gradient goes to the chosen index only."""

    node_name = "MaxBackward0"

    _arg = staticmethod(np.argmax)

    @staticmethod
    def forward(ctx, a, dim, keepdim=False):
        arg = ctx._function._arg
        d = _wrap_dim(dim, a._data.ndim)
        _check_nonempty("max" if arg is np.argmax else "min", a, d)
        if a._data.ndim == 0:
            idx = np.zeros((), np.int64)
        else:
            idx = arg(a._data, axis=d, keepdims=True)
        values = np.take_along_axis(a._data, idx, d) if a._data.ndim else a._data.copy()
        if not keepdim and a._data.ndim:
            values, idx = values.squeeze(d), idx.squeeze(d)
        indices = _new(idx.astype(np.int64))
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)
        ctx.shape, ctx.dim, ctx.keepdim = a._data.shape, d, keepdim
        return _new(values), indices

    @staticmethod
    def backward(ctx, grad, _):
        indices, = ctx.saved_tensors
        if not ctx.shape:
            return grad, None, None
        idx = indices if ctx.keepdim else indices.unsqueeze(ctx.dim)
        g = grad if ctx.keepdim else grad.unsqueeze(ctx.dim)
        # PyTorch's value_selecting_reduction_backward: the gradient scattered into zeros (+0. elsewhere)
        return zeros(ctx.shape, dtype=grad.dtype).scatter(ctx.dim, idx, g), None, None


@tensor_method()
def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor | tuple:
    """The largest element; along ``dim`` a (values, indices) named tuple; with a tensor, ``maximum``."""
    if dim is None:
        return MaxAll.apply(input)
    if isinstance(dim, Tensor):
        return maximum(input, dim)
    return _max_type(*MaxDim.apply(input, dim, keepdim))


MinDim = overload(MaxDim, "MinDim", "MinBackward0", _arg=staticmethod(np.argmin))


@tensor_method()
def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor | tuple:
    """The smallest element; along ``dim`` a (values, indices) named tuple; with a tensor, ``minimum``."""
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
        _check_nonempty("amax" if reduce is np.max else "amin", a, dim, as_given=True)
        ctx.dims = _dims(dim if dim != () else None, a._data.ndim)
        ctx.keepdim = keepdim
        out = reduce(a._data, axis=ctx.dims, keepdims=keepdim)
        out = _new(_first_zero(a._data, out, ctx.dims, keepdim))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        mask = a == _expand_back(out, a.shape, ctx.dims, ctx.keepdim)
        count = mask.sum(ctx.dims, keepdim=True)
        return _restore_reduced_dims(grad, ctx.dims, ctx.keepdim) / count * mask, None, None  # scale_grad_by_count


def _first_zero(x: np.ndarray, out: np.ndarray, dims: tuple | None, keepdim: bool) -> np.ndarray:
    """amax/amin keep the first of equal values (PyTorch's kernel replaces its running value only by
    a greater/smaller one): a zero result takes the sign of the first zero along the reduced dims."""
    if out.dtype.kind != "f" or not (out == 0).any():
        return out
    dims = tuple(range(x.ndim)) if dims is None else dims
    kept = [d for d in range(x.ndim) if d not in dims]
    rows = np.transpose(x, kept + list(dims)).reshape([x.shape[d] for d in kept] + [-1])
    first = np.take_along_axis(rows, np.argmax(rows == 0, axis=-1)[..., None], -1)[..., 0]
    first = first.reshape(out.shape)
    return np.where(out == 0, first, out)


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
        dtypes.check_accepts("norm", a)
        ctx.p, ctx.dims, ctx.keepdim, ctx.all = p, _dims(dim, a._data.ndim), keepdim, dim is None
        x = np.abs(a._data)
        if p == 2:
            out = np.sqrt(np.sum(x * x, axis=ctx.dims, keepdims=keepdim))
        elif p == math.inf:
            out = np.max(x, axis=ctx.dims, keepdims=keepdim)
        elif p == 0:  # the number of non-zero elements
            out = np.sum(x != 0, axis=ctx.dims, keepdims=keepdim).astype(x.dtype)
        else:
            out = np.sum(x ** p, axis=ctx.dims, keepdims=keepdim) ** (1 / p)
        out = _new(out.astype(x.dtype, copy=False))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        keep = ctx.keepdim or ctx.all or not a.dim()  # (all dimensions: a 0-d result broadcasts as it is)
        return _norm_backward(_unsqueeze_back(grad, ctx.dims, keep), a, ctx.p,
                              _unsqueeze_back(out, ctx.dims, keep), ctx.dims), None, None, None


def _norm_backward(grad: Tensor, a: Tensor, p: float, norm: Tensor, dims: tuple) -> Tensor | None:
    """PyTorch's norm_backward, op for op (so a double backward records its nodes); 0 where the
    norm is 0 (a subgradient); p = 0 has no gradient at all."""
    if p == 0:
        return None
    if p == 1:
        return a.sgn() * grad
    if p == 2:
        return grad * (a / norm).masked_fill_(norm == 0, 0)  # (in place, as PyTorch's)
    if p == math.inf:  # amax(abs(a))'s gradient, shared among the maxima (NaNs count as maxima)
        a_abs = a.abs()
        mask = (a_abs == norm).logical_or(a_abs.isnan())
        return a.sgn() * ((grad / mask.sum(dims, keepdim=True)) * mask)
    if p < 1:
        return a.sgn() * a.abs().pow(p - 1).masked_fill_(a == 0, 0) * grad * norm.pow(1 - p)
    scaled = a.sgn() * a.abs().pow(p - 1) if p < 2 else a * a.abs().pow(p - 2)
    return scaled * (grad / norm.pow(p - 1)).masked_fill_(norm == 0, 0)


def norm(input: Tensor, p: float | str = "fro", dim: Any = None, keepdim: bool = False, dtype: _dtype | None = None) -> Tensor:
    """The vector p-norm over ``dim`` (all elements by default); "fro" is the 2-norm (of at most 2 dims)."""
    if p == "fro" and isinstance(dim, (tuple, list)) and len(dim) > 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    p = 2 if p in ("fro", None) else math.inf if p in ("inf", float("inf")) else p
    return Norm.apply(input, p, dim, keepdim)


def _norm_method(self: Tensor, p: float | str = "fro", dim: Any = None, keepdim: bool = False, dtype=None) -> Tensor:
    return norm(self, p, dim, keepdim, dtype)


# torch.norm and Tensor.norm are Python code (no numpy keywords), and Python names them in its
# messages: "Tensor.norm() got an unexpected keyword argument 'keepdims'"
_norm_method.__name__, _norm_method.__qualname__, _norm_method.__doc__ = "norm", "Tensor.norm", norm.__doc__
Tensor.norm = _norm_method


@tensor_method()
def sum_to_size(input: Tensor, *size: Any) -> Tensor:
    """Sum broadcast dimensions away until the tensor has ``size`` (how gradients of broadcasts are reduced).

    PyTorch's sum_to, with its nodes: ``sum()`` to a 0-d size, else the summed dimensions kept
    (``sum(dims, keepdim=True)``), then a ``view`` when leading dimensions must go."""
    shape = tuple(_sizes(size))
    if shape == input._data.shape:
        return input
    if not _expandable_to(shape, input._data.shape):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(input._data.shape)}}}.")
    lead = input._data.ndim - len(shape)
    sizes = input._data.shape[lead:]
    dims = tuple(range(lead)) + tuple(lead + i for i, (n, m) in enumerate(zip(shape, sizes)) if n == 1 and m != 1)
    if not _state.enabled and input._data.dtype.kind == "f":  # nothing recorded (a plain backward): the sum alone
        return _new(np.add.reduce(input._data, axis=dims, keepdims=True).reshape(shape))
    if not shape:
        return Sum.apply(input)
    out = SumDim.apply(input, dims, True) if dims else input
    return out.view(shape) if lead else out


@tensor_method()
def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the largest element (of the flattened tensor without ``dim``); int64, no gradient."""
    dtypes.check_accepts("argmax", input)
    _check_nonempty("argmax", input, dim)
    if dim is None:
        return _new(np.asarray(np.argmax(input._data, keepdims=keepdim), dtype=np.int64))
    return _new(np.argmax(input._data, axis=_wrap_dim(dim, input._data.ndim), keepdims=keepdim).astype(np.int64))


@tensor_method()
def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the smallest element (of the flattened tensor without ``dim``); int64, no gradient."""
    dtypes.check_accepts("argmin", input)
    _check_nonempty("argmin", input, dim)
    if dim is None:
        return _new(np.asarray(np.argmin(input._data, keepdims=keepdim), dtype=np.int64))
    return _new(np.argmin(input._data, axis=_wrap_dim(dim, input._data.ndim), keepdims=keepdim).astype(np.int64))


@tensor_method()
def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices ``sort`` would return: the order, without the values."""
    return sort(input, dim, descending, stable)[1]


def _argsort(x: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """A stable argsort along ``dim`` with PyTorch's order: NaN is the largest value (first when descending)."""
    if not descending:
        return np.argsort(x, axis=dim, kind="stable")  # numpy already puts NaN last
    if x.dtype.kind == "b":
        x = x.astype(np.int8)
    key = np.where(np.isnan(x), -np.inf, -x) if x.dtype.kind == "f" else -x.astype(np.int64) if x.dtype.kind == "u" else -x
    order = np.argsort(key, axis=dim, kind="stable")
    if x.dtype.kind == "f":  # NaNs first, keeping their order, then the rest
        nan_first = np.argsort(~np.isnan(np.take_along_axis(x, order, dim)), axis=dim, kind="stable")
        order = np.take_along_axis(order, nan_first, dim)
    return order


@tensor_method()
def any(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _new(np.asarray(np.any(input._data, axis=_dims(dim, input._data.ndim), keepdims=keepdim)))


@tensor_method()
def all(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _new(np.asarray(np.all(input._data, axis=_dims(dim, input._data.ndim), keepdims=keepdim)))


@tensor_method()
def count_nonzero(input: Tensor, dim: int | None = None) -> Tensor:
    return _new(np.asarray(np.count_nonzero(input._data, axis=_dims(dim, input._data.ndim)), dtype=np.int64))


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


def _histogram_counts(x: np.ndarray, edges: np.ndarray, weight: np.ndarray | None, linear: bool,
                      local_search: bool = True) -> np.ndarray:
    """PyTorch's histogram kernel: each value in [edges[0], edges[-1]] counted (or weighted) into its bin.

    Bins hold their left edge, the last one both. With evenly spaced ``edges`` the bin is
    ``(x - left) * bins / (right - left)`` in the input's precision, then (``histogram``,
    not ``histc``) moved to a neighbour if ``edges`` disagree; other edges: a binary search.
    """
    bins = len(edges) - 1
    keep = (x >= edges[0]) & (x <= edges[-1])  # NaN is never counted
    x = x[keep]
    if linear:
        pos = ((x - edges[0]) * x.dtype.type(bins) / (edges[-1] - edges[0])).astype(np.int64)
        if local_search:
            low = np.maximum(pos - 1, 0)
            high = np.minimum(pos + 2, bins + 1)
            above = np.zeros_like(pos)  # how many of the edges low, low + 1, low + 2 (below high) are <= x
            for k in range(3):
                above += (low + k < high) & (edges[np.minimum(low + k, bins)] <= x)
            pos = low + above - 1
    else:
        pos = np.searchsorted(edges, x, side="right") - 1
    pos[pos == bins] = bins - 1
    hist = np.zeros(bins, x.dtype)
    if weight is None:
        hist += np.bincount(pos, minlength=bins).astype(x.dtype)
    else:
        np.add.at(hist, pos, weight[keep])  # in order, in the input's precision, as PyTorch adds
    return hist


def _check_histogram_dtype(input: Tensor, kernel: str) -> None:
    dtypes.check_accepts("histogram", input, kernel=kernel)


def _check_bins(bins: int) -> None:
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")


@tensor_method()
def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """Counts in ``bins`` equal bins between ``min`` and ``max`` (the data's range when they are equal)."""
    _check_bins(bins)
    lo, hi = float(min), float(max)
    if lo == hi and input._data.size:
        lo, hi = float(input._data.min()), float(input._data.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    if not lo < hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    _check_histogram_dtype(input, "histogram_cpu")
    edges = linspace(lo, hi, bins + 1, dtype=input.dtype)._data
    return _t(_histogram_counts(input._data.reshape(-1), edges, None, linear=True, local_search=False))


class Histogram(Function):
    """``torch.histogram``: PyTorch records a node whose backward raises, so this one does too; its
    inputs are the tensors (input, bins, weight) that require grad, and ``compute`` gives the outputs."""

    node_name = "NotImplemented"
    node_in_torch_autograd = True

    @staticmethod
    def forward(ctx, *differentiable, compute):
        return compute()

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("derivative for aten::histogram is not implemented")


@tensor_method()
def histogram(input: Tensor, bins: Any, *, range: Any = None, weight: Tensor | None = None,
              density: bool = False) -> tuple:
    """(hist, bin_edges): counts (or summed weights, or a density) in ``bins`` equal bins or between given edges."""
    name = _scalar_name(input)
    if isinstance(bins, Tensor):
        if bins.dtype != input.dtype:
            raise RuntimeError("torch.histogramdd: input tensor and bins tensors should have the same dtype, but got "
                               f"input with dtype {name} and bins for dimension 0 with dtype {_scalar_name(bins)}")
        if bins.ndim != 1:
            raise RuntimeError("torch.histogramdd: bins tensor should have one dimension, but got "
                               f"{bins.ndim} dimensions in the bins tensor for dimension 0")
        if bins.numel() == 0:
            raise RuntimeError("torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements "
                               "in the bins tensor for dimension 0")
        _check_weight(input, weight)
        _check_bins(bins.numel() - 1)
        edges, linear = bins._data, False
    else:
        _check_bins(bins)
        if range is not None:
            if len(range) != 2:
                raise RuntimeError("torch.histogramdd: for a 1-dimensional histogram range should have 2 elements, "
                                   f"but got {len(range)}")
            lo, hi = float(range[0]), float(range[1])
        elif input._data.size:
            _check_histogram_dtype(input, "histogramdd")
            lo, hi = float(input._data.min()), float(input._data.max())
        else:
            lo, hi = 0.0, 1.0  # numpy's default for no data
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise RuntimeError(f"torch.histogramdd: dimension 0's range [{lo:g}, {hi:g}] is not finite")
        if lo > hi:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {lo:g} max {hi:g} "
                               "for dimension 0")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges, linear = linspace(lo, hi, bins + 1, dtype=input.dtype)._data, True
        _check_weight(input, weight)
    _check_histogram_dtype(input, "histogram_cpu")
    x, w = input._data.reshape(-1), None if weight is None else weight._data.reshape(-1)

    def compute() -> tuple:
        hist = _histogram_counts(x, edges, w, linear)
        if density:
            hist = hist / x.dtype.type(hist.sum()) / np.diff(edges)
        return _t(hist), _t(edges.copy())

    differentiable = [t for t in (input, bins, weight) if isinstance(t, Tensor) and t.requires_grad]
    return _histogram_type(*Histogram.apply(*differentiable, compute=compute))


def _check_weight(input: Tensor, weight: Tensor | None) -> None:
    if weight is None:
        return
    if weight.dtype != input.dtype:
        raise RuntimeError("torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should "
                           f"have the same dtype, but got input({_scalar_name(input)}), and weight({_scalar_name(weight)})")
    if weight.numel() != input.numel():
        raise RuntimeError("torch.histogramdd: if weight tensor is provided it should have the same shape as the input "
                           f"tensor excluding its innermost dimension, but got input with shape [{input.numel()}, 1] "
                           f"and weight with shape [{weight.numel()}]")


class _histogram_type(tuple):
    """``(hist, bin_edges)``, printed as PyTorch prints ``torch.return_types.histogram``."""

    def __new__(cls, hist: Tensor, bin_edges: Tensor):
        return tuple.__new__(cls, (hist, bin_edges))

    @property
    def hist(self) -> Tensor:
        return self[0]

    @property
    def bin_edges(self) -> Tensor:
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.histogram(\nhist={self[0]!r},\nbin_edges={self[1]!r})"
