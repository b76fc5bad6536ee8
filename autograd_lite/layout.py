"""Memory layout as PyTorch decides it: the strides of every new result.

A tensor's data is a numpy array and its strides are the tensor's strides. For a view both
libraries agree (a view's strides follow from its base). A *new* result is another matter:
numpy lays it out by its own rules, PyTorch by four. The layout matters beyond ``stride()``:
it decides whether a later ``view`` works or ``reshape`` aliases. One function per rule:

- ``elementwise``: TensorIterator's rule (``+``, ``exp``, ``where``, comparisons, casts):
  the result follows its inputs' stride order, the first input deciding ties;
- ``like``: ``preserve_format`` (``clone``, ``to``, ``*_like``, ``sort``, ``flip``): a dense
  input's strides are kept exactly, others are made dense in the same dimension order;
- ``contiguous``: reductions, ``cat``, ``stack``, ``softmax``, matmul, ``cumsum``, ...;
- ``grad_layout``: AccumulateGrad's "gradient layout contract": a leaf's ``.grad`` has the
  leaf's strides when the leaf is dense, else it is contiguous.

Strides here are counted in elements, as ``Tensor.stride()`` counts them.
"""
from __future__ import annotations

import functools
import sys

import numpy as np


@functools.lru_cache(maxsize=1024)
def contiguous_strides(shape: tuple) -> tuple:
    """PyTorch's contiguous strides (a size-0 dimension counts as 1, as in ``torch.empty``)."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= n if n > 1 else 1
    return tuple(reversed(strides))


_CONTIGUOUS_BYTES: dict = {}  # (shape, itemsize) -> contiguous strides in bytes: every op asks


def strides_of(x: np.ndarray) -> tuple:
    """numpy counts strides in bytes, PyTorch in elements."""
    item = x.itemsize
    return tuple([s // item for s in x.strides])  # (a list first: faster than a generator)


def standard(x: np.ndarray) -> bool:
    """Contiguous with exactly ``torch.empty``'s strides, also on size-1 dimensions (cheap)."""
    if x.ndim == 1:  # (a vector: its one stride is one element, whatever its size)
        return x.strides[0] == x.itemsize
    key = (x.shape, x.itemsize)
    expected = _CONTIGUOUS_BYTES.get(key)
    if expected is None:
        if len(_CONTIGUOUS_BYTES) > 4096:
            _CONTIGUOUS_BYTES.clear()
        expected = _CONTIGUOUS_BYTES[key] = tuple(s * x.itemsize for s in contiguous_strides(x.shape))
    return x.strides == expected


def dense(shape: tuple, strides: tuple) -> bool:
    """PyTorch's ``is_non_overlapping_and_dense``: the elements fill a block exactly once."""
    expected = 1
    for d in sorted((d for d in range(len(shape)) if shape[d] > 1), key=lambda d: strides[d]):
        if strides[d] != expected:
            return False
        expected *= shape[d]
    return True


def empty_strided(shape: tuple, strides: tuple, dtype: np.dtype) -> np.ndarray:
    """A new array with the given (dense) strides: ``torch.empty_strided``."""
    empty = not all(shape)
    if strides == contiguous_strides(shape) and not empty:  # (numpy gives an empty array 0 strides)
        return np.empty(shape, dtype)
    size = 0 if empty else 1 + sum((n - 1) * s for n, s in zip(shape, strides))
    dtype = np.dtype(dtype)
    return np.ndarray(shape, dtype, np.empty(size, dtype), strides=[s * dtype.itemsize for s in strides])


def laid_out(x: np.ndarray, strides: tuple) -> np.ndarray:
    """``x``'s values with these strides: ``x`` itself when it has them, else a copy."""
    if strides_of(x) == strides:
        return x
    out = empty_strided(x.shape, strides, x.dtype)
    out[...] = x
    return out


def contiguous(x: np.ndarray) -> np.ndarray:
    """``x`` with ``torch.empty``'s strides: the layout of reductions, cat, stack, matmul..."""
    return x if standard(x) else laid_out(x, contiguous_strides(x.shape))


# --- preserve_format --------------------------------------------------------------------

def dense_strides(shape: tuple, strides: tuple) -> tuple:
    """``at::infer_dense_strides``: dense strides in the dimension order of ``strides``
    (sorted as TensorIterator sorts, a 0 stride never moving a dimension)."""
    ndim = len(shape)
    perm = list(range(ndim - 1, -1, -1))  # innermost first

    def should_swap(d0: int, d1: int) -> int:
        s0, s1 = strides[d0], strides[d1]
        if s0 == 0 or s1 == 0:
            return 0
        if s0 != s1:
            return -1 if s0 < s1 else 1
        return 1 if shape[d0] > shape[d1] else 0

    _insertion_sort(perm, should_swap)
    out, step = [0] * ndim, 1
    for d in perm:
        out[d] = step
        if shape[d] > 1:
            step *= shape[d]
    return tuple(out)


