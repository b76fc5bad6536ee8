"""Stacking, tiling, rolling and index helpers course code calls (hstack, tile, roll, meshgrid, ...).

Most are PyTorch's composites: built here from cat, expand, view, flip, gather and slices, so
they record the nodes PyTorch records (``hstack`` is ``CatBackward0``, ``tile`` ``RepeatBackward0``).
The few with a node of their own (roll, rot90, masked_select, cross, diag_embed) are Functions.
"""
from __future__ import annotations

import builtins
import itertools
from typing import Any, Sequence

import numpy as np

from .. import dtypes, errors
from ..creation import zeros
from ..function import Function
from ..tensor import _make, _wrap_dim, Tensor, tensor_method
from ..views import _view_of, geometry
from ._common import _check_shapes_broadcast, _new, _t, overload
from .comparison import logical_xor, where
from .shape import (cat, expand, flip, repeat, reshape, Slice, Squeeze, SqueezeDim, stack, T, to_dtype, Transpose,
                    UnsafeView, Unsqueeze, view)
from .indexing import _check_index, _check_same_ndim, gather, index_select, IndexPut, ScatterAdd
from .arithmetic import DivScalar, MulScalar
from .reductions import _return_type, _var_args, _var_backward, _variance, cumprod, cumsum, MaxAll, MaxDim
from .linalg import DiagEmbed, mm
from .inplace import _check_leaf_inplace, _inplace_of, _set_history, _tracked
from . import shape

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "broadcast_tensors", "cartesian_prod", "column_stack", "cross",
           "diag_embed", "diagflat", "diff", "dsplit", "dstack", "fliplr", "flipud", "hsplit", "hstack", "masked_select",
           "meshgrid", "ravel", "repeat_interleave", "roll", "rot90", "take_along_dim", "tensor_split", "tile",
           "tril_indices", "triu_indices", "vsplit", "vstack", "scatter_add", "index_fill", "index_copy", "take",
           "kron", "row_stack", "block_diag", "cdist", "bucketize", "searchsorted", "median", "tensordot", "index_put", "cummax", "cummin", "var_mean", "std_mean"]


# --- dimensions at least 1, 2, 3; the stacks built on them --------------------------------------

def _each(tensors: tuple, fn: Any) -> Any:
    """One tensor gives one result; several (or a list) a tuple, as PyTorch's atleast_* do."""
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return fn(tensors[0])
    items = tensors[0] if len(tensors) == 1 else tensors
    return tuple(fn(t) for t in items)


def _at_least_1d(t: Tensor) -> Tensor:
    return reshape(t, (1,)) if t.ndim == 0 else t


def _at_least_2d(t: Tensor) -> Tensor:
    return reshape(t, (1, 1)) if t.ndim == 0 else t.unsqueeze(0) if t.ndim == 1 else t


def _at_least_3d(t: Tensor) -> Tensor:
    if t.ndim == 0:
        return reshape(t, (1, 1, 1))
    if t.ndim == 1:
        return t.unsqueeze(0).unsqueeze(-1)
    return t.unsqueeze(-1) if t.ndim == 2 else t


def atleast_1d(*tensors: Any) -> Any:
    """A 0-d tensor as a 1-element vector; others unchanged."""
    return _each(tensors, _at_least_1d)


def atleast_2d(*tensors: Any) -> Any:
    """A vector as a 1-row matrix (a 0-d tensor as 1x1); others unchanged."""
    return _each(tensors, _at_least_2d)


def atleast_3d(*tensors: Any) -> Any:
    """A matrix with a trailing dimension of 1, a vector as (1, n, 1); others unchanged."""
    return _each(tensors, _at_least_3d)


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Concatenate column-wise (along dim 1; vectors end to end)."""
    ts = [_at_least_1d(t) for t in tensors]
    return cat(ts, 0 if ts and ts[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Concatenate row-wise (vectors become rows)."""
    return cat([_at_least_2d(t) for t in tensors], 0)


row_stack = vstack


def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """Concatenate depth-wise (along dim 2)."""
    return cat([_at_least_3d(t) for t in tensors], 2)


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Vectors (and numbers) as columns beside matrices."""
    return cat([reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in tensors], 1)


# --- grids, broadcasting, products ------------------------------------------------------------

_MESHGRID_WARNING = ("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument. "
                     "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4215.)")
_CROSS_WARNING = ("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                  "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree with "
                  "that of linalg.cross in a future release. (Triggered internally at "
                  "/__w/pytorch/pytorch/aten/src/ATen/native/Cross.cpp:63.)")
_warned = []  # the warnings given: PyTorch gives each once per process (TORCH_WARN_ONCE)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple:
    """Coordinate grids: each 1-d tensor viewed along its own dimension and expanded ('ij'), or
    with the first two swapped ('xy', matplotlib's convention)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        if "meshgrid" not in _warned:
            _warned.append("meshgrid")
            errors.warn(_MESHGRID_WARNING)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t.detach()}")
    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    sizes = tuple(t.numel() for t in ts)
    grids = []
    for i, t in enumerate(ts):
        shape_i = [1] * len(ts)
        shape_i[i] = -1
        grids.append(expand(view(t, tuple(shape_i)), sizes))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of the vectors' elements, one per row (itertools.product)."""
    if len(tensors) == 1:
        return tensors[0]
    return stack([g.flatten() for g in meshgrid(*tensors, indexing="ij")], 1)


