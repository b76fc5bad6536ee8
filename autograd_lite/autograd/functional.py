"""Whole Jacobians and Hessians (mirrors ``torch.autograd.functional``)."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..engine import grad as _grad
from ..grad_mode import enable_grad
from ..ops import stack
from ..tensor import Tensor, _make


def _as_tuple(x):
    return (tuple(x), True) if isinstance(x, (tuple, list)) else ((x,), False)


def jacobian(func: Callable, inputs, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """J[i][j] = d(outputs[i])/d(inputs[j]), of shape ``output.shape + input.shape``.

    Built row by row: one backward per output element, each with a one-hot ``grad_outputs``.
    """
    inputs, tuple_in = _as_tuple(inputs)
    with enable_grad():
        inputs = tuple(x.detach().requires_grad_() if not create_graph or not x.requires_grad else x
                       for x in inputs)
        outputs, tuple_out = _as_tuple(func(*inputs))
        jac = []
        for out in outputs:
            rows = []
            for k in range(out.numel()):
                v = np.zeros(out._data.size, out._data.dtype)
                v[k] = 1
                if out.requires_grad:
                    grads = _grad(out, inputs, _make(v.reshape(out._data.shape)), retain_graph=True,
                                  create_graph=create_graph, allow_unused=True)
                else:
                    grads = (None,) * len(inputs)
                rows.append([g if g is not None else _make(np.zeros_like(x._data)) for g, x in zip(grads, inputs)])
            per_input = []
            for j, x in enumerate(inputs):
                if rows:
                    j_mat = stack([r[j] for r in rows]).reshape(tuple(out.shape) + tuple(x.shape))
                else:
                    j_mat = _make(np.zeros(tuple(out.shape) + tuple(x.shape), x._data.dtype))
                per_input.append(j_mat if create_graph else j_mat.detach())
            jac.append(tuple(per_input) if tuple_in else per_input[0])
    return tuple(jac) if tuple_out else jac[0]


def hessian(func: Callable, inputs, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode"):
    """The Jacobian of the gradient of a scalar function."""
    inputs_t, tuple_in = _as_tuple(inputs)

    def gradient(*xs):
        out = func(*xs)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single element")
        g = _grad(out.reshape(()), xs, create_graph=True, allow_unused=True, materialize_grads=True)
        return g if tuple_in else g[0]

    return jacobian(gradient, inputs_t if tuple_in else inputs_t[0], create_graph=create_graph)


def vjp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(outputs, v^T J)."""
    inputs_t, tuple_in = _as_tuple(inputs)
    with enable_grad():
        xs = tuple(x.detach().requires_grad_() for x in inputs_t)
        out = func(*xs)
        g = _grad(out, xs, v, create_graph=create_graph, allow_unused=True, materialize_grads=True)
    return out.detach(), (g if tuple_in else g[0])
