"""Graph nodes and ``Function``: the one mechanism every differentiable operation uses.

A ``Function`` subclass pairs a ``forward`` (numpy in, tensor out) with a ``backward``
written in autograd_lite operations, so backward itself can be recorded
(``create_graph=True``). Calling ``MyFn.apply(x, y)`` runs ``forward`` with grad mode
off and, when an input requires grad, records a node: an instance of ``MyFnBackward``
that is both the ``ctx`` the two methods share and the ``grad_fn`` of the outputs.
Built-in operations (``ops.py``) are Functions of exactly this kind.
"""
from __future__ import annotations

import itertools
import weakref
from typing import Any, Callable

from . import errors
from .grad_mode import _state
from .tensor import Tensor

_sequence = itertools.count()


class Node:
    """A recorded operation: the ``grad_fn`` of the tensors it produced.

    ``next_functions`` holds one ``(node, output_nr)`` edge per tensor input, pointing
    at the node that produced that input (``None`` where the input needs no gradient).
    """

    __slots__ = ("next_functions", "_seq", "_pre_hooks", "_post_hooks", "__weakref__")

    def name(self) -> str:
        return type(self).__name__

    def register_hook(self, fn: Callable) -> "RemovableHandle":
        """``fn(grad_inputs, grad_outputs)`` runs after this node computed its gradients."""
        if self._post_hooks is None:
            self._post_hooks = {}
        return RemovableHandle(self._post_hooks, fn)

    def register_prehook(self, fn: Callable) -> "RemovableHandle":
        """``fn(grad_outputs)`` runs before this node; it may return replacement gradients."""
        return RemovableHandle(self._hooks_for(-1), fn)

    def _hooks_for(self, output_nr: int) -> dict:
        if self._pre_hooks is None:
            self._pre_hooks = {}
        return self._pre_hooks.setdefault(output_nr, {})

    def _release(self) -> None:
        """Free what backward needed (after a backward without ``retain_graph``)."""


class AccumulateGrad(Node):
    """The node at the end of every path: adds the incoming gradient into a leaf's ``.grad``."""

    __slots__ = ("variable",)

    def __init__(self, variable) -> None:
        self.variable = variable
        self.next_functions = ()
        self._seq = float("inf")  # PyTorch runs these as soon as they are ready
        self._pre_hooks = self._post_hooks = None

    def accumulate(self, grad, create_graph: bool) -> None:
        var = self.variable
        for hook in tuple(var._hooks.values()) if var._hooks else ():
            new = hook(grad)
            if new is not None:
                grad = new
        if var._grad is None:
            var._grad = grad if create_graph else grad.detach().clone()
        elif create_graph or _state.enabled and var._grad._requires_grad:
            var._grad = var._grad + grad
        else:
            var._grad._data += grad._data
            var._grad._vc[0] += 1
        for hook in tuple(var._post_accumulate_hooks.values()) if var._post_accumulate_hooks else ():
            hook(var)


def grad_accumulator(tensor) -> AccumulateGrad:
    """The leaf's single AccumulateGrad node, created on first use and held weakly by the leaf."""
    ref = tensor._accumulator
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(tensor)
        tensor._accumulator = weakref.ref(node)
    return node


class SavedTensor:
    """A tensor saved for backward, with its version at saving time.

    An output saved by its own node is kept without its ``grad_fn`` (that would be a
    reference cycle) and given it back on unpacking, as PyTorch's SavedVariable does.
    """

    __slots__ = ("tensor", "version", "is_output", "output_nr")

    def __init__(self, tensor, is_output: bool, output_nr: int = 0) -> None:
        self.version = tensor._vc[0]
        self.is_output = is_output
        self.output_nr = output_nr
        self.tensor = tensor._alias() if is_output else tensor

    def unpack(self, node: Node):
        t = self.tensor
        if t._vc[0] != self.version:
            raise RuntimeError(_modified_message(t, self, node))
        if self.is_output:
            t = t._alias()
            t._requires_grad, t._grad_fn, t._output_nr = True, node, self.output_nr
        return t


def _modified_message(t, saved: SavedTensor, node: Node) -> str:
    kind = {"float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor"}.get(t.dtype.name, "Tensor")
    shape = "[" + ", ".join(map(str, t.shape)) + "]"
    if saved.is_output:
        output = f", which is output {saved.output_nr} of {node.name()}"
    elif saved.tensor._grad_fn is not None:
        output = f", which is output {saved.tensor._output_nr} of {saved.tensor._grad_fn.name()}"
    else:
        output = ""
    return errors.MODIFIED_INPLACE.format(
        type=f"torch.{kind}", shape=shape, output=output, version=t._vc[0], expected=saved.version
    )