def broadcast_tensors(*tensors: Tensor) -> tuple:
    """The tensors expanded to their common shape (a tensor already of that shape is itself)."""
    shapes = [t._data.shape for t in tensors]
    out = ()
    for s in shapes:
        _check_shapes_broadcast(out, s)
        out = np.broadcast_shapes(out, s)
    return tuple(t if t._data.shape == out else expand(t, out) for t in tensors)


# --- views and copies of one tensor -----------------------------------------------------------

@tensor_method()
def ravel(input: Tensor) -> Tensor:
    """The elements as a vector in C order: a view when contiguous, else a copy (``contiguous().view(-1)``)."""
    return view(input.contiguous(), (-1,))


@tensor_method()
def fliplr(input: Tensor) -> Tensor:
    """Columns in reverse order (``FlipBackward0``)."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


@tensor_method()
def flipud(input: Tensor) -> Tensor:
    """Rows in reverse order (``FlipBackward0``)."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


@tensor_method()
def tile(input: Tensor, dims: Sequence[int]) -> Tensor:
    """``repeat`` with ones prepended to ``dims`` when it is shorter than the tensor's dimensions."""
    dims = tuple(dims)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


class Roll(Function):
    """The elements shifted along ``dims``, wrapping around; with no dims, over the flattened tensor."""

    node_name = "RollBackward0"

    @staticmethod
    def forward(ctx, a, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        x = a._data
        if not dims:
            return _new(np.roll(x.reshape(-1), shifts[0]).reshape(x.shape))
        return _new(np.roll(x, shifts, tuple(_wrap_dim(d, x.ndim) for d in dims)))

    @staticmethod
    def backward(ctx, grad):
        return Roll.apply(grad, tuple(-s for s in ctx.shifts), ctx.dims), None, None


@tensor_method()
def roll(input: Tensor, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Tensor:
    """The elements shifted by ``shifts`` along ``dims``, wrapping around (``RollBackward0``)."""
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = () if dims is None else (dims,) if isinstance(dims, int) else tuple(dims)
    if not dims and len(shifts) != 1 or dims and len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    return Roll.apply(input, shifts, dims)


class Rot90(Function):
    """A quarter turn ``k`` times in the plane of ``dims``, from the first axis towards the second."""

    node_name = "Rot90Backward0"

    @staticmethod
    def forward(ctx, a, k, dims):
        ctx.k, ctx.dims = k, dims
        return _t(np.rot90(a._data, k, dims).copy())

    @staticmethod
    def backward(ctx, grad):
        return Rot90.apply(grad, -ctx.k, ctx.dims), None, None


@tensor_method()
def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """A quarter turn ``k`` times from the first of ``dims`` towards the second (``Rot90Backward0``)."""
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = (_wrap_dim(d, input.ndim) for d in dims)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    return Rot90.apply(input, k % 4, (d0, d1))


@tensor_method()
def repeat_interleave(input: Tensor, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """Each element (or slice along ``dim``) ``repeats`` times in a row; ``repeat_interleave(counts)``
    alone gives each index its count of times."""
    if repeats is None:  # torch.repeat_interleave(counts): 0, 0, 1, 2, 2, ...
        counts = input._data
        return _make(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    if dim is None:
        input, dim = input.flatten(), 0
    dim = _wrap_dim(dim, input.ndim)
    if isinstance(repeats, Tensor) and repeats.numel() != 1:
        index = np.repeat(np.arange(input.shape[dim], dtype=np.int64), repeats._data)
        return index_select(input, dim, _make(index))
    r = int(repeats.item() if isinstance(repeats, Tensor) else repeats)
    shape_ = tuple(input.shape)
    expanded = expand(input.unsqueeze(dim + 1), shape_[:dim + 1] + (r,) + shape_[dim + 1:])
    return view(expanded.contiguous(), shape_[:dim] + (shape_[dim] * r,) + shape_[dim + 1:])


@tensor_method()
def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """``gather`` with numpy's broadcasting of the other dimensions (numpy's take_along_axis)."""
    if dim is None:
        return gather(view(input, (-1,)), 0, view(indices, (-1,)))
    dim = _wrap_dim(dim, input.ndim)
    sizes = list(input.shape)
    sizes[dim] = indices.shape[dim]
    common = list(np.broadcast_shapes(tuple(sizes), tuple(indices.shape)))
    index = expand(indices, tuple(common))
    common[dim] = input.shape[dim]
    return gather(expand(input, tuple(common)), dim, index)


class MaskedSelect(Function):
    """The elements where ``mask`` is True, as a vector (mask and input broadcast together)."""

    node_name = "MaskedSelectBackward0"

    @staticmethod
    def forward(ctx, a, mask):  # (``mask`` a numpy array: PyTorch's node has an edge for ``a`` only)
        shape_ = np.broadcast_shapes(a._data.shape, mask.shape)
        ctx.shape, ctx.mask = shape_, mask
        return _new(np.broadcast_to(a._data, shape_)[np.broadcast_to(mask, shape_)])

    @staticmethod
    def backward(ctx, grad):
        return zeros(ctx.shape, dtype=grad.dtype).masked_scatter(_make(ctx.mask), grad), None


@tensor_method()
def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements where ``mask`` is True, as a new vector (``MaskedSelectBackward0``)."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    return MaskedSelect.apply(input, mask._data)


class MaskedScatter(Function):
    """``source``'s elements, in order, written where ``mask`` is True."""

    node_name = "MaskedScatterBackward0"

    @staticmethod
    def forward(ctx, a, mask, source):  # (``mask`` a numpy array, no edge)
        m = np.broadcast_to(mask, a._data.shape)
        n = int(m.sum())
        if n > source._data.size:
            raise RuntimeError("Number of elements of source < number of ones in mask")
        ctx.mask, ctx.source_shape = mask, source._data.shape
        out = a._data.copy()
        out[m] = source._data.reshape(-1)[:n]
        return _t(out)

    @staticmethod
    def backward(ctx, grad):
        need_a, _, need_s = ctx.needs_input_grad
        mask = _make(ctx.mask)
        g_a = grad.masked_fill(mask, 0) if need_a else None
        g_s = None
        if need_s:  # PyTorch's masked_scatter_backward: the selected, zero-padded to source's size
            picked = masked_select(grad, mask)
            missing = int(np.prod(ctx.source_shape)) - picked.numel()
            if missing > 0:
                picked = cat([picked, zeros(missing, dtype=grad.dtype)])
            g_s = view(picked, ctx.source_shape)
        return g_a, None, g_s


@tensor_method()
def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """``source``'s elements in order where ``mask`` is True (``MaskedScatterBackward0``)."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype {mask.dtype}")
    return MaskedScatter.apply(input, mask._data, source)


def _where_method(self: Tensor, condition: Tensor, y: Any) -> Tensor:
    """``x.where(condition, y)``: ``torch.where(condition, x, y)``."""
    return where(condition, self, y)


Tensor.where = _where_method


# --- splits -------------------------------------------------------------------------------------

@tensor_method()
def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple:
    """Split into ``n`` nearly equal parts (the first ``size % n`` one longer), or at the given
    indices: views (``SliceBackward0``), as numpy's array_split."""
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    dim = _wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    split = indices_or_sections
    if isinstance(split, Tensor):
        split = split.item() if split.ndim == 0 else split.tolist()
    if isinstance(split, int):
        if split <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {split}")
        base, extra = divmod(size, split)
        bounds = list(itertools.accumulate([base + 1] * extra + [base] * (split - extra - 1)))
    else:
        bounds = list(split)
    starts = [0] + bounds
    ends = bounds + [size]
    return tuple(Slice.apply(input, dim, slice(builtins.min(s, size), builtins.max(builtins.min(e, size),
                                                                                  builtins.min(s, size))))
                 for s, e in zip(starts, ends))


def _split_named(name: str, input: Tensor, sections: Any, dim: int, least: int) -> tuple:
    if input.ndim < least:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {least} dimension, but got a tensor "
                           f"with {input.ndim} dimensions!")
    if isinstance(sections, int) and (sections == 0 or input.shape[dim] % sections):
        raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
                           f"{input.shape[dim]} is not divisible by the split_size {sections}!")
    return tensor_split(input, sections, dim)


@tensor_method()
def hsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """Split column-wise (dim 1; a vector along dim 0)."""
    return _split_named("hsplit", input, indices_or_sections, 1 if input.ndim > 1 else 0, 1)


@tensor_method()
def vsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    return _split_named("vsplit", input, indices_or_sections, 0, 2)


@tensor_method()
def dsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    return _split_named("dsplit", input, indices_or_sections, 2, 3)


# --- differences, cross product, diagonals, index lists -----------------------------------------

@tensor_method()
def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None) -> Tensor:
    """``input[1:] - input[:-1]`` along ``dim``, ``n`` times (bools: ``!=``), after joining prepend/append."""
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    dim = _wrap_dim(dim, input.ndim)
    if prepend is not None or append is not None:
        input = cat([t for t in (prepend, input, append) if t is not None], dim)
    for _ in range(n):
        length = builtins.max(input.shape[dim] - 1, 0)
        later, earlier = input.narrow(dim, 1, length), input.narrow(dim, 0, length)
        input = logical_xor(later, earlier) if input.dtype == dtypes.bool_ else later - earlier
    return input


class Cross(Function):
    """The cross product of 3-vectors along ``dim`` (PyTorch's ``linalg_cross``)."""

    node_name = "LinalgCrossBackward0"

    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.dim = dim
        ctx.save_for_backward(a, b)
        return _new(np.cross(a._data, b._data, axis=dim))

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b, _ = ctx.needs_input_grad
        return (cross(b, grad, dim=ctx.dim) if need_a else None, cross(grad, a, dim=ctx.dim) if need_b else None,
                None)


@tensor_method()
def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """The cross product along ``dim`` (size 3); without ``dim``, the first dimension of size 3."""
    a, b = input, other  # (broadcast inside, as linalg_cross: no expand node)
    shape_ = np.broadcast_shapes(a._data.shape, b._data.shape)
    if dim is None:
        if "cross" not in _warned:
            _warned.append("cross")
            errors.warn(_CROSS_WARNING)
        dim = next((d for d, s in enumerate(shape_) if s == 3), -1)
    dim = _wrap_dim(dim, len(shape_))
    if a.shape[dim] != 3 or b.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[dim]} and "
                           f"{other.shape[dim]}")
    return Cross.apply(a, b, dim)


