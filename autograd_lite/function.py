"""Graph nodes and ``Function``: the one mechanism every differentiable operation uses.

A ``Function`` subclass pairs a ``forward`` (numpy in, tensor out) with a ``backward``
written in autograd_lite operations, so backward itself can be recorded
(``create_graph=True``). Calling ``MyFn.apply(x, y)`` runs ``forward`` with grad mode
off and, when an input requires grad, records a node: an instance of ``MyFnBackward``
that is both the ``ctx`` the two methods share and the ``grad_fn`` of the outputs.
Built-in operations (``ops.py``) are Functions of exactly this kind.

The graph holds no reference cycles, so it is freed by reference counting the moment
the last output tensor goes away: nodes point at their inputs' nodes, never back, and
a node that saves its own output keeps it without its ``grad_fn``.
"""
from __future__ import annotations

import functools
import gc
import itertools
import re
import sys
import traceback
import warnings
import weakref
from typing import Any, Callable

import numpy as np

from . import errors
from .dtypes import tensor_type_name
from .grad_mode import _anomaly, _state, no_grad
from .hooks import RemovableHandle
from .tensor import Tensor, _make
from .views import refresh_view

_sequence = itertools.count()

# Python's cyclic garbage collector re-scans every live container object whenever it
# collects its oldest generation, and a recorded graph is many small objects: with the
# default thresholds a 100,000-op graph spends most of its build time being scanned.
# The graph holds no reference cycles (reference counting frees it), so scanning less
# often loses nothing; the thresholds are only ever raised, never lowered.
gc.set_threshold(*(max(now, ours) for now, ours in zip(gc.get_threshold(), (5000, 20, 20))))


