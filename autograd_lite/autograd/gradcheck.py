"""Check a backward against finite differences (mirrors ``torch.autograd.gradcheck``).

The numerical Jacobian comes from central differences ``(f(x + eps) - f(x - eps)) / 2eps``;
the analytical one from backward, one output element at a time. They must agree within
``atol + rtol * |numerical|``. Use float64 inputs: float32 rounding swamps ``eps``.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

from .. import random as _random
from . import forward_ad
from ..engine import grad as _grad
from ..printing import format_tensor
from ..tensor import Tensor, _make


class GradcheckError(RuntimeError):
    """Raised by gradcheck when the two Jacobians differ."""


def _as_tuple(x) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(fn: Callable, inputs: tuple) -> tuple:
    return tuple(o for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor))


def _numerical(fn: Callable, inputs: tuple, i: int, eps: float) -> list[np.ndarray]:
    """d(each output)/d(inputs[i]) by central differences, one column per input element."""
    data = inputs[i]._data  # we perturb the input in place, element by element, and restore it
    outs = _outputs(fn, inputs)
    jac = [np.zeros((data.size, o._data.size)) for o in outs]
    for k, at in enumerate(np.ndindex(data.shape)):
        orig = data[at].copy()
        data[at] = orig + eps
        plus = [o._data.astype(np.float64).copy() for o in _outputs(fn, inputs)]
        data[at] = orig - eps
        minus = [o._data.astype(np.float64).copy() for o in _outputs(fn, inputs)]
        data[at] = orig
        for j in range(len(outs)):
            jac[j][k] = ((plus[j] - minus[j]) / (2 * eps)).reshape(-1)
    return jac


def _analytical(outputs: tuple, inputs: tuple, create_graph: bool = False) -> list[list[np.ndarray]]:
    """jac[j][i]: d(outputs[j])/d(inputs[i]) by backward, one output element at a time."""
    diff = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    jac = []
    for out in outputs:
        per_input = [np.zeros((t._data.size, out._data.size)) for t in diff]
        if out.requires_grad:
            for k in range(out._data.size):
                v = np.zeros(out._data.size, out._data.dtype)
                v[k] = 1
                grads = _grad(out, diff, _make(v.reshape(out._data.shape)), retain_graph=True, allow_unused=True)
                for i, g in enumerate(grads):
                    if g is not None:
                        per_input[i][:, k] = g._data.reshape(-1)
        jac.append(per_input)
    return jac


def _forward_analytical(fn: Callable, inputs: tuple, diff_idx: list) -> list[list[np.ndarray]]:
    """jac[j][n]: d(outputs[j])/d(inputs[diff_idx[n]]) by forward mode, one input element at a time."""
    outputs = _outputs(fn, inputs)
    jac = [[np.zeros((inputs[i]._data.size, o._data.size)) for i in diff_idx] for o in outputs]
    for n, i in enumerate(diff_idx):
        x = inputs[i]
        for k in range(x._data.size):
            v = np.zeros(x._data.size, x._data.dtype)
            v[k] = 1
            with forward_ad.dual_level():
                dual = list(inputs)
                dual[i] = forward_ad.make_dual(x, _make(v.reshape(x._data.shape)))
                for j, o in enumerate(_outputs(fn, tuple(dual))):
                    tangent = forward_ad.unpack_dual(o).tangent
                    if tangent is not None:
                        jac[j][n][k] = tangent._data.reshape(-1)
    return jac


def gradcheck(func: Callable, inputs: Tensor | tuple, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, nondet_tol: float = 0.0, check_undefined_grad: bool = True,
              check_forward_ad: bool = False, check_backward_ad: bool = True, fast_mode: bool = False,
              **_ignored: Any) -> bool:
    """True if ``func``'s backward (and, with ``check_forward_ad``, its forward-mode derivatives)
    match finite differences at ``inputs``."""
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.")
    for i in diff_idx:
        if inputs[i].dtype.name != "float64":
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or complex. This check "
                "will likely fail if all the inputs are not of double precision floating point or complex. ",
                UserWarning, stacklevel=2)
    checks = []  # (analytical Jacobians, how PyTorch's message names them)
    if check_backward_ad:
        checks.append((_analytical(_outputs(func, inputs), inputs), "Jacobian mismatch"))
    if check_forward_ad:
        checks.append((_forward_analytical(func, inputs, diff_idx), "Jacobian computed with forward mode mismatch"))
    for n, i in enumerate(diff_idx):
        numerical = _numerical(func, inputs, i, eps)
        for analytical, what in checks:
            for j in range(len(numerical)):
                a, num = analytical[j][n], numerical[j]
                if not np.allclose(a, num, rtol=rtol, atol=atol):
                    if not raise_exception:
                        return False
                    raise GradcheckError(
                        f"{what} for output {j} with respect to input {i},\n"
                        f"numerical:{format_tensor(num, 'float64', [])}\n"
                        f"analytical:{format_tensor(a, 'float64', [])}\n")
    return True


def gradgradcheck(func: Callable, inputs: Tensor | tuple, grad_outputs: Tensor | tuple | None = None, *,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False,
                  raise_exception: bool = True, **_ignored: Any) -> bool:
    """gradcheck of the gradient itself: checks backward's own backward (``create_graph=True``)."""
    inputs = _as_tuple(inputs)
    outputs = _outputs(func, inputs)
    if grad_outputs is None:  # uniform in [-1, 1) from the global generator, as PyTorch's make_tensor draws them
        grad_outputs = tuple(_make(_random.uniform(o._data.shape, o._data.dtype if o._data.dtype.kind == "f"
                                                   else np.float64, -1.0, 1.0)).requires_grad_() for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)
    diff = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]

    def first_derivative(*args):
        ins, gos = args[: len(inputs)], args[len(inputs):]
        outs = _outputs(func, ins)
        d = [t for t in ins if isinstance(t, Tensor) and t.requires_grad]
        return _grad(outs, d, gos, create_graph=True, allow_unused=True, materialize_grads=True)

    del diff
    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
