"""Losses (ops/losses.py) against PyTorch: cross_entropy's label smoothing, probability
targets, ignore_index and node names; dtype promotion and empty inputs of mse/bce."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402,F401
from harness import compare, compare_layout, raises_same, rng  # noqa: E402

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
    from harness import same
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