class Node:
    """A recorded operation: the ``grad_fn`` of the tensors it produced.

    ``_next`` holds, per tensor input, the node that produced that input (its
    ``grad_fn``, or the leaf's ``AccumulateGrad``), or None where no gradient is needed;
    ``_next_nr`` says which output of that node the input was (None: all 0).
    """

    __slots__ = ("_next", "_next_nr", "_seq", "__weakref__")
    _pre_hooks = _post_hooks = None  # dicts, created when a hook is registered
    _output_meta: tuple  # (shape, numpy dtype) per output: what a gradient flowing into it must have

    @property
    def next_functions(self) -> tuple:
        """``((node, output_nr), ...)``, one pair per tensor input, as in PyTorch."""
        nrs = self._next_nr or (0,) * len(self._next)
        return tuple(zip(self._next, nrs))

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {id(self):#x}>"

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

    __slots__ = ("variable", "__dict__")

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable
        self._next, self._next_nr = (), None
        self._seq = float("inf")  # PyTorch runs these as soon as they are ready

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    @property
    def _output_meta(self) -> tuple:
        data = self.variable._data
        return ((data.shape, data.dtype),)

    def accumulate(self, grad: Tensor, create_graph: bool) -> None:
        var = self.variable
        for hook in tuple(var._hooks.values()) if var._hooks else ():
            new = hook(grad)
            if new is not None:
                grad = new
        if var._grad is None:
            if create_graph:  # a recorded copy, as PyTorch's CopyBackwards
                var._grad = _make(np.empty_like(grad._data)).copy_(grad)
            elif _only_reference(grad):
                var._grad = grad  # a fresh gradient nobody else holds: keep it, as PyTorch does
            else:  # it may be the caller's own tensor, or share memory with one: copy it
                var._grad = grad.detach().clone()
        elif create_graph:  # the sum must be recorded: out of place
            var._grad = var._grad + grad
        else:
            var._grad._data += grad._data
            var._grad._bump_version()
        for hook in tuple(var._post_accumulate_hooks.values()) if var._post_accumulate_hooks else ():
            hook(var)


def _only_reference(grad: Tensor) -> bool:
    """True when ``grad`` and its memory are referenced only by the engine's buffer (here:
    the buffer list, the ``grad`` argument and getrefcount's own)."""
    data = grad._data
    return (type(grad) is Tensor and grad._grad_fn is None and grad._base is None and grad._vc is None
            and data.base is None and data.flags.writeable
            and sys.getrefcount(grad) <= 4 and sys.getrefcount(data) <= 2)


def grad_accumulator(tensor: Tensor) -> AccumulateGrad:
    """The leaf's single AccumulateGrad node, created on first use and held weakly by the leaf."""
    ref = tensor._accumulator
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(tensor)
        tensor._accumulator = weakref.ref(node)
    return node


class BackwardFunction(Node):
    """A recorded call of a Function: the ``ctx`` of its forward/backward and the outputs' grad_fn.

    Attributes set in ``forward`` (``ctx.dim = 1``) are kept for ``backward``.
    """

    __slots__ = ("needs_input_grad", "_output_meta", "__dict__")
    _function: type  # the Function subclass whose backward this node runs
    # Defaults, overridden per node only when used:
    to_save = _saved = _saved_versions = _saved_outputs = None
    _non_differentiable = _dirty = None
    _non_tensor_args = ()  # positions of forward arguments that were not tensors
    _freed = False
    materialize_grads = True

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep tensors for backward; unpacking checks they were not modified in place since."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                i = next(i for i, t in enumerate(tensors) if t is not None and not isinstance(t, Tensor))
                raise TypeError(
                    f"save_for_backward can only save variables, but argument {i} is of type {type(t).__name__}"
                )
        self.to_save = tensors

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(errors.BACKWARD_TWICE)
        if self._saved is None:  # inside forward, or no graph was recorded
            return tuple(self.to_save) if self.to_save else ()
        outs = self._saved_outputs
        unpacked = []
        for i, (t, version) in enumerate(zip(self._saved, self._saved_versions)):
            if t is not None:
                if version != (0 if t._vc is None else t._vc[0]):
                    raise RuntimeError(_modified_message(t, version, self, outs[i] if outs else None))
                if outs and outs[i] is not None:  # our own output: give it its grad_fn back
                    t = t._alias()
                    t._requires_grad, t._grad_fn, t._output_nr = True, self, outs[i]
            unpacked.append(t)
        return tuple(unpacked)

    saved_variables = saved_tensors

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Outputs that get ``requires_grad=False`` (indices, masks)."""
        self._non_differentiable = tensors

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Inputs that forward modified in place: they become outputs of this node."""
        self._dirty = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward may receive None for outputs that got no gradient."""
        self.materialize_grads = value

    def _release(self) -> None:
        if self._saved is not None:
            self._freed = True
            self._saved = None

    def apply(self, *grads: Tensor) -> Any:
        """Run the Function's backward on gradients w.r.t. its outputs."""
        return self._function.backward(self, *grads)


def _modified_message(t: Tensor, version: int, node: Node, output_nr: int | None) -> str:
    shape = "[" + ", ".join(map(str, t._data.shape)) + "]"
    producer = node if output_nr is not None else t._grad_fn
    nr = output_nr if output_nr is not None else t._output_nr
    output = f", which is output {nr} of {_short_name(producer)}," if producer is not None else ""
    return errors.MODIFIED_INPLACE.format(type=tensor_type_name(t.dtype), shape=shape, output=output,
                                          version=t._version, expected=version)


def _short_name(node: Node) -> str:
    """PyTorch names the producing op without its "Backward0" suffix in this message."""
    return re.sub(r"Backward\d*$", "", node.name())


class FunctionMeta(type):
    """Gives every Function subclass its node class, named as PyTorch names it (``MulBackward0``)."""

    def __init__(cls, name: str, bases: tuple, attrs: dict) -> None:
        super().__init__(name, bases, attrs)
        node_name = attrs.get("node_name", name + "Backward")
        module = cls.__module__ if "node_name" in attrs else "torch.autograd.function"
        namespace = {"_function": cls, "__slots__": (), "__module__": module,
                     "__repr__": BackwardFunction.__repr__ if "node_name" in attrs else _user_node_repr}
        if attrs.get("node_in_torch_autograd"):  # PyTorch's C++ nodes: CopySlices, CopyBackwards
            namespace["name"] = lambda self: "torch::autograd::" + type(self).__name__
        cls._backward_cls = type(node_name, (BackwardFunction,), namespace)


def _user_node_repr(self: Node) -> str:
    return f"<{type(self).__module__}.{type(self).__name__} object at {id(self):#x}>"


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions are all static, so "
                      "you should invoke them on the class itself. Instantiating an autograd function will raise "
                      "an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx: BackwardFunction, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx: BackwardFunction, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom autograd.Function to use it "
            "with backward mode AD.")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` with grad mode off; record a node if any input requires grad."""
        ctx = object.__new__(cls._backward_cls)
        needs = tuple([isinstance(a, Tensor) and a._requires_grad for a in args])
        ctx.needs_input_grad = needs
        prev = _state.enabled
        _state.enabled = False
        try:
            out = cls.forward(ctx, *args, **kwargs) if kwargs else cls.forward(ctx, *args)
        finally:
            _state.enabled = prev
        if prev and True in needs:
            return _record(ctx, args, needs, out)
        for t in ctx._dirty or ():
            t._bump_version()
        return out


def _record(ctx: BackwardFunction, args: tuple, needs: tuple, out: Any) -> Any:
    """Wire a node into the graph: edges to the inputs' nodes, outputs pointing back at it."""
    ctx._seq = next(_sequence)
    nodes, nrs = [], None
    for i, a in enumerate(args):
        if needs[i]:
            if a._base is not None:  # a view whose base changed in place needs the base's new graph
                refresh_view(a)
            if a._output_nr:  # rare: an input that is not its node's first output
                nrs = nrs or [0] * len(args)
                nrs[len(nodes)] = a._output_nr
            nodes.append(a._grad_fn or grad_accumulator(a))
        elif isinstance(a, Tensor):
            nodes.append(None)
        else:  # not a tensor: backward must return None for it
            ctx._non_tensor_args += (i,)
    ctx._next = tuple(nodes)
    ctx._next_nr = tuple(nrs[: len(nodes)]) if nrs else None
    if _anomaly.enabled:  # keep the forward call's stack, for the error message of its backward
        ctx._forward_stack = "".join(traceback.format_stack()[:-3])

    if type(out) is Tensor and ctx._dirty is None and ctx._non_differentiable is None and out._grad_fn is None \
            and not _is_one_of(out, args):
        out._requires_grad, out._grad_fn = out._data.dtype.kind == "f", ctx  # the common case: one fresh output
        if not out._requires_grad:
            out._grad_fn = None
        outputs = (out,)
        ctx._output_meta = ((out._data.shape, out._data.dtype),)
    else:
        outputs = tuple(_wire(ctx, o, i, args) for i, o in enumerate((out,) if isinstance(out, Tensor) else out))
        ctx._output_meta = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None
                                 for o in outputs)
    if ctx.to_save:
        _save(ctx, outputs)
    return outputs[0] if isinstance(out, Tensor) else outputs


def _is_one_of(t: Any, items: Any) -> bool:
    """``t in items`` by identity (``==`` on tensors compares values)."""
    for item in items:
        if item is t:
            return True
    return False


def _wire(ctx: BackwardFunction, o: Any, i: int, args: tuple) -> Any:
    """Make output ``o`` (number ``i``) point back at ``ctx``."""
    if not isinstance(o, Tensor):
        return o
    if ctx._dirty and _is_one_of(o, ctx._dirty):
        if o._grad_fn is None and o._requires_grad:
            raise RuntimeError(errors.LEAF_MARKED_DIRTY)
        o._bump_version()
    elif _is_one_of(o, args) or o._grad_fn is not None:
        o = o._alias()  # an input returned as-is gets a fresh identity (PyTorch makes it a view)
    if o._data.dtype.kind != "f" or ctx._non_differentiable and _is_one_of(o, ctx._non_differentiable):
        o._requires_grad = False
    else:
        o._requires_grad, o._grad_fn, o._output_nr = True, ctx, i
    return o


def _save(ctx: BackwardFunction, outputs: tuple) -> None:
    """Keep the tensors of ``save_for_backward`` with their versions; outputs without grad_fn."""
    to_save = ctx.to_save
    ctx.to_save = None
    if not any(_is_one_of(o, to_save) for o in outputs):  # the common case: only inputs saved
        ctx._saved = to_save
        ctx._saved_versions = tuple([0 if t is None or t._vc is None else t._vc[0] for t in to_save])
        return
    saved, versions, out_nrs = [], [], None
    for k, t in enumerate(to_save):
        if t is not None:
            for nr, o in enumerate(outputs):
                if o is t:
                    out_nrs = out_nrs or [None] * len(to_save)
                    out_nrs[k] = nr
                    t = t._alias()
                    break
            versions.append(0 if t._vc is None else t._vc[0])
        else:
            versions.append(0)
        saved.append(t)
    ctx._saved, ctx._saved_versions = tuple(saved), tuple(versions)
    if out_nrs:
        ctx._saved_outputs = tuple(out_nrs)


def once_differentiable(fn: Callable) -> Callable:
    """Mark a backward as not differentiable itself: it runs with grad mode off."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            return fn(ctx, *args)

    return wrapper
