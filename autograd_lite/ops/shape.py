"""Shape and view ops: numpy views share memory, as PyTorch views do (see ``views.py``);
also ``clone`` and dtype conversion (``to``).
"""
from __future__ import annotations

import builtins
import warnings
from typing import Any, Iterator, Sequence

import numpy as np

from .. import dtypes, errors, layout
from ..creation import zeros
from ..dtypes import result_dtype
from ..function import Function
from ..tensor import _make, _sizes, _wrap_dim, Tensor, tensor_method
from .. import views
from ..views import _view_of
from ._common import _dims, _t, _type_str, overload


class ToCopy(Function):
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.dtype = a.dtype
        return _t(layout.like(a._data.astype(dtype.np), a._data))

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.dtype), None


def to_dtype(input: Tensor, dtype: dtypes.dtype) -> Tensor:
    return ToCopy.apply(input, dtype)


class Clone(Function):
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, a, memory_format=None):
        return _t(layout.like(a._data.copy(), a._data, memory_format))

    @staticmethod
    def backward(ctx, grad):
        return grad, None


@tensor_method()
def clone(input: Tensor, *, memory_format: layout.memory_format | None = None) -> Tensor:
    return Clone.apply(input, memory_format)


class Tril(Function):
    """The lower triangle (``diagonal`` shifts it); the gradient keeps the same triangle."""

    node_name = "TrilBackward0"
    _numpy = staticmethod(np.tril)

    @staticmethod
    def forward(ctx, a, diagonal):
        if a._data.ndim < 2:
            raise RuntimeError(f"{ctx._function._numpy.__name__}: input tensor must have at least 2 dimensions")
        ctx.diagonal = diagonal
        return _t(layout.contiguous(ctx._function._numpy(a._data, diagonal)))

    @staticmethod
    def backward(ctx, grad):
        return (tril if type(ctx)._function is Tril else triu)(grad, ctx.diagonal), None


@tensor_method()
def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    return Tril.apply(input, diagonal)


Triu = overload(Tril, "Triu", "TriuBackward0", _numpy=staticmethod(np.triu))


@tensor_method()
def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    return Triu.apply(input, diagonal)


class View(Function):
    node_name = "ViewBackward0"

    @staticmethod
    def forward(ctx, a, shape):
        shape = _infer_shape(shape, a._data.size)
        ctx.shape = a._data.shape
        v = a._data.view()
        try:
            v.shape = shape
        except AttributeError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one dimension spans "
                "across two contiguous subspaces). Use .reshape(...) instead."
            ) from None
        v = layout.restrided(v, layout.view_strides(a._data.shape, layout.strides_of(a._data), shape))
        return _view_of(_t(v), a, lambda t: t.view(shape))

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None


def view(input: Tensor, shape: Sequence[int]) -> Tensor:
    return View.apply(input, tuple(shape))


ReshapeAlias = overload(View, "ReshapeAlias", "ReshapeAliasBackward0")


class UnsafeView(Function):
    """A reshape of a fresh result (after a copy, or a matmul's mm): recorded as
    ``UnsafeViewBackward0`` and, as PyTorch's ``_unsafe_view``, not a view of it (an in-place op
    on it later records itself, not a rebuilt view)."""

    node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a._data.shape
        shape = _infer_shape(shape, a._data.size)
        return _t(a._data.reshape(shape) if a._data.size else np.empty(shape, a._data.dtype))

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None


def reshape(input: Tensor, shape: Sequence[int]) -> Tensor:
    """A view when the memory layout allows it (``ViewBackward0``, or ``ReshapeAliasBackward0`` for a
    non-contiguous input), else a copy (``UnsafeViewBackward0`` after a clone)."""
    shape = _infer_shape(_sizes((shape,)) if not isinstance(shape, int) else (shape,), input._data.size)
    if input._data.flags.c_contiguous:
        return View.apply(input, shape)
    v = input._data.view()
    try:
        v.shape = shape
    except AttributeError:
        return UnsafeView.apply(Clone.apply(input, layout.contiguous_format), shape)
    return ReshapeAlias.apply(input, shape)  # a view of a non-contiguous tensor: PyTorch's _reshape_alias


