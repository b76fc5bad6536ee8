"""Indexing: ``x[...]`` (basic indices as views, advanced ones as one gather),
gather/scatter, index_select, index_put, nonzero, unique, embedding.
"""
from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from .. import dtypes, errors, layout
from ..function import Function
from ..tensor import _make, _wrap_dim, Tensor, tensor_method
from ._common import _new, _t, overload
from .shape import EmbeddingBackward, IndexAddBackward, IndexBackward, Select, Slice
from ..views import _view_of


class _Writable:
    """An array interface saying "writable" for memory numpy marked read-only."""

    def __init__(self, a: np.ndarray) -> None:
        self.__array_interface__ = dict(a.__array_interface__, data=(a.__array_interface__["data"][0], False))
        self.base = a


def writable(a: np.ndarray) -> np.ndarray:
    """``a``, or the same memory made writable: numpy's ``broadcast_to`` views (expanded tensors) are
    read-only, but PyTorch writes into an expanded tensor where no two written elements share memory
    (``e[0] = 1``) and refuses the other writes itself (see ``inplace._check_overlap``)."""
    return a if a.flags.writeable else np.asarray(_Writable(a))


class Index(Function):
    """Advanced indexing (``x[mask]``, ``x[[0, 2]]``): a copy, not a view."""

    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, a, key):
        ctx.shape, ctx.key = a._data.shape, key
        try:
            out = a._data[key]
        except IndexError as e:  # numpy says "axis", PyTorch "dimension"
            out = _empty_result(a._data, key)
            if out is None:
                message = str(e).replace(" for axis ", " for dimension ")
                if message.endswith(" with size 0"):  # PyTorch's check for an empty dimension names neither
                    message = "index is out of bounds for dimension with size 0"
                raise IndexError(message) from None
        # the index arrays are saved as PyTorch saves its indices: freed after backward
        ctx.save_for_backward(*(_t(k) for k in key if isinstance(k, np.ndarray)))
        return _t(layout.laid_out(out, layout.index_strides(a._data, key, out.shape)))

    @staticmethod
    def backward(ctx, grad):
        arrays = iter(t._data for t in ctx.saved_tensors)
        key = tuple(next(arrays) if isinstance(k, np.ndarray) else k for k in ctx.key)
        return IndexBackward.apply(None, grad, ctx.shape, key), None


def _empty_result(x: np.ndarray, key: tuple) -> np.ndarray | None:
    """An index that selects no element is never read, so PyTorch checks none of its values:
    the empty result when ``key`` selects nothing (whatever its values), else None."""
    valid = tuple(np.zeros_like(k) if isinstance(k, np.ndarray) and k.dtype != np.bool_ else k for k in key)
    try:
        out = x[valid]
    except IndexError:
        return None
    return out if out.size == 0 else None


