"""``torch.autograd.forward_ad``: forward-mode AD (dual tensors carrying a tangent).

Inside ``dual_level()``, ``make_dual(primal, tangent)`` gives a tensor that carries
``tangent`` along; every operation on such tensors gives results carrying the
Jacobian-vector product J·tangent, and ``unpack_dual`` returns ``(primal, tangent)``.
A custom Function gives its own rule instead: its ``jvp`` staticmethod (``apply_with_jvp``).

How the tangent is computed: not by per-op forward formulas, but from each operation's
backward, by the double-vjp trick (as ``autograd.functional.jvp``): for the op's output o
of inputs x, ``u -> J^T u`` is linear in u, so differentiating ``<J^T u, t>`` with respect
to u gives ``J t``. The op is re-run on detached inputs to build that small graph; results
are exact (the same backward formulas), at about three times an op's cost.
"""
from __future__ import annotations

import weakref
from collections import namedtuple
from typing import Any

import numpy as np

from ..engine import grad
from ..function import forward_ad_state, transforms
from ..grad_mode import _state
from ..ops.inplace import tangent_of
from ..tensor import Tensor, _make

__all__ = ["dual_level", "make_dual", "unpack_dual", "UnpackedDualTensor", "enter_dual_level", "exit_dual_level"]

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])


def enter_dual_level() -> int:
    """Start a forward-AD level (``dual_level`` calls it); PyTorch allows one at a time."""
    if forward_ad_state.levels:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    forward_ad_state.levels.append([])
    transforms.depth += 1
    return len(forward_ad_state.levels) - 1


def exit_dual_level(*, level: int | None = None) -> None:
    """Leaving the level drops every tangent made in it."""
    transforms.depth -= 1
    for ref in forward_ad_state.levels.pop():
        t = ref()
        if t is not None:
            t._fw_tangent = None


class dual_level:
    """``with dual_level(): ...``: the scope in which dual tensors carry tangents."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc: object) -> None:
        exit_dual_level()


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A view of ``tensor`` that carries ``tangent``."""
    if not forward_ad_state.levels:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                           "enter_dual_level() first.")
    for name, t in (("primal", tensor), ("tangent", tangent)):
        if t._data.dtype.kind != "f":
            raise ValueError(f"Expected {name} to be floating point or complex, but got: {t.dtype}")
    if tangent._data.shape != tensor._data.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the original Tensor, this is "
            f"not supported. Tensor is of size {list(tensor._data.shape)} while the given forward gradient is of "
            f"size {list(tangent._data.shape)}.")
    levels, forward_ad_state.levels = forward_ad_state.levels, []  # (the view itself carries no tangent)
    try:
        dual = tensor.view(tensor.shape)  # a view, with the tensor's history (ViewBackward0), as PyTorch's
    finally:
        forward_ad_state.levels = levels
    if tangent._data.strides != tensor._data.strides:  # PyTorch copies it to the primal's layout
        tangent = _make(np.array(tangent._data, order="C" if tensor._data.flags.c_contiguous else "K"))
    attach(dual, tangent)  # as it is otherwise (unpack_dual gives back this very tensor)
    return dual


def attach(t: Tensor, tangent: Tensor) -> None:
    """Give ``t`` its tangent (dropped when the level exits; a weak reference keeps nothing alive); also to the copy its node saved
    for backward, so backward formulas run under forward AD (``jacfwd(jacrev(f))``) see it."""
    for dual in (t, *_saved_copies(t)):
        dual._fw_tangent = tangent
        forward_ad_state.levels[-1].append(weakref.ref(dual))


def _saved_copies(t: Tensor) -> list:
    node = t._grad_fn
    outs = getattr(node, "_saved_outputs", None) if node is not None else None
    if not outs or node._saved is None:
        return []
    return [saved for saved, nr in zip(node._saved, outs) if nr == t._output_nr and isinstance(saved, Tensor)]


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """``(primal, tangent)``: the values without the tangent, and the tangent (None outside a level)."""
    tangent = tangent_of(tensor) if forward_ad_state.levels else None
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    primal = tensor._alias()
    primal._requires_grad, primal._grad_fn = tensor._requires_grad, tensor._grad_fn
    return UnpackedDualTensor(primal, tangent)


