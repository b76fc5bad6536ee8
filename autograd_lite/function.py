"""Graph nodes and ``Function``: the one mechanism every differentiable operation uses.

A ``Function`` subclass pairs a ``forward`` (numpy in, tensor out) with a ``backward``
written in autograd_lite operations, so backward itself can be recorded
(``create_graph=True``). Calling ``MyFn.apply(x, y)`` runs ``forward`` with grad mode
off and, when an input requires grad, records a node: an instance of ``MyFnBackward``
that is both the ``ctx`` the two methods share and the ``grad_fn`` of the outputs.
Built-in operations (``ops/``) are Functions of exactly this kind.

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
from numpy._core._ufunc_config import _extobj_contextvar as numpy_errstate  # (numpy 2: errstate is a context variable)

from . import errors, layout, views
from .dtypes import cpp_tensor_type_name
from .grad_mode import _anomaly, _inference_tensors, _state, no_grad
from .hooks import RemovableHandle
from .tensor import Tensor, _make
from .views import refresh_view

_sequence = itertools.count()

# PyTorch never emits numpy's floating-point warnings ("divide by zero encountered ...",
# "invalid value ...", "Mean of empty slice"): forward and backward run with them off. This
# is ``np.errstate(all="ignore")`` done through numpy's own context variable, which costs a
# tenth of entering an ``errstate`` on every operation.
with np.errstate(all="ignore"):
    NUMPY_QUIET = numpy_errstate.get()


class _Profiling:
    """The open ``autograd.profiler.profile``'s event list (None: not profiling).

    The profiler plugs its timer in here (``timed``, ``op_name``), so the core needs no
    import of it."""

    events: list | None = None
    inner = 0.0  # microseconds spent in events nested in the current one
    timed: Callable = None  # type: ignore[assignment]
    op_name: Callable = None  # type: ignore[assignment]


profiling = _Profiling()


class _ForwardAD:
    """The open ``forward_ad.dual_level`` (a list of the tensors given tangents in it), if any,
    and forward_ad's ``propagate`` (plugged in by that module, which sits above the core)."""

    levels: list = []
    propagate: Callable = None  # type: ignore[assignment]


forward_ad_state = _ForwardAD()


class _Transforms:
    """How many ``torch.func`` transforms and forward-AD levels are open; while any is, a custom
    Function's ``apply`` goes through ``apply_custom`` (plugged in by ``func``), which honours
    its ``vmap``/``jvp`` staticmethods and the transforms' rules about it."""

    depth = 0
    apply_custom: Callable = None  # type: ignore[assignment]


transforms = _Transforms()

# Python's cyclic garbage collector scans the young objects every ``threshold0`` allocations,
# and again, older, every ``threshold1`` of those collections; a recorded graph is many small
# objects that all survive, so with the default thresholds a 100,000-op graph spends a fifth
# of its build time being scanned (measured: 0.6 us an op). The graph holds no reference
# cycles (reference counting frees it), so scanning less often loses nothing here; the
# price is that other code's cyclic garbage waits longer (up to 100,000 new objects) to be
# freed. The thresholds are only ever raised, never lowered.
gc.set_threshold(*(max(now, ours) for now, ours in zip(gc.get_threshold(), (100_000, 50, 100))))


