"""Numba kernels, compiled lazily on first call and cached on disk.

numba is imported only when a kernel first runs, so ``import autograd_lite`` and a
reader's first small gradient never wait for it. Each kernel lives here because a
measurement showed it beating numpy (see ``benchmarks/README.md``); everything else
is left to numpy.
"""
from __future__ import annotations

import functools
import math
import os
from typing import Any, Callable

import numpy as np


def jit(fn: Callable | None = None, **options: Any) -> Callable:
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
        out = compiled(*args)
        if type(out) is tuple:
            return tuple([_numpy_dtype(o) for o in out])
        return _numpy_dtype(out)

    call.py_func = fn
    call.ready = lambda: compiled is not None  # loaded: calling it no longer waits for numba
    return call


_DTYPES = {np.dtype(t).num: np.dtype(t) for t in (np.bool_, np.int8, np.uint8, np.int16, np.int32, np.int64,
                                                   np.float16, np.float32, np.float64, np.complex64, np.complex128)}


def _numpy_dtype(out: Any) -> Any:
    """A result array with numpy's own dtype object: numba boxes each result with a dtype
    object of its own, equal to numpy's but not the same object, and numpy's results carry
    it on, so checks by identity (``x.dtype is y.dtype``, the fast paths') would fail on
    every tensor computed from it."""
    if type(out) is np.ndarray:
        dtype = _DTYPES.get(out.dtype.num)
        if dtype is not None and out.dtype is not dtype:
            out.dtype = dtype
    return out


def _compile(fn: Callable, options: dict) -> Callable:
    import numba

    try:
        return numba.njit(cache=True, **options)(fn)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(cache=False, **options)(fn)


@functools.cache
def jit_disabled() -> bool:
    """``NUMBA_DISABLE_JIT``, read once (as numba reads it; the environment costs ~0.5 us a read)."""
    return os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0")


# --- Kernels ---------------------------------------------------------------------
# Each public function takes and returns numpy arrays. Small inputs stay in numpy:
# calling into numba costs a few microseconds, and a reader's first 2x2 example
# should not wait for a compile.

SMALL = 256  # elements; smaller tensors stay in numpy, so a reader's first small example never
# waits for numba (importing it and loading or compiling a kernel). From here on a fused kernel
# wins at every size: numpy pays ~0.5 us per call, and these formulas are several calls.


_FLOAT32 = np.dtype(np.float32)
_ONE64 = np.ones((), np.float64)  # (a 0-d array: a Python 1.0 is converted on every call)


