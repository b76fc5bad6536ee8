"""Losses (ops/losses.py) against PyTorch: cross_entropy's label smoothing, probability
targets, ignore_index and node names; dtype promotion and empty inputs of mse/bce."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402,F401
from harness import compare, raises_same, rng  # noqa: E402
from harness import graph_names, same  # noqa: E402
from harness import compare_layout, compare_orders, graph_signature  # noqa: E402

SHAPES = [(4,), (3, 4), (2, 3, 4), (2, 3, 2, 2), (2, 3, 2, 1, 2)]


def _index_target(shape: tuple, ignore: int | None) -> np.ndarray:
    n_classes = shape[0] if len(shape) == 1 else shape[1]
    t = rng(1).integers(0, n_classes, () if len(shape) == 1 else (shape[0],) + shape[2:])
    if ignore is not None:
        t.reshape(-1)[0] = ignore
    return t


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.2, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore", [None, 1])
def test_cross_entropy_class_indices(shape, reduction, smoothing, weighted, ignore):
    """Values, node names (NllLoss2DBackward0 beyond 2-D, AddBackward0 when smoothing) and gradients."""
    target = _index_target(shape, ignore)
    weight = rng(2).random(shape[0] if len(shape) == 1 else shape[1])
    kw = {"reduction": reduction, "label_smoothing": smoothing, **({} if ignore is None else {"ignore_index": ignore})}

    def fn(L, x):
        w = L.tensor(weight) if weighted else None
        return L.nn.functional.cross_entropy(x, L.tensor(target), weight=w, **kw)
    compare(fn, rng(0).standard_normal(shape), check_repr=False)


@pytest.mark.parametrize("shape", SHAPES[:3])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_probabilities(shape, reduction, smoothing, weighted):
    """Probability targets: NegBackward0 / DivBackward1 as PyTorch records them."""
    weight = rng(2).random(shape[0] if len(shape) == 1 else shape[1])

    def fn(L, x, p):
        w = L.tensor(weight) if weighted else None
        return L.nn.functional.cross_entropy(x, p.detach(), weight=w, reduction=reduction, label_smoothing=smoothing)
    compare(fn, rng(0).standard_normal(shape), rng(3).random(shape), check_repr=False)


REDUCTIONS = ["mean", "sum", "none"]
LOSSES = ["mse_loss", "l1_loss", "cross_entropy", "nll_loss", "binary_cross_entropy_with_logits",
          "binary_cross_entropy"]


def loss_case(name: str, rng: np.random.Generator) -> list:
    """float32 (input, target) arrays for each loss."""
    x = rng.standard_normal((5, 4)).astype(np.float32)
    if name in ("mse_loss", "l1_loss"):
        return [x, rng.standard_normal((5, 4)).astype(np.float32)]
    if name in ("cross_entropy", "nll_loss"):
        return [x, np.array([3, 0, 1, 3, 2])]
    if name == "binary_cross_entropy_with_logits":
        return [x * 4, rng.random((5, 4)).astype(np.float32)]
    if name == "binary_cross_entropy":
        return [1 / (1 + np.exp(-x)), rng.random((5, 4)).astype(np.float32)]
    raise AssertionError(name)


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_values_grads_and_names(name, reduction):
    data = loss_case(name, np.random.default_rng(7))

    def loss(lib):
        x = lib.tensor(data[0], requires_grad=True)
        y = lib.tensor(data[1], requires_grad=data[1].dtype.kind == "f")
        out = getattr(lib.nn.functional, name)(x, y, reduction=reduction)
        out.backward(lib.ones(out.shape) * 1.5 if out.dim() else None)
        return out, out.grad_fn.name(), x.grad, y.grad

    same(loss)


def test_cross_entropy_graph_and_shapes():
    def graph(lib):
        x = lib.randn(3, 5, requires_grad=True)
        return graph_names(lib.nn.functional.cross_entropy(x, lib.tensor([1, 0, 4])).grad_fn, 3)

    assert same(graph)[1][1][0] == "NllLossBackward0"
    # (N, C, d) inputs and a single (C,) prediction
    r = np.random.default_rng(5)
    x3 = r.standard_normal((2, 4, 3)).astype(np.float32)
    t3 = np.array([[0, 3, 1], [2, 2, 0]])
    x1 = r.standard_normal(4).astype(np.float32)
    for x, t in ((x3, t3), (x1, np.array(2))):
        for reduction in REDUCTIONS:
            def loss(lib):
                xx = lib.tensor(x, requires_grad=True)
                out = lib.nn.functional.cross_entropy(xx, lib.tensor(t), reduction=reduction)
                out.sum().backward()
                return out, xx.grad

            same(loss)


def test_cross_entropy_soft_targets():
    r = np.random.default_rng(9)
    x = r.standard_normal((3, 4)).astype(np.float32)
    p = r.random((3, 4)).astype(np.float32)
    p /= p.sum(1, keepdims=True)

    def loss(lib):
        xx = lib.tensor(x, requires_grad=True)
        out = lib.nn.functional.cross_entropy(xx, lib.tensor(p))
        out.backward()
        return out, xx.grad

    same(loss)


def test_losses_stable_for_large_logits():
    def large(lib):
        x = lib.tensor([[1000.0, -1000.0, 0.0]], requires_grad=True)
        z = lib.tensor([100.0, -100.0, 0.0])
        return (lib.nn.functional.cross_entropy(x, lib.tensor([1])).item(),
                lib.nn.functional.binary_cross_entropy_with_logits(z, lib.tensor([0.0, 1.0, 1.0]), reduction="none"))

    got = same(large)
    assert math.isfinite(got[1][1][0])
    np.testing.assert_allclose(got[1][1][1][-1], [100.0, 100.0, math.log(2)], rtol=1e-6)


@pytest.mark.parametrize("name", ["mse_loss", "cross_entropy", "binary_cross_entropy_with_logits", "nll_loss"])
def test_double_backward(name):
    data = loss_case(name, np.random.default_rng(11))
    if name == "nll_loss":
        data[0] = np.log(np.exp(data[0]) / np.exp(data[0]).sum(1, keepdims=True))

    def twice(lib):
        x = lib.tensor(data[0], requires_grad=True)
        loss = getattr(lib.nn.functional, name)(x * x if name == "nll_loss" else x, lib.tensor(data[1]))
        g, = lib.autograd.grad(loss, x, create_graph=True)
        (g * g).sum().backward()
        return g.requires_grad, g.detach(), x.grad

    same(twice, rtol=1e-4)


def test_mse_size_mismatch_warning():
    def warn(lib):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            loss = lib.nn.functional.mse_loss(lib.zeros(3, 1), lib.ones(3))
        return [str(x.message) for x in w], loss.item()

    got = same(warn)
    assert len(got[1][1][0][1]) == 1 and got[1][1][1] == 1.0


def test_nll_loss_ignored_row_with_nan_stays_out():
    """A NaN in an ignored prediction neither poisons the loss nor the gradient (N19)."""
    x = np.array([[np.nan, 1.0, 2.0], [0.5, 0.1, -1.0]])
    compare(lambda L, a: L.nn.functional.cross_entropy(a, L.tensor([1, 2]), ignore_index=1), x)
    compare(lambda L, a: L.nn.functional.cross_entropy(a, L.tensor(1), ignore_index=1), x[1])


@pytest.mark.parametrize("source", [
    "F.cross_entropy(L.ones(3), L.tensor([1, 2]))",
    "F.cross_entropy(L.ones(2, 3), L.ones(2, 3) / 3, ignore_index=1)",
    "F.cross_entropy(L.ones(2, 3), L.tensor([0, 1]), label_smoothing=1.5)",
    "F.binary_cross_entropy_with_logits(L.ones(3), L.tensor([1, 0, 1]))",
    "F.cross_entropy(L.zeros(3, 5), L.tensor([1, 0, 5]))",
    "F.cross_entropy(L.zeros(3, 5), L.tensor([1, 0, -3]))",
    "F.cross_entropy(L.zeros(3, 5), L.tensor([1.0, 0.0]))",
    "F.cross_entropy(L.zeros(3, 5), L.tensor([1, 0]))",
    "F.cross_entropy(L.zeros(3, 5), L.zeros(3, 4, dtype=L.long))",
    "F.cross_entropy(L.zeros(3, 5), L.tensor([1.0, 0.0, 2.0]))",
    "F.cross_entropy(L.tensor([2.0, 0.0, 1.0]), L.tensor([0, 1, 2]))",
    "F.binary_cross_entropy_with_logits(L.zeros(3, 5), L.zeros(3))",
    "F.binary_cross_entropy(L.zeros(3, 5), L.zeros(3))",
    "F.binary_cross_entropy(L.ones(2) * 2, L.zeros(2))",
    "F.mse_loss(L.zeros(2), L.zeros(2), reduction='avg')",
])
def test_loss_argument_errors(source):
    raises_same(lambda L: eval(source, {"L": L, "F": L.nn.functional}))


@pytest.mark.parametrize("source", [
    "F.cross_entropy(L.tensor([1., 2., 3.]), L.tensor([1]), reduction='none')",
    "F.mse_loss(L.ones(3), L.tensor([1, 2, 3]))",
    "F.mse_loss(L.ones(3), L.ones(3, dtype=L.float64))",
    "F.binary_cross_entropy_with_logits(L.ones(3, dtype=L.float64), L.ones(3))",
    "F.binary_cross_entropy_with_logits(L.ones(3), L.ones(3, dtype=L.float64))",
])
def test_loss_dtypes_and_shapes(source):
    same(lambda L: eval(source, {"L": L, "F": L.nn.functional}))


def test_mse_loss_of_empty_input_backward():
    compare(lambda L, a: L.nn.functional.mse_loss(a, a.detach() + 1), np.zeros((0, 3)))


def _loss_grads(L, a, b, fn):
    x, y = a.t().detach().requires_grad_(), b.t().detach().requires_grad_()
    out = fn(L, x, y)
    return (out, *L.autograd.grad(out.sum(), [x, y]))


LOSS_LAYOUTS = [
    lambda L, x, y: L.nn.functional.mse_loss(x, y, reduction="none"),
    lambda L, x, y: L.nn.functional.mse_loss(x, y),
    lambda L, x, y: L.nn.functional.binary_cross_entropy_with_logits(x, y.sigmoid().contiguous(), reduction="none"),
]


@pytest.mark.parametrize("case", range(len(LOSS_LAYOUTS)))
def test_loss_layout(case):
    """Unreduced losses are elementwise results; mse_loss's gradients are contiguous (PyTorch writes
    them into contiguous zeros)."""
    compare_layout(lambda L, a, b: _loss_grads(L, a, b, LOSS_LAYOUTS[case]), rng().standard_normal((3, 4)),
                   rng(1).standard_normal((3, 4)))


@pytest.mark.parametrize("shape", [(3,), (4, 3), (2, 3, 2, 2), (2, 3, 4)])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_nll_loss_backward_is_an_op(shape, reduction, weighted):
    """The input gradient is PyTorch's nll_loss_backward op: NllLoss(2D)BackwardBackward0 with an
    edge to the input, its saved fields, and its gradients (nll_loss for grad_output, zeros for input)."""
    target = _index_target(shape, 1 if weighted else None)
    weight = rng(2).random(shape[0] if len(shape) == 1 else shape[1]).astype(np.float32)
    x = rng(0).standard_normal(shape).astype(np.float32)

    def run(lib):
        z = lib.tensor(x, requires_grad=True)
        kw = {"reduction": reduction, **({"weight": lib.tensor(weight), "ignore_index": 1} if weighted else {})}
        loss = lib.nn.functional.nll_loss(z, lib.tensor(target), **kw)
        v = lib.ones_like(loss).mul(2).requires_grad_()
        g, = lib.autograd.grad(loss, z, v, create_graph=True)
        fn = g.grad_fn
        node = fn.next_functions[0][0] if fn.name() == "ViewBackward0" else fn
        saved = (node._saved_target, node._saved_weight, node._saved_reduction, node._saved_ignore_index)
        gv, gz = lib.autograd.grad((g * lib.arange(g.numel(), dtype=g.dtype).view(g.shape)).sum(), [v, z])
        return graph_names(fn), g, node.name(), saved, gv, gz, loss.grad_fn._saved_self is z, \
            loss.grad_fn._saved_total_weight

    same(run)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_backward_is_an_op(reduction):
    """mse_loss's backward is PyTorch's mse_loss_backward, called once per input (MseLossBackwardBackward0),
    with PyTorch's second-order formula (mse_loss_double_backward)."""
    def f(L):
        x = L.tensor([[0.7, -1.3, 0.5], [1.3, 0.4, -0.6]], dtype=L.float64, requires_grad=True)
        t = L.tensor([[0.5, -1.0, 2.0], [-1.0, 0.4, 0.6]], dtype=L.float64, requires_grad=True)
        y = L.nn.functional.mse_loss(x, t, reduction=reduction)
        gx, gt = L.autograd.grad((y * y).sum(), (x, t), create_graph=True)
        h = L.autograd.grad((gx * gt * x).sum(), (x, t))
        return y, gx, gt, graph_names(gx.grad_fn, 2), graph_names(gt.grad_fn, 2), h

    same(f)