@tensor_method()
def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Each vector of the last dimension as the diagonal of a matrix in dims (``dim1``, ``dim2``)."""
    d1, d2 = _wrap_dim(dim1, input.ndim + 1), _wrap_dim(dim2, input.ndim + 1)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return DiagEmbed.apply(input, offset, d1, d2)


@tensor_method()
def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """The flattened input on diagonal ``offset`` of a square matrix (``DiagEmbedBackward0``)."""
    return DiagEmbed.apply(view(input.contiguous(), (-1,)), offset, 0, 1)


def _indices(fn: Any, row: int, col: int, offset: int, dtype: Any) -> Tensor:
    rows, cols = fn(row, offset, col)
    return _make(np.stack([rows, cols]).astype((dtype or dtypes.int64).np).reshape(2, -1))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None) -> Tensor:
    """The (row, column) indices of the lower triangle, as a 2 x N tensor."""
    return _indices(np.tril_indices, row, col, offset, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None) -> Tensor:
    """The (row, column) indices of the upper triangle, as a 2 x N tensor."""
    return _indices(np.triu_indices, row, col, offset, dtype)


# --- writes at indices: scatter_add, index_fill, index_copy, take ------------------------------

@tensor_method()
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of ``input`` with ``src`` added in at ``index`` along ``dim`` (``ScatterAddBackward0``)."""
    d = _wrap_dim(dim, input._data.ndim)
    _check_same_ndim(index, input)
    return ScatterAdd.apply(input, src, input._data.shape, d, _check_index(index, d, input._data.shape, "scatter"))


