"""Whole Jacobians and Hessians (mirrors ``torch.autograd.functional``)."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .. import errors
from ..engine import grad as _grad
from ..grad_mode import enable_grad, is_grad_enabled, set_grad_enabled
from ..ops import stack
from ..tensor import Tensor, _make


def _as_tuple(x):
    return (tuple(x), True) if isinstance(x, (tuple, list)) else ((x,), False)


def jacobian(func: Callable, inputs: Tensor | tuple, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Tensor | tuple:
    """J[i][j] = d(outputs[i])/d(inputs[j]), of shape ``output.shape + input.shape``.

    Built row by row: one backward per output element, each with a one-hot ``grad_outputs``.
    """
    inputs, tuple_in = _as_tuple(inputs)
    with enable_grad():
        inputs = tuple(x.detach().requires_grad_() if not create_graph or not x.requires_grad else x
                       for x in inputs)
        outputs, tuple_out = _as_tuple(func(*inputs))
        _strict_outputs(outputs, strict)
        jac = []
        for out in outputs:
            rows = []
            for k in range(out.numel()):
                v = np.zeros(out._data.size, out._data.dtype)
                v[k] = 1
                if out.requires_grad:
                    grads = _grad(out, inputs, _make(v.reshape(out._data.shape)), retain_graph=True,
                                  create_graph=create_graph, allow_unused=True)
                    if strict and any(g is None for g in grads):
                        raise RuntimeError(_INDEPENDENT.format(i=[g is None for g in grads].index(True)))
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


def hessian(func: Callable, inputs: Tensor | tuple, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Tensor | tuple:
    """The Jacobian of the gradient of a scalar function."""
    inputs_t, tuple_in = _as_tuple(inputs)

    def gradient(*xs):
        out = func(*xs)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError(errors.not_single_element("hessian"))
        g = _grad(out.reshape(()), xs, create_graph=True, allow_unused=True, materialize_grads=True)
        return g if tuple_in else g[0]

    return jacobian(gradient, inputs_t if tuple_in else inputs_t[0], create_graph=create_graph)


def _check_v(v, against: tuple, is_tuple: bool) -> tuple:
    """``v`` must match ``against`` (the outputs for vjp, the inputs for jvp/hvp/vhp) tensor for tensor."""
    v = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    if len(v) != len(against):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(against)} but got {len(v)}."
                           if is_tuple else "The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, against)):
        if a.shape != b.shape:
            raise RuntimeError(f"{f'Entry {i} in ' if is_tuple else ''}v has invalid size: should be {b.shape} but "
                               f"got {a.shape}.")
    return tuple(t.detach() for t in v)


def _v_or_default(v, against: tuple, is_tuple: bool, of: str) -> tuple | None:
    if v is not None:
        return _check_v(v, against, is_tuple)
    if len(against) != 1 or against[0].numel() != 1:
        raise RuntimeError(f"The vector v can only be None if {of} a single Tensor with a single element.")
    return None


def _prepare_inputs(inputs, create_graph: bool) -> tuple[tuple, bool]:
    """Fresh leaves to differentiate with respect to (kept in the caller's graph with create_graph)."""
    inputs, is_tuple = _as_tuple(inputs)
    return tuple(x.view_as(x) if create_graph and x.requires_grad else x.detach().requires_grad_()
                 for x in inputs), is_tuple


def _strict_outputs(outputs: tuple, strict: bool) -> None:
    if strict:
        for i, out in enumerate(outputs):
            if not out.requires_grad:
                raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The "
                                   "outputs must be computed in a differentiable manner from the input when running "
                                   "in strict mode.")