def getitem(self: Tensor, index: Any) -> Tensor:
    """``x[...]``: basic indices become a chain of views, advanced ones one gather (as in PyTorch)."""
    if not self._data.ndim and not isinstance(index, tuple):  # PyTorch's own words for x[0], x[:] of a 0-d x
        if isinstance(index, numbers.Integral) and not isinstance(index, bool):
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                             "in C++ to convert a 0-dim tensor to a number")
        if isinstance(index, slice):
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    key = _index_key(index)
    if self._data.ndim == 0 and isinstance(index, slice):
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if self._data.ndim == 0 and isinstance(index, numbers.Integral) and not isinstance(index, bool):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                         "C++ to convert a 0-dim tensor to a number")
    bare = isinstance(index, slice)  # ``x[a:b]`` alone is always sliced; in a tuple a slice of everything is skipped
    n_real = builtins.sum(1 for k in key if k is not None and k is not Ellipsis
                          and not (isinstance(k, np.ndarray) and k.dtype == np.bool_))
    n_real += builtins.sum(k.ndim for k in key if isinstance(k, np.ndarray) and k.dtype == np.bool_)
    if n_real > self._data.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self._data.ndim}")
    positions = list(range(len(key)))  # PyTorch's messages name an index by its place in ``index``
    if Ellipsis in [k for k in key if not isinstance(k, np.ndarray)]:
        at = [i for i, k in enumerate(key) if k is Ellipsis and not isinstance(k, np.ndarray)][0]
        fill = self._data.ndim - n_real
        key = key[:at] + (slice(None),) * fill + key[at + 1:]
        positions = positions[:at] + [at] * fill + positions[at + 1:]
    out, dim, advanced = self, 0, []
    for k, pos in zip(key, positions):
        if k is None:
            out = out.unsqueeze(dim)
            dim += 1
        elif isinstance(k, numbers.Integral) and not isinstance(k, bool):
            n = out._data.shape[dim]
            if not -n <= k < n:
                raise IndexError(errors.index_out_of_bounds(k, pos, n))
            out = Select.apply(out, dim, int(k))
        elif isinstance(k, slice):
            if bare or k.indices(out._data.shape[dim]) != (0, out._data.shape[dim], 1):
                out = Slice.apply(out, dim, k)
            dim += 1
        else:
            if isinstance(k, np.ndarray) and k.dtype == np.bool_:
                _check_mask(k, out._data.shape, dim)
            advanced.append((dim, k))
            dim += k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1
    if advanced:
        full = [slice(None)] * out._data.ndim
        for d, k in advanced:
            full[d] = k
        out = Index.apply(out, tuple(_squash_bool(full)))
    elif out is self:
        out = Alias.apply(self)  # ``x[...]``, ``x[:, :]``: the same tensor as a new view
    return out


def _check_mask(mask: np.ndarray, shape: tuple, dim: int) -> None:
    """A bool mask must match the dimensions it covers (PyTorch's message, not numpy's)."""
    for i, m in enumerate(mask.shape):
        if dim + i < len(shape) and m != shape[dim + i]:
            raise IndexError(f"The shape of the mask [{', '.join(map(str, mask.shape))}] at index {i} does not match "
                             f"the shape of the indexed tensor [{', '.join(map(str, shape))}] at index {dim + i}")


class Alias(Function):
    """The whole tensor as a new view of itself (``x[...]``)."""

    node_name = "AliasBackward0"

    @staticmethod
    def forward(ctx, a):
        return _view_of(_t(a._data.view()), a, lambda t: t[...])

    @staticmethod
    def backward(ctx, grad):
        return grad


Tensor.__getitem__ = getitem


def _index_key(index: Any) -> tuple:
    """Normalise an index to a tuple, converting tensors to numpy arrays."""
    if not isinstance(index, tuple):
        index = (index,)
    key = []
    for i in index:
        if isinstance(i, Tensor):
            if i._data.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            key.append(i._data if i._data.ndim or i._data.dtype == np.bool_ else int(i._data))
        elif isinstance(i, list):
            key.append(np.asarray(i) if i else np.zeros(0, np.int64))  # ``x[[]]``: an empty long index
        elif not isinstance(i, float):
            key.append(i)
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             f"valid indices (got {type(i).__name__})")
    return tuple(key)


def _squash_bool(full: list) -> list:
    """A bool mask spanning k dimensions replaces k slots of the index."""
    out, skip = [], 0
    for f in full:
        if skip:
            skip -= 1
            continue
        out.append(f)
        if isinstance(f, np.ndarray) and f.dtype == np.bool_:
            skip = f.ndim - 1
    return out


def _along(index: np.ndarray, dim: int) -> tuple:
    """Numpy's index tuple for "position index[i, j, ...] along ``dim``" (gather/scatter)."""
    key = list(np.indices(index.shape, sparse=True))
    key[dim] = index
    return tuple(key)