class Node:
    """A recorded operation: the ``grad_fn`` of the tensors it produced.

    ``_next`` holds, per tensor input, the node that produced that input (its
    ``grad_fn``, or the leaf's ``AccumulateGrad``), or None where no gradient is needed;
    ``_next_nr`` says which output of that node the input was (None: all 0).
    """

    __slots__ = ("_next", "_seq", "__weakref__")
    _pre_hooks = _post_hooks = None  # dicts, created when a hook is registered
    _next_nr = None  # per input, which output of its node it was, when one was not output 0
    _output_meta: tuple  # (shape, numpy dtype) per output: what a gradient flowing into it must have

    @property
    def next_functions(self) -> tuple:
        """``((node, output_nr), ...)``, one pair per tensor input, as in PyTorch."""
        nrs = self._next_nr or (0,) * len(self._next)
        return tuple(zip(self._next, nrs))

    def name(self) -> str:
        return type(self).__name__

    @property
    def metadata(self) -> dict:
        """A dict the user may fill; it lives as long as the node."""
        return self.__dict__.setdefault("_metadata", {})

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

    __slots__ = ("variable", "_output_meta", "__dict__")

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable
        self._next = ()
        self._seq = float("inf")  # as a root it runs first (elsewhere: right after its last user, see engine)
        data = variable._data  # what a gradient for it must be, fixed now as in PyTorch (``.data =`` resets it)
        self._output_meta = ((data.shape, data.dtype),)

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def accumulate(self, grad: Tensor, create_graph: bool) -> None:
        var = self.variable
        for hook in tuple(var._hooks.values()) if var._hooks else ():
            new = hook(grad)
            if new is not None:
                grad = checked_hook_result(hook, new, grad)
        if var._grad is None:  # laid out by PyTorch's gradient layout contract (see layout.py)
            if create_graph:  # a recorded copy, as PyTorch's CopyBackwards
                var._grad = _make(layout.grad_layout(grad._data, var._data)).copy_(grad)
            elif _only_reference(grad) and (layout.obeys_grad_layout(grad._data, var._data)
                                            or not _state.grad_layout_enforced):
                # a fresh gradient nobody else holds: keep it (detached, as PyTorch: no forward-AD
                # tangent); a read-only numpy view (an expand's) is copied as it is laid out
                if not grad._data.flags.writeable:
                    grad = _make(layout.like(grad._data.copy(), grad._data))
                var._grad = grad if grad._fw_tangent is None else grad.detach()
            else:  # it may be the caller's own tensor, or share memory with one: copy it
                var._grad = _make(layout.grad_layout(grad._data, var._data))
        elif create_graph:  # the sum must be recorded: out of place
            var._grad = var._grad + grad
        else:
            var._grad._data += grad._data
            var._grad._bump_version()
        for hook in tuple(var._post_accumulate_hooks.values()) if var._post_accumulate_hooks else ():
            hook(var)


def checked_hook_result(hook: Callable, new: Any, old: Tensor) -> Tensor:
    """A tensor hook may replace a gradient, but only by a tensor of the same size and type."""
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    if new._data.shape != old._data.shape:
        raise RuntimeError(f"hook '{hook_name(hook)}' has changed the size of value")
    if new._data.dtype != old._data.dtype:
        raise RuntimeError(f"hook '{hook_name(hook)}' has changed the type of value (was {_type_name(old)} "
                           f"got {_type_name(new)})")
    return new


def checked_hook_results(hook: Callable, new: Any, count: int) -> list:
    """A node hook may replace all its gradients at once: by a tuple of as many."""
    if not isinstance(new, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(new).__name__}'")
    if len(new) != count:
        raise RuntimeError(f"hook '{hook_name(hook)}' has returned an incorrect number of values "
                           f"(got {len(new)}, but expected {count})")
    return list(new)


def hook_name(hook: Callable) -> str:
    return getattr(hook, "__name__", type(hook).__name__)


def _type_name(t: Tensor) -> str:
    """The legacy type name PyTorch's messages use: ``torch.FloatTensor``."""
    kind = {"float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor", "float16": "HalfTensor",
            "int32": "IntTensor", "bool": "BoolTensor"}.get(t._data.dtype.name, "Tensor")
    return "torch." + kind