def _probabilities(a):
    return 1 / (1 + np.exp(-a))


HIGHER_ORDER = {  # loss(L, x) of a (4, 3) input; the target a function of x where it requires grad too
    "mse": lambda L, x: L.nn.functional.mse_loss(x, x.detach() * 0.5 + 0.1),
    "mse_target": lambda L, x: L.nn.functional.mse_loss(x, x * 0.5 + 0.1, reduction="sum"),
    "l1": lambda L, x: L.nn.functional.l1_loss(x, x.detach() * 0.5 + 0.1),
    "nll": lambda L, x: L.nn.functional.nll_loss(x, L.tensor([2, 0, 1, 1])),
    "nll_4d": lambda L, x: L.nn.functional.nll_loss(x.reshape(1, 3, 2, 2), L.tensor([[[0, 2], [1, 1]]])),
    "cross_entropy": lambda L, x: L.nn.functional.cross_entropy(x, L.tensor([2, 0, 1, 1])),
    "cross_entropy_weight": lambda L, x: L.nn.functional.cross_entropy(
        x, L.tensor([2, 0, 1, 1]), L.tensor([1.0, 2.0, 0.5], dtype=x.dtype)),
    "cross_entropy_soft": lambda L, x: L.nn.functional.cross_entropy(x, x.detach().softmax(1)),
    "cross_entropy_smoothing": lambda L, x: L.nn.functional.cross_entropy(x, L.tensor([2, 0, 1, 1]), label_smoothing=0.1),
    "bce": lambda L, x: L.nn.functional.binary_cross_entropy(x.sigmoid(), x.detach() * 0.1 + 0.5),
    "bce_weight": lambda L, x: L.nn.functional.binary_cross_entropy(
        x.sigmoid(), x.detach() * 0.1 + 0.5, L.tensor([1.0, 2.0, 0.5], dtype=x.dtype)),
    "bce_sum": lambda L, x: L.nn.functional.binary_cross_entropy(x.sigmoid(), x.detach() * 0.1 + 0.5, reduction="sum"),
    "bce_none": lambda L, x: L.nn.functional.binary_cross_entropy(x.sigmoid(), x.detach() * 0.1 + 0.5, reduction="none"),
    "bce_logits": lambda L, x: L.nn.functional.binary_cross_entropy_with_logits(x, x.detach().sigmoid()),
    "bce_logits_target": lambda L, x: L.nn.functional.binary_cross_entropy_with_logits(x, x.sigmoid()),
    "bce_logits_target_pos_weight": lambda L, x: L.nn.functional.binary_cross_entropy_with_logits(
        x, x.sigmoid(), pos_weight=L.tensor([1.0, 2.0, 0.5], dtype=x.dtype)),
    "bce_logits_pos_weight": lambda L, x: L.nn.functional.binary_cross_entropy_with_logits(
        x, x.detach().sigmoid(), L.tensor([1.0, 2.0, 0.5], dtype=x.dtype), pos_weight=L.tensor([1.0, 2.0, 0.5], dtype=x.dtype)),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", HIGHER_ORDER)
def test_higher_order_graphs(case, dtype):
    """First, second and third order gradients: values and every recorded node as PyTorch's
    (binary_cross_entropy's backward is an op, BinaryCrossEntropyBackwardBackward0, with PyTorch's
    three double-backward formulas)."""
    # PyTorch's binary_cross_entropy double backward works in place (``gI *= grad * grad_output``): its
    # third order records the clone an in-place op saves of its input, which autograd_lite's in-place
    # ops do not (yet); values agree at every order, graphs up to the second.
    order = 2 if case.startswith("bce") and "logits" not in case else 3
    compare_orders(HIGHER_ORDER[case], rng(5).standard_normal((4, 3)).astype(dtype), order=order)


def test_bce_target_gradient_orders():
    """A target that requires grad: its gradient is -logit(x) grad, first and second order as PyTorch's
    (the third order's nodes differ below the top: PyTorch's in-place ops save clones)."""
    compare_orders(lambda L, x: L.nn.functional.binary_cross_entropy(x.sigmoid(), x.sigmoid() * 0.5),
                   rng(5).standard_normal((4, 3)), order=2)


@pytest.mark.parametrize("case", ["bce", "bce_logits", "bce_logits_pos_weight", "nll", "nll_4d"])
def test_loss_weights_that_require_grad_are_refused(case):
    """A loss's weights are not differentiable: PyTorch refuses one that requires grad (in grad mode)."""
    def f(L):
        x = L.tensor(_probabilities(rng(1).standard_normal((2, 3, 2, 2) if case == "nll_4d" else (2, 3))).astype("float32"))
        w = L.tensor([1.0, 2.0, 0.5], requires_grad=True)
        fn = L.nn.functional
        if case == "bce":
            return fn.binary_cross_entropy(x, x, w if x.dim() == 2 else None)
        if case == "bce_logits":
            return fn.binary_cross_entropy_with_logits(x, x, w)
        if case == "bce_logits_pos_weight":
            return fn.binary_cross_entropy_with_logits(x, x, pos_weight=w)
        return fn.nll_loss(x, L.zeros((2, 2, 2) if case == "nll_4d" else 2, dtype=L.int64), w)
    raises_same(f)
    with torch.no_grad(), autograd_lite.no_grad():  # (no check without grad mode)
        same(f)


def test_loss_edges_are_the_differentiable_inputs():
    """A loss node has one edge per differentiable input: a weight is none (bce and bce with logits)."""
    def f(L):
        x = L.tensor([[0.2, 0.6, 0.5]], requires_grad=True)
        w = L.tensor([1.0, 2.0, 0.5])
        return (graph_signature(L.nn.functional.binary_cross_entropy(x, x.detach(), w).grad_fn),
                graph_signature(L.nn.functional.binary_cross_entropy_with_logits(x, x.detach(), w, pos_weight=w).grad_fn))
    assert f(autograd_lite) == f(torch)


def test_bce_with_logits_target_gradient_of_large_logits():
    """With pos_weight, the target's gradient is log σ(-x) - pos_weight log σ(x) (PyTorch's log_sigmoid):
    finite where σ(x) rounds to 0 or 1 in float32."""
    def f(L):
        x = L.tensor([[-40.0, -3.0, 0.5, 3.0, 40.0]], requires_grad=True)
        t = L.tensor([[0.2, 0.5, 0.5, 0.9, 1.0]], requires_grad=True)
        loss = L.nn.functional.binary_cross_entropy_with_logits(x, t, pos_weight=L.tensor([2.0]))
        return L.autograd.grad(loss, (x, t))
    same(f)


ROBUST = {
    "smooth_l1": lambda F, x, t: F.smooth_l1_loss(x, t), "smooth_l1-sum-beta": lambda F, x, t: F.smooth_l1_loss(x, t, reduction="sum", beta=0.5),
    "smooth_l1-none": lambda F, x, t: F.smooth_l1_loss(x, t, reduction="none", beta=2.0),
    "smooth_l1-beta0": lambda F, x, t: F.smooth_l1_loss(x, t, beta=0.0),
    "huber": lambda F, x, t: F.huber_loss(x, t), "huber-sum-delta": lambda F, x, t: F.huber_loss(x, t, reduction="sum", delta=0.5),
    "huber-none": lambda F, x, t: F.huber_loss(x, t, reduction="none", delta=2.0),
    "kl-batchmean": lambda F, x, t: F.kl_div(x.log_softmax(1), t.softmax(1), reduction="batchmean"),
    "kl-sum": lambda F, x, t: F.kl_div(x.log_softmax(1), t.softmax(1), reduction="sum"),
    "kl-none-zeros": lambda F, x, t: F.kl_div(x, t.relu(), reduction="none"),
    "kl-log-target": lambda F, x, t: F.kl_div(x, t, reduction="batchmean", log_target=True),
}


@pytest.mark.parametrize("name", list(ROBUST))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_smooth_l1_huber_and_kl_div_match_torch(name, dtype):
    """Values (|d| on both sides of beta/delta), gradients of both inputs, the graph's node names."""
    x, t = (np.random.default_rng(8).standard_normal((2, 4, 3)) * 2).astype(dtype)
    compare(lambda L, a, b: ROBUST[name](L.nn.functional, a, b), x, t, depth=6)


@pytest.mark.parametrize("name", ["kl-batchmean", "kl-none-zeros", "kl-log-target", "smooth_l1-beta0"])
def test_composed_losses_second_order(name):
    """kl_div is composed as PyTorch composes it (xlogy's own backward included): its second-order graph
    too. (Through the target, the engine's order of nodes for ``t * f(t)`` differs from PyTorch's: input only.)"""
    x, t = np.random.default_rng(9).standard_normal((2, 4, 3))
    compare_orders(lambda L, a, b: ROBUST[name](L.nn.functional, a, b), x, t, order=2, requires_grad=[True, False])


def test_kl_div_mean_warns_as_torch():
    for lib in (torch, autograd_lite):
        with pytest.warns(UserWarning, match="reduction: 'mean' divides the total loss by both the batch size"):
            lib.nn.functional.kl_div(lib.zeros(2, 3), lib.ones(2, 3) / 3)


@pytest.mark.parametrize("call", [
    lambda F, L: F.smooth_l1_loss(L.ones(2), L.ones(2), beta=-1.0), lambda F, L: F.huber_loss(L.ones(2), L.ones(2), delta=0.0),
    lambda F, L: F.smooth_l1_loss(L.ones(2), L.ones(2), reduction="foo"), lambda F, L: F.huber_loss(L.ones(2), L.ones(3)),
    lambda F, L: F.kl_div(L.ones(2), L.ones(2), reduction="foo"),
], ids=["negative-beta", "zero-delta", "reduction", "shapes", "kl-reduction"])
def test_robust_loss_misuse_raises_as_torch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_same(lambda lib: call(lib.nn.functional, lib))
