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