class IndexFill(Function):
    """``value`` written into the slices at ``index`` along ``dim``; no gradient flows there."""

    node_name = "IndexFillBackward0"

    @staticmethod
    def forward(ctx, a, dim, index, value):
        ctx.dim, ctx.index = dim, index
        out = a._data.copy()
        out[(slice(None),) * dim + (index,)] = value._data if isinstance(value, Tensor) else value
        return _t(out)

    @staticmethod
    def backward(ctx, grad):
        g_value = None
        if ctx.needs_input_grad[3]:  # a tensor value: the gradient of every slot it filled
            g_value = index_select(grad, ctx.dim, _make(ctx.index)).sum()
        return IndexFill.apply(grad, ctx.dim, ctx.index, 0), None, None, g_value


IndexFillTensor = type("IndexFillTensor", (IndexFill,), {"node_name": "IndexFillBackward1", "__module__": __name__,
                                                          "__doc__": "``index_fill`` with a 0-d tensor value."})


@tensor_method()
def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` in the slices at ``index`` along ``dim``."""
    d = _wrap_dim(dim, input._data.ndim)
    idx = _check_index(index, d, input._data.shape, "index_fill")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        return IndexFillTensor.apply(input, d, idx, value)
    return IndexFill.apply(input, d, idx, value)


class IndexCopy(Function):
    """``source``'s slices written into ``input`` at ``index`` along ``dim``."""

    node_name = "IndexCopyBackward0"

    @staticmethod
    def forward(ctx, a, dim, index, source):
        ctx.dim, ctx.index = dim, index
        out = a._data.copy()
        out[(slice(None),) * dim + (index,)] = source._data
        return _t(out)

    @staticmethod
    def backward(ctx, grad):
        need_a, _, _, need_s = ctx.needs_input_grad
        return (IndexFill.apply(grad, ctx.dim, ctx.index, 0) if need_a else None, None, None,
                index_select(grad, ctx.dim, _make(ctx.index)) if need_s else None)


@tensor_method()
def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` with ``source``'s slices at ``index`` along ``dim`` (``IndexCopyBackward0``)."""
    d = _wrap_dim(dim, input._data.ndim)
    return IndexCopy.apply(input, d, _check_index(index, d, input._data.shape, "index_copy"), source)


class Take(Function):
    """``input.flatten()[index]``, shaped as ``index``."""

    node_name = "TakeBackward0"

    @staticmethod
    def forward(ctx, a, index):
        ctx.shape, ctx.index = a._data.shape, index
        return _new(a._data.reshape(-1)[index])

    @staticmethod
    def backward(ctx, grad):  # the gradient added back at the flat positions (repeats add up)
        flat = zeros(int(np.prod(ctx.shape)), dtype=grad.dtype)
        return flat.index_add(0, _make(ctx.index.reshape(-1)), grad.reshape(-1)).view(ctx.shape), None