def _only_reference(grad: Tensor) -> bool:
    """True when the tensor ``grad`` is referenced only by the engine's buffer (here: the
    buffer list, the ``grad`` arguments and getrefcount's own) and its array by no other
    tensor (the tensor, ``data`` and getrefcount's own). As PyTorch counts references to the
    tensor, not to its memory, a view of a temporary (``grad.reshape``) is kept too."""
    data = grad._data
    return (type(grad) is Tensor and grad._grad_fn is None
            and sys.getrefcount(grad) <= 4 and sys.getrefcount(data) <= 3)


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

    Attributes set in ``forward`` (``ctx.dim = 1``) are kept for ``backward``. The class
    declares no ``__slots__``: Python then keeps each node's attributes in a compact
    per-class layout, as fast to set and read as slots, whichever ones an op sets.
    """

    _function: type  # the Function subclass whose backward this node runs
    # Defaults, overridden per node only when used:
    to_save = _saved = _saved_versions = _saved_outputs = None
    _non_differentiable = _dirty = None
    _non_tensor_args = ()  # positions of forward arguments that were not tensors
    _freed = False
    _custom = False  # a user's Function (its views of inputs are guarded, see _custom_view)
    needs_input_grad = (False,) * 8  # what a built-in op's forward sees when nothing is recorded
    materialize_grads = True

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep tensors for backward; unpacking checks they were not modified in place since.

        They are checked when the node is recorded (``_save``), as PyTorch checks them: under
        ``no_grad`` nothing is saved, so nothing is checked.
        """
        self.to_save = tensors

    @property
    def saved_tensors(self) -> tuple:
        # (a built-in formula run without recording never reads its saved output's grad_fn)
        return self._unpack(self._custom or _state.enabled)

    def _unpack(self, with_history: bool) -> tuple:
        """The saved tensors, checked for in-place changes; ``with_history``: a saved output
        comes back with its grad_fn, as the tensor it was."""
        saved = self._saved
        if saved is None:  # freed, or inside forward, or no graph was recorded
            if self._freed:
                raise RuntimeError(errors.BACKWARD_TWICE)
            return tuple(self.to_save) if self.to_save else ()
        outs = self._saved_outputs
        if outs is None or not with_history:
            for t, version in zip(saved, self._saved_versions):
                if t is not None and (type(t) is _Packed or version != (0 if t._vc is None else t._vc[0])):
                    break
            else:  # the common case: no output among them, none modified since, none packed by hooks
                return self._saved
        unpacked = []
        hooked = None
        for i, (t, version) in enumerate(zip(self._saved, self._saved_versions)):
            if type(t) is _Packed:  # saved through saved_tensors_hooks: their unpack gives it back
                hooked = hooked or _unpack_all(self)  # (all at once, in PyTorch's order)
                t = hooked[i]
            elif t is not None:
                if version != (0 if t._vc is None else t._vc[0]):
                    raise RuntimeError(_modified_message(t, version, self, outs[i] if outs else None))
                if outs and outs[i] is not None:  # our own output: give it its grad_fn back
                    tangent, t = t._fw_tangent, t._alias()
                    t._requires_grad, t._grad_fn = True, self._saved_output_fn()
                    if outs[i]:
                        t._output_nr = outs[i]
                    if tangent is not None and forward_ad_state.levels:  # (and its forward-AD tangent)
                        t._fw_tangent = tangent
                        forward_ad_state.levels[-1].append(weakref.ref(t))
            unpacked.append(t)
        return tuple(unpacked)

    saved_variables = saved_tensors

    def _take_saved_tensors(self) -> tuple:
        """``saved_tensors`` of a Function with ``clear_saved_tensors_on_access``: handed over once."""
        if self._saved_taken:
            raise RuntimeError(errors.SAVED_TENSORS_TAKEN)
        tensors = BackwardFunction.saved_tensors.fget(self)
        if self._saved is not None:  # (inside forward nothing is kept yet)
            self._saved_taken, self._saved = True, ()
        return tensors

    _saved_taken = False
    _output_history = None  # an in-place op on a view: weakly, the grad_fn its saved output comes back with

    def _saved_output_fn(self) -> Node:
        """The grad_fn a saved output comes back with: this node, or after an in-place op on a
        view the view's new one while it lives (see ``inplace._resave_output``)."""
        history = self._output_history and self._output_history()
        return history or self

    def save_for_forward(self, *tensors: Tensor | None) -> None:
        """Keep tensors for ``jvp`` (forward mode), where ``ctx.saved_tensors`` gives them."""
        self.saved_for_forward = tensors

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Outputs that get ``requires_grad=False`` (indices, masks)."""
        self._non_differentiable = tensors

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Inputs that forward modified in place: they become outputs of this node."""
        self._dirty = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward may receive None for outputs that got no gradient."""
        self.materialize_grads = value

    def __getattr__(self, name: str) -> Any:
        """``_saved_self``, ``_saved_other``, ``_saved_result`` ... and their ``_raw_saved_`` forms:
        what ``save_for_backward`` kept, named by slot as PyTorch names the saved arguments."""
        raw = name.startswith("_raw_saved_")
        key = name[11:] if raw else name[7:] if name.startswith("_saved_") else None
        fields = saved_fields.get(type(self).__name__) if key else None
        if fields is not None:
            k = fields.get(key)
            if k is not None and not isinstance(k, int) and not raw:
                return k(self)  # a non-tensor value (a dim, a size, ...)
        else:
            names = self._saved_names() if key else ()
            k = names.index(key) if key in names else None
        if not isinstance(k, int):
            raise AttributeError(errors.no_attribute(self, name))
        if self._freed:
            raise RuntimeError(errors.BACKWARD_TWICE)
        return SavedTensor(self, k) if raw else self._unpack(True)[k]

    def _saved_names(self) -> tuple:
        count = len(self._saved_versions or self.to_save or ())
        outs = self._saved_outputs or (None,) * count
        return tuple("result" if outs[k] is not None else ("self", "other")[k] if k < 2 else f"arg{k}"
                     for k in range(count))

    def _release(self) -> None:
        if self._saved is not None:
            self._freed = True
            self._saved = None

    def apply(self, *grads: Tensor) -> Any:
        """Run the Function's backward on gradients w.r.t. its outputs."""
        return self._function.backward(self, *grads)


