"""In-place ops (``add_``, ``x[i] = v``, ``fill_`` ...): each one is the out-of-place op
recorded on a snapshot of the old value, then written into the tensor's storage; the
version counter is bumped so stale saved tensors are caught (see ``views.py``).
"""
from __future__ import annotations

import builtins
import numbers
from typing import Any, Callable

import numpy as np

from .. import errors, random
from ..creation import zeros, zeros_like
from ..function import Function
from ..grad_mode import _state
from ..random import Generator
from ..tensor import _make, Tensor, tensor_method
from .. import views
from ..views import _view_of
from ._common import _check_shapes_broadcast, _t, _type_name, _type_str, as_tensor_like, overload
from .activations import relu
from .arithmetic import add, div, mul, neg, pow, sub
from .indexing import _index_key, CopySlices, getitem, IndexPut, masked_fill, scatter
from .shape import _expand_target, _expandable_to
from .unary import clamp, exp
from . import activations, arithmetic, unary


class AsStrided(Function):
    """A view rebuilt on its base's current graph, after the base was changed in place."""

    node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, base, view_func):
        ctx.shape, ctx.dtype, ctx.view_func = base._data.shape, base.dtype, view_func
        return _view_of(_t(view_func(base.detach())._data), base, view_func)

    @staticmethod
    def backward(ctx, grad):
        return CopySlices.apply(zeros(ctx.shape, dtype=ctx.dtype), grad, None, ctx.view_func), None


views.rebuild = AsStrided.apply  # the core calls it when a view's base changed in place


@tensor_method()
def scatter_(self: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None) -> Tensor:
    return _inplace(self, lambda s: scatter(s, dim, index, src, value=value))


@tensor_method()
def masked_fill_(self: Tensor, mask: Tensor, value: Any) -> Tensor:
    return _inplace(self, lambda s: masked_fill(s, mask, value))


def _tracked(*tensors: Any) -> bool:
    return _state.enabled and builtins.any(isinstance(t, Tensor) and t._requires_grad for t in tensors)


def _check_leaf_inplace(self: Tensor) -> None:
    views.check_inplace(self)
    if self._grad_fn is None and self._requires_grad:
        raise RuntimeError(errors.LEAF_INPLACE)
    base = self._base
    if base is not None and base._grad_fn is None and base._requires_grad and self._grad_fn is not None:
        raise RuntimeError(errors.VIEW_OF_LEAF_INPLACE)


def _inplace(self: Tensor, op, *args: Any) -> Tensor:
    """Run ``op(self, *args)`` and store the result in ``self`` (PyTorch's in-place semantics)."""
    if not _tracked(self, *args):
        out = op(self.detach(), *args)
        if self._data.dtype.kind != "f" and out._data.dtype.kind == "f":
            raise RuntimeError(f"result type Float can't be cast to the desired output type {_type_name(self)}")
        np.copyto(self._data, out._data, casting="unsafe")
        self._bump_version()
        return self
    _check_leaf_inplace(self)
    result = op(_snapshot(self), *args)
    _write_into(self, result)
    return self


def _snapshot(self: Tensor) -> Tensor:
    """The values before an in-place write, holding the tensor's current place in the graph."""
    old = _make(self._data.copy())
    old._requires_grad, old._grad_fn, old._output_nr = self._requires_grad, self._grad_fn, self._output_nr
    old._accumulator = self._accumulator
    return old


def _write_into(self: Tensor, result: Tensor) -> None:
    """Make ``self`` hold ``result``: data copied in, graph rebased, version bumped."""
    if self._base is not None and self._view_func is not None and self._base._requires_grad or (
            self._base is not None and self._view_func is not None and result._requires_grad):
        base = self._base
        _setitem_tracked(base, None, result, self._view_func)
        fresh = self._view_func(base)
        self._grad_fn, self._output_nr, self._requires_grad = fresh._grad_fn, fresh._output_nr, fresh._requires_grad
        self._view_version = self._vc[0]
        return
    np.copyto(self._data, result._data, casting="unsafe")
    self._bump_version()
    self._grad_fn, self._output_nr, self._requires_grad = result._grad_fn, result._output_nr, result._requires_grad
    if result._grad_fn is not None and result._grad_fn._saved_outputs:
        _resave_output(result._grad_fn, self)


def _resave_output(node, self: Tensor) -> None:
    """A node that saved its output (``exp_``) must watch ``self`` for later in-place changes."""
    saved, versions = list(node._saved), list(node._saved_versions)
    for k, nr in enumerate(node._saved_outputs):
        if nr is not None:
            saved[k], versions[k] = self._alias(), self._version
    node._saved, node._saved_versions = tuple(saved), tuple(versions)


def _setitem_tracked(self: Tensor, key, value: Tensor, view_func=None) -> None:
    if self._grad_fn is None and self._requires_grad:
        raise RuntimeError(errors.VIEW_OF_LEAF_INPLACE)
    old = _snapshot(self)
    if value._data.dtype != self._data.dtype:
        value = value.to(self.dtype)
    node = CopySlices if view_func is not None else IndexPut
    result = node.apply(old, value, key, view_func)
    np.copyto(self._data, result._data)
    self._bump_version()
    self._grad_fn, self._output_nr, self._requires_grad = result._grad_fn, result._output_nr, True


