"""In-place ops (``add_``, ``x[i] = v``, ``fill_`` ...): each one is the out-of-place op
recorded on a snapshot of the old value, then written into the tensor's storage; the
version counter is bumped so stale saved tensors are caught (see ``views.py``).
"""
from __future__ import annotations

import builtins
import numbers
import weakref
from typing import Any, Callable

import numpy as np

from .. import dtypes, engine, errors, layout, random
from ..creation import zeros, zeros_like
from ..function import _sequence, forward_ad_state, Function, Node
from ..grad_mode import _anomaly, _state
from ..random import Generator
from ..tensor import _make, Tensor, tensor_method
from .. import views
from ..views import _view_of, refresh_view
from ._common import _check_shapes_broadcast, _scalar_name, _t, _type_name, as_tensor_like
from .activations import relu
from .arithmetic import add, div, mul, neg, pow, sub
from .comparison import masked_fill
from .indexing import _index_key, getitem, IndexPut, scatter, writable
from .shape import _expand_target, _expandable_to, clone
from .unary import clamp, exp
from . import activations, arithmetic, indexing, unary


class AsStrided(Function):
    """The elements of ``base``'s memory at (size, stride, storage_offset): how PyTorch rebuilds
    a view whose base was changed in place (it keeps the view's place, not the ops that made it)."""

    node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, base, size, stride, storage_offset):
        ctx.base, ctx.view = views.geometry(base), (size, stride, storage_offset)
        return _view_of(_t(_strided(_memory(base._data), size, stride, storage_offset)), base, None)

    @staticmethod
    def backward(ctx, grad):
        """PyTorch's as_strided_backward, in recorded ops: the gradient written into zeros of the
        memory at the view's places (summed first over the dimensions that repeat an element),
        read back at the base's places."""
        (size, stride, offset), (in_size, in_stride, in_offset) = ctx.view, ctx.base
        if 0 in size or 0 in in_size:
            return zeros(in_size, dtype=grad.dtype), None, None, None
        out_size, out_stride = [], []
        for d in reversed(range(len(size))):
            if size[d] == 1:
                grad = grad.squeeze(d)
            elif stride[d] == 0:
                grad = grad.sum(d)
            else:
                out_size.insert(0, size[d])
                out_stride.insert(0, stride[d])
        shared = builtins.min(in_offset, offset)
        places = (tuple(out_size), tuple(out_stride), offset - shared)
        storage = zeros(builtins.max(_extent(in_size, in_stride, in_offset - shared), _extent(*places)),
                        dtype=grad.dtype)
        # (PyTorch index_add_s where the places still repeat an element: no view of this library does)
        copy_(AsStrided.apply(storage, *places), grad)
        return AsStrided.apply(storage, in_size, in_stride, in_offset - shared), None, None, None


@tensor_method()
def as_strided(input: Tensor, size: Any, stride: Any, storage_offset: int | None = None) -> Tensor:
    """A view of ``input``'s memory at any sizes and strides (``AsStridedBackward0``); the storage
    offset counts from the start of the memory ``input`` shares with its base."""
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    base = input if input._base is None else input._base
    offset = views.geometry(input)[2] if storage_offset is None else storage_offset
    item, have = input._data.itemsize, _memory(base._data).size
    need = _extent(size, stride, offset) if 0 not in size else 0
    if need > have:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {item} requiring a storage size of {need * item} are out of bounds for storage "
                           f"of size {have * item}")
    # (of a view, taken from its base: AsStrided places are in the base's memory; PyTorch's edge
    # would be the view's own node)
    return AsStrided.apply(base, size, stride, offset)