def _infer_shape(shape: Sequence[int], numel: int) -> tuple:
    shape = tuple(shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = int(np.prod([s for s in shape if s != -1], dtype=np.int64))
    if -1 in shape and known == 0 == numel:
        raise RuntimeError(f"cannot reshape tensor of 0 elements into shape [{', '.join(map(str, shape))}] because the "
                           "unspecified dimension size -1 can be any value and is ambiguous")
    if -1 in shape and known and numel % known == 0:
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif -1 in shape or known != numel:
        raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
    return shape


def _expand_target(t: Tensor, shape: tuple, sizes: tuple) -> tuple:
    """PyTorch's expand rule, its one owner (``expand`` and ``x[...] = value`` use it): the shape that
    ``sizes`` asks of ``t``, of ``shape`` (-1 keeps a size), new dimensions in front, or its errors."""
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand({_type_str(t)}{{[{', '.join(map(str, shape))}]}}, size=[{', '.join(map(str, sizes))}]): "
            "the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    target = tuple(sizes) if -1 not in sizes else tuple([s if s != -1 else shape[i - lead] for i, s in enumerate(sizes)])
    for i in reversed(range(len(shape))):  # PyTorch checks from the last dimension
        s, t = shape[i], target[lead + i]
        if s != t and s != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({t}) must match the existing size ({s}) at non-singleton "
                f"dimension {i + lead}.  Target sizes: [{', '.join(map(str, sizes))}].  Tensor sizes: "
                f"[{', '.join(map(str, shape))}]"
            )
    return target


class Expand(Function):
    node_name = "ExpandBackward0"

    @staticmethod
    def forward(ctx, a, sizes):
        x = a._data
        target = _expand_target(a, x.shape, sizes)
        ctx.shape = x.shape
        strides = layout.expand_strides(x.shape, layout.strides_of(x), target)
        return _view_of(_make(layout.strided(x, target, strides, False)), a, lambda t: t.expand(target))

    @staticmethod
    def backward(ctx, grad):
        return grad.sum_to_size(ctx.shape), None


def expand(input: Tensor, sizes: Sequence[int]) -> Tensor:
    return Expand.apply(input, tuple(sizes))


class Permute(Function):
    node_name = "PermuteBackward0"

    @staticmethod
    def forward(ctx, a, dims):
        if len(dims) != a._data.ndim:
            raise RuntimeError(
                "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
                f"desired ordering of dimensions i.e. input.dim() = {a._data.ndim} is not equal to len(dims) = {len(dims)}"
            )
        ctx.dims = tuple(_wrap_dim(d, a._data.ndim) for d in dims)
        if len(set(ctx.dims)) != len(dims):
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return _view_of(_t(a._data.transpose(ctx.dims)), a, lambda t: t.permute(dims))

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(tuple(np.argsort(ctx.dims))), None


def permute(input: Tensor, dims: Sequence[int]) -> Tensor:
    return Permute.apply(input, tuple(dims))


@tensor_method('moveaxis')
def movedim(input: Tensor, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """The dims ``source`` moved to positions ``destination``, the others keeping their order: a permute."""
    n = input.dim()
    src = [_wrap_dim(d, n) for d in ((source,) if isinstance(source, int) else source)]
    dst = [_wrap_dim(d, n) for d in ((destination,) if isinstance(destination, int) else destination)]
    order = [d for d in range(n) if d not in src]
    for s, d in sorted(zip(dst, src)):
        order.insert(s, d)
    return Permute.apply(input, tuple(order))


moveaxis = movedim


class Transpose(Function):
    node_name = "TransposeBackward0"

    @staticmethod
    def forward(ctx, a, d0, d1):
        n = a._data.ndim
        ctx.d = (_wrap_dim(d0, n), _wrap_dim(d1, n))
        return _view_of(_t(np.swapaxes(a._data, *ctx.d) if n else a._data.view()), a, lambda t: t.transpose(d0, d1))

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(*ctx.d), None, None


@tensor_method('swapaxes', 'swapdims')
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return Transpose.apply(input, dim0, dim1)


swapaxes = swapdims = transpose


class T(Function):
    node_name = "TBackward0"

    @staticmethod
    def forward(ctx, a):
        if a._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a._data.ndim}D")
        return _view_of(_t(a._data.T), a, lambda t: t.t())

    @staticmethod
    def backward(ctx, grad):
        return grad.t()


