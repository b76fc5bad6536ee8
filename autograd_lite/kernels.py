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

SMALL = 1024  # elements; smaller tensors stay in numpy, so a reader's first small example never
# waits for numba (importing it and loading or compiling a kernel). From here on a fused kernel
# wins at every size: numpy pays ~0.5 us per call, and these formulas are several calls.


def tanh_backward(grad, y):
    """grad * (1 - y²) in one pass."""
    if grad.size < SMALL or grad.shape != y.shape or grad.dtype != y.dtype or jit_disabled():
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
    if grad.size < SMALL or grad.shape != y.shape or grad.dtype != y.dtype or jit_disabled():
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
    if grad.size < SMALL or grad.shape != y.shape or grad.dtype != y.dtype or jit_disabled():
        return np.where(y > 0, grad, grad.dtype.type(0))
    return _threshold_backward(grad.ravel(), y.ravel()).reshape(grad.shape)


@jit
def _threshold_backward(g, y):
    out = np.zeros_like(g)
    for i in range(g.size):
        if y[i] > 0:
            out[i] = g[i]
    return out


def _rows(x, dim):
    """``x`` as contiguous rows along ``dim`` when that is the last dimension, else None."""
    if x.ndim and dim == x.ndim - 1 and x.flags.c_contiguous and x.size >= SMALL and not jit_disabled():
        return x.reshape(-1, x.shape[-1])
    return None


def softmax(x, dim):
    """exp(x - max) / sum along ``dim``, stable for large inputs."""
    rows = _rows(x, dim)
    if rows is not None:
        return _softmax_rows(rows).reshape(x.shape)
    e = np.exp(x - np.max(x, axis=dim, keepdims=True)) if x.size else x.copy()
    return e / np.sum(e, axis=dim, keepdims=True)


def log_softmax(x, dim):
    """x - max - log(sum(exp(x - max))) along ``dim``."""
    rows = _rows(x, dim)
    if rows is not None:
        return _log_softmax_rows(rows).reshape(x.shape)
    if not x.size:
        return x.copy()
    shifted = x - np.max(x, axis=dim, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))


def softmax_backward(grad, y, dim):
    """y * (grad - sum(grad * y)) along ``dim``: softmax's vector-Jacobian product."""
    rows, grows = _rows(y, dim), _rows(np.ascontiguousarray(grad), dim) if grad.shape == y.shape else None
    if rows is not None and grows is not None and grad.dtype == y.dtype:
        return _softmax_backward_rows(grows, rows).reshape(y.shape)
    return y * (grad - np.sum(grad * y, axis=dim, keepdims=True))


def log_softmax_backward(grad, y, dim):
    """grad - exp(y) * sum(grad) along ``dim``: log_softmax's vector-Jacobian product."""
    rows, grows = _rows(y, dim), _rows(np.ascontiguousarray(grad), dim) if grad.shape == y.shape else None
    if rows is not None and grows is not None and grad.dtype == y.dtype:
        return _log_softmax_backward_rows(grows, rows).reshape(y.shape)
    return grad - np.exp(y) * np.sum(grad, axis=dim, keepdims=True)


@jit
def _softmax_rows(x):
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        m = x[i, 0]
        for j in range(1, x.shape[1]):
            if x[i, j] > m or x[i, j] != x[i, j]:  # the row's max (NaN wins, as in np.max)
                m = x[i, j]
        s = x[i, 0] - x[i, 0]  # a zero of x's dtype
        for j in range(x.shape[1]):
            e = np.exp(x[i, j] - m)
            out[i, j] = e
            s += e
        for j in range(x.shape[1]):
            out[i, j] = out[i, j] / s
    return out


@jit
def _log_softmax_rows(x):
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        m = x[i, 0]
        for j in range(1, x.shape[1]):
            if x[i, j] > m or x[i, j] != x[i, j]:
                m = x[i, j]
        s = x[i, 0] - x[i, 0]
        for j in range(x.shape[1]):
            s += np.exp(x[i, j] - m)
        log_s = np.log(s)
        for j in range(x.shape[1]):
            out[i, j] = (x[i, j] - m) - log_s
    return out


@jit
def _softmax_backward_rows(g, y):
    out = np.empty_like(g)
    for i in range(g.shape[0]):
        dot = g[i, 0] - g[i, 0]
        for j in range(g.shape[1]):
            dot += g[i, j] * y[i, j]
        for j in range(g.shape[1]):
            out[i, j] = y[i, j] * (g[i, j] - dot)
    return out


@jit
def _log_softmax_backward_rows(g, y):
    out = np.empty_like(g)
    for i in range(g.shape[0]):
        total = g[i, 0] - g[i, 0]
        for j in range(g.shape[1]):
            total += g[i, j]
        for j in range(g.shape[1]):
            out[i, j] = g[i, j] - np.exp(y[i, j]) * total
    return out


def sum_to_shape(x, shape):
    """Sum a broadcast array back to ``shape``: the gradient of broadcasting."""
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1)
    out = np.sum(x, axis=axes, keepdims=True) if axes else x
    return np.asarray(out).reshape(shape)