def _modified_message(t: Tensor, version: int, node: Node, output_nr: int | None) -> str:
    shape = "[" + ", ".join(map(str, t._data.shape)) + "]"
    producer = node._saved_output_fn() if output_nr is not None else t._grad_fn
    nr = output_nr if output_nr is not None else t._output_nr
    output = f", which is output {nr} of {_short_name(producer)}," if producer is not None else ""
    return errors.MODIFIED_INPLACE.format(type=cpp_tensor_type_name(t.dtype), shape=shape, output=output,
                                          version=t._version, expected=version)


def _short_name(node: Node) -> str:
    """PyTorch names the producing op without its "Backward0" suffix in this message, but keeps
    another overload's number: ``ExpBackward0`` is "Exp", ``MinBackward1`` "Min1"."""
    return re.sub(r"Backward(0$|(?=\d*$))", "", node.name())


class FunctionMeta(type):
    """Gives every Function subclass its node class, named as PyTorch names it (``MulBackward0``)."""

    def __init__(cls, name: str, bases: tuple, attrs: dict) -> None:
        super().__init__(name, bases, attrs)
        node_name = attrs.get("node_name", name + "Backward")
        module = cls.__module__ if "node_name" in attrs else "torch.autograd.function"
        namespace = {"_function": cls, "__slots__": (), "__module__": module, "_custom": "node_name" not in attrs,
                     "__repr__": BackwardFunction.__repr__ if "node_name" in attrs else _user_node_repr}
        if getattr(cls, "clear_saved_tensors_on_access", False):
            namespace["saved_tensors"] = property(BackwardFunction._take_saved_tensors)
        if attrs.get("node_in_torch_autograd"):  # PyTorch's C++ nodes: CopySlices, CopyBackwards
            namespace["name"] = lambda self: "torch::autograd::" + type(self).__name__
        cls._backward_cls = type(node_name, (BackwardFunction,), namespace)
        if attrs.get("vjp", attrs.get("backward")) is not attrs.get("backward"):  # vjp: backward's other name
            cls.backward = attrs["vjp"] if "backward" not in attrs else staticmethod(_both_backward_and_vjp)