@tensor_method()
def t(input: Tensor) -> Tensor:
    return T.apply(input)


class Unsqueeze(Function):
    node_name = "UnsqueezeBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = _wrap_dim(dim, a._data.ndim + 1)
        data = a._data
        strides = list(layout.strides_of(data))
        strides.insert(ctx.dim, layout.unsqueeze_stride(data.shape, strides, ctx.dim))
        out = layout.restrided(np.expand_dims(data, ctx.dim), tuple(strides))
        return _view_of(_t(out), a, lambda t: t.unsqueeze(dim))

    @staticmethod
    def backward(ctx, grad):
        return grad.squeeze(ctx.dim), None


@tensor_method()
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    return Unsqueeze.apply(input, dim)


class Squeeze(Function):
    node_name = "SqueezeBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.shape = a._data.shape
        return _view_of(_t(np.squeeze(a._data)), a, lambda t: t.squeeze())

    @staticmethod
    def backward(ctx, grad):
        return _unsqueeze_to(grad, ctx.shape, range(len(ctx.shape)))


def _unsqueeze_to(grad: Tensor, shape: tuple, dims) -> Tensor:
    """PyTorch's unsqueeze_to: the squeezed ``dims`` of ``shape`` put back one ``unsqueeze`` at a time."""
    for d in dims:
        if shape[d] == 1:
            grad = grad.unsqueeze(d)
    return grad


@tensor_method()
def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Drop size-1 dimensions (all, one, or several); a view, with PyTorch's node for each form."""
    if dim is None:
        return Squeeze.apply(input)
    return (SqueezeDims if isinstance(dim, (tuple, list)) else SqueezeDim).apply(input, dim)


class SqueezeDim(Function):
    node_name = "SqueezeBackward1"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.shape = a._data.shape
        dims = tuple(d for d in _dims(dim, a._data.ndim) if a._data.ndim and a._data.shape[d] == 1)
        ctx.dims = sorted(dims)
        return _view_of(_t(np.squeeze(a._data, dims) if dims else a._data.view()), a, lambda t: t.squeeze(dim))

    @staticmethod
    def backward(ctx, grad):
        return _unsqueeze_to(grad, ctx.shape, ctx.dims), None


SqueezeDims = overload(SqueezeDim, "SqueezeDims", "SqueezeBackward2")  # squeeze(x, (dims))


class SqueezeInPlace(Function):
    """What ``matmul`` records when it squeezes a vector's added dimension back out of its fresh
    result: PyTorch's in-place ``squeeze_``, so the result is no view."""

    node_name = "SqueezeBackward4"

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim, ctx.size = dim, a._data.shape[dim]
        return _t(np.squeeze(a._data, dim))

    @staticmethod
    def backward(ctx, grad):  # PyTorch's unsqueeze_to
        return grad.unsqueeze(ctx.dim) if ctx.size == 1 else grad, None


class Cat(Function):
    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx, dim, *tensors):
        if not tensors:
            raise ValueError("torch.cat(): expected a non-empty list of Tensors")
        ref = next((t for t in tensors if t._data.shape != (0,)), tensors[0])
        if ref._data.ndim == 0:
            raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
        # (when every input is a skipped 1-D empty one, the result is one too: no dim to check)
        d = _wrap_dim(dim, ref._data.ndim) if ref._data.shape != (0,) else 0
        parts = [t for t in tensors if t._data.shape != (0,) or t is ref]
        for i, t in enumerate(parts):
            if t._data.ndim != ref._data.ndim:
                raise RuntimeError(
                    f"Tensors must have same number of dimensions: got {ref._data.ndim} and {t._data.ndim}")
            for k in range(ref._data.ndim):
                if k != d and t._data.shape[k] != ref._data.shape[k]:
                    raise RuntimeError(
                        f"Sizes of tensors must match except in dimension {d}. Expected size {ref._data.shape[k]} "
                        f"but got size {t._data.shape[k]} for tensor number {i} in the list.")
        # (None: a legacy 1-D empty input, skipped; its gradient is a fresh empty tensor, as in PyTorch)
        ctx.dim, ctx.sizes = d, [None if t._data.shape == (0,) else t._data.shape[d] for t in tensors]
        dt = result_dtype(*tensors)  # the skipped ones take part in the promotion
        return _t(layout.contiguous(np.concatenate([t._data for t in parts], axis=d).astype(dt, copy=False)))

    @staticmethod
    def backward(ctx, grad):
        grads, start = [], 0
        for size, need in zip(ctx.sizes, ctx.needs_input_grad[1:]):
            if size is None:
                grads.append(zeros(0, dtype=grad.dtype) if need else None)
                continue
            grads.append(grad.narrow(ctx.dim, start, size) if need else None)
            start += size
        return (None, *grads)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """The tensors joined along ``dim`` (1-D empty ones are skipped, PyTorch's legacy rule)."""
    _check_sequence("cat", tensors)
    return Cat.apply(dim, *tensors)