def _check_index(index: Tensor, dim: int, shape: tuple, name: str) -> np.ndarray:
    """An int32/int64 index with every entry in ``[0, size)`` (no negative indices here), refused
    with the message of ``name``'s kernel."""
    idx = index._data if index._data.ndim else index._data.reshape(1)
    if idx.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32{' or ' if name == 'index_select' else '/'}int64 for index")
    size = shape[dim] if shape else 1
    bad = (idx < 0) | (idx >= size)
    if not bad.any():
        return idx.astype(np.int64, copy=False)
    first = idx[bad].flat[0]
    if name != "index_select":
        raise RuntimeError(errors.index_out_of_bounds(first, dim, size))
    if len(shape) > 1 and 0 in shape:  # an empty input of 2+ dims: the kernel checks the indices alone
        if size == 0:
            raise RuntimeError("index_select(): self indexing axis dim should be positive")
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={first} axis_dim={size}")
    if dim == 1 and len(shape) > 1:  # (PyTorch has a kernel of its own for dim 1)
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={first} axis_dim={size}")
    raise IndexError("index out of range in self")


class Gather(Function):
    """``out[i][j] = x[i][index[i][j]]`` (along ``dim``); the gradient is scattered back, summing repeats."""

    node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.shape, ctx.dim = a._data.shape, dim
        ctx.save_for_backward(_t(index))  # (PyTorch saves its indices: freed after backward)
        return _new(a._data[_along(index, dim)])

    @staticmethod
    def backward(ctx, grad):
        return ScatterAdd.apply(None, grad, ctx.shape, ctx.dim, _saved_index(ctx)), None, None


@tensor_method()
def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """Pick ``input``'s elements at ``index`` along ``dim`` (mirrors ``torch.gather``)."""
    d = _wrap_dim(dim, input._data.ndim)
    _check_same_ndim(index, input)
    return Gather.apply(input, d, _check_index(index, d, input._data.shape, "gather"))


def _saved_index(ctx) -> np.ndarray:
    """The index an indexing node saved (``save_for_backward``: a second backward refuses it, as
    PyTorch's, once backward freed it)."""
    return ctx.saved_tensors[0]._data


def _check_same_ndim(index: Tensor, input: Tensor) -> None:
    """gather/scatter pair ``index`` with ``input`` elementwise (a 0-d tensor counts as 1-d)."""
    if builtins.max(index._data.ndim, 1) != builtins.max(input._data.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")


class ScatterAdd(Function):
    """``base`` (None: zeros of ``shape``, as gather's backward has it) with ``src`` added in at
    ``index`` along ``dim``, repeats adding up (``scatter_add``)."""

    node_name = "ScatterAddBackward0"
    _optional_tensor_args = (0,)  # an absent ``base`` keeps its edge (None, 0): see IndexBackward

    @staticmethod
    def forward(ctx, base, src, shape, dim, index):
        ctx.dim = dim
        ctx.save_for_backward(_t(index))
        out = np.zeros(shape, src._data.dtype) if base is None else base._data.copy()
        np.add.at(out, _along(index, dim), src._data[tuple(slice(0, n) for n in index.shape)])
        return _t(out)

    @staticmethod
    def backward(ctx, gg):
        g_src = Gather.apply(gg, ctx.dim, _saved_index(ctx)) if ctx.needs_input_grad[1] else None
        return gg if ctx.needs_input_grad[0] else None, g_src, None, None, None


class Scatter(Function):
    """A copy of ``x`` with ``src`` (or ``value``) written at ``index`` along ``dim``."""

    node_name = "ScatterBackward0"

    @staticmethod
    def forward(ctx, a, dim, index, src):
        ctx.dim = dim
        ctx.save_for_backward(_t(index))
        out = a._data.copy()
        key = _along(index, dim)
        if isinstance(src, Tensor):
            out[key] = src._data[tuple(slice(0, n) for n in index.shape)] if src._data.ndim else src._data
        else:  # a number: no edge for it in the graph (ScatterBackward1)
            out[key] = src
        return _t(out)

    @staticmethod
    def backward(ctx, grad):
        index = _saved_index(ctx)
        g_src = Gather.apply(grad, ctx.dim, index) if ctx.needs_input_grad[3] else None  # (src's part)
        return ScatterValue.apply(grad, ctx.dim, index, 0), None, None, g_src  # overwritten: no gradient


ScatterValue = overload(Scatter, "ScatterValue", "ScatterBackward1")  # scatter(..., value=)


@tensor_method()
def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None) -> Tensor:
    """A copy of ``input`` with ``src`` (a tensor) or ``value`` written at ``index`` along ``dim``."""
    d = _wrap_dim(dim, input._data.ndim)
    _check_same_ndim(index, input)
    idx = _check_index(index, d, input._data.shape, "scatter")
    if src is None:
        src = value
    if isinstance(src, Tensor):
        return Scatter.apply(input, d, idx, src)
    return ScatterValue.apply(input, d, idx, src.item() if isinstance(src, Tensor) else src)