def _both_backward_and_vjp(ctx: Any, *grads: Any) -> Any:
    raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is not allowed. You should only "
                       "implement one of them.")


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
    def setup_context(ctx: BackwardFunction, inputs: tuple, output: Any) -> None:
        """Defined by Functions whose ``forward`` takes no ctx: it fills ctx from inputs and output."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: BackwardFunction, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom autograd.Function to use it "
            "with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx: BackwardFunction, *grad_inputs: Any) -> Any:
        """Forward mode: the tangents of the outputs from one tangent per input (used by forward_ad)."""
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it with "
                                  "forward mode AD.")

    @staticmethod
    def vmap(info: Any, in_dims: tuple, *args: Any) -> Any:
        """How ``forward`` runs on inputs with a batch dimension: returns ``(outputs, out_dims)``."""
        raise NotImplementedError("To use autograd.Function with vmap, you must either override the vmap "
                                  "staticmethod or set generate_vmap_rule=True.")

    _optional_tensor_args: tuple = ()  # built-ins: positions of PyTorch's ``Tensor?`` arguments (conv bias, norm weight and bias)
    generate_vmap_rule = False  # True: under vmap, run forward per sample (it must be made of torch operations)
    boxed_grads_call = False  # True: backward gets the output gradients as one list it may clear
    clear_saved_tensors_on_access = False  # True: ctx.saved_tensors hands the tensors over, once

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` with grad mode off; record a node if any input requires grad."""
        if profiling.events is not None or transforms.depth:  # (forward-AD levels count as transforms)
            return _apply_observed(cls, args, kwargs)
        return _run(cls, object.__new__(cls._backward_cls), args, kwargs)

    @classmethod
    def _apply(cls, *args: Any, _ctx: BackwardFunction | None = None, **kwargs: Any) -> Any:
        """``apply`` without the profiler and transforms; ``_ctx``: a node made by the caller (forward AD's)."""
        return _run(cls, object.__new__(cls._backward_cls) if _ctx is None else _ctx, args, kwargs)


def _run(cls: type, ctx: BackwardFunction, args: tuple, kwargs: dict) -> Any:
    """The body of ``apply``: ``forward`` on ``args``, then the node wired into the graph."""
    prev = _state.enabled
    if not prev and not ctx._custom:  # no_grad, or inside backward: a built-in op only computes
        if numpy_errstate.get() is NUMPY_QUIET:  # (inside backward: quiet already)
            out = cls.forward(ctx, *args, **kwargs) if kwargs else cls.forward(ctx, *args)
        else:
            quiet = numpy_errstate.set(NUMPY_QUIET)
            try:
                out = cls.forward(ctx, *args, **kwargs) if kwargs else cls.forward(ctx, *args)
            finally:
                numpy_errstate.reset(quiet)
        if ctx._dirty:
            for t in ctx._dirty:
                t._bump_version()
        return out
    needs = []  # (a plain loop: a list comprehension is one more function call on Python 3.11)
    for a in args:
        needs.append(isinstance(a, Tensor) and a._requires_grad)
    ctx.needs_input_grad = needs = tuple(needs)
    if prev:
        _state.enabled = False
    quiet = numpy_errstate.set(NUMPY_QUIET)
    try:
        if cls.setup_context is Function.setup_context:
            out = cls.forward(ctx, *args, **kwargs) if kwargs else cls.forward(ctx, *args)
        else:  # the style PyTorch's docs now recommend: forward without ctx
            out = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, out)
    finally:
        _state.enabled = prev
        numpy_errstate.reset(quiet)
    if prev and True in needs:
        return _record(ctx, args, needs, out)
    for t in ctx._dirty or ():
        t._bump_version()
    if ctx._custom and type(out) is Tensor and _is_one_of(out, args) and not ctx._dirty:
        return out._alias()  # an input returned as-is still comes back as a new tensor
    return out