def _check_sequence(name: str, tensors: Any) -> None:
    """``T.cat(a, b)``: PyTorch's argument parser refuses a tensor where a sequence of them belongs."""
    if isinstance(tensors, Tensor):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")


concat = concatenate = cat


class Stack(Function):
    node_name = "StackBackward0"

    @staticmethod
    def forward(ctx, dim, *tensors):
        if not tensors:
            raise RuntimeError("stack expects a non-empty TensorList")
        ctx.dim = _wrap_dim(dim, tensors[0]._data.ndim + 1)  # (the first tensor's dimensions, before the sizes)
        for i, t in enumerate(tensors):
            if t._data.shape != tensors[0]._data.shape:
                raise RuntimeError(
                    f"stack expects each tensor to be equal size, but got [{', '.join(map(str, tensors[0]._data.shape))}] "
                    f"at entry 0 and [{', '.join(map(str, t._data.shape))}] at entry {i}")
        dt = result_dtype(*tensors)
        return _t(layout.contiguous(np.stack([t._data for t in tensors], axis=ctx.dim).astype(dt, copy=False)))

    @staticmethod
    def backward(ctx, grad):
        return (None, *(grad.select(ctx.dim, i) if need else None
                        for i, need in enumerate(ctx.needs_input_grad[1:])))


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """The tensors joined along a new dimension ``dim``."""
    _check_sequence("stack", tensors)
    return Stack.apply(dim, *tensors)


class Unbind(Function):
    node_name = "UnbindBackward0"

    @staticmethod
    def forward(ctx, a, dim=0):
        ctx.dim = _wrap_dim(dim, a._data.ndim)
        ctx.shape, ctx.dtype = a._data.shape, a._data.dtype
        return tuple(_view_of(_t(a._data[(slice(None),) * ctx.dim + (i, Ellipsis)]),
                              a, None) for i in range(a._data.shape[ctx.dim]))

    @staticmethod
    def backward(ctx, *grads):
        parts = [g if g is not None else zeros(ctx.shape[:ctx.dim] + ctx.shape[ctx.dim + 1:], dtype=dtypes.from_numpy_dtype(ctx.dtype))
                 for g in grads]
        return stack(parts, ctx.dim), None


@tensor_method()
def unbind(input: Tensor, dim: int = 0) -> tuple:
    return _outputs(Unbind.apply(input, dim))


class Select(Function):
    node_name = "SelectBackward0"

    @staticmethod
    def forward(ctx, a, dim, index):
        n = a._data.shape[dim]
        if not -n <= index < n:
            raise IndexError(f"select(): index {index} out of range for tensor of size "
                             f"[{', '.join(map(str, a._data.shape))}] at dimension {dim}")
        ctx.shape, ctx.key = a._data.shape, (slice(None),) * dim + (index,)
        view = a._data[ctx.key + (Ellipsis,)]  # the Ellipsis keeps a view even for a single element
        return _view_of(_t(view), a, lambda t: t.select(dim, index))

    @staticmethod
    def backward(ctx, grad):
        return SelectBackward.apply(None, grad, ctx.shape, ctx.key), None, None