class IndexSelect(Function):
    """Whole slices of ``x`` along ``dim`` at ``index``; the gradient adds back into them."""

    node_name = "IndexSelectBackward0"

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.shape, ctx.dim = a._data.shape, dim
        ctx.save_for_backward(_t(index))
        if not a._data.ndim:  # a 0-d input is one element, and index [0] gives it back 0-d
            return _t(a._data.copy())
        return _new(np.take(a._data, index, axis=dim))

    @staticmethod
    def backward(ctx, grad):
        key = (slice(None),) * ctx.dim + (_saved_index(ctx),) if ctx.shape else ()
        return IndexAddBackward.apply(None, grad, ctx.shape, key), None, None


@tensor_method()
def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """``input`` restricted to ``index`` along ``dim`` (mirrors ``torch.index_select``)."""
    d = _wrap_dim(dim, input._data.ndim)
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if not input._data.ndim and index._data.size != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {index._data.size} value(s)")
    return IndexSelect.apply(input, d, _check_index(index, d, input._data.shape, "index_select"))


class IndexAdd(Function):
    """``input`` with ``alpha * source``'s slices added at ``index`` along ``dim`` (repeats add
    up, in index order); the gradient reaches ``input`` whole and ``source`` as the slices it was
    added to."""

    node_name = "IndexAddBackward0"

    @staticmethod
    def forward(ctx, a, dim, index, source, alpha):
        ctx.dim, ctx.alpha, ctx.source_shape = dim, alpha, source._data.shape
        ctx.save_for_backward(_t(index))
        out = a._data.reshape(a._data.shape or (1,)).copy()
        key = (slice(None),) * dim + (index,)
        np.add.at(out, key, (source._data if alpha == 1 else source._data * alpha).reshape(out[key].shape))
        return _t(out.reshape(a._data.shape))

    @staticmethod
    def backward(ctx, grad):
        grad_source = index_select(grad, ctx.dim, _make(_saved_index(ctx)))
        grad_source = grad_source.expand(ctx.source_shape) if ctx.source_shape else grad_source.reshape(())
        return grad, None, None, grad_source if ctx.alpha == 1 else grad_source * ctx.alpha, None


@tensor_method()
def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """``input`` plus ``alpha * source`` added into the slices at ``index`` along ``dim``
    (mirrors ``torch.index_add``; ``x.index_add_`` is the in-place form)."""
    d = _wrap_dim(dim, input._data.ndim)
    idx = index._data.reshape(-1)
    if index._data.ndim > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: {index._data.ndim} with type: "
                         f"{dtypes.scalar_type_name(index.dtype)} and size: {list(index._data.shape)}")
    if idx.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: {dtypes.scalar_type_name(index.dtype)}")
    if input.dtype != source.dtype:
        raise RuntimeError(f"index_add_(): self ({dtypes.scalar_type_name(input.dtype)}) and source "
                           f"({dtypes.scalar_type_name(source.dtype)}) must have the same scalar type")
    n_source = source._data.shape[d] if source._data.ndim else 1
    if idx.size != n_source:
        raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to source.size(dim): "
                           f"({n_source}), for dim: {d}")
    size = input._data.shape[d] if input._data.ndim else 1
    bad = (idx < 0) | (idx >= size)
    if bad.any():  # (PyTorch's kernel for one dimension has its own message)
        if input._data.ndim > 1:
            raise RuntimeError(errors.index_out_of_bounds(idx[bad][0], d, size))
        raise IndexError("index out of range in self")
    return IndexAdd.apply(input, d, idx.astype(np.int64), source, alpha)