@tensor_method()
def take(input: Tensor, index: Tensor) -> Tensor:
    """The elements at the flat positions ``index`` (negative counts from the end), shaped as ``index``."""
    n = input.numel()
    idx = index._data.astype(np.int64)
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {idx[bad].flat[0]} on a tensor of {n} elements.")
    return Take.apply(input, np.where(idx < 0, idx + n, idx))


@tensor_method()
def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product: every element of ``input`` times the whole of ``other``, tiled
    (PyTorch's kron: ``_unsafe_view`` s around one broadcast ``mul``)."""
    nd = builtins.max(input.ndim, other.ndim)
    sa = (1,) * (nd - input.ndim) + tuple(input.shape)
    sb = (1,) * (nd - other.ndim) + tuple(other.shape)
    a = UnsafeView.apply(input, tuple(x for n in sa for x in (n, 1)))
    b = UnsafeView.apply(other, tuple(x for n in sb for x in (1, n)))
    return UnsafeView.apply(a * b, tuple(x * y for x, y in zip(sa, sb)))


# --- block_diag, cdist, bucketize/searchsorted -------------------------------------------------

class BlockDiag(Function):
    """The matrices on the diagonal of one matrix, zeros elsewhere (a vector counts as one row)."""

    node_name = "BlockDiagBackward0"

    @staticmethod
    def forward(ctx, *tensors):
        blocks = [t._data.reshape(1, -1) if t._data.ndim < 2 else t._data for t in tensors]
        dt = dtypes.result_dtype(*tensors) if tensors else dtypes.get_default_dtype().np
        rows, cols = builtins.sum(b.shape[0] for b in blocks), builtins.sum(b.shape[1] for b in blocks)
        out, r, c, ctx.places = np.zeros((rows, cols), dt), 0, 0, []
        for t, b in zip(tensors, blocks):
            out[r:r + b.shape[0], c:c + b.shape[1]] = b
            ctx.places.append((r, c, b.shape, t._data.shape))
            r, c = r + b.shape[0], c + b.shape[1]
        return _t(out)

    @staticmethod
    def backward(ctx, grad):  # PyTorch's block_diag_backward: each input's block, sliced out
        grads = []
        for (r, c, (h, w), shape_), need in zip(ctx.places, ctx.needs_input_grad):
            block = grad[r:r + h, c:c + w] if need else None
            grads.append(block.reshape(shape_) if block is not None and len(shape_) < 2 else block)
        return tuple(grads)


def block_diag(*tensors: Tensor) -> Tensor:
    """The tensors (0-d, 1-d as a row, or 2-d) on the diagonal of one matrix (``BlockDiagBackward0``)."""
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
    return BlockDiag.apply(*tensors)


class Cdist(Function):
    """The p-norm distance of every row of ``x1`` to every row of ``x2`` (batched)."""

    node_name = "CdistBackward0"

    @staticmethod
    def forward(ctx, a, b, p):
        diff = a._data[..., :, None, :] - b._data[..., None, :, :]
        if p == 0:
            out = (diff != 0).sum(-1).astype(diff.dtype)
        elif p == np.inf:
            out = np.abs(diff).max(-1, initial=0)
        else:
            out = (np.abs(diff) ** p).sum(-1) ** (1 / p)
        result = _new(out.astype(a._data.dtype, copy=False))
        ctx.p = p
        ctx.save_for_backward(a, b, result)
        return result

    @staticmethod
    def backward(ctx, grad):
        """d dist / d x1 = sign(diff) |diff|^(p-1) / dist^(p-1) (0 where dist is 0); x2's is its negative."""
        a, b, dist = ctx.saved_tensors
        p = ctx.p
        diff = a.unsqueeze(-2) - b.unsqueeze(-3)
        if p == 0:
            w = diff * 0
        elif p == 1:
            w = diff.sign() * grad.unsqueeze(-1)
        elif p == np.inf:
            top = diff.abs() == dist.unsqueeze(-1)
            w = where(top, diff.sign(), diff * 0) * grad.unsqueeze(-1)
        else:
            scale = where(dist == 0, dist * 0, grad / dist.pow(p - 1))
            w = diff.sign() * diff.abs().pow(p - 1) * scale.unsqueeze(-1)
        need_a, need_b, _ = ctx.needs_input_grad
        return w.sum(-2) if need_a else None, -w.sum(-3) if need_b else None, None


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """Pairwise p-norm distances between the rows of ``x1`` and ``x2`` (``CdistBackward0``)."""
    for name, t in (("X1", x1), ("X2", x2)):
        if t.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.ndim}D")
    for name, t in (("X1", x1), ("X2", x2)):
        if t._data.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{dtypes.scalar_type_name(t.dtype)}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    return Cdist.apply(x1, x2, float(p))


