"""``torch.autograd.graph``: the recorded graph's nodes, and hooks on what it saves."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from .. import engine
from ..function import Node, saved_tensors_hooks_stack
from ..tensor import Tensor

__all__ = ["Node", "saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks", "register_multi_grad_hook"]


class saved_tensors_hooks:
    """Inside the block, every tensor an operation saves for backward is replaced by
    ``pack_hook(tensor)``, and backward gets ``unpack_hook(packed)`` back."""

    def __init__(self, pack_hook: Callable[[Tensor], Any], unpack_hook: Callable[[Any], Tensor]) -> None:
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self) -> "saved_tensors_hooks":
        saved_tensors_hooks_stack.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc: object) -> None:
        saved_tensors_hooks_stack.pop()


class save_on_cpu(saved_tensors_hooks):
    """Keep saved tensors in CPU memory (here they already are: a copy, given back on unpack)."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(lambda t: (t.device, t.detach().clone()), lambda packed: packed[1].to(packed[0]))


class disable_saved_tensors_hooks:
    """Forbid saved_tensors_hooks inside the block (they raise with ``error_message``)."""

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message

    def __enter__(self) -> None:
        saved_tensors_hooks_stack.append((self._refuse, self._refuse))

    def __exit__(self, *exc: object) -> None:
        saved_tensors_hooks_stack.pop()

    def _refuse(self, _: Any) -> Any:
        raise RuntimeError(self.error_message)


class _MultiHandle:
    def __init__(self, handles: list) -> None:
        self.handles = handles

    def remove(self) -> None:
        for h in self.handles:
            h.remove()


def register_multi_grad_hook(tensors: Sequence[Tensor], fn: Callable, *, mode: str = "all") -> _MultiHandle:
    """``fn`` once per backward pass that computes gradients of any of ``tensors``.

    mode "all": ``fn(grads)`` with one entry per tensor (None for those that got no
    gradient), called at the end of the pass; mode "any": ``fn(grad)`` with the first
    gradient computed."""
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    grads: dict = {}

    def finish() -> None:
        if grads:
            collected = tuple(grads.get(i) for i in range(len(tensors)))
            grads.clear()
            fn(collected)

    def hook_for(i: int) -> Callable:
        def hook(grad: Tensor) -> None:
            if mode == "any":
                if not grads:
                    grads[i] = grad
                    engine.at_end_of_pass(grads.clear)
                    fn(grad)
                return
            if not grads:
                engine.at_end_of_pass(finish)
            grads[i] = grad

        return hook

    return _MultiHandle([t.register_hook(hook_for(i)) for i, t in enumerate(tensors)])
