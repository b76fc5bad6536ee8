"""Compile every numba kernel once so that later processes load them from the cache.

    python -m autograd_lite.warmup

Binder's ``postBuild`` runs this, so a reader's first large tensor does not wait for
the compiler. Small tensors never need it: they stay in numpy.
"""
from __future__ import annotations

import time

import numpy as np


def warm_up() -> float:
    """Run each kernel on inputs big enough to take its numba path; return the seconds taken."""
    import autograd_lite as torch
    from autograd_lite import kernels, random

    start = time.perf_counter()
    n = 4 * kernels.SMALL
    for dtype in (np.float32, np.float64):
        ones = np.ones(n, dtype)
        kernels.tanh_backward(ones, ones)
        kernels.sigmoid_backward(ones, ones)
        kernels.threshold_backward(ones, ones)
        kernels.erf(ones)
        rows = ones.reshape(-1, 64)
        for f in (kernels.softmax, kernels.log_softmax):
            f(rows, 1)
        for f in (kernels.softmax_backward, kernels.log_softmax_backward):
            f(rows, rows, 1)
        random.uniform((n,), dtype)
        random.normal((n,), dtype)
    kernels.axpy32(0.5, np.ones(n, np.float32), np.ones(n, np.float32))
    random.randint(0, 10, (n,))
    random.randperm(n)
    torch.manual_seed(0)
    x = torch.randn(n, requires_grad=True)
    (x.tanh() * x.sigmoid()).sum().backward()
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"autograd_lite kernels ready ({warm_up():.1f} s)")