def _memory(a: np.ndarray) -> np.ndarray:
    """The memory ``a`` spans, as a flat array from its first element (strides are never negative)."""
    return np.lib.stride_tricks.as_strided(a, (_extent(a.shape, [s // a.itemsize for s in a.strides], 0),),
                                           (a.itemsize,))


def _strided(memory: np.ndarray, size: tuple, stride: tuple, offset: int) -> np.ndarray:
    return np.lib.stride_tricks.as_strided(memory[offset:], size, [s * memory.itemsize for s in stride])


def _extent(size: tuple, stride: tuple, offset: int) -> int:
    """How many elements of memory (size, stride, offset) reaches into."""
    if 0 in size:
        return 0
    return offset + 1 + builtins.sum((n - 1) * s for n, s in zip(size, stride))




@tensor_method()
def scatter_(self: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None) -> Tensor:
    return _inplace(self, lambda s: scatter(s, dim, index, src, value=value))


@tensor_method()
def masked_fill_(self: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``value`` where ``mask`` is True, in place (an expanded ``self`` is written, with PyTorch's warning)."""
    _warn_if_expanded(self, "masked_fill_", "mask", "scalar", 2450)
    return _inplace(self, masked_fill, mask, value, overlap=False)


def _tracked(self: Tensor, *others: Any, differentiable_only: bool = False) -> bool:
    """An in-place op on ``self`` is recorded when grad mode is on and something requires grad,
    whatever ``self``'s dtype (``b.fill_(x)`` on a bool ``b`` gives it a FillBackward3): only
    ``copy_`` (``differentiable_only``) also asks that ``self`` can hold a gradient."""
    return _state.enabled and (self._data.dtype.kind == "f" or not differentiable_only) and (
        self.requires_grad or builtins.any(isinstance(t, Tensor) and t._requires_grad for t in others))


def _check_leaf_inplace(self: Tensor) -> None:
    """PyTorch's check_inplace: no in-place op recorded on a leaf that requires grad, nor on a
    view whose base is a leaf (``x[0]`` of a parameter, or ``x`` itself when it is a view)."""
    views.check_inplace(self)
    if self._base is not None:
        refresh_view(self)
        if self._requires_grad and self._base._grad_fn is None:
            raise RuntimeError(errors.VIEW_OF_LEAF_INPLACE)
    if self._grad_fn is None and self._requires_grad:
        raise RuntimeError(errors.LEAF_INPLACE)


def _inplace(self: Tensor, op, *args: Any, overlap: bool = True, desired: Callable = _type_name) -> Tensor:
    """Run ``op(self, *args)`` and store the result in ``self`` (PyTorch's in-place semantics).

    The checks come in PyTorch's order: autograd's (leaf, view), then the written-to memory
    (``overlap=False`` for the ops that skip it: fill_, zero_), then the result's shape and
    type (``desired`` names the destination type in the message; None: any cast, as copy_,
    which alone records nothing on a tensor of a dtype without gradients).
    """
    tracked = _tracked(self, *args, differentiable_only=desired is None)
    if tracked:
        _check_leaf_inplace(self)
    if overlap:
        _check_overlap(self, args)
    dual = forward_ad_state.levels and _has_tangent(self, args)
    old = _snapshot(self) if tracked or dual else self.detach()
    result = op(old, *args)
    _check_result(self, result, desired)
    if tracked and result._grad_fn is None and self._data.dtype.kind != "f":
        old, result = _recorded_on_integers(op, old, args, result)
    if tracked and result._grad_fn is not None and result._grad_fn._saved:
        _save_a_clone(result._grad_fn, old)
    if tracked:
        _write_into(self, result)
    else:
        _store(self, result._data)
    if dual:
        _write_tangent(self, result)
    return self


def _recorded_on_integers(op: Callable, old: Tensor, args: tuple, result: Tensor) -> tuple[Tensor, Tensor]:
    """An in-place op on an integer or bool tensor: PyTorch records its node whatever the dtype
    (no op of this library gives such an output a grad_fn); the values stay ``result``'s."""
    node, stand_in = _node_on(old, op, *args)
    recorded = _make(result._data)
    recorded._grad_fn = node
    return stand_in, recorded


def _node_on(t: Tensor, op: Callable, *args: Any) -> tuple[Node, Tensor]:
    """The node ``op(t, *args)`` records, at ``t``'s place in the graph, where PyTorch records one
    and this library's ops would not: ``t`` of an integer or bool dtype, or ``t`` not requiring
    grad (the base of a view rebuilt after an in-place write: PyTorch's edge to it is None).
    The op runs on a float copy of ``t`` (laid out as ``t``) that stands in for it; returns the
    node and that copy."""
    stand_in = _make(layout.empty_strided(t._data.shape, layout.strides_of(t._data), np.float64))
    stand_in._data[...] = t._data
    stand_in._requires_grad, stand_in._grad_fn, stand_in._output_nr = True, t._grad_fn, t._output_nr
    stand_in._accumulator = t._accumulator
    out = op(stand_in, *args)
    node = out._grad_fn
    if not t._requires_grad:
        node._next = (None,) + node._next[1:]
        node.needs_input_grad = (False,) + node.needs_input_grad[1:]
    node._output_meta = ((out._data.shape, t._data.dtype),)
    return node, stand_in


def _rebuild(base: Tensor, size: tuple, stride: tuple, offset: int) -> Tensor:
    """A view's new history after its base changed in place: PyTorch's AsStridedBackward0 of the
    base, also on an integer base or one that does not require grad (see ``_node_on``)."""
    view = AsStrided.apply(base, size, stride, offset)
    if view._grad_fn is None:
        view._grad_fn, view._requires_grad = _node_on(base, AsStrided.apply, size, stride, offset)[0], True
    return view


def _save_a_clone(node: Node, old: Tensor) -> None:
    """A formula that reads the old values of the tensor an op overwrites gets them from a
    recorded ``clone`` (PyTorch saves ``self.clone()``), while the node's edge stays the old one."""
    if builtins.any(t is old for t in node._saved):
        copy = clone(old)
        node._saved = tuple(copy if t is old else t for t in node._saved)


def _has_tangent(self: Tensor, args: tuple) -> bool:
    """Forward AD: does ``self`` (or its base), or an input, carry a tangent?"""
    return (tangent_of(self) is not None or self._base is not None and self._base._fw_tangent is not None
            or builtins.any(isinstance(a, Tensor) and tangent_of(a) is not None for a in args))


def tangent_of(t: Tensor, create: bool = False) -> Tensor | None:
    """Forward AD: ``t``'s tangent. A view without its own reads its base's, as PyTorch's views do
    (the view of the base's tangent, kept: made before the base had one, it still follows it);
    ``create``: a base without one gets zeros (a view about to be written in place)."""
    own, base = t._fw_tangent, t._base
    if own is None and base is not None and t._view_func is not None:
        if base._fw_tangent is None:
            if not create:
                return None
            _attach_tangent(base, _make(np.zeros_like(base._data)))
        own = t._view_func(base._fw_tangent)
        _attach_tangent(t, own)
    return own


def _write_tangent(self: Tensor, result: Tensor) -> None:
    """Forward AD, as PyTorch's: the result's tangent is written into ``self``'s in place, so the
    tangents of its views (views of its tangent) follow."""
    tangent, own = result._fw_tangent, tangent_of(self, create=True)
    if own is None:
        _attach_tangent(self, tangent if tangent is not None else _make(np.zeros_like(result._data)))
    else:
        writable(own._data)[...] = 0 if tangent is None else tangent._data


def _attach_tangent(t: Tensor, tangent: Tensor) -> None:
    t._fw_tangent = tangent
    forward_ad_state.levels[-1].append(weakref.ref(t))  # (dropped when the level exits)


def _check_overlap(self: Tensor, inputs: tuple) -> None:
    """PyTorch refuses to write into memory it would read twice: an expanded tensor, or an
    input that partly overlaps the output (``x[::2] = x``, ``x.t().mul_(x)``)."""
    if _internal_overlap(self):
        raise RuntimeError(errors.INTERNAL_OVERLAP)
    for t in inputs:
        if isinstance(t, Tensor) and _overlap_status(self, t) == "partial":
            raise RuntimeError(errors.PARTIAL_OVERLAP)


def _dense(t: Tensor) -> bool:
    """PyTorch's is_non_overlapping_and_dense: the elements fill a block of memory exactly once."""
    a = t._data
    return layout.standard(a) or layout.dense(a.shape, layout.strides_of(a))


def _internal_overlap(t: Tensor) -> bool:
    """More than one element of ``t`` at one memory location (a stride 0 on a dimension > 1)."""
    return (t._data.size > 0 and not _dense(t)
            and builtins.any(s == 0 and n > 1 for s, n in zip(t._data.strides, t._data.shape)))


def _overlap_status(a: Tensor, b: Tensor) -> str:
    """PyTorch's get_overlap_status: "full" (the same elements), "partial", "no" or "too hard"."""
    if a is b:
        return "full"
    x, y = a._data, b._data
    if x.size == 0 or y.size == 0:
        return "no"
    if not _dense(a) or not _dense(b):
        return "too hard"
    x0, y0 = x.__array_interface__["data"][0], y.__array_interface__["data"][0]
    x1, y1 = x0 + x.nbytes, y0 + y.nbytes
    if x0 == y0 and x1 == y1:
        return "full" if layout.strides_of(x) == layout.strides_of(y) else "partial"
    return "partial" if x0 < y1 and y0 < x1 else "no"


def _check_result(self: Tensor, result: Tensor, desired: Callable = _type_name) -> None:
    """The out-of-place result must fit ``self``: the same shape and a type castable to its own."""
    if result._data.shape != self._data.shape:
        raise RuntimeError(f"output with shape {_shape_str(self)} doesn't match the broadcast shape "
                           f"{_shape_str(result)}")
    if desired is not None and not _can_cast(result._data.dtype, self._data.dtype):
        raise RuntimeError(f"result type {_type_name(result)} can't be cast to the desired output type "
                           f"{desired(self)}")


def _shape_str(t: Tensor) -> str:
    return f"[{', '.join(map(str, t._data.shape))}]"


def _can_cast(source: np.dtype, target: np.dtype) -> bool:
    """PyTorch's canCast: never floating to integral, nor anything but bool to bool."""
    if source.kind == "c" and target.kind != "c":
        return False
    if source.kind == "f" and target.kind in "iub":
        return False
    return not (source.kind != "b" and target.kind == "b")


def _store(self: Tensor, values: np.ndarray) -> None:
    """Write ``values`` into ``self``'s memory and bump its version."""
    np.copyto(writable(self._data), values, casting="unsafe")
    self._bump_version()  # after the write: PyTorch also writes before refusing an inference tensor


def _snapshot(self: Tensor) -> Tensor:
    """The values before an in-place write, holding the tensor's current place in the graph (and
    its forward-AD tangent)."""
    old = _make(self._data.copy())
    old._requires_grad, old._grad_fn, old._output_nr = self._requires_grad, self._grad_fn, self._output_nr
    old._accumulator, old._fw_tangent = self._accumulator, self._fw_tangent
    return old


def _write_into(self: Tensor, result: Tensor) -> None:
    """Make ``self`` hold ``result``: data copied in, graph rebased, version bumped."""
    _store(self, result._data)
    fn = result._grad_fn
    if fn is None:  # (nothing to record: the written values need no gradient)
        return
    if self._base is not None:
        _rebase_view(self, fn)
        if fn._saved_outputs:  # the saved output: the view, with its new history (PyTorch's is_inplace_on_view)
            _resave_output(fn, self, weakref.ref(self._grad_fn))
        return
    _set_history(self, fn)
    if fn._saved_outputs:
        _resave_output(fn, self)


def _set_history(t: Tensor, fn: Node) -> None:
    """``t`` becomes output 0 of ``fn``; a ``retain_grad`` hook moves along (the tensor's other
    hooks stay with its old node, as PyTorch's update_tensor_hooks_on_new_gradfn)."""
    old, nr = t._grad_fn, t._output_nr
    t._grad_fn, t._output_nr, t._requires_grad = fn, 0, True
    if t._retains_grad and old is not None and old._pre_hooks:
        hook = old._pre_hooks.get(nr, {}).pop("retain", None)
        if hook is not None:
            fn._hooks_for(0)["retain"] = hook


def _resave_output(node, self: Tensor, history: weakref.ref | None = None) -> None:
    """A node that saved its output (``exp_``) must watch ``self`` for later in-place changes;
    ``history``: the grad_fn it comes back with, when not ``node`` (held weakly, as PyTorch)."""
    saved, versions = list(node._saved), list(node._saved_versions)
    for k, nr in enumerate(node._saved_outputs):
        if nr is not None:
            saved[k], versions[k] = self._alias(), self._version
    node._saved, node._saved_versions = tuple(saved), tuple(versions)
    if history is not None:
        node._output_history = history


class CopySlices(Function):
    """PyTorch's node for an in-place op on a view: it wraps the op's node ``fn`` and does
    ``grad[view] = fn(grad[view])`` out of place on the base's gradient. Its edges are the
    base's old one and ``fn``'s others (``fn``'s first edge, the view's old history, is not
    followed: the base's covers it). Made by ``_rebase_view``, never by ``apply``."""

    node_name = "CopySlices"
    node_in_torch_autograd = True

    @staticmethod
    def backward(ctx, grad):
        """PyTorch's CopySlices::apply, in recorded ops (so create_graph records what PyTorch does)."""
        if ctx.fn is None:
            raise RuntimeError(errors.BACKWARD_TWICE)
        result = _make(layout.empty_strided(ctx.base[0], ctx.base[1], grad._data.dtype))
        _copy_into(result, grad)
        grad_slice = AsStrided.apply(result, *ctx.view)
        res = engine._call(ctx.fn, [clone(grad_slice, memory_format=layout.contiguous_format)])
        out = [None] * len(ctx._next)
        for i, g in enumerate(res):
            if g is None or ctx._next[i] is None:  # (an undefined gradient stays undefined)
                continue
            if i == 0:
                _copy_into(grad_slice, g)
                out[0] = result
            else:
                out[i] = g
        return tuple(out)


def _copy_into(dst: Tensor, src: Tensor) -> None:
    """``dst.copy_(src)`` in a backward: recorded under create_graph, else only the write and
    its memory check (an expanded view's part is refused, as PyTorch refuses it)."""
    if _state.enabled:
        copy_(dst, src)
        return
    _check_overlap(dst, (src,))
    np.copyto(writable(dst._data), src._data, casting="unsafe")


def _release_copy_slices(node) -> None:
    node.fn = None  # (its saved tensors go with it; a second backward is refused)


CopySlices._backward_cls._release = _release_copy_slices


def _rebase_view(view: Tensor, fn: Node) -> None:
    """PyTorch's rebase_history for an in-place op on a view: the base's history becomes a
    CopySlices wrapping the op's node ``fn``, and the view's is rebuilt from the base
    (AsStridedBackward0)."""
    base = view._base
    node = object.__new__(CopySlices._backward_cls)
    node._seq = next(_sequence)
    node.fn, node.base, node.view = fn, views.geometry(base), views.geometry(view)
    node._next = (base._grad_fn,) + fn._next[1:]
    if base._output_nr or fn._next_nr:
        node._next_nr = (base._output_nr,) + (fn._next_nr[1:] if fn._next_nr else (0,) * (len(fn._next) - 1))
    node._output_meta = ((base._data.shape, base._data.dtype),)
    if _anomaly.enabled:
        node._forward_stack = getattr(fn, "_forward_stack", "")
    _set_history(base, node)
    views.rebase(view)


views.rebuild = _rebuild  # the core calls it for a view whose base changed in place
views.rebase_history = _rebase_view  # ... and for a view a custom Function changed in place


@tensor_method('__setitem__')
def setitem(self: Tensor, index: Any, value: Any) -> None:
    """``x[index] = value``, as PyTorch's indexing does it: a basic index copies into the view
    ``x[index]`` (into ``x`` itself when the index selects all of it), an advanced one is an
    index_put_ (run as a masked_fill_ for one bool mask and a one-element value, which skips
    the dtype check: PyTorch's canDispatchToMaskedFill)."""
    number = not isinstance(value, Tensor)
    value = as_tensor_like(value, self) if number else value
    key = _index_key(index)
    if builtins.all(k is None or k is Ellipsis or isinstance(k, (numbers.Integral, slice)) for k in key):
        _copy_to(self if _selects_all(key, self._data.shape) else getitem(self, index), value, index)
        return
    arrays = [k for k in key if isinstance(k, np.ndarray)]
    by_mask = len(arrays) == 1 and arrays[0].dtype == np.bool_ and value._data.size == 1
    if value._data.dtype != self._data.dtype and not by_mask:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {_type_name(self)} "
                           f"for the destination and {_type_name(value)} for the source.")
    if value._data.ndim:
        _check_expand(value, getitem(self.detach(), index)._data.shape, index)
        value = _strip_leading_ones(value)
    if not number:
        _warn_if_expanded(self, "index_put_", "indices", "tensor", 976)
    if by_mask:
        _warn_if_expanded(self, "masked_fill_", "mask", "scalar", 2450)
    _inplace(self, lambda s, v: IndexPut.apply(s, v, key), value, overlap=False)


def _selects_all(key: tuple, shape: tuple) -> bool:
    """PyTorch's indexing returns ``x`` itself, not a view, for ``x[...]``, ``x[:]``, ``x[0:n]``:
    only ellipses and slices from 0 to at least the end with step 1."""
    at = key.index(Ellipsis) if Ellipsis in key else len(key)
    before, after = key[:at], key[at + 1:]
    if len(before) + len(after) > len(shape):
        return False
    pairs = list(zip(before, shape)) + list(zip(reversed(after), reversed(shape)))
    return builtins.all(isinstance(k, slice) and (k.start or 0) == 0 and k.step in (None, 1)
                        and (k.stop is None or k.stop >= n) for k, n in pairs)


def _copy_to(target: Tensor, value: Tensor, index: Any) -> None:
    """PyTorch's copy_to: ``copy_`` of the same shape, ``fill_`` with a 0-d value, else ``copy_``
    of the value without its leading ones, expanded to the target."""
    if not value._data.ndim and value._data.shape != target._data.shape:
        fill_(target, value)
        return
    if value._data.shape != target._data.shape:
        _check_expand(value, target._data.shape, index)
        value = value.view(_leading_ones_dropped(value._data.shape))  # (a view even when nothing is dropped)
        if value._data.shape != target._data.shape:
            value = value.expand(target._data.shape)
    copy_(target, value)


def _strip_leading_ones(value: Tensor) -> Tensor:
    """PyTorch's slicePrefix1sSize: ``x[i] = v`` ignores v's leading dimensions of size 1."""
    shape = _leading_ones_dropped(value._data.shape)
    return value if shape == value._data.shape else value.reshape(shape)


def _leading_ones_dropped(shape: tuple) -> tuple:
    while shape and shape[0] == 1:
        shape = shape[1:]
    return shape


def _warn_if_expanded(self: Tensor, op: str, what: str, value: str, line: int) -> None:
    """PyTorch still writes into an expanded tensor with masked_fill_/index_put_, with a warning."""
    if _internal_overlap(self):
        errors.warn(errors.EXPANDED_WRITE.format(op=op, what=what, value=value, line=line))


def _check_expand(value: Tensor, shape: tuple, index: Any) -> None:
    """``x[index] = value`` broadcasts ``value`` to the indexed shape: PyTorch's errors when it cannot."""
    vs = _leading_ones_dropped(value._data.shape)
    if not builtins.all(k is None or k is Ellipsis or isinstance(k, (numbers.Integral, slice))
                        for k in _index_key(index)):
        if not _expandable_to(vs, shape):
            raise RuntimeError(f"shape mismatch: value tensor of shape [{', '.join(map(str, vs))}] cannot be "
                               f"broadcast to indexing result of shape [{', '.join(map(str, shape))}]")
        return
    _expand_target(value, vs, tuple(shape))


@tensor_method('__iadd__')
def add_(self: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
    return _inplace(self, lambda s, o: add(s, o, alpha=alpha), other)


@tensor_method('__isub__')
def sub_(self: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
    return _inplace(self, lambda s, o: sub(s, o, alpha=alpha), other)


@tensor_method('__imul__')
def mul_(self: Tensor, other: Any) -> Tensor:
    return _inplace(self, mul, other)


@tensor_method('__itruediv__')
def div_(self: Tensor, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    return _inplace(self, lambda s, o: div(s, o, rounding_mode=rounding_mode), other)


@tensor_method()
def pow_(self: Tensor, exponent: Any) -> Tensor:
    return _inplace(self, pow, exponent)


@tensor_method()
def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:
    return _inplace(self, lambda s: clamp(s, min, max), desired=_clamp_desired(min, max))


@tensor_method()
def clamp_min_(self: Tensor, min: Any) -> Tensor:
    return _inplace(self, lambda s: unary.clamp_min(s, min), desired=_clamp_desired(min))


@tensor_method()
def clamp_max_(self: Tensor, max: Any) -> Tensor:
    return _inplace(self, lambda s: unary.clamp_max(s, max), desired=_clamp_desired(max))


def _clamp_desired(*bounds: Any) -> Callable:
    """With number bounds PyTorch's cast message names the destination type in C (``long int``)."""
    return _type_name if builtins.any(isinstance(b, Tensor) for b in bounds) else _scalar_name


@tensor_method()
def relu_(self: Tensor) -> Tensor:
    return _inplace(self, relu)


@tensor_method()
def neg_(self: Tensor) -> Tensor:
    return _inplace(self, neg)


@tensor_method()
def exp_(self: Tensor) -> Tensor:
    return _inplace(self, exp)


class Fill(Function):
    """``fill_(number)``."""

    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, a, value):
        return _t(np.full_like(a._data, value))

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), None


class FillTensor(Function):
    """``fill_(0-d tensor)``: the value's gradient is the sum of the filled places' gradients."""

    node_name = "FillBackward3"

    @staticmethod
    def forward(ctx, a, value):
        ctx.value_dtype = value.dtype
        return _t(np.full_like(a._data, value._data))

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), grad.sum().to(ctx.value_dtype)


class Zero(Function):
    node_name = "ZeroBackward0"

    @staticmethod
    def forward(ctx, a):
        return _t(np.zeros_like(a._data))

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad)


@tensor_method()
def zero_(self: Tensor) -> Tensor:
    return _inplace(self, Zero.apply, overlap=False)


@tensor_method()
def fill_(self: Tensor, value: Any) -> Tensor:
    """``x.fill_(v)``; with a 0-d tensor ``v`` it is another op to PyTorch (FillBackward3), which
    also refuses an expanded ``x``."""
    if not isinstance(value, Tensor):
        return _inplace(self, Fill.apply, value, overlap=False)
    if value._data.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value._data.ndim} dimensions.")
    return _inplace(self, FillTensor.apply, value)


class Copy(Function):
    node_name = "CopyBackwards"
    node_in_torch_autograd = True

    @staticmethod
    def forward(ctx, a, src):
        ctx.src_dtype = src.dtype
        _check_shapes_broadcast(a._data.shape, src._data.shape)
        shape = np.broadcast_shapes(a._data.shape, src._data.shape)  # larger than ``a``: _check_result refuses
        return _t(np.broadcast_to(src._data, shape).astype(a._data.dtype))

    @staticmethod
    def backward(ctx, grad):
        """The overwritten values get contiguous zeros (PyTorch's CopyBackwards: LEGACY_CONTIGUOUS)."""
        return zeros_like(grad, memory_format=layout.contiguous_format), grad.to(ctx.src_dtype)


@tensor_method()
def copy_(self: Tensor, src: Tensor, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, cast to ``self``'s dtype whatever it is) into ``self``; the gradient flows to it."""
    src = src if isinstance(src, Tensor) else as_tensor_like(src, self)
    # a copy from the same elements (x.copy_(x), an alias laid out alike) copies nothing: PyTorch
    # skips the memory checks (not autograd's)
    return _inplace(self, Copy.apply, src, desired=None, overlap=not _same_data(self, src))


def _same_data(a: Tensor, b: Tensor) -> bool:
    """PyTorch's copy_ shortcut: the same memory, shape, strides and dtype."""
    x, y = a._data, b._data
    return x is y or (x.__array_interface__["data"][0] == y.__array_interface__["data"][0] and x.shape == y.shape
                      and x.strides == y.strides and x.dtype == y.dtype)


class _Refill(Function):
    """A random refill (``uniform_``, ``normal_``, ``random_``) of a tensor in the graph: the
    new values do not depend on the old ones, so the gradient is zero."""

    @staticmethod
    def forward(ctx, a, values):
        return _t(values)

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), None


def _refill(self: Tensor, node_name: str, draw: Callable, generator: Generator | None) -> Tensor:
    """Refill ``self`` in place with ``draw(shape, dtype)``, drawn after the in-place checks (a
    refused call leaves the generator as it was); recorded as ``node_name`` in the graph."""
    node = _REFILL_NODES.setdefault(node_name, type(node_name, (_Refill,), {"node_name": node_name}))

    def op(old: Tensor) -> Tensor:
        with random.using(generator):
            return node.apply(old, random.in_memory_order(draw(old._data.shape, old._data.dtype), old._data))

    return _inplace(self, op, overlap=False)


_REFILL_NODES: dict = {}


@tensor_method()
def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Refill in place with U(a, b) samples from PyTorch's CPU generator."""
    return _refill(self, "UniformBackward0", lambda shape, dt: random.uniform(shape, dt, a, b), generator)


@tensor_method()
def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Refill in place with N(mean, std) samples from PyTorch's CPU generator."""
    return _refill(self, "NormalBackward0", lambda shape, dt: random.normal(shape, dt, mean, std), generator)


@tensor_method()
def random_(self: Tensor, *args: int | None, generator: Generator | None = None) -> Tensor:
    """``random_()``, ``random_(to)``, ``random_(from, to)``: integers drawn as PyTorch's CPU
    generator draws them, stored in ``self``'s dtype (three overloads, three node names)."""
    if not args:
        return _refill(self, "RandomBackward2", random.full_range, generator)
    from_, to = (0, args[0]) if len(args) == 1 else args
    name = "RandomBackward1" if len(args) == 1 else "RandomBackward0"
    return _refill(self, name, lambda shape, dt: random.random_words(from_, to, shape, dt), generator)


@tensor_method()
def bernoulli_(self: Tensor, p: Any = 0.5, *, generator: Generator | None = None) -> Tensor:
    """Refill in place with 1 (probability ``p``, a number or a tensor of them) or 0, as PyTorch draws them."""
    if isinstance(p, Tensor):
        probs = _bernoulli_probs(p)
        return _refill(self, "BernoulliBackward1", lambda shape, dt: random.bernoulli(
            probs, np.empty(shape), float_draws=probs.dtype != np.float64).astype(dt), generator)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _refill(self, "BernoulliBackward2",
                   lambda shape, dt: random.bernoulli(p, np.empty(shape)).astype(dt), generator)


def _bernoulli_probs(p: Tensor) -> np.ndarray:
    """A tensor of probabilities, checked as PyTorch's kernel checks it."""
    if p._data.dtype.kind != "f":
        raise NotImplementedError(errors.not_implemented_for("bernoulli_tensor_cpu_p_", dtypes.scalar_type_name(p.dtype)))
    if not ((p._data >= 0) & (p._data <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message "
                           "be improved?  If so, please report an enhancement request to PyTorch.)")
    return p._data


class Bernoulli(Function):
    """``bernoulli(probs)``: 1 with each element's probability; the draws do not depend smoothly on it (zero gradient)."""

    node_name = "BernoulliBackward0"

    @staticmethod
    def forward(ctx, probs, draws):
        return _t(draws)

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), None


@tensor_method()
def bernoulli(input: Tensor, p: float | None = None, *, generator: Generator | None = None) -> Tensor:
    """1 or 0 per element, with ``input``'s probabilities (``BernoulliBackward0``), or with ``p`` for all."""
    if p is not None:
        return zeros_like(input).bernoulli_(p, generator=generator)
    probs = _bernoulli_probs(input)
    with random.using(generator):
        draws = random.bernoulli(probs, probs, float_draws=probs.dtype != np.float64)
    return Bernoulli.apply(input, draws.astype(probs.dtype))


def _inplace_of(op: Callable, *aliases: str) -> Callable:
    """``op_``, the in-place form of ``op``: ``x.sin_()`` is ``x.sin()`` written into ``x``.

    So it records ``op``'s node (``SinBackward0``) on the modified tensor and bumps its
    version, with the leaf and view rules of ``_inplace``; also ``torch.sin_(x)``.
    """
    def op_(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace(self, lambda s, *a: op(s, *a, **kwargs), *args)

    op_.__name__ = op_.__qualname__ = op.__name__ + "_"
    op_.__doc__ = f"``{op.__name__}`` in place."
    return tensor_method(*aliases)(op_)


# The in-place forms of the elementwise ops (add_, exp_, clamp_, ... are written above)
(sin_, cos_, tan_, atan_, sinh_, cosh_, log_, log10_, log2_, log1p_, expm1_, sqrt_, rsqrt_, erf_, sign_, floor_,
 sigmoid_, tanh_, reciprocal_, square_) = map(_inplace_of, (
    unary.sin, unary.cos, unary.tan, unary.atan, unary.sinh, unary.cosh, unary.log, unary.log10, unary.log2,
    unary.log1p, unary.expm1, unary.sqrt, unary.rsqrt, unary.erf, unary.sign, unary.floor, activations.sigmoid,
    activations.tanh, arithmetic.reciprocal, arithmetic.square))
abs_ = absolute_ = _inplace_of(unary.abs, "absolute_")
index_add_ = _inplace_of(indexing.index_add)
clip_ = tensor_method("clip_")(clamp_)
negative_ = tensor_method("negative_")(neg_)