@tensor_method()
def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim``, that dimension removed: a view."""
    if input._data.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    return Select.apply(input, _wrap_dim(dim, input._data.ndim), index)


class Slice(Function):
    node_name = "SliceBackward0"

    @staticmethod
    def forward(ctx, a, dim, sl):
        if sl.step is not None and sl.step <= 0:
            raise ValueError("slice step cannot be zero" if sl.step == 0 else "step must be greater than zero")
        ctx.shape, ctx.key = a._data.shape, (slice(None),) * dim + (sl,)
        return _view_of(_t(a._data[ctx.key]), a, lambda t: Slice.apply(t, dim, sl))

    @staticmethod
    def backward(ctx, grad):
        return SliceBackward.apply(None, grad, ctx.shape, ctx.key), None, None


@tensor_method()
def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """``length`` elements from ``start`` (negative counts from the end) along ``dim``: a view."""
    if input._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    dim = _wrap_dim(dim, input._data.ndim)
    n = input._data.shape[dim]
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    start = start + n if start < 0 else start
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return Slice.apply(input, dim, slice(start, start + length))


class IndexBackward(Function):
    """Zeros of the input's shape with the gradient put back where it was read (summing repeats).

    Each reading op's backward is its own op in PyTorch, so the node recording it (seen from a
    double backward) has that op's name: one class per name below, one forward and backward.
    """

    node_name = "IndexPutImplBackward0"  # x[index]: zeros._index_put_impl_(index, grad, accumulate=True)
    _accumulate = True  # False: a slice or a select reads each element once, and copies it back (-0. kept)
    # ``zeros`` is always None: the tensor PyTorch's in-place ops write into (their ``self``), which
    # never needs a gradient; those nodes keep its edge, (None, 0), select's and slice's ops have none
    _optional_tensor_args = (0,)

    @staticmethod
    def forward(ctx, zeros, grad, shape, key):
        ctx.key = key
        out = np.zeros(shape, grad._data.dtype)
        if ctx._function._accumulate:
            np.add.at(out, key, grad._data)
        else:
            out[key] = grad._data
        return _t(out)

    @staticmethod
    def backward(ctx, gg):
        return None, gg[ctx.key], None, None


SelectBackward = overload(IndexBackward, "SelectBackward", "SelectBackwardBackward0", _accumulate=False,
                          _optional_tensor_args=())
SliceBackward = overload(IndexBackward, "SliceBackward", "SliceBackwardBackward0", _accumulate=False,
                         _optional_tensor_args=())
IndexAddBackward = overload(IndexBackward, "IndexAddBackward", "IndexAddBackward0",  # index_select's backward
                            _accumulate=True, _optional_tensor_args=(0,))
EmbeddingBackward = overload(IndexBackward, "EmbeddingBackward", "EmbeddingDenseBackwardBackward0", _accumulate=True,
                             _optional_tensor_args=())


def _expandable_to(shape: tuple, to: tuple) -> bool:
    return len(shape) <= len(to) and builtins.all(s == 1 or s == t for s, t in zip(reversed(shape), reversed(to)))


@tensor_method()
def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim`` .. ``end_dim`` into one (a reshape: a view when it can be)."""
    shape = input._data.shape
    if not shape:
        return reshape(input, (1,))
    s, e = _wrap_dim(start_dim, len(shape)), _wrap_dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    return reshape(input, shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])


