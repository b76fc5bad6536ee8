"""``torch.autograd.graph``: the recorded graph's nodes, and hooks on what it saves."""
from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator, Sequence

from .. import engine
from ..function import Node, saved_tensors_hooks_stack
from ..tensor import Tensor

__all__ = ["Node", "saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks", "register_multi_grad_hook",
           "allow_mutation_on_saved_tensors", "region_activation_memory_budget"]


class saved_tensors_hooks:
    """Inside the block, every tensor an operation saves for backward is replaced by
    ``pack_hook(tensor)``, and backward gets ``unpack_hook(packed)`` back."""

    def __init__(self, pack_hook: Callable[[Tensor], Any], unpack_hook: Callable[[Any], Tensor]) -> None:
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self) -> "saved_tensors_hooks":
        if _disabled_message[0] is not None:
            raise RuntimeError(_disabled_message[0])
        saved_tensors_hooks_stack.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc: object) -> None:
        saved_tensors_hooks_stack.pop()


class save_on_cpu(saved_tensors_hooks):
    """Keep saved tensors in CPU memory (here they already are: a copy, given back on unpack)."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(lambda t: (t.device, t.detach().clone()), lambda packed: packed[1].to(packed[0]))


_disabled_message: list = [None]  # set inside disable_saved_tensors_hooks


class disable_saved_tensors_hooks:
    """Forbid saved_tensors_hooks inside the block: entering one raises RuntimeError(error_message),
    and so does entering this block while hooks are active (PyTorch's rule)."""

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message

    def __enter__(self) -> None:
        if saved_tensors_hooks_stack:
            raise RuntimeError(self.error_message)
        self.previous, _disabled_message[0] = _disabled_message[0], self.error_message

    def __exit__(self, *exc: object) -> None:
        _disabled_message[0] = self.previous


class _AllowMutationOnSavedContext:
    """The state of one allow_mutation_on_saved_tensors block (emptied when it ends)."""

    def __init__(self) -> None:
        self.saved: dict = {}  # id(tensor): (tensor, its version when saved, a copy of it then)

    def clear(self) -> None:
        self.saved.clear()


_allow_mutation = [False]
_OUTSIDE_ALLOW_MUTATION = ("Trying to backward outside of the 'allow_mutation_on_saved_tensors' context"
                           "in which the graph was originally recorded.")


@contextlib.contextmanager
def allow_mutation_on_saved_tensors() -> Iterator[_AllowMutationOnSavedContext]:
    """Tensors saved for backward may be changed in place inside the block: backward (run inside
    it too) gets their values as they were saved. PyTorch clones a saved tensor just before it is
    mutated; here every saved tensor is copied when saved, and the copy is used if it changed."""
    ctx = _AllowMutationOnSavedContext()

    def pack(t: Tensor) -> int:
        if id(t) not in ctx.saved or ctx.saved[id(t)][0] is not t:
            ctx.saved[id(t)] = (t, t._version, t.detach().clone())
        return id(t)

    def unpack(key: int) -> Tensor:
        if not _allow_mutation[0] or key not in ctx.saved:
            raise AssertionError(_OUTSIDE_ALLOW_MUTATION)
        t, version, copy = ctx.saved[key]
        return t if t._version == version else copy

    with saved_tensors_hooks(pack, unpack):
        try:
            if _allow_mutation[0]:
                raise RuntimeError("allow_mutation_on_saved_tensors contexts cannot be nested")
            _allow_mutation[0] = True
            yield ctx
        finally:
            ctx.clear()
            _allow_mutation[0] = False


def region_activation_memory_budget(budget: float) -> contextlib.AbstractContextManager:
    """A torch.compile annotation (how many activations to recompute in backward): there is no
    compiler here, so, as PyTorch in eager mode, it checks ``budget`` and refuses."""
    name = "torch.autograd.graph.region_activation_memory_budget"
    if isinstance(budget, bool) or not isinstance(budget, (int, float)):
        raise TypeError(f"{name}: expects a float, got {type(budget).__name__}")
    if not 0.0 <= budget <= 1.0:
        raise ValueError(f"{name}: must be in [0, 1], got {budget}")
    raise RuntimeError(f"{name} can only be used inside a torch.compile region; it has no effect in eager mode.")


class _MultiHandle:
    def __init__(self, handles: list) -> None:
        self.handles = handles

    def remove(self) -> None:
        for h in self.handles:
            h.remove()


def register_multi_grad_hook(tensors: Sequence[Tensor], fn: Callable, *, mode: str = "all") -> _MultiHandle:
    """``fn`` once per backward pass that computes gradients of any of ``tensors``, as PyTorch.

    mode "all": ``fn(grads)``, a list with one entry per tensor (None for those this pass does
    not compute), called as soon as the last gradient the pass will compute has arrived: at the
    first, the hook counts the tensors whose nodes the pass runs. mode "any": ``fn(grad)`` with
    the first gradient computed."""
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    nodes = [engine._edge(t)[0] for t in tensors]
    state: dict = {"pass": None}  # the pass being counted, the gradients so far, how many to expect

    def hook_for(i: int) -> Callable:
        def hook(grad: Tensor) -> None:
            current = engine._pass_graph.number
            if state["pass"] != current:  # the first of this pass
                expected = sum(engine.will_execute(n) for n in nodes) if mode == "all" else 1
                state.update({"pass": current, "grads": [None] * len(tensors), "left": expected})
            if state["left"] == 0:  # (mode "any": fn ran already in this pass)
                return
            state["grads"][i] = grad
            state["left"] -= 1
            if state["left"] == 0:
                fn(state["grads"] if mode == "all" else grad)

        return hook

    return _MultiHandle([t.register_hook(hook_for(i)) for i, t in enumerate(tensors)])