def _grads(outputs: tuple, inputs: tuple, v, create_graph: bool) -> tuple:
    """d(outputs)/d(inputs) weighted by ``v``, None where nothing connects (as PyTorch's _autograd_grad)."""
    v = (None,) * len(outputs) if v is None else v
    pairs = [(o, g) for o, g in zip(outputs, v) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return _grad([o for o, _ in pairs], inputs, [g for _, g in pairs], create_graph=create_graph, allow_unused=True)


def _zeros_for_none(grads: tuple, refs: tuple, strict: bool, independent: str) -> tuple:
    for i, g in enumerate(grads):
        if g is None and strict:
            raise RuntimeError(independent.format(i=i))
    return tuple(g if g is not None else _make(np.zeros_like(r._data)) for g, r in zip(grads, refs))


def _finish(results: tuple, create_graph: bool, is_tuple: bool):
    results = results if create_graph else tuple(r.detach() for r in results)
    return results if is_tuple else results[0]


def _scalar_output(func: Callable, inputs: tuple, strict: bool, name: str) -> Tensor:
    outputs = func(*inputs)
    if isinstance(outputs, (tuple, list)) or not isinstance(outputs, Tensor):
        _strict_outputs(tuple(outputs) if isinstance(outputs, (tuple, list)) else (), strict)
        raise RuntimeError(f"The function given to {name} should return a single Tensor")
    _strict_outputs((outputs,), strict)
    if outputs.numel() != 1:
        raise RuntimeError(errors.not_single_element(name))
    return outputs


_INDEPENDENT = ("The output of the user-provided function is independent of input {i}. This is not allowed in "
                "strict mode.")


def vjp(func: Callable, inputs: Tensor | tuple, v: Tensor | tuple | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(outputs, v^T J): one backward pass weighted by ``v``."""
    with enable_grad():
        xs, tuple_in = _prepare_inputs(inputs, create_graph)
        outputs, tuple_out = _as_tuple(func(*xs))
        _strict_outputs(outputs, strict)
        v = _v_or_default(v, outputs, tuple_out, "the user-provided function returns")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        g = _zeros_for_none(_grads(outputs, xs, v, create_graph), xs, strict, _INDEPENDENT)
    return _finish(outputs, create_graph, tuple_out), _finish(g, create_graph, tuple_in)


def jvp(func: Callable, inputs: Tensor | tuple, v: Tensor | tuple | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(outputs, J v) by the double-vjp trick, as PyTorch: u -> J^T u is linear in u, and its
    vjp with ``v`` is J v."""
    with enable_grad():
        xs, tuple_in = _prepare_inputs(inputs, create_graph)
        v = _v_or_default(v, xs, tuple_in, "the input to the user-provided function is")
        outputs, tuple_out = _as_tuple(func(*xs))
        _strict_outputs(outputs, strict)
        us = tuple(_make(np.zeros_like(o._data)).requires_grad_() for o in outputs)
        jt_u = _grads(outputs, xs, us, create_graph=True)
        if strict:
            for i, g in enumerate(jt_u):
                if g is None or not g.requires_grad:
                    raise RuntimeError(f"The gradient with respect to input {i} is independent of the inputs of the "
                                       "user-provided function. This is not allowed in strict mode.")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        jv = _zeros_for_none(_grads(jt_u, us, v, create_graph), outputs, strict,
                             "The gradient with respect to the input is independent of entry {i} in the grad_outputs "
                             "when using the double backward trick to compute forward mode gradients. This is not "
                             "allowed in strict mode.")
    return _finish(outputs, create_graph, tuple_out), _finish(jv, create_graph, tuple_out)


def vhp(func: Callable, inputs: Tensor | tuple, v: Tensor | tuple | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(output, v^T H) of a scalar function: the vjp of its gradient."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func: Callable, inputs: Tensor | tuple, v: Tensor | tuple | None = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(output, H v) of a scalar function (equal to vhp's, H being symmetric; PyTorch computes it by
    the double-vjp trick, and so do we)."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func: Callable, inputs, v, create_graph: bool, strict: bool, name: str):
    with enable_grad():
        xs, tuple_in = _prepare_inputs(inputs, create_graph)
        v = _v_or_default(v, xs, tuple_in, "the input to the user-provided function is")
        out = _scalar_output(func, xs, strict, name)
        jac = _grads((out,), xs, None, create_graph=True)
        if strict:
            for i, g in enumerate(jac):
                if g is None:
                    raise RuntimeError(_INDEPENDENT.format(i=i))
                if not g.requires_grad:
                    raise RuntimeError(
                        "While computing the hessian, found that the jacobian of the user-provided function with "
                        f"respect to input {i} is independent of the input. This is not allowed in strict mode. You "
                        "should ensure that your function is twice differentiable and that the jacobian depends on "
                        "the inputs (this would be violated by a linear function for example).")
        if name == "hvp":
            us = tuple(_make(np.zeros_like(x._data)).requires_grad_() for x in xs)
            jac, wrt = _grads(jac, xs, us, create_graph=True), us
        else:
            wrt = xs
    with set_grad_enabled(create_graph or is_grad_enabled()):
        prod = _zeros_for_none(_grads(jac, wrt, v, create_graph), xs, strict,
                               "The jacobian of the user-provided function is independent of input {i}. This is not "
                               "allowed in strict mode.")
    return _finish((out,), create_graph, False), _finish(prod, create_graph, tuple_in)
