"""The backward engine: walk the graph from the outputs to the leaves, once, in order.

1. Collect every node reachable from the roots and put them in PyTorch's order: the
   node recorded last runs first (its sequence number), and a leaf's ``AccumulateGrad``
   runs right after the last node that feeds it. A node's inputs were recorded before
   it, so this order never runs a node before all the gradients for it have arrived.
2. Start from the roots with their gradients (``ones`` for a scalar output).
3. Run each node that received a gradient, handing each input gradient to the node
   behind that edge (summing where a tensor was used twice).
4. ``AccumulateGrad`` nodes add what reaches them into the leaves' ``.grad``.

No recursion, so a graph 100,000 nodes deep is fine. Saved tensors are freed as each
node finishes unless ``retain_graph=True``.
"""
from __future__ import annotations

import warnings
from typing import Callable, Sequence

import numpy as np

from . import errors, layout
from .dtypes import from_numpy_dtype
from .function import (NUMPY_QUIET, AccumulateGrad, BackwardFunction, Node, checked_hook_result,
                       checked_hook_results, grad_accumulator, numpy_errstate, profiling)
from .grad_mode import _anomaly, _state
from .tensor import Size, Tensor, _make


_warned_create_graph = False
_pass_callbacks: list | None = None  # functions to call when the running backward pass ends


def at_end_of_pass(fn: Callable[[], None]) -> None:
    """Call ``fn()`` once the backward pass now running is done (PyTorch's queue_callback)."""
    if _pass_callbacks is None:
        raise RuntimeError("Final callbacks can only be installed during backward pass.")
    _pass_callbacks.append(fn)


def backward(tensors: Sequence[Tensor], grad_tensors: Sequence[Tensor] | None = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Sequence[Tensor] | None = None) -> None:
    """Accumulate d(tensors)/d(leaves) into ``leaf.grad`` (mirrors ``torch.autograd.backward``)."""
    tensors, grads = _roots(tensors, grad_tensors)
    global _warned_create_graph
    if create_graph and not _warned_create_graph:  # PyTorch says this once per process
        _warned_create_graph = True
        warnings.warn(errors.BACKWARD_CREATE_GRAPH, UserWarning, stacklevel=3)
    targets = None
    if inputs is not None:
        inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        for t in inputs:  # PyTorch retains the grad of each of ``inputs`` (refusing one without grad)
            t.retain_grad()
        targets = [_edge(t) for t in inputs]
    run(tensors, grads, create_graph if retain_graph is None else retain_graph, create_graph,
        targets=targets, accumulate=True)


