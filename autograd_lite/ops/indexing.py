"""Indexing: ``x[...]`` (basic indices as views, advanced ones as one gather),
gather/scatter, index_select, masked_fill, index_put, nonzero, unique, embedding.
"""
from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from .. import errors, layout
from ..function import Function
from ..tensor import _make, _wrap_dim, Tensor, tensor_method
from ._common import _new, _t, overload
from .comparison import where
from .shape import IndexBackward, Select, Slice
from ..views import _view_of


class Index(Function):
    """Advanced indexing (``x[mask]``, ``x[[0, 2]]``): a copy, not a view."""

    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, a, key):
        ctx.shape, ctx.key = a._data.shape, key
        try:
            out = a._data[key]
        except IndexError as e:  # numpy says "axis", PyTorch "dimension"
            raise IndexError(str(e).replace(" for axis ", " for dimension ")) from None
        return _t(layout.laid_out(out, layout.index_strides(a._data, key, out.shape)))

    @staticmethod
    def backward(ctx, grad):
        return IndexBackward.apply(grad, ctx.shape, ctx.key), None


def getitem(self: Tensor, index: Any) -> Tensor:
    """``x[...]``: basic indices become a chain of views, advanced ones one gather (as in PyTorch)."""
    key = _index_key(index)
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
            if k != slice(None):
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
        else:
            key.append(i)
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
    idx = index._data if index._data.ndim else index._data.reshape(1)
    if idx.dtype != np.int64:
        raise RuntimeError(f"{name}(): Expected dtype int64 for index")
    if idx.size and (idx.min() < -shape[dim] or idx.max() >= shape[dim]):
        bad = idx[(idx < -shape[dim]) | (idx >= shape[dim])].flat[0]
        raise RuntimeError(errors.index_out_of_bounds(bad, dim, shape[dim]))
    return idx


class Gather(Function):
    """``out[i][j] = x[i][index[i][j]]`` (along ``dim``); the gradient is scattered back, summing repeats."""

    node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.shape, ctx.dim, ctx.index = a._data.shape, dim, index
        return _new(a._data[_along(index, dim)])

    @staticmethod
    def backward(ctx, grad):
        return ScatterAdd.apply(grad, ctx.shape, ctx.dim, ctx.index), None, None


@tensor_method()
def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """Pick ``input``'s elements at ``index`` along ``dim`` (mirrors ``torch.gather``)."""
    d = _wrap_dim(dim, input._data.ndim)
    return Gather.apply(input, d, _check_index(index, d, input._data.shape, "gather"))


class ScatterAdd(Function):
    """Zeros of ``shape`` with ``src`` added in at ``index`` along ``dim`` (gather's backward)."""

    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, src, shape, dim, index):
        ctx.dim, ctx.index = dim, index
        out = np.zeros(shape, src._data.dtype)
        np.add.at(out, _along(index, dim), src._data)
        return _t(out)

    @staticmethod
    def backward(ctx, gg):
        return Gather.apply(gg, ctx.dim, ctx.index), None, None, None


class Scatter(Function):
    """A copy of ``x`` with ``src`` (or ``value``) written at ``index`` along ``dim``."""

    node_name = "ScatterBackward0"

    @staticmethod
    def forward(ctx, a, dim, index, src):
        ctx.dim, ctx.index = dim, index
        out = a._data.copy()
        key = _along(index, dim)
        if isinstance(src, Tensor):
            out[key] = src._data[tuple(slice(0, n) for n in index.shape)] if src._data.ndim else src._data
        else:  # a number: no edge for it in the graph (ScatterBackward1)
            out[key] = src
        return _t(out)

    @staticmethod
    def backward(ctx, grad):
        mask = np.ones(grad.shape, dtype=bool)
        mask[_along(ctx.index, ctx.dim)] = False  # overwritten: no gradient to the old values
        g_src = Gather.apply(grad, ctx.dim, ctx.index) if ctx.needs_input_grad[3] else None  # (src's part)
        return where(_t(mask), grad, 0.0), None, None, g_src


