"""The engine at scale: deep and wide graphs, and the graph freed by reference counting alone."""
from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import weakref

import numpy as np

import autograd_lite as torch


def test_deep_chain_backward():
    x = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0001 + 0.0001
    y.backward(torch.ones(1, dtype=torch.float64))
    assert np.isclose(x.grad.item(), 1.0001 ** 100_000)


def test_deep_chain_grad_and_create_graph():
    x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(5_000):
        y = torch.sin(y) * 0.5 + y * 0.5
    g, = torch.autograd.grad(y, x, create_graph=True)
    gg, = torch.autograd.grad(g, x)
    assert np.isfinite(g.item()) and np.isfinite(gg.item())


def test_wide_graph():
    x = torch.arange(10_000, dtype=torch.float64, requires_grad=True)
    parts = [x[i] * i for i in range(0, 10_000, 5)]
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    total.backward()
    expected = np.zeros(10_000)
    expected[::5] = np.arange(0, 10_000, 5)
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_many_uses_of_one_tensor():
    x = torch.tensor([2.0], requires_grad=True)
    h = x * 1
    s = sum((h * k for k in range(2_000)), torch.zeros(1))
    s.backward()
    assert x.grad.item() == sum(range(2_000))


def test_graph_freed_when_outputs_deleted():
    x = torch.randn(3, requires_grad=True)
    h = x.exp()
    node = weakref.ref(h.grad_fn)
    saved = weakref.ref(h)
    y = (h * h).sum()
    del h
    assert saved() is not None  # MulBackward0 keeps it for backward
    del y
    assert node() is None and saved() is None  # no gc.collect(): reference counting alone


def test_saved_tensors_released_after_backward():
    x = torch.randn(3, requires_grad=True)
    h = x.exp()
    saved = weakref.ref(h)
    y = (h * h).sum()
    del h
    y.backward()
    gc.collect()
    assert saved() is None  # freed by backward while y (and its graph) still exist
    assert y.grad_fn is not None


def test_saved_tensors_kept_with_retain_graph():
    x = torch.randn(3, requires_grad=True)
    h = x.exp()
    saved = weakref.ref(h)
    y = (h * h).sum()
    del h
    y.backward(retain_graph=True)
    assert saved() is not None
    y.backward()
    gc.collect()
    assert saved() is None


def test_no_reference_cycles():
    """Building and running a graph, hooks and a custom Function included, leaves nothing for the cyclic GC."""
    script = textwrap.dedent("""
        import gc
        import autograd_lite as torch

        class Square(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                ctx.note = "kept on ctx"
                return x * x

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return 2 * x * g

        def step():
            w = torch.randn(4, 3, requires_grad=True)
            x = torch.randn(5, 4)
            h = torch.tanh(x @ w)
            h.retain_grad()
            h.register_hook(lambda g: g * 1)
            y = Square.apply(h).exp().sum() + h[0].sum() + h.max()
            y.backward(retain_graph=True)
            g, = torch.autograd.grad(y, w, create_graph=True)
            g.sum().backward()
            return w.grad.sum().item()

        step()
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.disable()
        for _ in range(3):
            step()
        found = gc.collect()
        print(found, len(gc.garbage))
        for obj in gc.garbage[:10]:
            print(type(obj))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[0] == "0 0", out.stdout