@tensor_method()
def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dimension ``dim`` into ``sizes`` (a view)."""
    d = _wrap_dim(dim, input._data.ndim)
    shape = input._data.shape
    return view(input, shape[:d] + tuple(sizes) + shape[d + 1:])


@tensor_method()
def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    return expand(input, tuple(size))


class Split(Function):
    """Consecutive pieces of ``sizes`` along ``dim``: views that PyTorch forbids to modify in place."""

    node_name = "SplitBackward0"

    @staticmethod
    def forward(ctx, a, dim, sizes):
        ctx.dim, ctx.shape, ctx.sizes, ctx.dtype = dim, a._data.shape, sizes, a.dtype
        out, start = [], 0
        for s in sizes:
            key = (slice(None),) * dim + (slice(start, start + s),)
            out.append(_view_of(_t(a._data[key]), a, None))
            start += s
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        parts = [g if g is not None else zeros(ctx.shape[:ctx.dim] + (s,) + ctx.shape[ctx.dim + 1:], dtype=ctx.dtype)
                 for g, s in zip(grads, ctx.sizes)]
        return cat(parts, ctx.dim), None, None


SplitWithSizes = overload(Split, "SplitWithSizes", "SplitWithSizesBackward0")


def _split_dim(input: Tensor, dim: int, name: str) -> int:
    if input._data.ndim == 0:
        raise RuntimeError(f"{name} expects at least a 1-dimensional tensor")
    return _wrap_dim(dim, input._data.ndim)


@tensor_method()
def split(tensor: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple:
    """Pieces of ``split_size`` (the last one shorter), or of the listed sizes."""
    if not isinstance(split_size_or_sections, int):
        return _split_with_sizes(tensor, list(split_size_or_sections), dim)
    size = split_size_or_sections
    dim = _split_dim(tensor, dim, "split")
    n = tensor._data.shape[dim]
    if size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    if size == 0 and n != 0:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
    count = builtins.max(-(-n // size), 1) if size else 1
    return _outputs(Split.apply(tensor, dim, [size] * (count - 1) + [n - size * (count - 1)]))


def _split_with_sizes(tensor: Tensor, sizes: list, dim: int) -> tuple:
    dim = _split_dim(tensor, dim, "split_with_sizes")
    n = tensor._data.shape[dim]
    if builtins.any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                           f"split_sizes=[{', '.join(map(str, sizes))}]")
    if builtins.sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                           f"dimension {dim}), but got split_sizes=[{', '.join(map(str, sizes))}]")
    return _outputs(SplitWithSizes.apply(tensor, dim, sizes))


def _outputs(out: Any) -> tuple:
    return views.multi_output(out if isinstance(out, tuple) else (out,))


@tensor_method()
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """``chunks`` pieces of equal size (the last one shorter); fewer when the size is too small."""
    d = _split_dim(input, dim, "chunk")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input._data.shape[d]
    size = -(-n // chunks)
    if size == 0 and n == 0:  # as many empty chunks as asked for
        return _split_with_sizes(input, [0] * chunks, d)
    return split(input, size, d)


class Repeat(Function):
    """The input tiled ``sizes`` times: a new contiguous tensor (never a view of the input)."""

    node_name = "RepeatBackward0"

    @staticmethod
    def forward(ctx, a, sizes):
        if len(sizes) < a._data.ndim:
            raise RuntimeError(
                "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
        shape = (1,) * (len(sizes) - a._data.ndim) + a._data.shape
        final = [r * s for r, s in zip(sizes, shape)]
        if builtins.any(r < 0 for r in sizes):
            raise RuntimeError(errors.negative_dimension(builtins.min(final), final))
        ctx.sizes, ctx.in_shape = sizes, a._data.shape
        if not sizes:  # (np.tile would make a 0-d tensor 1-d)
            return _t(a._data.copy())
        return _t(np.ascontiguousarray(np.tile(a._data.reshape(shape), sizes)))

    @staticmethod
    def backward(ctx, grad):
        """Each input element was copied once per tile: sum the tiles, as PyTorch's repeat_backward
        (the new leading dimensions one ``sum(0)`` each, then one reshape to ``(r, s)`` pairs where r > 1)."""
        if 0 in ctx.sizes:
            return zeros(ctx.in_shape, dtype=grad.dtype), None
        lead = len(ctx.sizes) - len(ctx.in_shape)
        for _ in range(lead):
            grad = grad.sum(0)
        pairs, dims = [], []
        for r, s in zip(ctx.sizes[lead:], ctx.in_shape):
            if r != 1:
                pairs.append(r)
                dims.append(len(pairs) - 1)
            pairs.append(s)
        return (grad.reshape(pairs).sum(dims) if dims else grad), None


def repeat(input: Tensor, sizes: Sequence[int]) -> Tensor:
    return Repeat.apply(input, tuple(sizes))


class Flip(Function):
    node_name = "FlipBackward0"

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return _t(layout.like(np.flip(a._data, dims), a._data))

    @staticmethod
    def backward(ctx, grad):
        return grad.flip(ctx.dims), None


@tensor_method()
def flip(input: Tensor, dims: Sequence[int]) -> Tensor:
    """The elements in reverse order along ``dims`` (a copy, as in PyTorch)."""
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return Flip.apply(input, _dims(dims, input._data.ndim))


def numel(input: Tensor) -> int:
    """The number of elements (``torch.numel``)."""
    return input._data.size


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    """True for float dtypes: only those can require gradients."""
    return input._data.dtype.kind == "f"


def _view(self: Tensor, *shape: Any) -> Tensor:
    if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
        raise NotImplementedError("view(dtype) is not supported by autograd_lite")
    return view(self, _sizes(shape))


def _reshape(self: Tensor, *shape: Any) -> Tensor:
    return reshape(self, _given(shape, "reshape", "shape"))


def _expand(self: Tensor, *sizes: Any) -> Tensor:
    return expand(self, _given(sizes, "expand", "size"))


def _permute(self: Tensor, *dims: Any) -> Tensor:
    return permute(self, _given(dims, "permute", "dims"))


def _repeat(self: Tensor, *sizes: Any) -> Tensor:
    return repeat(self, _given(sizes, "repeat", "repeats"))


def _given(args: tuple, name: str, param: str) -> tuple:
    """The sizes of ``x.reshape(2, 3)`` or ``x.reshape((2, 3))``; none at all is PyTorch's TypeError."""
    if not args:
        raise errors.missing_arguments(name, param)
    return _sizes(args)


