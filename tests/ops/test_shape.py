"""Shape and view ops, clone and dtype conversion (ops/shape.py) against PyTorch.

Each case is ``fn(lib, *tensors)`` run once with ``lib = autograd_lite`` and once with
``lib = torch`` on tensors built from the same numpy arrays (see ``harness.compare``).
"""
from __future__ import annotations

import numpy as np  # noqa: F401
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402,F401
from harness import P, arrays, assert_same_tensor, case_tests, compare, compare_error, graph_names, leaves, rng, same, setitem, ties  # noqa: E402,F401
from harness import compare_layout  # noqa: E402


CASES = [
    # --- joining and shapes ---------------------------------------------------------------
    ("cat", lambda L, a, b: L.cat([a, b]), [(2, 3), (4, 3)], {}),
    ("cat_dim1", lambda L, a, b: L.cat((a, b), dim=1), [(2, 3), (2, 5)], {}),
    ("cat_neg", lambda L, a, b, c: L.cat([a, b, c], -1), [(2, 1), (2, 3), (2, 2)], {}),
    ("stack", lambda L, a, b: L.stack([a, b]), [(2, 3), (2, 3)], {}),
    ("stack_dim1", lambda L, a, b, c: L.stack([a, b, c], dim=1), [(2, 3), (2, 3), (2, 3)], {}),
    ("stack_neg", lambda L, a, b: L.stack([a, b], -1), [(2, 3), (2, 3)], {}),
    ("reshape", lambda L, a: L.reshape(a, (3, 4)), [(2, 6)], {}),
    ("reshape_method", lambda L, a: a.reshape(4, -1), [(2, 6)], {}),
    ("reshape_nc", lambda L, a: a.t().reshape(-1), [(2, 6)], {}),
    ("flatten", lambda L, a: L.flatten(a), [(2, 3, 4)], {}),
    ("flatten_start", lambda L, a: a.flatten(1), [(2, 3, 4)], {}),
    ("flatten_range", lambda L, a: a.flatten(0, 1), [(2, 3, 4)], {}),
    ("flatten_nc", lambda L, a: a.transpose(0, 2).flatten(), [(2, 3, 4)], {}),
    ("transpose", lambda L, a: L.transpose(a, 0, 1), [(2, 3)], {}),
    ("transpose_3d", lambda L, a: a.transpose(-1, 0), [(2, 3, 4)], {}),
    ("unsqueeze", lambda L, a: L.unsqueeze(a, 1), [(2, 3)], {}),
    ("unsqueeze_neg", lambda L, a: a.unsqueeze(-1), [(2, 3)], {}),
    ("squeeze", lambda L, a: L.squeeze(a), [(2, 1, 3, 1)], {}),
    ("squeeze_dim", lambda L, a: a.squeeze(1), [(2, 1, 3, 1)], {}),
    ("squeeze_dim_noop", lambda L, a: a.squeeze(0), [(2, 1, 3)], {}),
    ("view", lambda L, a: a.view(3, 4), [(2, 6)], {}),
    ("view_infer", lambda L, a: a.view(-1, 2), [(2, 6)], {}),
    ("view_tuple", lambda L, a: a.view((4, 3)), [(2, 6)], {}),
    ("expand", lambda L, a: a.expand(4, 3), [(1, 3)], {}),
    ("expand_new_dims", lambda L, a: a.expand(2, 4, -1), [(4, 1)], {}),
    ("permute", lambda L, a: a.permute(2, 0, 1), [(2, 3, 4)], {}),
    ("permute_tuple", lambda L, a: L.permute(a, (1, 2, 0)), [(2, 3, 4)], {}),
    ("t", lambda L, a: a.t(), [(2, 3)], {}),
    ("t_fn", lambda L, a: L.t(a), [(4, 3)], {}),
    ("T", lambda L, a: a.T, [(2, 3)], {}),
    ("unique", lambda L, a: L.unique(a.floor()), [(3, 4)], {"grad": False}),
    ("clone", lambda L, a: a.clone(), [(2, 3)], {}),
    ("clone_fn", lambda L, a: L.clone(a.t()), [(2, 3)], {}),
    ("detach", lambda L, a: a.detach(), [(2, 3)], {}),
    ("detach_then_op", lambda L, a: a.detach() * a, [(2, 3)], {}),
    ("to_float", lambda L, a: a.float(), [(2, 3)], {}),
    ("to_double", lambda L, a: a.double(), [(2, 3)], {}),
    ("to_dtype", lambda L, a: a.to(L.float32) * 2, [(2, 3)], {}),
    ("to_long", lambda L, a: (a * 4).long(), [(2, 3)], {}),
]
test_op_float64, test_op_float32, test_op_no_grad = case_tests(CASES)