@tensor_method('__setitem__')
def setitem(self: Tensor, index: Any, value: Any) -> None:
    """``x[index] = value``."""
    value = value if isinstance(value, Tensor) else as_tensor_like(value, self)
    if value._data.ndim:
        _check_expand(value, getitem(self.detach(), index)._data.shape, index)
        if value._data.shape[0] == 1:
            value = value.reshape(tuple(np.trim_zeros(np.array(value._data.shape) - 1, "f") + 1))
    if not _tracked(self, value):
        view = getitem(self.detach(), index)
        try:
            if view._base is not None:
                np.copyto(view._data, np.broadcast_to(value._data, view._data.shape), casting="unsafe")
            else:
                self._data[_index_key(index)] = value._data
        except ValueError as e:
            raise RuntimeError(str(e)) from None
        self._bump_version()
        return
    key = _index_key(index)
    basic = builtins.all(k is None or k is Ellipsis or isinstance(k, (numbers.Integral, slice)) for k in key)
    if basic:  # write through the view self[index]: CopySlices on the base, as PyTorch
        view = getitem(self, index)
        _check_leaf_inplace(view)
        _write_into(view, value)
    else:
        _inplace(self, lambda s, v: IndexPut.apply(s, v, key, None), value)


def _check_expand(value: Tensor, shape: tuple, index: Any) -> None:
    """``x[index] = value`` broadcasts ``value`` to the indexed shape: PyTorch's errors when it cannot."""
    vs = value._data.shape
    while vs and vs[0] == 1:  # leading ones are dropped (PyTorch's slicePrefix1sSize)
        vs = vs[1:]
    if not builtins.all(k is None or k is Ellipsis or isinstance(k, (numbers.Integral, slice))
                        for k in _index_key(index)):
        if not _expandable_to(vs, shape):
            raise RuntimeError(f"shape mismatch: value tensor of shape [{', '.join(map(str, vs))}] cannot be "
                               f"broadcast to indexing result of shape [{', '.join(map(str, shape))}]")
        return
    _expand_target(_type_str(value), vs, tuple(shape))


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
    return _inplace(self, lambda s: clamp(s, min, max))


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
    node_name = "FillBackward0"

    @staticmethod
    def forward(ctx, a, value):
        return _t(np.full_like(a._data, value))

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), None


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
    return _inplace(self, Zero.apply)


FillTensor = overload(Fill, "FillTensor", "FillBackward2")  # fill_(0-d tensor)


@tensor_method()
def fill_(self: Tensor, value: Any) -> Tensor:
    """Fill in place with a number (or a one-element tensor, whose value is used), as the graph requires."""
    if isinstance(value, Tensor):
        value = value.item()
    return _inplace(self, FillTensor.apply if _tracked(self) else Fill.apply, value)


class Copy(Function):
    node_name = "CopyBackwards"
    node_in_torch_autograd = True

    @staticmethod
    def forward(ctx, a, src):
        ctx.src_dtype = src.dtype
        _check_shapes_broadcast(a._data.shape, src._data.shape)
        return _t(np.broadcast_to(src._data, a._data.shape).astype(a._data.dtype))

    @staticmethod
    def backward(ctx, grad):
        return zeros_like(grad), grad.to(ctx.src_dtype)


@tensor_method()
def copy_(self: Tensor, src: Tensor, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, cast) into ``self`` in place; the gradient flows to ``src``."""
    src = src if isinstance(src, Tensor) else as_tensor_like(src, self)
    return _inplace(self, Copy.apply, src)


@tensor_method()
def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Refill in place with U(a, b) samples from PyTorch's CPU generator; outside the graph, a new version."""
    with random.using(generator):
        self._data[...] = random.uniform(self._data.shape, self._data.dtype, a, b)
    self._bump_version()
    return self


@tensor_method()
def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Refill in place with N(mean, std) samples from PyTorch's CPU generator; outside the graph, a new version."""
    with random.using(generator):
        self._data[...] = random.normal(self._data.shape, self._data.dtype, mean, std)
    self._bump_version()
    return self


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
 clamp_min_, clamp_max_, sigmoid_, tanh_, reciprocal_, square_) = map(_inplace_of, (
    unary.sin, unary.cos, unary.tan, unary.atan, unary.sinh, unary.cosh, unary.log, unary.log10, unary.log2,
    unary.log1p, unary.expm1, unary.sqrt, unary.rsqrt, unary.erf, unary.sign, unary.floor, unary.clamp_min,
    unary.clamp_max, activations.sigmoid, activations.tanh, arithmetic.reciprocal, arithmetic.square))
abs_ = absolute_ = _inplace_of(unary.abs, "absolute_")
clip_ = tensor_method("clip_")(clamp_)
negative_ = tensor_method("negative_")(neg_)
