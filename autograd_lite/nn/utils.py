"""Gradient utilities (mirrors ``torch.nn.utils``)."""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from ..grad_mode import no_grad
from ..ops import cat
from ..tensor import Tensor, _make


def zero_grads(parameters: Iterable[Tensor], set_to_none: bool = True) -> None:
    """What ``Module.zero_grad`` and ``Optimizer.zero_grad`` do: ``.grad`` to None (the default),
    or zeroed in place after cutting it from any graph (PyTorch's ``set_to_none=False``)."""
    for p in parameters:
        if p.grad is None:
            continue
        if set_to_none:
            p.grad = None
        else:
            g = p.grad
            if g.grad_fn is not None:
                g.detach_()
            else:
                g.requires_grad_(False)
            g.zero_()


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> Tensor:
    """Scale all gradients together so their joint norm is at most ``max_norm``; return the norm before.

    As PyTorch: the norm of the per-parameter norms, and a scale of
    ``min(max_norm / (total + 1e-6), 1)`` applied to every gradient in place.
    """
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return _make(np.asarray(0.0, dtype=np.float32))
    norm_type = float(norm_type)
    dtype = grads[0]._data.dtype
    if norm_type == math.inf:
        norms = np.array([np.abs(g._data).max() for g in grads], dtype=dtype)
        total = norms.max()
    else:
        norms = np.array([np.sum(np.abs(g._data) ** norm_type) ** (1 / norm_type) for g in grads], dtype=dtype)
        total = np.sum(norms ** norm_type) ** (1 / norm_type)
    total = np.asarray(total, dtype=dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                           "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
                           "norm anyway, set `error_if_nonfinite=False`")
    coef = np.minimum(dtype.type(max_norm) / (total + dtype.type(1e-6)), dtype.type(1.0))
    with no_grad():
        for g in grads:
            g._data *= coef
            g._bump_version()
    return _make(total)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clamp every gradient elementwise into [-clip_value, clip_value], in place."""
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    with no_grad():
        for p in params:
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    return cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """The inverse of ``parameters_to_vector``: each parameter's ``.data`` becomes the next slice of ``vec``
    (a view of it, as in PyTorch)."""
    if not isinstance(vec, Tensor):
        name = type(vec).__qualname__
        module = type(vec).__module__
        raise TypeError(f"expected torch.Tensor, but got: {name if module == 'builtins' else module + '.' + name}")
    pointer = 0
    for param in parameters:
        num_param = param.numel()
        param.data = vec[pointer:pointer + num_param].view_as(param).data
        pointer += num_param
