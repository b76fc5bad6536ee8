"""Layer norm, batch norm and group norm (ops/normalization.py) against PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402
from harness import compare, compare_error, compare_orders, graph_signature, leaves, raises_same, rng, same, same_bits  # noqa: E402

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


HIGHER = {
    "layer_norm": lambda L, x, w, b: L.nn.functional.layer_norm(x, (3,)),
    "layer_norm_affine": lambda L, x, w, b: L.nn.functional.layer_norm(x, (3,), w, b),
    "layer_norm_weight": lambda L, x, w, b: L.nn.functional.layer_norm(x, (3,), w),
    "layer_norm_2d": lambda L, x, w, b: L.nn.functional.layer_norm(x.reshape(2, 2, 3), (2, 3)),
    "layer_norm_nonviewable": lambda L, x, w, b: L.nn.functional.layer_norm(x.t(), (4,)),
    "batch_norm": lambda L, x, w, b: L.nn.functional.batch_norm(x, None, None, training=True),
    "batch_norm_affine": lambda L, x, w, b: L.nn.functional.batch_norm(x, None, None, w, b, training=True),
    "batch_norm_3d": lambda L, x, w, b: L.nn.functional.batch_norm(x.reshape(2, 3, 2), None, None, w, None,
                                                                   training=True),
    "batch_norm_eval": lambda L, x, w, b: L.nn.functional.batch_norm(
        x, L.zeros(3, dtype=x.dtype) + 0.5, L.ones(3, dtype=x.dtype) * 2, w, b),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", HIGHER)
def test_norm_higher_order_graphs(case, dtype):
    """First, second and third order gradients (input, weight, bias): values and the whole graph each
    records, node for node: PyTorch's layer_norm / batchnorm_double_backward, op by op."""
    r = rng(7)
    arrays = [a.astype(dtype) for a in (r.standard_normal((4, 3)), r.standard_normal(3), r.standard_normal(3))]
    compare_orders(HIGHER[case], *arrays)


@pytest.mark.parametrize("norm", ["layer_norm", "batch_norm"])
def test_norm_bias_without_weight_twice(norm):
    """A bias without weight, differentiated twice: PyTorch's double backward adds the bias's term,
    undefined without a weight, and refuses (its add_ error), once the input's term is defined."""
    def f(L, x, b):
        y = (L.nn.functional.layer_norm(x, (3,), None, b) if norm == "layer_norm"
             else L.nn.functional.batch_norm(x, None, None, None, b, training=True))
        gx, gb = L.autograd.grad((y * y).sum(), (x, b), create_graph=True)
        L.autograd.grad((gx * gx).sum() + (gb * gb).sum(), (x, b))
    r = rng(3)
    compare_error(f, r.standard_normal((4, 3)), r.standard_normal(3), requires_grad=True)


@pytest.mark.parametrize("norm", ["layer_norm", "batch_norm"])
def test_norm_absent_weight_and_bias_are_edges(norm):
    """An absent weight or bias is still an input of the node: its edge is None (3 edges always)."""
    def f(L):
        x = L.ones(2, 3, requires_grad=True)
        y = (L.nn.functional.layer_norm(x, (3,)) if norm == "layer_norm"
             else L.nn.functional.batch_norm(x, None, None, training=True))
        return graph_signature(y.grad_fn)
    assert f(autograd_lite) == f(torch)


GROUP_NORM = [((2, 4, 3, 2), 2, True, True), ((3, 6, 5), 3, True, False), ((2, 6), 2, False, False), ((2, 6, 2, 2), 1, True, True)]


@pytest.mark.parametrize("shape,groups,weight,bias", GROUP_NORM, ids=range(len(GROUP_NORM)))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_group_norm_matches_torch(shape, groups, weight, bias, dtype):
    r = np.random.default_rng(4)
    x, w, b = (r.standard_normal(s).astype(dtype) for s in (shape, shape[1], shape[1]))
    compare(lambda L, xs, ws, bs: L.nn.functional.group_norm(xs, groups, ws if weight else None, bs if bias else None),
            x, w, b, depth=3)


def test_group_norm_second_order_values():
    """The double backward differentiates our backward's ops: PyTorch's numbers (other nodes)."""
    r = np.random.default_rng(5)
    arrays = [r.standard_normal((2, 4, 3)), r.standard_normal(4), r.standard_normal(4)]
    results = []
    for lib in (autograd_lite, torch):
        x, w, b = leaves(lib, arrays, True)
        y = lib.nn.functional.group_norm(x, 2, w, b)
        g = lib.autograd.grad((y * y.detach().sin()).sum(), [x, w], create_graph=True)
        results.append([t.detach().numpy() for t in g] + [t.numpy() for t in lib.autograd.grad(sum((t * t).sum() for t in g), [x, w])])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("call", [lambda F, L: F.group_norm(L.ones(2, 4, 2, 2), 3), lambda F, L: F.group_norm(L.ones(2, 4), 2, L.ones(3)),
                                  lambda F, L: F.group_norm(L.ones(4), 2), lambda F, L: F.group_norm(L.ones(2, 4), 2, None, L.ones(2, 2)),
                                  lambda F, L: F.group_norm(L.ones(2, 4), 2, L.ones(4), L.ones(3))],
                         ids=["groups", "weight", "1-d", "bias", "bias-with-weight"])
def test_group_norm_misuse_raises_as_torch(call):
    raises_same(lambda lib: call(lib.nn.functional, lib))