def _apply_observed(cls: type, args: tuple, kwargs: dict) -> Any:
    """``Function.apply`` while the profiler records, or a torch.func transform or forward-mode level is open."""
    if transforms.depth and cls._backward_cls._custom:
        return transforms.apply_custom(cls, args, kwargs)
    if profiling.events is not None:
        name = cls.__name__ if cls._backward_cls._custom else profiling.op_name(cls._backward_cls.__name__)
        with profiling.timed(name):
            out = cls._apply(*args, **kwargs)
    else:
        out = cls._apply(*args, **kwargs)
    if forward_ad_state.levels:  # (it finds the inputs' tangents: a view may read its base's)
        forward_ad_state.propagate(cls, args, kwargs, out)
    return out


def _record(ctx: BackwardFunction, args: tuple, needs: tuple, out: Any) -> Any:
    """Wire a node into the graph: edges to the inputs' nodes, outputs pointing back at it."""
    nodes, nrs = [], None
    for i, a in enumerate(args):
        if needs[i]:
            if a._base is not None:  # a view whose base changed in place needs the base's new graph
                refresh_view(a)
            if a._output_nr:  # rare: an input that is not its node's first output
                nrs = nrs or [0] * len(args)
                nrs[len(nodes)] = a._output_nr
            fn = a._grad_fn
            if fn is None:  # a leaf: its AccumulateGrad (what grad_accumulator does, inline)
                ref = a._accumulator
                fn = ref() if ref is not None else None
                if fn is None:
                    fn = grad_accumulator(a)
            nodes.append(fn)
        elif isinstance(a, Tensor) or a is None and i in ctx._function._optional_tensor_args:
            nodes.append(None)  # (an absent optional tensor keeps its edge, (None, 0), as in PyTorch)
        else:  # not a tensor: backward must return None for it
            ctx._non_tensor_args += (i,)
    ctx._seq = next(_sequence)  # (after the views' refreshed nodes: they run after this one)
    ctx._next = tuple(nodes)
    if nrs:
        ctx._next_nr = tuple(nrs[: len(nodes)])
    if _anomaly.enabled:  # keep the forward call's stack, for the error message of its backward
        ctx._forward_stack = "".join(traceback.format_stack()[:-3])

    fresh = type(out) is Tensor and out._grad_fn is None and ctx._dirty is None and ctx._non_differentiable is None \
        and not (ctx._custom and out._base is not None)
    if fresh:
        for a in args:  # (``out in args`` would compare values)
            if a is out:
                fresh = False
                break
    if fresh:  # the common case: one fresh output
        data = out._data
        if data.dtype.kind == "f":
            out._requires_grad, out._grad_fn = True, ctx
        ctx._output_meta = ((data.shape, data.dtype),)
        if ctx.to_save:
            _save(ctx, (out,))
        return out
    single = not isinstance(out, tuple)
    outputs = tuple(_wire(ctx, o, i, args) for i, o in enumerate((out,) if single else out))
    ctx._output_meta = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None for o in outputs)
    if ctx._dirty:
        _rebase_dirty_views(ctx, outputs)
    if ctx.to_save:
        _save(ctx, outputs)
    return outputs[0] if single else outputs


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
    elif ctx._custom and (_is_one_of(o, args) or o._base is not None and _is_view_of_any(o, args)):
        o = _custom_view(o, i, ctx)
    elif _is_one_of(o, args) or o._grad_fn is not None:
        o = o._alias()  # an input returned as-is gets a fresh identity (PyTorch makes it a view)
    if o._data.dtype.kind != "f" or ctx._non_differentiable and _is_one_of(o, ctx._non_differentiable):
        o._requires_grad = False
    else:
        o._requires_grad, o._grad_fn, o._output_nr = True, ctx, i
    return o