def _sorted_positions(sequence: np.ndarray, values: np.ndarray, right: bool) -> np.ndarray:
    side = "right" if right else "left"
    if sequence.ndim <= 1:
        return np.searchsorted(sequence, values, side=side)
    out = np.empty(values.shape, np.int64)
    for row in np.ndindex(*sequence.shape[:-1]):  # one search per row of the last dimension
        out[row] = np.searchsorted(sequence[row], values[row], side=side)
    return out


def searchsorted(sorted_sequence: Tensor, input: Any, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter: Tensor | None = None) -> Tensor:
    """Where each value would go to keep ``sorted_sequence`` sorted (per row of its last dimension)."""
    seq = sorted_sequence._data
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, -1)
    values = input._data if isinstance(input, Tensor) else np.asarray(input)
    out = _sorted_positions(seq, values, right or side == "right")
    return _make(np.asarray(out, np.int32 if out_int32 else np.int64))


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False) -> Tensor:
    """The bucket of each value between the sorted ``boundaries`` (``right``: a boundary belongs to the left bucket's
    right neighbour, as numpy's ``side="right"``)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


# --- median, tensordot ----------------------------------------------------------------------------

def _lower_median(x: np.ndarray) -> np.ndarray:
    """The lower of the two middle values (PyTorch's median does not average), NaN if there is one."""
    flat = np.sort(x.reshape(-1))
    return flat[(flat.size - 1) // 2] if not (flat.size and np.isnan(flat[-1])) else flat[-1]


def _median_index(x: np.ndarray, axis: int, keepdims: bool = True) -> np.ndarray:
    """Where the lower median of each row sits (a row with a NaN: its first NaN)."""
    order = np.argsort(x, axis=axis, kind="stable")
    index = np.take(order, [(x.shape[axis] - 1) // 2], axis=axis)
    if x.dtype.kind == "f":
        nans = np.isnan(x)
        index = np.where(nans.any(axis=axis, keepdims=True), np.argmax(nans, axis=axis, keepdims=True), index)
    return index


MedianAll = overload(MaxAll, "MedianAll", "MedianBackward0", _reduce=staticmethod(_lower_median))
MedianDim = overload(MaxDim, "MedianDim", "MedianBackward1", _arg=staticmethod(_median_index))
_median_type = _return_type("median")


@tensor_method()
def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor | tuple:
    """The lower median (no average of the two middle values); along ``dim`` a (values, indices) named tuple."""
    if dim is None:
        return MedianAll.apply(input)
    return _median_type(*MedianDim.apply(input, dim, keepdim))


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Sum over ``dims`` of ``a`` and ``b`` (the last ``dims`` of a with the first of b, or two index lists):
    PyTorch's permute, reshape, one ``mm``, reshape."""
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    dims_a = [_wrap_dim(d, a.ndim) for d in dims_a]
    dims_b = [_wrap_dim(d, b.ndim) for d in dims_b]
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[da]} in dim {da} "
                               f"and second has size {b.shape[db]} in dim {db}")
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    size_a = int(np.prod([a.shape[d] for d in free_a]))
    size_b = int(np.prod([b.shape[d] for d in free_b]))
    csize = int(np.prod([a.shape[d] for d in dims_a]))
    t1 = reshape(a.permute(free_a + dims_a), (size_a, csize))
    t2 = reshape(b.permute(dims_b + free_b), (csize, size_b))
    return reshape(mm(t1, t2), tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b))


def _running_best(x: np.ndarray, dim: int, better: Any) -> tuple[np.ndarray, np.ndarray]:
    """The running best along ``dim`` and where it was last reached (ties: the later index; NaN sticks)."""
    x = np.moveaxis(x, dim, -1)
    values, indices = np.empty_like(x), np.empty(x.shape, np.int64)
    best, where_ = x[..., 0].copy(), np.zeros(x.shape[:-1], np.int64)
    for i in range(x.shape[-1]):
        cur = x[..., i]
        take = (better(cur, best) | (cur == best) | np.isnan(cur)) & ~np.isnan(best) if x.dtype.kind == "f" else \
            better(cur, best) | (cur == best)
        best, where_ = np.where(take, cur, best), np.where(take, i, where_)
        values[..., i], indices[..., i] = best, where_
    return np.moveaxis(values, -1, dim), np.moveaxis(indices, -1, dim)


class Cummax(Function):
    """The running maximum along ``dim`` and its indices; the gradient goes to where each came from."""

    node_name = "CummaxBackward0"
    _better = staticmethod(np.greater)

    @staticmethod
    def forward(ctx, a, dim):
        x = a._data if a._data.ndim else a._data.reshape(1)
        values, indices = _running_best(x, dim, ctx._function._better)
        values, indices = (values.reshape(()), indices.reshape(())) if not a._data.ndim else (values, indices)
        ctx.shape, ctx.dim = a._data.shape, dim
        out_indices = _new(indices)
        ctx.mark_non_differentiable(out_indices)
        ctx.save_for_backward(out_indices)
        return _new(values), out_indices

    @staticmethod
    def backward(ctx, grad, _):  # PyTorch's cummaxmin_backward: zeros with grad added at the indices
        indices, = ctx.saved_tensors
        if not ctx.shape:
            return grad, None
        return ScatterAdd.apply(zeros(ctx.shape, dtype=grad.dtype), grad, ctx.shape, ctx.dim, indices._data), None


Cummin = overload(Cummax, "Cummin", "CumminBackward0", _better=staticmethod(np.less))
_cummax_type, _cummin_type = _return_type("cummax"), _return_type("cummin")


@tensor_method()
def cummax(input: Tensor, dim: int) -> tuple:
    """The running maximum along ``dim``: a (values, indices) named tuple."""
    return _cummax_type(*Cummax.apply(input, _wrap_dim(dim, input.ndim)))


@tensor_method()
def cummin(input: Tensor, dim: int) -> tuple:
    """The running minimum along ``dim``: a (values, indices) named tuple."""
    return _cummin_type(*Cummin.apply(input, _wrap_dim(dim, input.ndim)))


class VarMean(Function):
    """Variance and mean in one pass: one node, two outputs (PyTorch's ``VarMeanBackward0``)."""

    node_name = "VarMeanBackward0"
    _root = False

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim):
        root = ctx._function._root
        var = _variance(ctx, a, dims, correction, keepdim, "std_mean" if root else "var_mean")
        out = _new(np.sqrt(var) if root else var)
        mean = _new(np.asarray(np.mean(a._data, axis=ctx.dims, keepdims=keepdim)).astype(a._data.dtype))
        ctx.save_for_backward(a, out)
        return out, mean

    @staticmethod
    def backward(ctx, g_spread, g_mean):
        """var_backward (std's: through grad / (2 std)) plus mean_backward, as PyTorch's var_mean_backward."""
        a, out = ctx.saved_tensors
        g = None
        if g_spread is not None:
            if ctx._function._root:
                g_spread = (g_spread / MulScalar.apply(out, 2)).masked_fill(out == 0, 0)
            g = _var_backward(ctx, g_spread, a)
        if g_mean is not None:
            if not ctx.all and not ctx.keepdim and a.ndim > 1:
                for d in sorted(ctx.dims):
                    g_mean = g_mean.unsqueeze(d)
            n = int(np.prod([a.shape[d] for d in ctx.dims])) if not ctx.all else a.numel()
            aux = DivScalar.apply(g_mean.expand(tuple(a.shape)), n)
            g = aux if g is None else g + aux
        return g, None, None, None