class BackwardFunction(Node):
    """A recorded call of a Function: the ``ctx`` of its forward/backward and the outputs' grad_fn."""

    __slots__ = (
        "needs_input_grad", "to_save", "_saved", "_freed", "_input_meta", "_output_meta",
        "_non_differentiable", "_dirty", "materialize_grads", "__dict__",
    )
    _function: type  # the Function subclass whose backward this node runs

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors for backward; they are checked against in-place changes when unpacked."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"save_for_backward can only save variables, but argument {i} is of type {type(t).__name__}"
                )
        self.to_save = tensors

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(errors.BACKWARD_TWICE)
        if self._saved is None:  # still inside forward, or nothing saved
            return tuple(self.to_save) if self.to_save else ()
        return tuple(s.unpack(self) if s is not None else None for s in self._saved)

    saved_variables = saved_tensors

    def mark_non_differentiable(self, *tensors) -> None:
        """Outputs that get ``requires_grad=False`` (indices, masks)."""
        self._non_differentiable = tensors

    def mark_dirty(self, *tensors) -> None:
        """Inputs that forward modified in place: they become outputs of this node."""
        self._dirty = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward may receive None for outputs that got no gradient."""
        self.materialize_grads = value

    def _release(self) -> None:
        if self._saved:
            self._freed = True
        self._saved = None

    def apply(self, *grads):
        """Run the Function's backward on gradients w.r.t. its outputs."""
        return self._function.backward(self, *grads)


class FunctionMeta(type):
    """Gives every Function subclass its node class, named as PyTorch names it (``MulBackward0``)."""

    def __init__(cls, name: str, bases: tuple, attrs: dict) -> None:
        super().__init__(name, bases, attrs)
        node_name = attrs.get("node_name", name + "Backward")
        cls._backward_cls = type(node_name, (BackwardFunction,), {"_function": cls, "__slots__": ()})


class Function(metaclass=FunctionMeta):
    """Base class of differentiable operations (mirrors ``torch.autograd.Function``).

    >>> class Square(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x * x
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         x, = ctx.saved_tensors
    ...         return 2 * x * grad
    >>> y = Square.apply(x)
    """

    @staticmethod
    def forward(ctx: BackwardFunction, *args: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx: BackwardFunction, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        ctx = object.__new__(cls._backward_cls)
        ctx.to_save = ctx._saved = ctx._non_differentiable = ctx._dirty = None
        ctx._freed = False
        ctx.materialize_grads = True
        needs = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        ctx.needs_input_grad = needs
        record = _state.enabled and True in needs
        prev = _state.enabled
        _state.enabled = False
        try:
            out = cls.forward(ctx, *args, **kwargs)
        finally:
            _state.enabled = prev
        if not record:
            if ctx._dirty:
                for t in ctx._dirty:
                    t._vc[0] += 1
            return out
        return _record(ctx, args, needs, out)


def _record(ctx: BackwardFunction, args: tuple, needs: tuple, out: Any) -> Any:
    """Wire a node into the graph: edges to the inputs' nodes, outputs pointing back at it."""
    ctx._seq = next(_sequence)
    ctx._pre_hooks = ctx._post_hooks = None
    edges, meta = [], []
    for a, need in zip(args, needs):
        if isinstance(a, Tensor):
            if need:
                edges.append((a._grad_fn or grad_accumulator(a), a._output_nr))
                meta.append(a)
            else:
                edges.append((None, 0))
                meta.append(None)
    ctx.next_functions = tuple(edges)
    ctx._input_meta = tuple((m._data.shape, m._data.dtype) if m is not None else None for m in meta)

    single = isinstance(out, Tensor)
    outputs = (out,) if single else tuple(out)
    dirty = ctx._dirty or ()
    non_diff = ctx._non_differentiable or ()
    wired = []
    for i, o in enumerate(outputs):
        if not isinstance(o, Tensor):
            wired.append(o)
            continue
        if any(o is d for d in dirty):
            _check_inplace(o)
            o._vc[0] += 1
        elif any(o is a for a in args):
            o = o._alias()  # an input returned as-is gets a fresh identity, as in PyTorch (a view)
        if any(o is n for n in non_diff) or not o._data.dtype.kind == "f":
            o._requires_grad = False
        else:
            o._requires_grad, o._grad_fn, o._output_nr = True, ctx, i
        wired.append(o)
    if len(outputs) > 1:
        ctx._output_meta = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None for o in outputs)
    else:
        ctx._output_meta = None
    if ctx.to_save:
        ctx._saved = tuple(_save(t, wired) for t in ctx.to_save)
    ctx.to_save = None
    return wired[0] if single else tuple(wired)


def _save(t, outputs: list) -> SavedTensor | None:
    if t is None:
        return None
    for i, o in enumerate(outputs):
        if t is o:
            return SavedTensor(t, True, i)
    return SavedTensor(t, False)


def _check_inplace(t) -> None:
    if t._grad_fn is None and t._requires_grad:
        raise RuntimeError(errors.LEAF_INPLACE)


class RemovableHandle:
    """Returned by ``register_hook``; ``handle.remove()`` unregisters the hook."""

    _ids = itertools.count()

    def __init__(self, hooks: dict, fn: Callable) -> None:
        self.id = next(self._ids)
        self._hooks = weakref.ref(hooks) if hasattr(hooks, "__weakref__") else (lambda: hooks)
        hooks[self.id] = fn

    def remove(self) -> None:
        hooks = self._hooks()
        if hooks is not None:
            hooks.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def once_differentiable(fn: Callable) -> Callable:
    """Mark a backward as not differentiable itself: it runs with grad mode off."""
    import functools

    from .grad_mode import no_grad

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            return fn(ctx, *args)

    return wrapper