def _rebase_dirty_views(ctx: BackwardFunction, outputs: tuple) -> None:
    """A Function that changed a view in place (``mark_dirty``): as for the built-in in-place
    ops, the base's history becomes a CopySlices around this node (``views.rebase_history``);
    PyTorch allows it only to a Function with one output."""
    for o in outputs:
        if type(o) is Tensor and o._base is not None and o._grad_fn is ctx and _is_one_of(o, ctx._dirty):
            if len(outputs) > 1:
                raise RuntimeError(errors.DIRTY_VIEW_OF_MANY_OUTPUTS)
            views.rebase_history(o, ctx)


def _is_view_of_any(o: Tensor, args: tuple) -> bool:
    return any(isinstance(a, Tensor) and (o._base is a or o._base is a._base) for a in args)


def _custom_view(o: Tensor, i: int, ctx: BackwardFunction) -> Tensor:
    """An input returned as-is, or a view of one: PyTorch makes it a view whose history is
    the Function's node, so it refuses the in-place ops that would rebase that history."""
    base = o if o._base is None else o._base
    view = o._alias()
    view._base = base
    view._vc = base._shared_version()
    view._view_version = view._vc[0]
    name = _short_name(ctx)
    view._custom_view_of = name, i

    def refuse(_: Tensor) -> Tensor:
        raise RuntimeError(errors.CUSTOM_VIEW_INPLACE.format(i=i, name=name, what="is being modified inplace"))

    view._view_func = refuse
    return view


def _save(ctx: BackwardFunction, outputs: tuple) -> None:
    """Keep the tensors of ``save_for_backward`` with their versions; outputs without grad_fn."""
    saved = tuple(ctx.to_save)
    ctx.to_save = None
    if _inference_tensors.seen and any(isinstance(t, Tensor) and t._inference for t in saved):
        raise RuntimeError(errors.INFERENCE_SAVED)
    if saved_tensors_hooks_stack:
        _save_packed(ctx, saved, outputs)
        return
    versions, out_nrs, first = None, None, outputs[0]  # (versions: None while all are 0, the common case)
    for k, t in enumerate(saved):
        if t is None:
            continue
        if type(t) is not Tensor and not isinstance(t, Tensor):
            raise TypeError(f"save_for_backward can only save variables, but argument {k} is of type {type(t).__name__}")
        if t is first or len(outputs) > 1 and _is_one_of(t, outputs):
            # our own output: an alias without grad_fn, so the node does not hold itself
            out_nrs = out_nrs or [None] * len(saved)
            out_nrs[k] = 0 if t is first else next(nr for nr, o in enumerate(outputs) if o is t)
            saved = saved[:k] + (t._alias(),) + saved[k + 1:]
        vc = t._vc
        if vc is not None and vc[0]:
            versions = versions or [0] * len(saved)
            versions[k] = vc[0]
    ctx._saved, ctx._saved_versions = saved, (0,) * len(saved) if versions is None else tuple(versions)
    if out_nrs:
        ctx._saved_outputs = tuple(out_nrs)


# ``grad_fn._saved_<name>``: per node class name, PyTorch's name of each value it keeps -> a
# save_for_backward slot (int) or a function of the node (non-tensors). Filled by ops/saved.py,
# the one owner of these names; a node not listed names its slots self, other (result: an output).
saved_fields: dict[str, dict[str, Any]] = {}

# (pack, unpack) pairs of the active torch.autograd.graph.saved_tensors_hooks, innermost last
saved_tensors_hooks_stack: list = []


