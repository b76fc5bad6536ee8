"""Why each numba kernel exists: the kernel against the numpy code it replaces.

    python benchmarks/kernels.py        # prints a markdown table (pasted into benchmarks/README.md)

Every kernel in ``autograd_lite/kernels.py`` and ``random.py`` is timed against its
numpy (or plain Python) alternative on one thread, after compilation, at the sizes
where the engine uses it. A kernel stays only where this table shows it winning.
"""
from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from autograd_lite import kernels, random  # noqa: E402


def best_of(fn, repeat: int = 7) -> float:
    fn()  # compile / warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _numpy_softmax(x, log):
    """The numpy formulation the fused kernels replace (six or five passes over the data)."""
    shifted = x - np.max(x, axis=1, keepdims=True)
    if log:
        return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    e = np.exp(shifted)
    return e / np.sum(e, axis=1, keepdims=True)


def rows():
    rng = np.random.default_rng(0)
    for n in (kernels.SMALL, 1024, 1 << 18, 2_000_000):
        g = rng.standard_normal(n).astype(np.float32)
        y = np.tanh(rng.standard_normal(n)).astype(np.float32)
        one = np.float32(1)
        yield ("tanh backward: grad * (1 - y²)", n,
               best_of(lambda: g * (1 - y * y)), best_of(lambda: kernels._tanh_backward(g, y, one)))
        yield ("sigmoid backward: grad * y * (1 - y)", n,
               best_of(lambda: g * y * (1 - y)), best_of(lambda: kernels._sigmoid_backward(g, y, one)))
        yield ("ReLU backward: where(y > 0, grad, 0)", n,
               best_of(lambda: np.where(y > 0, g, np.float32(0))), best_of(lambda: kernels._threshold_backward(g, y)))
        yield ("SGD step: float32 p + a*g, one rounding (numpy emulation vs numba)", n,
               best_of(lambda: random._fma32(g, np.float32(-0.1), y)), best_of(lambda: kernels.axpy32(-0.1, g, y)))
        for fn in ("softmax", "log_softmax"):
            rows = g.reshape(-1, 64)
            yield (f"{fn}, rows of 64: numpy vs kernels.{fn} (fused under {kernels.EXP_LARGE:,} elements)", n,
                   best_of(lambda: _numpy_softmax(rows, fn == "log_softmax")),
                   best_of(lambda: getattr(kernels, fn)(rows, 1)))
    for n in (4096, 1 << 16, 1 << 20):
        out = np.empty(n, np.uint32)
        state = random._gen.mt.copy()
        yield ("mt19937 words (plain Python vs numba)", n,
               best_of(lambda: random._mt_fill.py_func(state, 624, out), repeat=1) if n <= 1 << 16 else float("nan"),
               best_of(lambda: random._mt_fill(state, 624, out)))


def main() -> None:
    print("| kernel | elements | numpy / Python (ms) | numba (ms) | speed-up |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, n, plain, jitted in rows():
        plain_s = f"{plain * 1e3:.3f}" if plain == plain else "(too slow)"
        speedup = f"{plain / jitted:.1f}x" if plain == plain else "-"
        print(f"| {name} | {n:,} | {plain_s} | {jitted * 1e3:.3f} | {speedup} |")


if __name__ == "__main__":
    main()