def grad(outputs: Sequence[Tensor], inputs: Sequence[Tensor], grad_outputs: Sequence[Tensor] | None = None, retain_graph: bool | None = None, create_graph: bool = False,
         only_inputs: bool = True, allow_unused: bool | None = None, is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple:
    """Return d(outputs)/d(inputs) without touching any ``.grad`` (mirrors ``torch.autograd.grad``)."""
    outputs, grads = _roots(outputs, grad_outputs)
    single = isinstance(inputs, Tensor)
    inputs = (inputs,) if single else tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if allow_unused is None:
        allow_unused = materialize_grads
    elif materialize_grads and not allow_unused:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError(errors.INPUT_NO_GRAD)
    targets = [_edge(t) for t in inputs]
    result = run(outputs, grads, create_graph if retain_graph is None else retain_graph, create_graph,
                 targets=targets, accumulate=False)
    for i, g in enumerate(result):
        if g is None:
            if materialize_grads:
                result[i] = _make(np.zeros_like(inputs[i]._data)).requires_grad_(create_graph)
            elif not allow_unused:
                raise RuntimeError(errors.UNUSED_INPUT.format(i=i))
    return tuple(result)


def _roots(tensors, grads) -> tuple[list, list]:
    """The outputs to start from and their gradients, checked in PyTorch's order: the gradients
    first (``list(1.0)`` fails as PyTorch's ``tuple(1.0)`` does), then that outputs require grad."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    grads = [None] * len(tensors) if grads is None else [grads] if isinstance(grads, Tensor) else list(grads)
    if len(grads) != len(tensors):
        raise RuntimeError(f"got {len(tensors)} tensors and {len(grads)} gradients")
    for i, (t, g) in enumerate(zip(tensors, grads)):
        if g is None:
            if t._requires_grad:
                if t._data.size != 1:
                    raise RuntimeError(errors.SCALAR_OUTPUTS)
                grads[i] = _make(np.ones_like(t._data))
        elif not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        elif g._data.shape != t._data.shape:
            raise RuntimeError(errors.SHAPE_MISMATCH.format(i=i, grad=Size(g._data.shape), out=Size(t._data.shape)))
    for i, t in enumerate(tensors):
        if not t._requires_grad:
            raise RuntimeError(errors.NO_GRAD_FN.format(i=i))
    return tensors, grads


def _edge(t: Tensor) -> tuple[Node, int]:
    """Where a tensor's gradient arrives: its grad_fn's output slot, or its AccumulateGrad."""
    if t.grad_fn is not None:
        return (t._grad_fn, t._output_nr)
    if not t._requires_grad:
        raise RuntimeError(errors.INPUT_NO_GRAD)
    return (grad_accumulator(t), 0)


def run(roots: list, root_grads: list, keep_graph: bool, create_graph: bool, targets: list | None = None,
        accumulate: bool = True) -> list:
    """Execute the graph. With ``targets`` (edges), run only what leads to them and return
    their gradients; ``accumulate`` adds into ``.grad`` (backward) rather than only returning (grad)."""
    start = [_edge(t) for t in roots]
    order = _run_order([n for n, _ in start])
    execute = _nodes_to_execute(order, targets) if targets is not None else None
    captured = [None] * len(targets) if targets is not None else []
    capture_at: dict[Node, list] = {}
    for i, (node, nr) in enumerate(targets or ()):
        capture_at.setdefault(node, []).append((nr, i))

    buffers: dict[Node, list] = {}
    sums: set = set()  # nodes whose buffer holds a sum made by the engine (an array: see _add_to_buffer)
    for (node, nr), g in zip(start, root_grads):
        _add_to_buffer(buffers, sums, node, nr, g)

    global _pass_callbacks, _pass_graph
    prev, outer_callbacks, outer_graph = _state.enabled, _pass_callbacks, _pass_graph
    _state.enabled, _pass_callbacks, _pass_graph = create_graph, [], _Pass(order, execute, capture_at)
    quiet = numpy_errstate.set(NUMPY_QUIET)  # every node's backward, as every forward (function.py)
    try:
        for node in order:
            grads = buffers.pop(node, None)
            if grads is None:  # no gradient reached it (or only None)
                continue
            if sums and node in sums:  # the engine's own sums become tensors as the node gets them
                sums.discard(node)
                _wrap_sums(grads)
            if node._pre_hooks and (execute is None or node in execute or node in capture_at):  # (a node it needs)
                grads = _run_pre_hooks(node, grads)
            if capture_at and node in capture_at:
                for nr, i in capture_at[node]:
                    captured[i] = grads[nr]
            if type(node) is AccumulateGrad:
                if accumulate and (targets is None or node in capture_at) and grads[0] is not None:
                    (node.accumulate if profiling.events is None else _profiled(node))(grads[0], create_graph)
                continue
            if execute is not None and node not in execute:
                continue
            input_grads = _call(node, grads) if profiling.events is None else _call_profiled(node, grads)
            if node._post_hooks:  # a post-hook may replace the gradients for the inputs
                for hook in tuple(node._post_hooks.values()):
                    new = hook(tuple(input_grads), tuple(grads))
                    if new is not None:
                        input_grads = checked_hook_results(hook, new, len(input_grads))
            if not keep_graph:
                node._release()
            nrs = node._next_nr
            for i, nxt in enumerate(node._next):  # hand each input's gradient to the node behind it
                if nxt is not None:
                    g = input_grads[i]
                    if g is not None:
                        slots = buffers.get(nxt)
                        if slots is None and nrs is None and len(nxt._output_meta) == 1:
                            buffers[nxt] = [g]  # (the common case of _add_to_buffer, inline)
                        else:
                            _add_to_buffer(buffers, sums, nxt, nrs[i] if nrs else 0, g)
            input_grads = g = grads = None  # hold no gradient longer than its buffer does
        for callback in _pass_callbacks:
            callback()
    finally:
        _state.enabled, _pass_callbacks, _pass_graph = prev, outer_callbacks, outer_graph
        numpy_errstate.reset(quiet)
    return captured


def _run_order(starts: list) -> list:
    """Every node reachable from the roots, in the order PyTorch runs them: by sequence
    number, last recorded first, each ``AccumulateGrad`` just after the last node feeding it."""
    keys = {}
    for node in starts:
        keys[node] = node._seq
    stack = list(keys)
    while stack:
        node = stack.pop()
        seq = node._seq
        for nxt in node._next:
            if nxt is None:
                continue
            if nxt not in keys:
                stack.append(nxt)
                keys[nxt] = nxt._seq if type(nxt) is not AccumulateGrad else seq - 0.5
            elif type(nxt) is AccumulateGrad and seq - 0.5 < keys[nxt]:
                keys[nxt] = seq - 0.5
    return sorted(keys, key=keys.__getitem__, reverse=True)


def _nodes_to_execute(order: list, targets: list) -> set:
    """With ``inputs`` given, only nodes with an edge towards some target need to run."""
    reaches = {n for n, _ in targets}
    execute = set()
    for node in reversed(order):  # inputs before the nodes that use them
        for n in node._next:
            if n in reaches:
                execute.add(node)
                reaches.add(node)
                break
    return execute


def _add_to_buffer(buffers: dict, sums: set, node: Node, nr: int, grad: Tensor) -> None:
    """Collect a gradient for ``node``'s output ``nr``, summing when a tensor was used twice.

    Without create_graph a sum is an array the engine alone holds until the node runs, so the
    next gradient is added into it in place: what PyTorch's InputBuffer does with a sum only it
    holds (``layout.summed`` lays the first sum out as PyTorch's in-place add would keep it)."""
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * len(node._output_meta)
    prev = slots[nr]
    if prev is None:
        slots[nr] = grad
    elif _state.enabled:  # create_graph: the sum must be recorded too
        slots[nr] = prev + grad
    else:
        data = grad._data
        if type(prev) is np.ndarray and prev.shape == data.shape and prev.dtype is data.dtype:
            prev += data
        else:
            prev = prev if type(prev) is np.ndarray else prev._data
            slots[nr] = np.asarray(layout.summed(prev + data, prev, data))  # (numpy makes a 0-d sum a scalar)
            sums.add(node)


def _wrap_sums(grads: list) -> None:
    """The engine's sums (arrays) as tensors, in place in the node's list: nothing else may hold
    them, so that AccumulateGrad can keep one as ``.grad`` (see ``_only_reference``)."""
    for k, g in enumerate(grads):
        if type(g) is np.ndarray:
            grads[k] = _make(g)


def _run_pre_hooks(node: Node, grads: list) -> list:
    """The tensors' own hooks first (one output each), then the node's pre-hooks (all outputs), as PyTorch."""
    grads = list(grads)
    for nr, hooks in sorted(node._pre_hooks.items(), reverse=True):
        for hook in tuple(hooks.values()):
            if nr == -1:
                new = hook(tuple(grads))
                if new is not None:
                    grads = checked_hook_results(hook, new, len(grads))
            elif grads[nr] is not None:
                new = hook(grads[nr])
                if new is not None:
                    grads[nr] = checked_hook_result(hook, new, grads[nr])
    return grads


def _call(node: BackwardFunction, grads: list) -> list:
    """Run one node's backward and check what it returns against its inputs."""
    if node._freed:
        raise RuntimeError(errors.BACKWARD_TWICE)
    if len(grads) > 1 and node.materialize_grads:  # (a single-output node always has its gradient)
        for i, g in enumerate(grads):
            if g is None and node._output_meta[i] is not None:  # (None: an output that was not a tensor)
                shape, dtype = node._output_meta[i]
                grads[i] = _make(np.zeros(shape, dtype))
    if _anomaly.enabled:
        return _call_detecting_anomalies(node, grads)
    fn = node._function
    # what ``node.apply(*grads)`` does, one call less (boxed: the list itself, which backward may clear)
    out = fn.backward(node, grads) if fn.boxed_grads_call else fn.backward(node, *grads)
    if type(out) is not tuple:  # a list is one (wrong) gradient, as in PyTorch
        out = tuple(out) if isinstance(out, tuple) else (out,)
    nexts = node._next
    if len(out) != len(nexts) or node._non_tensor_args:
        out = _one_per_tensor_input(node, list(out))
    nrs = node._next_nr
    for i, nxt in enumerate(nexts):
        g = out[i]
        if g is not None and nxt is not None:
            shape, dtype = nxt._output_meta[nrs[i] if nrs else 0]  # the input's shape and dtype, as recorded
            if type(g) is not Tensor or g._data.shape != shape or g._data.dtype is not dtype:
                out = list(out)
                out[i] = _fitted(node, i, g, shape, dtype)
    return out


def _fitted(node: BackwardFunction, i: int, g: object, shape: tuple, dtype: np.dtype) -> Tensor:
    """A gradient whose type, shape or dtype differs from its input's: checked, summed back, cast."""
    if not isinstance(g, Tensor):
        raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
    data = g._data
    if data.shape != shape:  # a broadcast input: its gradient is summed back (sum_to_size checks it can be)
        try:
            g = g.sum_to_size(shape)
        except RuntimeError:
            raise RuntimeError(errors.WRONG_GRAD_SHAPE.format(
                name=node.name(), i=i, got=list(data.shape), expected=list(shape))) from None
    if data.dtype != dtype:
        g = g.to(from_numpy_dtype(dtype))
    return g


def _call_profiled(node: BackwardFunction, grads: list) -> list:
    _timed = profiling.timed
    with _timed(f"autograd::engine::evaluate_function: {node.name()}"), _timed(node.name()):
        return _call(node, grads)


def _profiled(node: AccumulateGrad):
    """``node.accumulate``, timed by the open profiler as PyTorch's engine records it."""
    def accumulate(grad: Tensor, create_graph: bool) -> None:
        _timed, name = profiling.timed, node.name()
        with _timed(f"autograd::engine::evaluate_function: {name}"), _timed(name):
            node.accumulate(grad, create_graph)

    return accumulate


def _call_detecting_anomalies(node: BackwardFunction, grads: list) -> list:
    """``_call`` under anomaly detection: NaN gradients raise, and a failing node's forward
    call is shown (as PyTorch's ``detect_anomaly`` does)."""
    _anomaly.enabled = False
    try:
        out = _call(node, grads)
        if _anomaly.check_nan:
            for i, g in enumerate(out):
                if g is not None and np.isnan(g._data).any():
                    raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
        return out
    except Exception:
        stack = getattr(node, "_forward_stack", "")
        warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n{stack}"
                      " (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/python_anomaly_mode.cpp:122.)",
                      UserWarning, stacklevel=2)
        raise
    finally:
        _anomaly.enabled = True


def _one_per_tensor_input(node: BackwardFunction, out: list) -> list:
    """Check backward returned one gradient per forward argument (None for non-tensors); keep the tensors'."""
    expected = len(node._next) + len(node._non_tensor_args)
    if len(out) != expected:
        if len(out) < expected or [g for g in out[expected:] if g is not None]:  # extra trailing Nones are allowed
            raise RuntimeError(errors.WRONG_GRAD_COUNT.format(name=node.name(), expected=expected, got=len(out)))
        del out[expected:]
    if not node._non_tensor_args:
        return out
    for i in node._non_tensor_args:
        if out[i] is not None:
            raise RuntimeError(errors.GRAD_FOR_NON_TENSOR.format(name=node.name(), position=i + 1))
    return [g for i, g in enumerate(out) if i not in node._non_tensor_args]


def _tensor_backward(self: Tensor, gradient: Tensor | None = None, retain_graph: bool | None = None,
                     create_graph: bool = False, inputs: Sequence[Tensor] | None = None) -> None:
    """Compute d(self)/d(leaf) for every leaf that requires grad and add it into ``leaf.grad``.

    ``gradient`` is the vector v of the vector-Jacobian product v^T J; it may be
    omitted only for a single-element output (then v = 1).
    """
    backward((self,), gradient, retain_graph, create_graph, inputs=inputs)


Tensor.backward = _tensor_backward  # the engine is above the Tensor: it attaches its entry point


class _Pass:
    """The running backward pass, as ``will_execute`` asks about it (numbered: hooks tell passes apart)."""

    count = 0

    def __init__(self, order: list, execute: set | None, capture_at: dict) -> None:
        _Pass.count += 1
        self.number, self.order, self.execute, self.capture_at = _Pass.count, order, execute, capture_at
        self.reachable: set | None = None  # built on first question


_pass_graph: _Pass | None = None  # the pass running now


def will_execute(node: Node) -> bool:
    """Whether the backward pass now running runs ``node`` (PyTorch's _will_engine_execute_node)."""
    now = _pass_graph
    if now is None:
        raise RuntimeError("_will_engine_execute_node should only be called during the backward pass")
    if now.reachable is None:
        now.reachable = set(now.order)
    return node in now.reachable and (now.execute is None or node in now.execute or node in now.capture_at)