class _Packed:
    """A saved tensor as a pack hook returned it, with the unpack hook that restores it."""

    __slots__ = ("packed", "unpack_hook")

    def __init__(self, packed: Any, unpack_hook: Callable) -> None:
        self.packed, self.unpack_hook = packed, unpack_hook

    def unpack(self) -> Tensor:
        t = self.unpack_hook(self.packed)
        if not isinstance(t, Tensor):
            raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but got result of type "
                            f"{type(t).__name__}")
        return t


# PyTorch saves a product's operands other-first (the order its derivative formulas name them)
_PACK_ORDER = {"MulBackward0": (1, 0), "DivBackward0": (1, 0)}


def _pack_order(ctx: BackwardFunction, n: int) -> Any:
    order = _PACK_ORDER.get(type(ctx).__name__)
    return order if order is not None and len(order) == n else range(n)


def _unpack_all(ctx: BackwardFunction) -> dict:
    return {k: ctx._saved[k].unpack() for k in _pack_order(ctx, len(ctx._saved)) if type(ctx._saved[k]) is _Packed}


def _save_packed(ctx: BackwardFunction, to_save: tuple, outputs: tuple) -> None:
    """Saving under saved_tensors_hooks: each tensor goes through the innermost pack hook."""
    pack, unpack = saved_tensors_hooks_stack[-1]
    saved = [None] * len(to_save)
    for k in _pack_order(ctx, len(to_save)):
        if to_save[k] is None:
            continue
        hooks = saved_tensors_hooks_stack[:]
        saved_tensors_hooks_stack.clear()  # a pack hook's own operations save nothing through it
        try:
            saved[k] = _Packed(pack(to_save[k]), unpack)
        finally:
            saved_tensors_hooks_stack[:] = hooks
    ctx._saved, ctx._saved_versions = tuple(saved), (0,) * len(saved)
    out_nrs = [next((nr for nr, o in enumerate(outputs) if o is t), None) for t in to_save]
    if any(nr is not None for nr in out_nrs):
        ctx._saved_outputs = tuple(out_nrs)


class SavedTensor:
    """``grad_fn._raw_saved_self``: one saved slot, whose pack/unpack hooks can be set."""

    def __init__(self, node: BackwardFunction, k: int) -> None:
        self._node, self._k = node, k

    def __repr__(self) -> str:
        return f"<torch._C._autograd.SavedTensor object at {id(self):#x}>"

    def register_hooks(self, pack_hook: Callable, unpack_hook: Callable) -> None:
        node, k = self._node, self._k
        t = node.saved_tensors[k]
        saved = list(node._saved)
        saved[k] = _Packed(pack_hook(t), unpack_hook)
        node._saved = tuple(saved)


def once_differentiable(fn: Callable) -> Callable:
    """Mark a backward as not differentiable itself: it runs with grad mode off, and when the
    gradients it got require grad, its results lead to an ``Error`` node that refuses a
    second differentiation (PyTorch's ``DelayedError``)."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            outputs = fn(ctx, *args)
        if not (_state.enabled and any(isinstance(a, Tensor) and a._requires_grad for a in args)):
            return outputs
        single = not isinstance(outputs, tuple)
        wrapped = _DelayedError.apply(*[o.detach().requires_grad_() if isinstance(o, Tensor) else o
                                        for o in ((outputs,) if single else outputs)])
        return wrapped if single or isinstance(wrapped, tuple) else (wrapped,)

    return wrapper


class _DelayedError(Function):
    """Passes tensors through; differentiating through it raises (see ``once_differentiable``)."""

    node_name = "Error"
    node_in_torch_autograd = True

    @staticmethod
    def forward(ctx, *tensors):
        return tuple(t.clone() if isinstance(t, Tensor) else t for t in tensors) if len(tensors) != 1 \
            else tensors[0].clone()

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(errors.ONCE_DIFFERENTIABLE)
