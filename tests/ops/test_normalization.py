"""Layer norm and batch norm (ops/normalization.py) against PyTorch; their backward is an op of its own."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from harness import rng, same, same_bits  # noqa: E402

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


@pytest.mark.parametrize("affine", [(False, False), (True, False), (False, True), (True, True)])
def test_layer_norm(affine):
    """Values, node and gradients (input, weight, bias) over the last two dimensions."""
    r = rng(4)
    arrays = r.standard_normal((2, 3, 4)), r.standard_normal((3, 4)), r.standard_normal((3, 4))
    g = r.standard_normal((2, 3, 4))
    use_w, use_b = affine

    def run(L):
        x, w, b = (L.tensor(a, requires_grad=True) for a in arrays)
        out = L.nn.functional.layer_norm(x, (3, 4), w if use_w else None, b if use_b else None)
        out.backward(L.tensor(g))
        return out, x.grad, w.grad, b.grad
    same(run, rtol=1e-10, atol=1e-12)


def test_layer_norm_zeros_are_positive():
    """PyTorch's kernel computes ``(x - mean) * rstd * weight + bias`` with a +0 bias when there is
    none, so an exact zero output is +0 (``-0. - 0.`` would be -0.); a -0. bias keeps its sign."""
    x = [[-0.0, -0.0, 0.0], [1.0, -1.0, 0.0], [0.0, 0.0, 0.0]]
    for dtype in ("float32", "float64"):
        same_bits(lambda L: L.nn.functional.layer_norm(L.tensor(x, dtype=getattr(L, dtype)), (3,)))
        same_bits(lambda L: L.nn.functional.layer_norm(L.tensor(x, dtype=getattr(L, dtype)), (3,),
                                                        L.tensor([1.0, -1.0, 2.0], dtype=getattr(L, dtype))))
        same_bits(lambda L: L.nn.functional.layer_norm(L.tensor(x, dtype=getattr(L, dtype)), (3,), None,
                                                        L.tensor([-0.0, 0.0, -0.0], dtype=getattr(L, dtype))))


def test_layer_norm_of_equal_values_and_nan():
    """A row of equal values normalises to zeros (rstd of eps); a NaN spreads over its row only."""
    x = [[2.0, 2.0, 2.0], [1.0, float("nan"), 0.0], [-0.0, -0.0, -0.0]]
    same_bits(lambda L: L.nn.functional.layer_norm(L.tensor(x, dtype=L.float64), (3,)))