ScatterValue = overload(Scatter, "ScatterValue", "ScatterBackward1")  # scatter(..., value=)


@tensor_method()
def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None) -> Tensor:
    """A copy of ``input`` with ``src`` (a tensor) or ``value`` written at ``index`` along ``dim``."""
    d = _wrap_dim(dim, input._data.ndim)
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
        ctx.shape, ctx.key = a._data.shape, (slice(None),) * dim + (index,)
        return _new(np.take(a._data, index, axis=dim))

    @staticmethod
    def backward(ctx, grad):
        return IndexBackward.apply(grad, ctx.shape, ctx.key), None, None


@tensor_method()
def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """``input`` restricted to ``index`` along ``dim`` (mirrors ``torch.index_select``)."""
    d = _wrap_dim(dim, input._data.ndim)
    if index._data.dtype.kind not in "iu" or index._data.ndim > 1:
        raise RuntimeError("index_select(): Expected dtype int32/int64 for index")
    return IndexSelect.apply(input, d, _check_index(index, d, input._data.shape, "index_select"))


class MaskedFill(Function):
    """``value`` where ``mask`` is True, ``x`` elsewhere; no gradient flows where it was filled."""

    node_name = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx, a, mask, value):
        ctx.mask = mask
        return _new(np.where(mask, np.asarray(value, a._data.dtype), a._data))

    @staticmethod
    def backward(ctx, grad):
        return where(_t(ctx.mask), 0.0, grad), None, None


@tensor_method()
def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` where ``mask`` (broadcast) is True."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype}")
    if isinstance(value, Tensor):
        value = value.item()
    return MaskedFill.apply(input, np.broadcast_to(mask._data, input._data.shape), value)


class IndexPut(Function):
    """``x[index] = value`` recorded out of place: the old values' gradient is zeroed at ``index``."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, base, value, key, view_func):
        ctx.key, ctx.view_func = key, view_func
        out = _t(base._data.copy())
        if view_func is not None:
            view_func(out)._data[...] = value._data
        else:
            out._data[key] = value._data
        return out

    @staticmethod
    def backward(ctx, grad):
        mask = np.ones(grad.shape, dtype=bool)
        if ctx.view_func is not None:
            ctx.view_func(_t(mask))._data[...] = False
            g_value = ctx.view_func(grad) if ctx.needs_input_grad[1] else None
        else:
            mask[ctx.key] = False
            g_value = grad[ctx.key] if ctx.needs_input_grad[1] else None
        return grad * _t(mask), g_value, None, None


# ``x[basic index] = value`` and in-place ops on views: PyTorch's CopySlices node.
CopySlices = overload(IndexPut, "CopySlices", "CopySlices", node_in_torch_autograd=True)


@tensor_method()
def nonzero(input: Tensor, *, as_tuple: bool = False) -> Tensor | tuple:
    """Indices of the non-zero elements: one row per element, or one tensor per dimension with ``as_tuple``."""
    idx = np.nonzero(input._data)
    if as_tuple:
        return tuple(_t(i.astype(np.int64)) for i in idx)
    return _t(np.stack(idx, axis=1).astype(np.int64) if idx else np.zeros((0, 0), np.int64))


class Unique(Function):
    """Sorted distinct values. Not differentiable: backward raises, as PyTorch's does."""

    node_name = "Unique2Backward0"

    @staticmethod
    def forward(ctx, a, sorted=True, return_inverse=False, return_counts=False, dim=None):
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
        ctx.shape, ctx.indices, ctx.padding_idx = weight._data.shape, indices, padding_idx
        return _make(weight._data[indices])

    @staticmethod
    def backward(ctx, grad):
        g = IndexBackward.apply(grad, ctx.shape, (ctx.indices,))
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
