"""Views and version counters: the bookkeeping behind in-place correctness.

A view shares its base's storage (a numpy view) and its version counter ``[n]``; an
in-place op bumps the counter, so a saved tensor that changed since it was saved is
caught at backward, and a view whose base changed gets a fresh ``grad_fn`` rebuilt
from the base (``refresh_view``). The core decides *when* a view is rebuilt; the op
that rebuilds it (``AsStrided``, in ``ops/inplace.py``) installs itself as ``rebuild``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from .grad_mode import _state

if TYPE_CHECKING:
    from .tensor import Tensor

rebuild: Callable[["Tensor", Callable], "Tensor"] | None = None  # AsStrided.apply(base, view_func)


def _view_of(out: Tensor, base: Tensor, view_func) -> Tensor:
    """Mark ``out`` as a view of ``base``: same storage and version counter.

    ``view_func`` rebuilds the view from the base: in-place ops on the view write
    through it, and a view whose base changed in place gets a fresh grad_fn from it.
    """
    out._base = base if base._base is None else base._base
    out._vc = base._shared_version()
    out._view_version = out._vc[0]
    if base._base is None:
        out._view_func = view_func
    elif base._view_func is not None and view_func is not None:
        inner = base._view_func
        out._view_func = lambda t: view_func(inner(t))
    return out


def refresh_view(t: Tensor) -> None:
    """If ``t`` is a view whose base was modified in place since ``t``'s grad_fn was set,
    point ``t`` at the base's new graph (PyTorch regenerates it the same way)."""
    base = t._base
    if t._view_func is None or t._view_version == t._vc[0] or not base._requires_grad:
        return
    prev = _state.enabled
    _state.enabled = True
    try:
        fresh = rebuild(base, t._view_func)
    finally:
        _state.enabled = prev
    t._grad_fn, t._output_nr, t._requires_grad = fresh._grad_fn, 0, fresh._requires_grad
    t._view_version = t._vc[0]