def preserved_strides(x: np.ndarray) -> tuple:
    """The strides ``empty_like(x)`` (``preserve_format``) gives: ``x``'s own when dense."""
    strides = strides_of(x)
    return strides if dense(x.shape, strides) else dense_strides(x.shape, strides)


class memory_format:
    """``torch.contiguous_format``, ``torch.preserve_format``: the layout ``clone``, ``to`` and
    the ``*_like`` creators give their result."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")


def like_strides(src: np.ndarray, fmt: memory_format | None = None) -> tuple:
    """The strides of ``empty_like(src, memory_format=fmt)`` (``preserve_format`` by default)."""
    if fmt is contiguous_format or standard(src):
        return contiguous_strides(src.shape)
    return preserved_strides(src)


def like(out: np.ndarray, src: np.ndarray, fmt: memory_format | None = None) -> np.ndarray:
    """``out`` (a result shaped as ``src``) laid out as ``empty_like(src)``: clone, to, sort, flip."""
    return laid_out(out, like_strides(src, fmt))


# --- TensorIterator ---------------------------------------------------------------------

def plain(out: np.ndarray, *inputs: np.ndarray) -> bool:
    """The commonest case, tested first: ``out`` and the inputs (0-d ones aside) non-empty with
    ``torch.empty``'s strides; the result is then contiguous, as numpy made it. (In C order and
    without a size-1 dimension, the strides are those; with one, they are compared.)"""
    if not (out.flags.c_contiguous and out.size and (1 not in out.shape or standard(out))):
        return False
    for x in inputs:
        if x.ndim and not (x.flags.c_contiguous and x.size and (1 not in x.shape or standard(x))):
            return False
    return True


def elementwise(out: np.ndarray, *inputs: np.ndarray, common: np.dtype | None | str = "out",
                exempt: int = 0) -> np.ndarray:
    """``out`` (the elementwise result of ``inputs``, in numpy's layout) laid out as
    TensorIterator lays out a new output; ``inputs`` in PyTorch's operand order.

    On the CPU, TensorIterator first converts inputs of another dtype than the ``common`` one
    it computes in (``x.to(common)``, so with ``like``'s dense strides); ``common`` is the
    result's dtype unless given (None: no conversion); the first ``exempt`` inputs (``where``'s
    condition) are never converted."""
    if out.ndim == 1:  # one dimension, nothing to order: TensorIterator's output is contiguous
        return out if out.strides[0] == out.itemsize else contiguous(out)
    if plain(out, *inputs):
        return out
    known = _CONTIGUOUS_BYTES  # then, inline: contiguous inputs, a contiguous result
    for x in inputs:
        if x.ndim and x.strides != known.get((x.shape, x.itemsize)):
            break
    else:
        return out if out.strides == known.get((out.shape, out.itemsize)) else contiguous(out)
    if common == "out":
        common = out.dtype
    if common is not None:
        for x in inputs[exempt:]:
            if x.dtype != common and x.ndim:
                inputs = inputs[:exempt] + tuple(x if x.dtype == common or not x.ndim else _converted(x)
                                                 for x in inputs[exempt:])
                break
    if _in_order(out.shape, inputs):  # (iterator_strides' first case, answered without building strides)
        return contiguous(out)
    return laid_out(out, iterator_strides(out.shape, inputs))


def _converted(x: np.ndarray) -> np.ndarray:
    """An array laid out as ``x.to(other dtype)`` is: only its strides matter here."""
    strides = like_strides(x)
    return empty_strided(x.shape, strides, x.dtype) if strides != strides_of(x) else x


def iterator_strides(shape: tuple, inputs: tuple) -> tuple:
    """The strides TensorIterator gives a new output of ``shape`` computed from ``inputs``."""
    ndim = len(shape)
    if _in_order(shape, inputs):  # no operand asks to reorder the dimensions: C order
        return contiguous_strides(shape)
    if all(x.shape == shape for x in inputs):  # TensorIterator's fast setups
        if all(x.flags.c_contiguous for x in inputs):
            return contiguous_strides(shape)
        if ndim == 4 and all(_channels_last(x.shape, strides_of(x)) for x in inputs):
            return _channels_last_strides(shape)
        first = strides_of(inputs[-1])
        if dense(shape, first) and all(strides_of(x) == first for x in inputs):
            return first
    operands = []
    for x in inputs:  # broadcast dimensions get stride 0
        lead = ndim - x.ndim
        operands.append([0] * lead + [0 if n == 1 and shape[lead + i] != 1 else s
                                      for i, (n, s) in enumerate(zip(x.shape, strides_of(x)))])

    def should_swap(d0: int, d1: int) -> int:
        for st in operands:
            s0, s1 = st[d0], st[d1]
            if s0 == 0 or s1 == 0:
                continue
            if s0 != s1:
                return -1 if s0 < s1 else 1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    perm = list(range(ndim - 1, -1, -1))  # innermost first
    _insertion_sort(perm, should_swap)
    out, step = [0] * ndim, 1
    for d in perm:  # ``compatible_stride``
        out[d] = step
        step *= shape[d]
    return tuple(out) if perm != list(range(ndim - 1, -1, -1)) else contiguous_strides(shape)


def _in_order(shape: tuple, inputs: tuple) -> bool:
    """True when TensorIterator's sort below would keep every dimension in place: in each
    operand the strides it compares (not 0, not a broadcast dimension) decrease strictly from
    the outermost dimension in, so every comparison says "keep". The common case of a
    gradient expanded from a sum times a contiguous tensor, decided without sorting."""
    ndim = len(shape)
    for x in inputs:
        lead, last = ndim - x.ndim, None
        for n, s, size in zip(x.shape, x.strides, shape[lead:]):
            if s == 0 or n == 1 and size != 1:
                continue
            if s < 0 or last is not None and s >= last:
                return False
            last = s
    return True


def _insertion_sort(perm: list, should_swap) -> None:
    """TensorIterator's sort: an insertion sort that stops at the first strict "keep"."""
    for i in range(1, len(perm)):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = should_swap(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break


def _channels_last(shape: tuple, strides: tuple) -> bool:
    expected = 1
    for d in (1, 3, 2, 0):
        if shape[d] != 1:
            if strides[d] != expected:
                return False
            expected *= shape[d]
    return True


def _channels_last_strides(shape: tuple) -> tuple:
    n, c, h, w = shape
    return (h * w * c, 1, w * c, c)


def summed(out: np.ndarray, prev: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``out = prev + new`` as the engine sums two gradients of one tensor (without create_graph):
    in place into a dense ``prev`` that holds its memory alone (its strides kept), else out of
    place (TensorIterator): two slices of one gradient (``cat``'s) share their memory."""
    if plain(out, prev, new):
        return out
    if standard(prev) or out.shape != prev.shape or (prev.base is not None and sys.getrefcount(prev.base) > 2):
        return elementwise(out, prev, new)
    strides = strides_of(prev)
    return laid_out(out, strides) if dense(prev.shape, strides) else elementwise(out, prev, new)


# --- AccumulateGrad ---------------------------------------------------------------------

def obeys_grad_layout(grad: np.ndarray, var: np.ndarray) -> bool:
    """``obeys_layout_contract``: may this fresh gradient become ``var.grad`` as it is?"""
    if grad.strides == var.strides and grad.itemsize == var.itemsize and standard(var):
        return True  # the common case, a contiguous parameter and its contiguous gradient
    if not dense(var.shape, strides_of(var)):
        return grad.flags.c_contiguous
    return all(g == v if n != 1 else g != 0 for n, g, v in zip(grad.shape, grad.strides, var.strides)) \
        if grad.itemsize == var.itemsize else False


def grad_layout(grad: np.ndarray, var: np.ndarray) -> np.ndarray:
    """A new array with ``grad``'s values, laid out as ``var.grad`` must be (``clone_obey_contract``)."""
    strides = strides_of(var)
    out = empty_strided(var.shape, strides if dense(var.shape, strides) else contiguous_strides(var.shape),
                        grad.dtype)
    out[...] = grad
    return out


# --- views ------------------------------------------------------------------------------
# A view's strides follow from its base's, but on size-1 dimensions (where any stride
# addresses the same memory) numpy and PyTorch choose differently; ``restrided`` applies
# PyTorch's choice to numpy's view.

def restrided(v: np.ndarray, strides: tuple) -> np.ndarray:
    """The view ``v`` with these strides (they differ from numpy's only where it makes no
    difference to the addresses: on size-1 dimensions)."""
    if strides_of(v) == strides:
        return v
    return strided(v, v.shape, strides, v.flags.writeable)


def strided(x: np.ndarray, shape: tuple, strides: tuple, writeable: bool) -> np.ndarray:
    """A view of ``x``'s memory from its first element with this shape and these strides (in
    elements): ``np.lib.stride_tricks.as_strided``, at a tenth of its cost when ``x`` is one
    contiguous block (numpy's array constructor then takes ``x`` as the buffer)."""
    item = x.itemsize
    if x.flags.c_contiguous and x.size:
        v = np.ndarray(shape, x.dtype, x, 0, [s * item for s in strides])
        if not writeable:
            v.flags.writeable = False
        return v
    return np.lib.stride_tricks.as_strided(x, shape, [s * item for s in strides], writeable=writeable)


def view_strides(old_shape: tuple, old_strides: tuple, new_shape: tuple) -> tuple:
    """``computeStride``: the strides of ``view(new_shape)`` (called once numpy found the view possible)."""
    if not old_shape:
        return (1,) * len(new_shape)
    if 0 in old_shape:
        return old_strides if old_shape == new_shape else contiguous_strides(new_shape)
    new = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    base = old_strides[-1]
    tensor_numel = view_numel = 1
    for d in range(len(old_shape) - 1, -1, -1):
        tensor_numel *= old_shape[d]
        if d == 0 or old_shape[d - 1] != 1 and old_strides[d - 1] != tensor_numel * base:
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new[view_d] = view_numel * base
                view_numel *= new_shape[view_d]
                view_d -= 1
            if d > 0:
                base, tensor_numel, view_numel = old_strides[d - 1], 1, 1
    return tuple(new)


def expand_strides(shape: tuple, strides: tuple, target: tuple) -> tuple:
    """``inferExpandGeometry``: a new leading dimension of size 1 gets the stride a
    contiguous one would; an expanded dimension gets 0, a kept one its own stride."""
    out = [0] * len(target)
    lead = len(target) - len(shape)
    for i in range(len(target) - 1, -1, -1):
        d = i - lead
        if d >= 0:
            size, stride = shape[d], strides[d]
        else:
            size, stride = 1, target[i + 1] * out[i + 1] if i + 1 < len(target) else 0
        out[i] = stride if size == target[i] else 0
    return tuple(out)


def unsqueeze_stride(shape: tuple, strides: tuple, dim: int) -> int:
    """``inferUnsqueezeGeometry``: the new dimension's stride."""
    return 1 if dim >= len(shape) else shape[dim] * strides[dim]


# --- advanced indexing -------------------------------------------------------------------

def index_strides(data: np.ndarray, key: tuple, out_shape: tuple) -> tuple:
    """The strides of ``data[key]`` (advanced indexing: ``key`` holds ``slice(None)`` and index
    arrays) as PyTorch's index kernel lays it out: a TensorIterator over ``data`` restrided to
    the result's shape (stride 0 where the indices replace dimensions) and the index tensors."""
    indices: list = []
    for k in key:
        if isinstance(k, np.ndarray) and k.dtype == np.bool_:
            if k.ndim == 0:
                return contiguous_strides(out_shape)
            rows = np.stack(np.nonzero(k), axis=1)  # ``nonzero``: one long index per mask dimension
            indices.extend(rows[:, j] for j in range(k.ndim))
        else:
            indices.append(k if isinstance(k, np.ndarray) else None)
    indices += [None] * (data.ndim - len(indices))
    defined = [d for d, k in enumerate(indices) if k is not None]
    if defined != list(range(defined[0], defined[-1] + 1)):  # apart: moved to the front
        order = defined + [d for d in range(data.ndim) if d not in defined]
        data, indices = data.transpose(order), [indices[d] for d in order]
        defined = list(range(len(defined)))
    common = np.broadcast_shapes(*(indices[d].shape for d in defined))
    before, after = defined[0], data.ndim - defined[-1] - 1
    shape = data.shape[:before] + common + data.shape[defined[-1] + 1:]
    if shape != out_shape:
        return contiguous_strides(out_shape)
    as_strided = np.lib.stride_tricks.as_strided
    operands = [as_strided(data, shape, data.strides[:before] + (0,) * len(common) + data.strides[defined[-1] + 1:])]
    for d in defined:
        ix = indices[d]
        if ix.shape != common:  # ``expand_outplace``
            ix = as_strided(ix, common, [s * ix.itemsize for s in expand_strides(ix.shape, strides_of(ix), common)])
        ix_shape = (1,) * before + common + (1,) * after  # ``reshape_indexer``: a view
        ix_strides = view_strides(ix.shape, strides_of(ix), ix_shape)
        operands.append(as_strided(ix, ix_shape, [s * ix.itemsize for s in ix_strides]))
    return iterator_strides(shape, tuple(operands))