def _strides(L, t):
    """A tensor's strides as a tensor, so the harness compares the layout."""
    return L.tensor(list(t.stride()))


@pytest.mark.parametrize("n,shape", [(6, (-1, 4)), (6, (4, 2)), (6, (0, -1)), (0, (0, -1)), (0, (-1, 0, 2))])
def test_view_size_errors(n, shape):
    """Sizes that do not fit, and a -1 that an empty tensor leaves ambiguous."""
    compare_error(lambda L, a: a.view(*shape), rng().standard_normal(n))


@pytest.mark.parametrize("sizes", [(2, 2), (4,), (5, 3, 1), (-1, 5)])
def test_expand_errors_name_the_last_mismatch(sizes):
    compare_error(lambda L, a: a.expand(*sizes), rng().standard_normal((3, 4)))


@pytest.mark.parametrize("sizes", [(2, 1), (2, 2, 1), (1, 1), (0, 2)])
def test_repeat_is_a_copy(sizes):
    compare(lambda L, a: a.repeat(*sizes) * 1, rng().standard_normal((2, 3)))
    compare(lambda L, a: (a.repeat(*sizes), _strides(L, a.t().repeat(*sizes))), rng().standard_normal((2, 3)),
            requires_grad=False)

    def write_after(L, a):
        r = a.repeat(*sizes)
        a.fill_(0.0)
        return r
    compare(write_after, rng().standard_normal((2, 3)), requires_grad=False)


@pytest.mark.parametrize("sizes", [(2,), (2, -1)])
def test_repeat_errors(sizes):
    compare_error(lambda L, a: a.repeat(*sizes), rng().standard_normal((2, 3)))


ELEMENTWISE_LAYOUTS = [
    lambda L, a, c: a.t() + a.t().contiguous(),
    lambda L, a, c: a.t().contiguous() + a.t(),
    lambda L, a, c: L.ones(2, 1) * a.t().t().t(),
    lambda L, a, c: c.permute(2, 0, 1) + L.ones(4, 1, 3),
    lambda L, a, c: c.permute(2, 0, 1)[:, :, ::2] * 2,
    lambda L, a, c: (a.t() > a.t().contiguous()).float(),
    lambda L, a, c: L.where(a.t() > 0, a.t().contiguous(), a.t()),
]


@pytest.mark.parametrize("case", range(len(ELEMENTWISE_LAYOUTS)))
def test_elementwise_result_layout(case):
    """Results follow TensorIterator's stride order (the first operand decides ties)."""
    fn = ELEMENTWISE_LAYOUTS[case]
    compare(lambda L, a, c: (fn(L, a, c), _strides(L, fn(L, a, c))), rng().standard_normal((3, 2)),
            rng().standard_normal((2, 3, 4)), requires_grad=False)


def test_reshape_of_transposed_result_copies():
    """A28: ``b`` is laid out like ``a.t()``, so ``reshape`` must copy, not alias ``b``."""
    def fn(L, a):
        b = a.t() + 0
        b.reshape(6).zero_()
        return b
    compare(fn, rng().standard_normal((3, 2)), requires_grad=False)
    compare_error(lambda L, a: (a.t() * 1).view(6), rng().standard_normal((3, 2)))