def tanh_backward(grad: np.ndarray, y: np.ndarray) -> np.ndarray:
    """grad * (1 - y²) in one pass, 1 - y² rounded once as PyTorch's CPU kernel (a fused
    multiply-add) rounds it (``y * y`` rounded first, then ``1 -`` it, differs in ~30% of the
    last bits, and makemore's "exact" gradient checks see them). How: y² = p + e exactly
    (Dekker's product, y split in halves hi + lo), 1 - p = s + t exactly (Fast2Sum, |p| <= 1),
    and s + (t - e) rounds once."""
    if grad.size < SMALL and y.dtype is _FLOAT32 and grad.dtype is _FLOAT32:  # five plain numpy calls: float64
        # holds y² exactly, and 1 - y² to the bits float32 rounds to (checked against PyTorch on 10**7 values);
        # no casting inside a ufunc (``np.square(y, dtype=...)``), which costs three times an ``astype``
        p = y.astype(np.float64)
        return grad * (_ONE64 - p * p).astype(np.float32)
    t = y.dtype.type if y.dtype.kind == "f" else np.float64
    one, split = t(1), t(2 ** ((np.finfo(t).nmant + 2) // 2) + 1)  # Veltkamp's splitter
    if grad.size < SMALL or grad.shape != y.shape or grad.dtype != y.dtype or jit_disabled():
        hi = y * split - (y * split - y)
        lo = y - hi
        p = y * y
        s = one - p
        return grad * (s + (((one - s) - p) - ((((hi * hi - p) + hi * lo) + hi * lo) + lo * lo)))
    return _tanh_backward(grad.ravel(), y.ravel(), one, split).reshape(grad.shape)


@jit
def _tanh_backward(g, y, one, split):  # ``one`` and ``split`` in the data's dtype keep float32 math in float32
    out = np.empty_like(g)
    for i in range(g.size):
        v = y[i]
        hi = v * split - (v * split - v)
        lo = v - hi
        p = v * v
        s = one - p
        out[i] = g[i] * (s + (((one - s) - p) - ((((hi * hi - p) + hi * lo) + hi * lo) + lo * lo)))
    return out


def sigmoid_backward(grad: np.ndarray, y: np.ndarray) -> np.ndarray:
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


def threshold_backward(grad: np.ndarray, y: np.ndarray) -> np.ndarray:
    """ReLU's backward: +0 where y <= 0, else grad (not grad * mask, which gives -0; NaN passes grad)."""
    if grad.size < SMALL or grad.shape != y.shape or grad.dtype != y.dtype or jit_disabled():
        return np.where(y <= 0, grad.dtype.type(0), grad)
    return _threshold_backward(grad.ravel(), y.ravel()).reshape(grad.shape)


@jit
def _threshold_backward(g, y):
    out = np.zeros_like(g)
    for i in range(g.size):
        if not y[i] <= 0:
            out[i] = g[i]
    return out


EXP_LARGE = 2048  # elements; from here numpy's vectorised exp beats numba's scalar one (no SVML)


def _rows(x, dim, below=None):
    """``x`` as contiguous rows along ``dim`` when that is the last dimension and the size is
    where the fused kernel wins (from SMALL, and under ``below`` if given); else None."""
    if (x.ndim and dim == x.ndim - 1 and x.flags.c_contiguous and SMALL <= x.size < (below or np.inf)
            and not jit_disabled()):
        return x.reshape(-1, x.shape[-1])
    return None


def softmax(x: np.ndarray, dim: int) -> np.ndarray:
    """exp(x - max) / sum along ``dim``, stable for large inputs."""
    rows = _rows(x, dim, below=EXP_LARGE)
    if rows is not None:
        return _softmax_rows(rows).reshape(x.shape)
    e = np.exp(x - np.maximum.reduce(x, axis=dim, keepdims=True)) if x.size else x.copy()
    return e / np.add.reduce(e, axis=dim, keepdims=True)


def log_softmax(x: np.ndarray, dim: int) -> np.ndarray:
    """x - max - log(sum(exp(x - max))) along ``dim``."""
    rows = _rows(x, dim, below=EXP_LARGE)
    if rows is not None:
        return _log_softmax_rows(rows).reshape(x.shape)
    if not x.size:
        return x.copy()
    shifted = x - np.maximum.reduce(x, axis=dim, keepdims=True)
    return shifted - np.log(np.add.reduce(np.exp(shifted), axis=dim, keepdims=True))


def softmax_backward(grad: np.ndarray, y: np.ndarray, dim: int) -> np.ndarray:
    """y * (grad - sum(grad * y)) along ``dim``: softmax's vector-Jacobian product."""
    rows, grows = _rows(y, dim), _rows(np.ascontiguousarray(grad), dim) if grad.shape == y.shape else None
    if rows is not None and grows is not None and grad.dtype == y.dtype:
        return _softmax_backward_rows(grows, rows).reshape(y.shape)
    return y * (grad - _sum_from_first(grad * y, dim))


def log_softmax_backward(grad: np.ndarray, y: np.ndarray, dim: int) -> np.ndarray:
    """grad - exp(y) * sum(grad) along ``dim``: log_softmax's vector-Jacobian product."""
    rows = _rows(y, dim, below=EXP_LARGE)
    grows = _rows(np.ascontiguousarray(grad), dim) if grad.shape == y.shape else None
    if rows is not None and grows is not None and grad.dtype == y.dtype:
        return _log_softmax_backward_rows(grows, rows).reshape(y.shape)
    return grad - np.exp(y) * _sum_from_first(grad, dim)


def _sum_from_first(x: np.ndarray, dim: int) -> np.ndarray:
    """A sum along ``dim`` (kept) that starts from the first element, as PyTorch's in-kernel
    ``vec::reduce_all`` does, where numpy's starts from +0: the sum of -0. values is -0."""
    s = np.asarray(np.add.reduce(x, axis=dim, keepdims=True))  # (an array even for a 0-d x)
    zero = s == 0
    if zero.any():
        s[zero & np.signbit(x).all(axis=dim, keepdims=True)] = -0.0
    return s


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
        dot = g[i, 0] * y[i, 0]  # from the first term, as PyTorch's reduce_all
        for j in range(1, g.shape[1]):
            dot += g[i, j] * y[i, j]
        for j in range(g.shape[1]):
            out[i, j] = y[i, j] * (g[i, j] - dot)
    return out


@jit
def _log_softmax_backward_rows(g, y):
    out = np.empty_like(g)
    for i in range(g.shape[0]):
        total = g[i, 0]
        for j in range(1, g.shape[1]):
            total += g[i, j]
        for j in range(g.shape[1]):
            out[i, j] = g[i, j] - np.exp(y[i, j]) * total
    return out


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise (for GELU); numpy has none."""
    if x.size < SMALL or jit_disabled():
        return np.vectorize(math.erf, otypes=[x.dtype])(x) if x.size else x.copy()
    return _erf(x.ravel()).reshape(x.shape)


@jit
def _erf(x):
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = math.erf(x[i])
    return out


def axpy32(alpha: float, x: np.ndarray, y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """float32 ``y + alpha * x`` with a single rounding, as PyTorch's CPU kernels compute it
    (a fused multiply-add), into ``out`` if given (a C-contiguous array, ``y`` itself for
    ``add_``); returns None when the numpy emulation should be used instead. Small arrays use
    the kernel too once it is loaded: the emulation is a dozen numpy calls (~4 us), the call ~0.4 us."""
    small = y.size < SMALL and not _axpy32.ready()
    if (small or x.shape != y.shape or x.dtype != np.float32 or y.dtype != np.float32 or jit_disabled()
            or out is not None and not (out.flags.c_contiguous and out.shape == y.shape and out.dtype == y.dtype)):
        return None
    if out is None:
        out = np.empty(y.shape, np.float32)
    _axpy32(x.ravel(), y.ravel(), np.float32(alpha), out.reshape(-1))
    return out


@jit
def _axpy32(x, y, alpha, out):
    # The float64 product of two float32 is exact, so s = p + y is the exact sum rounded once
    # to float64; rounding s to float32 is then right unless s sits exactly on a float32
    # midpoint without being exact: those rare sums are moved one float64 step towards the
    # exact value first (round to odd), so the second rounding goes the right way.
    a = np.float64(alpha)
    s = np.empty(x.size, np.float64)
    for i in range(x.size):
        s[i] = a * np.float64(x[i]) + np.float64(y[i])
    bits = s.view(np.int64)
    for i in range(x.size):  # (out may be y itself: element i is read before it is written)
        if bits[i] & 0x1FFFFFFF == 0x10000000:  # on a float32 midpoint: was the sum exact?
            p, c = a * np.float64(x[i]), np.float64(y[i])
            b = s[i] - p
            err = (p - (s[i] - b)) + (c - b)  # the exact sum is s + err (two-sum)
            if err != 0:
                s[i] = np.nextafter(s[i], np.inf if err > 0 else -np.inf)
        out[i] = np.float32(s[i])