def propagate(cls: type, args: tuple, kwargs: dict, out: Any) -> None:
    """Give ``out`` (the result of ``cls.apply(*args)``) the tangents J·t of the dual inputs."""
    dual = [i for i, a in enumerate(args) if isinstance(a, Tensor) and tangent_of(a) is not None]
    if not dual:
        return
    if dual == [0] and _views_of(out, args[0]) and args[0]._fw_tangent._data.strides == args[0]._data.strides:
        return _view_tangents(cls, args, kwargs, out)
    levels, forward_ad_state.levels = forward_ad_state.levels, []  # the re-run below carries no tangents
    prev, _state.enabled = _state.enabled, True
    try:
        xs = list(args)
        for i in dual:
            xs[i] = args[i].detach().requires_grad_()
        again = cls._apply(*xs, **kwargs)
        outs = again if isinstance(again, tuple) else (again,)
        targets = [k for k, o in enumerate(outs) if isinstance(o, Tensor) and o._requires_grad]
        if not targets:
            return
        us = [_make(np.zeros_like(outs[k]._data)).requires_grad_() for k in targets]
        ins = [xs[i] for i in dual]
        jt_u = grad([outs[k] for k in targets], ins, us, create_graph=True, allow_unused=True)
        pairs = [(g, args[i]._fw_tangent) for g, i in zip(jt_u, dual) if g is not None and g._requires_grad]
        if not pairs:
            return
        jv = grad([g for g, _ in pairs], us, [t for _, t in pairs], allow_unused=True, materialize_grads=True)
    finally:
        _state.enabled, forward_ad_state.levels = prev, levels
    results = out if isinstance(out, tuple) else (out,)
    for k, tangent in zip(targets, jv):
        primal = results[k]._data
        if tangent._data.strides != primal.strides or any(np.may_share_memory(tangent._data, t._data) for _, t in pairs):
            # laid out as its primal, as PyTorch's (so views of both match), and never an input's
            # tangent handed back (J = I): in-place ops write into a result's tangent
            fresh = np.empty_like(primal)
            fresh[...] = tangent._data
            tangent = _make(fresh)
        attach(results[k], tangent.detach())


def _views_of(out: Any, x: Tensor) -> bool:
    """Are all of ``out``'s tensors new views of ``x`` (a view op: select, view, t, unbind...)?"""
    root = x if x._base is None else x._base
    results = out if isinstance(out, tuple) else (out,)
    return bool(results) and all(isinstance(o, Tensor) and o._base is root and o is not x for o in results)


def _view_tangents(cls: type, args: tuple, kwargs: dict, out: Any) -> None:
    """A view's tangent is the same view of its input's tangent, as PyTorch's view ops give it:
    an in-place change of the input (which writes into the input's tangent) shows in the view's."""
    levels, forward_ad_state.levels = forward_ad_state.levels, []
    try:
        views = cls._apply(args[0]._fw_tangent, *args[1:], **kwargs)
    finally:
        forward_ad_state.levels = levels
    for o, tangent in zip(out if isinstance(out, tuple) else (out,), views if isinstance(views, tuple) else (views,)):
        if o._data.dtype.kind == "f":
            attach(o, tangent)


def has_tangent(args: tuple) -> bool:
    return bool(forward_ad_state.levels) and any(isinstance(a, Tensor) and tangent_of(a) is not None for a in args)


def apply_with_jvp(cls: type, args: tuple, kwargs: dict) -> Any:
    """A custom Function with dual inputs: ``forward``, then ``jvp(ctx, *input_tangents)`` gives the
    outputs' tangents (zeros for a tensor input without one, None for a non-tensor), as PyTorch."""
    ctx = object.__new__(cls._backward_cls)
    levels, forward_ad_state.levels = forward_ad_state.levels, []  # forward and jvp see plain tensors
    try:
        out = cls._apply(*args, _ctx=ctx, **kwargs)
        tangents = [tangent_of(a) if isinstance(a, Tensor) else None for a in args]
        tangents = [_make(np.zeros_like(a._data)) if t is None and isinstance(a, Tensor) and ctx.materialize_grads
                    else t for a, t in zip(args, tangents)]
        out_tangents = cls.jvp(_ForwardCtx(ctx), *tangents)
    finally:
        forward_ad_state.levels = levels
    results = out if isinstance(out, tuple) else (out,)
    out_tangents = out_tangents if isinstance(out_tangents, tuple) else (out_tangents,)
    for o, tangent in zip(results, out_tangents):
        if isinstance(o, Tensor) and o._data.dtype.kind == "f" and tangent is not None:
            attach(o, tangent)
    return out


class _ForwardCtx:
    """The ctx as ``jvp`` sees it: everything of the node, but ``saved_tensors`` are those of
    ``save_for_forward``."""

    def __init__(self, ctx: Any) -> None:
        object.__setattr__(self, "_ctx", ctx)

    @property
    def saved_tensors(self) -> tuple:
        return tuple(getattr(self._ctx, "saved_for_forward", ()))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._ctx, name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._ctx, name)


forward_ad_state.propagate = propagate  # Function.apply calls it through this slot