StdMean = overload(VarMean, "StdMean", "StdMeanBackward0", _root=True)


def _floating(name: str, input: Tensor) -> None:
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{name} only support floating point and complex dtypes")


def var_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple:
    """``(var, mean)`` over ``dim`` (all elements by default), Bessel-corrected unless told otherwise."""
    _floating("var_mean", input)
    return VarMean.apply(input, *_var_args(input, dim, unbiased, keepdim, correction))


def std_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple:
    """``(std, mean)`` over ``dim`` (all elements by default), Bessel-corrected unless told otherwise."""
    _floating("std_mean", input)
    return StdMean.apply(input, *_var_args(input, dim, unbiased, keepdim, correction))


# --- sliding windows, index_put -----------------------------------------------------------------

class Unfold(Function):
    """Every window of ``size`` along ``dim``, ``step`` apart, as a new last dimension: a view."""

    node_name = "UnfoldBackward0"

    @staticmethod
    def forward(ctx, a, dim, size, step):
        ctx.args, ctx.shape = (dim, size, step), a._data.shape
        x = a._data if a._data.ndim else a._data.reshape(1)
        windows = np.lib.stride_tricks.sliding_window_view(x, size, axis=dim, writeable=True)
        windows = windows[(slice(None),) * dim + (slice(None, None, step),)]
        if not a._data.ndim:  # (a 0-d tensor's one window is a vector)
            windows = windows.reshape(size)
        return _view_of(_t(windows), a, lambda t: t.unfold(dim, size, step))

    @staticmethod
    def backward(ctx, grad):
        return UnfoldBackwardOp.apply(grad, ctx.shape, *ctx.args), None, None, None


class UnfoldBackwardOp(Function):
    """unfold's gradient: each window's gradient added back where the window lay."""

    node_name = "UnfoldBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, shape_, dim, size, step):
        ctx.args = (dim, size, step)
        out = np.zeros(shape_ if shape_ else (1,), grad._data.dtype)
        g = np.moveaxis(grad._data, -1, dim + 1) if grad._data.ndim > 1 else grad._data[:, None].T
        for i in range(grad._data.shape[dim] if grad._data.ndim > 1 else 1):
            lo = i * step
            out[(slice(None),) * dim + (slice(lo, lo + size),)] += np.take(g, i, axis=dim)
        return _new(out.reshape(shape_))

    @staticmethod
    def backward(ctx, gg):
        return gg.unfold(*ctx.args), None, None, None, None


@tensor_method()
def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """Sliding windows of ``size`` along ``dimension``, ``step`` apart, as a last dimension (a view)."""
    dim = _wrap_dim(dimension, self.ndim) if self.ndim else _wrap_dim(dimension, 1)
    length = self.shape[dim] if self.ndim else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {length} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return Unfold.apply(self, dim, size, step)