Tensor.view, Tensor.reshape, Tensor.expand, Tensor.permute, Tensor.repeat = _view, _reshape, _expand, _permute, _repeat


def view_as(self: Tensor, other: Tensor) -> Tensor:
    return view(self, other._data.shape)


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return reshape(self, other._data.shape)


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    return expand(self, other._data.shape)


Tensor.view_as, Tensor.reshape_as, Tensor.expand_as = view_as, reshape_as, expand_as


def _T(self: Tensor) -> Tensor:
    """The dimensions reversed; PyTorch warns when that is not a matrix transpose."""
    ndim = self._data.ndim
    if ndim != 2:
        warnings.warn(errors.T_0D if ndim == 0 else errors.T_NOT_2D, UserWarning, stacklevel=2)
    return permute(self, tuple(range(ndim - 1, -1, -1)))


Tensor.T = property(_T)


def _mT(self: Tensor) -> Tensor:
    """The last two dimensions swapped; a 0-d tensor comes back as itself, with PyTorch's warning."""
    ndim = self._data.ndim
    if ndim == 0:
        warnings.warn(errors.MT_0D, UserWarning, stacklevel=2)
        return self
    if ndim == 1:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(self, -2, -1)


Tensor.mT = property(_mT)


def _to_dtype_argument(args: tuple, kwargs: dict) -> dtypes.dtype | None:
    """The dtype ``Tensor.to`` and ``Module.to`` are asked for: a dtype, or a tensor's dtype, positionally or
    as ``dtype=``; a device (a name, a device, an index) must be the CPU; flags such as ``copy`` pass."""
    target = kwargs.get("dtype")
    for a in args + tuple(v for k, v in kwargs.items() if k == "device"):
        if isinstance(a, dtypes.dtype):
            target = a
        elif isinstance(a, Tensor):
            target = a.dtype
        elif isinstance(a, (str, dtypes.device)) or (isinstance(a, int) and not isinstance(a, bool)):
            dtypes.check_available(a)
    return target


@tensor_method()
def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """Convert dtype (``to(torch.float64)``); device arguments must name the CPU."""
    target = _to_dtype_argument(args, kwargs)
    if target is None or target.np == self._data.dtype:
        return self.clone() if kwargs.get("copy") else self
    return to_dtype(self, target)


@tensor_method()
def contiguous(self: Tensor) -> Tensor:
    """``self`` if already in C order, else a C-ordered copy (``CloneBackward0``), as kernels may need."""
    return self if self._data.flags.c_contiguous else Clone.apply(self, layout.contiguous_format)


def _iter(self: Tensor) -> Iterator[Tensor]:
    if self._data.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(unbind(self, 0))


Tensor.__iter__ = _iter