@pytest.mark.parametrize("args", [(0, -1, 1), (0, 2, 2), (0, -4, 4), (1, -2, 0), (0, 4, 0)])
def test_narrow_wraps_start(args):
    compare(lambda L, a: a.narrow(*args), rng().standard_normal((4, 3)))


@pytest.mark.parametrize("args", [(0, 2, 3), (0, -2, 3), (0, 5, 0), (0, -5, 1), (0, 1, -1)])
def test_narrow_errors(args):
    compare_error(lambda L, a: a.narrow(*args), rng().standard_normal((4, 3)))
    compare_error(lambda L, a: a[0, 0].narrow(0, 0, 1), rng().standard_normal((4, 3)))


@pytest.mark.parametrize("dim", [2, -3, 1, 0])
def test_stack_checks_dim_before_sizes(dim):
    """stack wraps ``dim`` by the first tensor's rank before it compares the sizes (IndexError first)."""
    compare_error(lambda L, a, b: L.stack([a, b], dim), rng().standard_normal(8), rng().standard_normal(1))


SPLITS = [
    lambda L, x: x.split(2), lambda L, x: x.split([2, 3]), lambda L, x: x.chunk(2), lambda L, x: x.split(7),
    lambda L, x: x.split(1, 1), lambda L, x: x.chunk(3, -1), lambda L, x: x[:, :0].chunk(3, 1),
    lambda L, x: x[:0].split(2), lambda L, x: x[:0].split(0),
]


@pytest.mark.parametrize("case", range(len(SPLITS)))
def test_split_pieces(case):
    """One Split Function: ``SplitBackward0`` / ``SplitWithSizesBackward0``, PyTorch's piece sizes."""
    compare(SPLITS[case], rng().standard_normal((5, 2)))


SPLIT_ERRORS = [
    lambda L, x: x.split(0), lambda L, x: x.split(-1), lambda L, x: x.split([2, 2]), lambda L, x: x.split([6, -1]),
    lambda L, x: x.chunk(0), lambda L, x: x.chunk(-1), lambda L, x: x[0, 0].split(1), lambda L, x: x[0, 0].chunk(1),
]


@pytest.mark.parametrize("case", range(len(SPLIT_ERRORS)))
def test_split_errors(case):
    compare_error(SPLIT_ERRORS[case], rng().standard_normal((5, 2)))


SHAPE_LAYOUTS = [
    lambda L, a, c, s: L.tensor([[1, 3, -2]]).expand(2, -1, -1),
    lambda L, a, c, s: s.expand(2, 3, 4),
    lambda L, a, c, s: L.tensor(1.0).expand(1, 3),
    lambda L, a, c, s: a[:, ::2].unsqueeze(1),
    lambda L, a, c, s: a.t()[::2].unsqueeze(2),
    lambda L, a, c, s: s.t().unflatten(1, (1, 3)),
    lambda L, a, c, s: s.t().t().unflatten(0, (1, 3)),
    lambda L, a, c, s: c.permute(2, 1, 0).reshape(4, 3, 1, 2),
    lambda L, a, c, s: a.t().reshape(12),
    lambda L, a, c, s: L.cat([a.t(), a.t()]),
    lambda L, a, c, s: L.stack([c.permute(2, 1, 0)] * 2, -3),
    lambda L, a, c, s: c.permute(2, 1, 0).clone(),
    lambda L, a, c, s: c.permute(2, 1, 0)[:, ::2].clone(),
    lambda L, a, c, s: c.permute(2, 1, 0).clone(memory_format=L.contiguous_format),
    lambda L, a, c, s: c[:1].permute(2, 1, 0).to(L.float32),
    lambda L, a, c, s: a.t().contiguous(),
    lambda L, a, c, s: (a > 0).t().flip(0),
    lambda L, a, c, s: c.permute(1, 2, 0)[:, ::2].flip(-1),
    lambda L, a, c, s: c.permute(2, 1, 0).triu(1),
]


