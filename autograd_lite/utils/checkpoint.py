"""``torch.utils.checkpoint``: trade compute for memory by recomputing a segment in backward.

``checkpoint(fn, *args, use_reentrant=False)`` runs ``fn`` normally but keeps none of the
tensors its operations save: each is replaced by its index (a saved_tensors_hooks pack).
The first time backward needs one, ``fn`` runs again on the same inputs (and the same
random numbers), and the tensors that rerun saves, in the same order, are handed out.
The older ``use_reentrant=True`` runs ``fn`` without a graph and, in backward, reruns it
and backpropagates through the rerun from inside its own node.
"""
from __future__ import annotations

import itertools
import warnings
from typing import Any, Callable

from .. import random as _random
from ..autograd.graph import saved_tensors_hooks
from ..creation import empty
from ..engine import backward as _backward
from ..function import Function
from ..grad_mode import enable_grad, no_grad
from ..tensor import Tensor

__all__ = ["checkpoint"]


def checkpoint(function: Callable, *args: Any, use_reentrant: bool | None = None, preserve_rng_state: bool = True,
               **kwargs: Any) -> Any:
    """Trade compute for memory: run ``function`` without keeping its graph, and again in backward to get gradients."""
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in PyTorch "
            "2.9, calling checkpoint without use_reentrant will raise an exception. use_reentrant=False is "
            "recommended, but if you need to preserve the current default behavior, you can pass "
            "use_reentrant=True. Refer to docs for more details on the differences between the two variants.",
            UserWarning, stacklevel=2)
        use_reentrant = True
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        return CheckpointFunction.apply(function, preserve_rng_state, *args)
    return _recomputing(function, preserve_rng_state, args, kwargs)


def _recomputing(function: Callable, preserve_rng_state: bool, args: tuple, kwargs: dict) -> Any:
    rng = _random.get_rng_state() if preserve_rng_state else None
    recomputed: list = []
    # The segment's inputs are saved like any saved tensor (version-checked, and seen by the
    # caller's saved_tensors_hooks), outside the segment's own hooks: PyTorch's _NoopSaveInputs.
    saver = _SaveInputs.apply(_dummy(), *[a for a in args if isinstance(a, Tensor)])

    def unpack(k: int) -> Tensor:
        if not recomputed:
            saved = iter(saver.grad_fn.saved_tensors)
            inputs = [next(saved).detach().requires_grad_(a.requires_grad) if isinstance(a, Tensor) else a
                      for a in args]
            outer = _random.get_rng_state()
            if rng is not None:
                _random.set_rng_state(rng)
            try:
                with saved_tensors_hooks(lambda t: recomputed.append(t), _never), enable_grad():
                    function(*inputs, **kwargs)
            finally:
                _random.set_rng_state(outer)
        return recomputed[k]

    counter = itertools.count()
    with saved_tensors_hooks(lambda t: next(counter), unpack):
        return function(*args, **kwargs)


def _dummy() -> Tensor:
    """An empty tensor that requires grad, so that the inputs are saved even when none requires grad."""
    return empty((0,), requires_grad=True)


class _SaveInputs(Function):
    """Keeps a checkpointed segment's tensor inputs as saved tensors; never differentiated."""

    @staticmethod
    def forward(ctx, dummy, *tensors):
        ctx.save_for_backward(*tensors)
        return dummy.detach()

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("Did not expect to backward on this graph")


def _never(_: Any) -> Tensor:
    raise RuntimeError("a recomputed segment's own saved tensors are never unpacked")


class CheckpointFunction(Function):
    """The reentrant variant: no graph inside the segment; backward reruns it and backpropagates."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function = run_function
        ctx.rng = _random.get_rng_state() if preserve_rng_state else None
        ctx.args = args
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        inputs = [a.detach().requires_grad_(a.requires_grad) if isinstance(a, Tensor) else a for a in ctx.args]
        outer = _random.get_rng_state()
        if ctx.rng is not None:
            _random.set_rng_state(ctx.rng)
        try:
            with enable_grad():
                outputs = ctx.run_function(*inputs)
        finally:
            _random.set_rng_state(outer)
        outputs = (outputs,) if isinstance(outputs, Tensor) else outputs
        pairs = [(o, g) for o, g in zip(outputs, grads) if isinstance(o, Tensor) and o.requires_grad]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        _backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(a.grad if isinstance(a, Tensor) else None for a in inputs)
