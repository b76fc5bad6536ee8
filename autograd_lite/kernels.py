"""Numba kernels, compiled lazily on first call and cached on disk.

numba is imported only when a kernel first runs, so ``import autograd_lite`` and a
reader's first small gradient never wait for it. Each kernel lives here because a
measurement showed it beating numpy (see ``benchmarks/README.md``); everything else
is left to numpy.
"""
from __future__ import annotations

import functools
import os
from typing import Callable

import numpy as np


def jit(fn: Callable | None = None, **options) -> Callable:
    """Compile ``fn`` with ``numba.njit(cache=True, **options)`` the first time it is called.

    Falls back to an uncached compile when no cache directory is writable, and to plain
    Python under ``NUMBA_DISABLE_JIT=1`` (numba handles that itself).
    """
    if fn is None:
        return functools.partial(jit, **options)
    compiled = None

    @functools.wraps(fn)
    def call(*args):
        nonlocal compiled
        if compiled is None:
            compiled = _compile(fn, options)
        return compiled(*args)

    call.py_func = fn
    return call


def _compile(fn: Callable, options: dict) -> Callable:
    import numba

    try:
        return numba.njit(cache=True, **options)(fn)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(cache=False, **options)(fn)


def jit_disabled() -> bool:
    return os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0")


# --- Kernels ---------------------------------------------------------------------
# Each public function takes and returns numpy arrays. Small inputs stay in numpy:
# calling into numba costs a few microseconds, and a reader's first 2x2 example
# should not wait for a compile.

BIG = 1 << 14  # elements; below this numpy's per-call cost is lower


def tanh_backward(grad, y):
    """grad * (1 - y²) in one pass."""
    if grad.size < BIG or grad.shape != y.shape or grad.dtype != y.dtype or jit_disabled():
        return grad * (1 - y * y)
    return _tanh_backward(grad.ravel(), y.ravel(), grad.dtype.type(1)).reshape(grad.shape)


@jit
def _tanh_backward(g, y, one):  # ``one`` in the data's dtype keeps float32 math in float32
    out = np.empty_like(g)
    for i in range(g.size):
        out[i] = g[i] * (one - y[i] * y[i])
    return out


def sigmoid_backward(grad, y):
    """grad * y * (1 - y) in one pass."""
    if grad.size < BIG or grad.shape != y.shape or grad.dtype != y.dtype or jit_disabled():
        return grad * y * (1 - y)
    return _sigmoid_backward(grad.ravel(), y.ravel(), grad.dtype.type(1)).reshape(grad.shape)


@jit
def _sigmoid_backward(g, y, one):
    out = np.empty_like(g)
    for i in range(g.size):
        out[i] = g[i] * y[i] * (one - y[i])
    return out


def threshold_backward(grad, y):
    """ReLU's backward: grad where y > 0, else +0 (not grad * mask, which gives -0)."""
    if grad.size < BIG or grad.shape != y.shape or grad.dtype != y.dtype or jit_disabled():
        return np.where(y > 0, grad, grad.dtype.type(0))
    return _threshold_backward(grad.ravel(), y.ravel()).reshape(grad.shape)


@jit
def _threshold_backward(g, y):
    out = np.zeros_like(g)
    for i in range(g.size):
        if y[i] > 0:
            out[i] = g[i]
    return out


def softmax(x, dim):
    """exp(x - max) / sum, stable for large inputs."""
    e = np.exp(x - np.max(x, axis=dim, keepdims=True)) if x.size else x.copy()
    return e / np.sum(e, axis=dim, keepdims=True)


def log_softmax(x, dim):
    if not x.size:
        return x.copy()
    shifted = x - np.max(x, axis=dim, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))


def sum_to_shape(x, shape):
    """Sum a broadcast array back to ``shape``: the gradient of broadcasting."""
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1)
    out = np.sum(x, axis=axes, keepdims=True) if axes else x
    return np.asarray(out).reshape(shape)