@pytest.mark.parametrize("case", range(len(SHAPE_LAYOUTS)))
def test_shape_layout(case):
    """Views get PyTorch's stride formulas (size-1 dimensions too); cat/stack/triu are contiguous;
    clone/to/flip keep a dense input's strides (``preserve_format``)."""
    compare_layout(SHAPE_LAYOUTS[case], rng().standard_normal((3, 4)), rng(1).standard_normal((2, 3, 4)),
                   rng(2).standard_normal((3, 1)))


@pytest.mark.parametrize("squeeze", [lambda t: t.squeeze(), lambda t: t.squeeze(1), lambda t: t.squeeze(0),
                                     lambda t: t.squeeze((0, 2)), lambda t: t.squeeze(-1)],
                         ids=["all", "dim-1", "dim-not-1", "dims", "last"])
def test_squeeze_backward_unsqueezes(squeeze):
    """squeeze's gradient is PyTorch's unsqueeze_to: one ``unsqueeze`` per squeezed dimension, none
    when nothing was squeezed (seen in the graph of a second-order gradient)."""
    def f(L):
        x = L.tensor([[[0.5], [-1.0], [2.0]]], dtype=L.float64, requires_grad=True)
        g, = L.autograd.grad((squeeze(x) ** 2).sum(), x, create_graph=True)
        return g, graph_names(g.grad_fn, 3)

    same(f)


@pytest.mark.parametrize("sizes", [(2, 1, 1), (2, 2), (1, 1), (3, 1, 2), (0, 2), ()])
def test_repeat_backward_is_pytorchs(sizes):
    """repeat's gradient: a ``sum(0)`` per new leading dimension, one reshape and sum where a repeat
    is not 1, zeros for a repeat of 0 (PyTorch's repeat_backward); 0-d stays 0-d."""
    def f(L):
        x = L.tensor([[0.5, -1.0, 2.0]], dtype=L.float64, requires_grad=True)
        x = x[0, 0] if sizes == () else x
        y = x.repeat(sizes)
        g, = L.autograd.grad((y ** 2).sum(), x, create_graph=True)
        return y, g, graph_names(g.grad_fn, 2)

    same(f)


@pytest.mark.parametrize("parts,dim", [
    ([((0,), "bool"), ((0,), "float32")], -1),   # the skipped ones still take part in the promotion
    ([((0,), "float32"), ((0,), "float32")], 2),  # all skipped: no dim to check
    ([((0,), "float32"), ((0,), "float64")], 5),
    ([((0,), "int64"), ((2, 3), "float32")], 1),
    ([((0,), "float64"), ((2, 3), "float32")], 1),
    ([((0,), "bool"), ((0, 2), "float32")], 1),
    ([((2, 3), "float32"), ((0,), "float64")], 5),  # a real input: its dims are checked
])
def test_cat_legacy_empty_inputs(parts, dim):
    """1-D empty tensors are skipped by cat's legacy rule, but not by its type promotion."""
    from harness import same
    same(lambda L: L.cat([L.zeros(s, dtype=getattr(L, d)) for s, d in parts], dim))


@pytest.mark.parametrize("view", ["x[1:]", "x[0]", "x.narrow(0, 1, 1)", "x.unbind(0)[1]", "x.split(1)[1]",
                                  "x[[0, 1]]", "x.index_select(0, L.tensor([0, 1]))", "x[L.tensor([True, False, True])]"])
def test_gradient_of_a_slice_keeps_negative_zeros(view):
    """A slice's or a select's gradient is copied into zeros (a -0. stays -0.); an advanced index's
    is accumulated into them (+0. + -0. = +0.), as PyTorch's index_put_ with accumulate."""
    from harness import same_bits

    def run(L):
        x = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = eval(view, {"L": L, "x": x})
        return L.autograd.grad(y, x, L.full(y.shape, -0.0))[0]
    same_bits(run)
