"""Views and version counters: the bookkeeping behind in-place correctness.

A view shares its base's storage (a numpy view) and its version counter ``[n]``; an
in-place op bumps the counter, so a saved tensor that changed since it was saved is
caught at backward, and a view whose base changed gets a fresh ``grad_fn`` rebuilt
from the base (``refresh_view``). The core decides *when* a view is rebuilt; the op
that rebuilds it (``AsStrided``, in ``ops/inplace.py``) installs itself as ``rebuild``,
and the base's CopySlices after an in-place op on a view as ``rebase_history``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from . import errors
from .grad_mode import _state

if TYPE_CHECKING:
    from .tensor import Tensor

rebuild: Callable[..., "Tensor"] | None = None  # (base, size, stride, storage_offset) -> the view as AsStrided
rebase_history: Callable | None = None  # (view, node of the in-place op on it): the base's CopySlices


def _view_of(out: Tensor, base: Tensor, view_func) -> Tensor:
    """Mark ``out`` as a view of ``base``: same storage and version counter.

    ``view_func`` rebuilds the view from the base: in-place ops on the view write
    through it, and a view whose base changed in place gets a fresh grad_fn from it.
    """
    out._base = base if base._base is None else base._base
    out._vc = base._shared_version()
    out._view_version = out._vc[0]
    if base._inference:  # a view of an inference tensor is one (its in-place ops are refused)
        out._inference = True
    if not _state.user:  # (PyTorch's creation meta, whatever the dtype; see check_inplace)
        out._creation = "no_grad"
    if base._base is None:
        out._view_func = view_func
    elif base._view_func is not None and view_func is not None:
        inner = base._view_func
        out._view_func = lambda t: view_func(inner(t))
    return out


def refresh_view(t: Tensor) -> None:
    """If ``t`` is a view whose base was modified in place since ``t``'s grad_fn was set,
    point ``t`` at the base's new graph (PyTorch regenerates it the same way, also for a view
    with a grad_fn whose base does not require grad: a leaf view's view, ``x[0]`` of
    ``x = y.t().requires_grad_()``)."""
    base = t._base
    if t._view_version == t._vc[0] or not base._requires_grad and t._grad_fn is None:
        return
    if t._creation != "default":  # PyTorch cannot rebuild these views either
        _refuse(t, "its base or another view of its base has been modified inplace")
    prev = _state.enabled
    _state.enabled = True
    try:
        rebase(t)
    finally:
        _state.enabled = prev


def rebase(t: Tensor) -> None:
    """Give the view ``t`` a fresh grad_fn on its base's current graph: PyTorch's
    ``AsStridedBackward0`` of the view's place in the base's memory (it does not replay
    the view ops that made ``t``)."""
    fresh = rebuild(t._base, *geometry(t))
    t._grad_fn, t._output_nr, t._requires_grad = fresh._grad_fn, 0, fresh._requires_grad
    t._view_version = t._vc[0]


def geometry(t: Tensor) -> tuple[tuple, tuple, int]:
    """PyTorch's (size, stride, storage_offset) of ``t``, in elements, in the memory of its base
    (``t`` itself when it is not a view), which starts at the base's first element."""
    base = t if t._base is None else t._base
    item = t._data.itemsize
    offset = t._data.__array_interface__["data"][0] - base._data.__array_interface__["data"][0]
    return t._data.shape, tuple(s // item for s in t._data.strides), offset // item


_MULTI_OUTPUT = (" This view is the output of a function that returns multiple views. "
                 "Such functions do not allow the output views to be modified inplace. You should replace the "
                 "inplace operation by an out-of-place one.")
_NO_GRAD = (" with grad mode enabled. Given that this use case is ambiguous and "
            "error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace "
            "either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside "
            "(if you want the inplace to be tracked).")


def multi_output(views: tuple) -> tuple:
    """Mark the views one op returned together (split, unbind), after the op ran: PyTorch
    refuses tracked in-place ops on them, with another message when made under no_grad."""
    creation = "multi_output" if _state.enabled else "no_grad"
    for v in views:
        v._creation = creation
    return views


def check_inplace(t: Tensor) -> None:
    """Refuse a tracked in-place op on a view PyTorch cannot rebase (multi-output or no_grad views,
    and the views a custom Function returned)."""
    if t._base is None:
        return
    if t._custom_view_of:
        name, i = t._custom_view_of
        raise RuntimeError(errors.CUSTOM_VIEW_INPLACE.format(i=i, name=name, what="is being modified inplace"))
    if t._creation != "default":
        _refuse(t, "is being modified inplace")


def _refuse(t: Tensor, what: str) -> None:
    """PyTorch's message for a multi-output or no_grad view that is (or whose base was) modified in place."""
    fn = t._grad_fn
    if fn is not None:
        head = f"Output {t._output_nr} of {fn.name().removesuffix('Backward0')} is a view and {what}"
    else:
        head = f"A view was created in no_grad mode and {what}"
    if t._creation == "multi_output":
        where = "." if fn is not None else " with grad mode enabled."
        raise RuntimeError(head + where + _MULTI_OUTPUT)
    raise RuntimeError(head + _NO_GRAD)
