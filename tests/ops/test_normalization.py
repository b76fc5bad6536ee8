"""Layer norm and batch norm (ops/normalization.py) against PyTorch: their backward is an op of its own."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
from harness import same  # noqa: E402

NORMS = {
    "layer_norm": lambda L, x, w: L.nn.functional.layer_norm(x, (3,), w),
    "layer_norm_no_weight": lambda L, x, w: L.nn.functional.layer_norm(x, (2, 3)),
    "batch_norm": lambda L, x, w: L.nn.functional.batch_norm(x, None, None, w, None, training=True),
    "batch_norm_eval": lambda L, x, w: L.nn.functional.batch_norm(x, L.zeros(3, dtype=L.float64),
                                                                  L.ones(3, dtype=L.float64), w, None),
}


@pytest.mark.parametrize("norm", NORMS)
def test_norm_double_backward_node(norm):
    """A gradient taken with create_graph is PyTorch's Native{Layer,Batch}NormBackwardBackward0 node; its
    own gradients (second and third order, for the input and the weight) are PyTorch's values."""
    def f(L):
        x = L.tensor([[-1.0, 0.5, 2.0], [1.0, 3.0, -2.0], [0.25, -0.5, 1.5]], dtype=L.float64, requires_grad=True)
        w = L.tensor([1.0, 2.0, 0.5], dtype=L.float64, requires_grad=True)
        y = NORMS[norm](L, x, w)
        g, = L.autograd.grad(y.pow(3).sum(), x, create_graph=True)
        h = L.autograd.grad((g * g).sum(), (x, w), create_graph=True, allow_unused=True)
        k, = L.autograd.grad(h[0].pow(2).sum(), w)
        return y, g, g.grad_fn.name(), h, k

    same(f)
