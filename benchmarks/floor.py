"""The floor: each workload of ``run.py`` written by hand in plain numpy, forward and backward.

No graph, no checks, no tensor objects: the arithmetic any engine must do, with numpy's
own per-call cost. What autograd_lite spends above it is the engine's own bookkeeping;
what PyTorch spends below it is its faster kernels (MKL, SLEEF) and C++ dispatch. Each
function times the same work as its namesake in ``run.py``, the same way.
"""
from __future__ import annotations

import statistics
import time

import numpy as np


def w1(reps: int = 7) -> float:
    rng = np.random.default_rng(0)
    a = rng.random((2, 2), dtype=np.float32)
    b = rng.random((2, 2), dtype=np.float32)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        xs, ys, x = [], [], a
        for _ in range(3000):
            xs.append(x)
            x = np.tanh(x * b + a)
            ys.append(x)
        x.sum()
        g, ga, gb = np.ones_like(x), np.zeros_like(a), np.zeros_like(b)
        for i in range(2999, -1, -1):
            g = g * (1 - ys[i] * ys[i])  # tanh
            ga += g  # add: to a
            gb += g * xs[i]  # mul: to b
            g = g * b  # mul: to x
        ga += g  # the first x is a
        times.append((time.perf_counter() - start) / 9001 * 1e6)
    return statistics.median(times)


def w2(reps: int = 3) -> float:
    c1, c2 = np.float32(1.0001), np.float32(0.0001)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        y = np.ones(1, np.float32)
        for _ in range(100_000):
            y = y * c1 + c2
        g = np.ones_like(y)
        for _ in range(100_000):
            g = g * c1
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def w3(epochs: int = 5) -> tuple[float, float]:
    from run import digits, initial_mlp_weights

    X, y = digits()
    W1, b1, W2, b2 = initial_mlp_weights()
    lr = np.float32(0.1)
    order = np.random.default_rng(0)
    times = []
    for _ in range(epochs):
        perm = order.permutation(len(X))
        start = time.perf_counter()
        for i in range(0, len(X), 64):
            idx = perm[i:i + 64]
            xb, yb = X[idx], y[idx]
            n = len(yb)
            h = xb @ W1.T + b1  # forward: linear, relu, linear, log_softmax, nll
            r = np.maximum(h, 0)
            z = r @ W2.T + b2
            shifted = z - z.max(1, keepdims=True)
            logp = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
            -logp[np.arange(n), yb].mean()
            gl = np.zeros_like(logp)  # backward
            gl[np.arange(n), yb] = -1 / n
            gz = gl - np.exp(logp) * gl.sum(1, keepdims=True)
            gr = gz @ W2
            gh = np.where(h > 0, gr, 0)
            W2 -= lr * (gz.T @ r)  # SGD step
            b2 -= lr * gz.sum(0)
            W1 -= lr * (gh.T @ xb)
            b1 -= lr * gh.sum(0)
        times.append(time.perf_counter() - start)
    accuracy = float(((np.maximum(X @ W1.T + b1, 0) @ W2.T + b2).argmax(1) == y).mean())
    return statistics.median(times), accuracy


def w4(reps: int = 5) -> float:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(2_000_000, dtype=np.float32)
    y = rng.standard_normal(2_000_000, dtype=np.float32)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        sx, ey = np.sin(x), np.exp(y)
        t = np.tanh(x * y + sx * ey)
        t.sum()
        g = 1 - t * t
        gx = g * (y + np.cos(x) * ey)  # noqa: F841 (the gradients are the work)
        gy = g * (x + sx * ey)  # noqa: F841
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def w5(reps: int = 15) -> float:
    rng = np.random.default_rng(0)
    A = rng.standard_normal((256, 512), dtype=np.float32)
    B = rng.standard_normal((512, 256), dtype=np.float32)
    bias = rng.standard_normal(256, dtype=np.float32)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        out = A @ B + bias
        r = np.maximum(out, 0)
        r.mean()
        g = (out > 0) * np.float32(1 / out.size)
        gA, gB, gbias = g @ B.T, A.T @ g, g.sum(0)  # noqa: F841
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)