class IndexPutAccumulate(Function):
    """``index_put(..., accumulate=True)``: values added at the indices (repeats add up)."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, base, value, key):
        ctx.key = key
        out = base._data.copy()
        np.add.at(out, key, value._data)
        return _t(out)

    @staticmethod
    def backward(ctx, grad):
        return grad, grad[ctx.key] if ctx.needs_input_grad[1] else None, None


@tensor_method()
def index_put(input: Tensor, indices: Sequence[Tensor], values: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``values`` at the advanced index ``indices`` (``x[indices] = values``
    out of place), or added there with ``accumulate``."""
    key = tuple(slice(None) if i is None else i._data for i in indices)
    values = values.to(input.dtype) if values.dtype != input.dtype else values
    return (IndexPutAccumulate if accumulate else IndexPut).apply(input, values, key)


# --- in place, and small Tensor facts ------------------------------------------------------------
tril_, triu_, cumsum_, cumprod_, masked_scatter_, scatter_add_, index_fill_, index_copy_ = map(_inplace_of, (
    shape.tril, shape.triu, cumsum, cumprod, masked_scatter, scatter_add, index_fill, index_copy))
index_put_ = _inplace_of(index_put)


def _cast(dtype: dtypes.dtype, name: str) -> Any:
    def cast(self: Tensor, memory_format: Any = None) -> Tensor:
        return to_dtype(self, dtype) if self.dtype != dtype else self
    cast.__name__ = cast.__qualname__ = name
    cast.__doc__ = f"``self.to({dtype})``."
    return cast


Tensor.byte, Tensor.char, Tensor.short = (_cast(d, n) for d, n in ((dtypes.uint8, "byte"), (dtypes.int8, "char"),
                                                                   (dtypes.int16, "short")))
Tensor.itemsize = property(lambda self: self._data.dtype.itemsize, doc="Bytes per element.")
Tensor.nbytes = property(lambda self: self._data.dtype.itemsize * self._data.size, doc="Bytes of the elements.")
Tensor.storage_offset = lambda self: geometry(self)[2]
Tensor.storage_offset.__doc__ = "Where the tensor starts in its base's memory, in elements."


# --- in-place view ops: the tensor itself takes the new shape, under PyTorch's in-place node ----
SqueezeAllInPlace = overload(Squeeze, "SqueezeAllInPlace", "SqueezeBackward3")
SqueezeDimInPlace = overload(SqueezeDim, "SqueezeDimInPlace", "SqueezeBackward4")
SqueezeDimsInPlace = overload(SqueezeDim, "SqueezeDimsInPlace", "SqueezeBackward5")
UnsqueezeInPlace = overload(Unsqueeze, "UnsqueezeInPlace", "UnsqueezeBackward1")
TInPlace = overload(T, "TInPlace", "TBackward1")
TransposeInPlace = overload(Transpose, "TransposeInPlace", "TransposeBackward1")


def _restride(self: Tensor, function: type, *args: Any) -> Tensor:
    """``self`` becomes ``function(self, *args)`` (a view op), its node recorded on ``self``."""
    if _tracked(self):
        _check_leaf_inplace(self)
    result = function.apply(self, *args)
    self._data = result._data
    if result._grad_fn is not None:
        _set_history(self, result._grad_fn)
    self._bump_version()
    return self


@tensor_method()
def squeeze_(self: Tensor, dim: Any = None) -> Tensor:
    """``squeeze`` in place: the tensor drops its size-1 dimensions."""
    if dim is None:
        return _restride(self, SqueezeAllInPlace)
    return _restride(self, SqueezeDimsInPlace if isinstance(dim, (tuple, list)) else SqueezeDimInPlace, dim)


@tensor_method()
def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    return _restride(self, UnsqueezeInPlace, dim)


@tensor_method()
def t_(self: Tensor) -> Tensor:
    return _restride(self, TInPlace)


@tensor_method("swapaxes_", "swapdims_")
def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    return _restride(self, TransposeInPlace, dim0, dim1)


@tensor_method()
def fill_diagonal_(self: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """``fill_value`` on the main diagonal (all dimensions equal for 3+ dims); ``wrap``: a tall
    matrix's diagonal starts again below every square block, as numpy's fill_diagonal."""
    shape_ = tuple(self.shape)
    if len(shape_) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape_) > 2 and len(set(shape_)) > 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    strides = self.stride()
    step, offset = builtins.sum(strides), self.storage_offset()
    n = builtins.min(shape_)
    self.as_strided((n,), (step,), offset).fill_(fill_value)
    if wrap and len(shape_) == 2 and shape_[0] > shape_[1] + 1:  # PyTorch's wrap: every (cols + 1)-th element on
        cols = shape_[1]
        extra = (self.numel() + cols) // (cols + 1) - n
        self.as_strided((extra,), (step,), offset + strides[0] * (cols + 1)).fill_(fill_value)
    return self