class IndexPut(Function):
    """``x[index] = value`` (an advanced index) recorded out of place: the old values' gradient
    is zeroed at ``index``."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, base, value, key):
        ctx.key, ctx.value_shape = key, value._data.shape
        out = _t(base._data.copy())
        out._data[key] = value._data
        return out

    @staticmethod
    def backward(ctx, grad):
        """The overwritten places get zeros (an index_put of them), the value what reached them."""
        g_value = grad[ctx.key] if ctx.needs_input_grad[1] else None
        g_base = IndexPut.apply(grad, _t(np.zeros(ctx.value_shape, grad._data.dtype)), ctx.key) \
            if ctx.needs_input_grad[0] else None
        return g_base, g_value, None


@tensor_method()
def nonzero(input: Tensor, *, as_tuple: bool = False) -> Tensor | tuple:
    """Indices of the non-zero elements: one row per element, or one tensor per dimension with ``as_tuple``."""
    idx = np.nonzero(input._data)
    if as_tuple:
        return tuple(_t(i.astype(np.int64)) for i in idx)
    return _t(np.stack(idx, axis=1).astype(np.int64) if idx else np.zeros((0, 0), np.int64))


def _unique_flat(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct values by a stable sort, as PyTorch's: a new value wherever the sorted neighbours
    differ, so every NaN stays on its own (NaN != NaN) and equal values (``0.`` and ``-0.``) are
    represented by the first one met."""
    perm = np.argsort(x, kind="stable")
    ordered = x[perm]
    starts = np.ones(x.size, dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty(x.size, dtype=np.int64)
    inverse[perm] = np.cumsum(starts) - 1
    return ordered[starts], inverse, np.diff(np.append(np.flatnonzero(starts), x.size))


class Unique(Function):
    """Sorted distinct values. Not differentiable: backward raises, as PyTorch's does."""

    node_name = "Unique2Backward0"

    @staticmethod
    def forward(ctx, a, sorted=True, return_inverse=False, return_counts=False, dim=None):
        if dim is None:
            values, inverse, counts = _unique_flat(a._data.ravel())
        else:
            values, inverse, counts = np.unique(a._data, return_inverse=True, return_counts=True, axis=dim)
        out = [_t(values)]
        if return_inverse:
            out.append(_t(inverse.reshape(a._data.shape).astype(np.int64)))
        if return_counts:
            out.append(_t(counts.astype(np.int64)))
        ctx.mark_non_differentiable(*out[1:])
        return out[0] if len(out) == 1 else tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError(errors.NOT_IMPLEMENTED_DERIVATIVE.format(name="_unique2"))


@tensor_method()
def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: int | None = None) -> Tensor | tuple:
    return Unique.apply(input, sorted, return_inverse, return_counts, dim)


class EmbeddingLookup(Function):
    """Rows of ``weight`` picked by integer indices; the gradient adds back into those rows."""

    node_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, weight, indices, padding_idx):
        ctx.shape, ctx.padding_idx = weight._data.shape, padding_idx
        ctx.save_for_backward(_t(indices))
        return _make(weight._data[indices])

    @staticmethod
    def backward(ctx, grad):
        g = EmbeddingBackward.apply(None, grad, ctx.shape, (_saved_index(ctx),))
        if ctx.padding_idx is not None:  # the padding row never learns
            keep = np.ones((ctx.shape[0], 1), dtype=grad._data.dtype)
            keep[ctx.padding_idx] = 0
            g = g * _make(keep)
        return g, None, None


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Look up rows of ``weight`` (``EmbeddingBackward0``)."""
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{ {'float32': 'Float', 'float64': 'Double'}.get(input.dtype.name, 'Bool')}"
                           "Tensor instead (while checking arguments for embedding)")
    idx = input._data
    if idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    return EmbeddingLookup.apply(weight, idx, padding_idx)
