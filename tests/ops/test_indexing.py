"""Indexing (ops/indexing.py) against PyTorch.

Each case is ``fn(lib, *tensors)`` run once with ``lib = autograd_lite`` and once with
``lib = torch`` on tensors built from the same numpy arrays (see ``harness.compare``).
"""
from __future__ import annotations

import numpy as np  # noqa: F401
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402,F401
from harness import P, arrays, assert_same_tensor, case_tests, compare, compare_error, leaves, rng, setitem, ties  # noqa: E402,F401
from harness import graph_names, raises_same, same  # noqa: E402
from harness import compare_layout, compare_orders  # noqa: E402


CASES = [
    # --- indexing -------------------------------------------------------------------------
    ("index_int", lambda L, a: a[0], [(3, 4)], {}),
    ("index_neg_int", lambda L, a: a[-1], [(3, 4)], {}),
    ("index_col", lambda L, a: a[:, 1], [(3, 4)], {}),
    ("index_slice_step", lambda L, a: a[1:, ::2], [(3, 4)], {}),
    ("index_int_int", lambda L, a: a[1, 2], [(3, 4)], {}),
    ("index_mask", lambda L, a: a[a > 0], [(3, 4)], {}),
    ("index_row_mask", lambda L, a: a[a[:, 0] > 0], [(5, 3)], {}),
    ("index_list", lambda L, a: a[[0, 2]], [(3, 4)], {}),
    ("index_list_repeat", lambda L, a: a[[0, 2, 0]], [(3, 4)], {}),
    ("index_long_tensor", lambda L, a: a[L.tensor([2, 0])], [(3, 4)], {}),
    ("index_none", lambda L, a: a[None], [(3, 4)], {}),
    ("index_ellipsis", lambda L, a: a[..., 0], [(2, 3, 4)], {}),
    ("index_mixed", lambda L, a: a[1:, [0, 2]], [(3, 4)], {}),
    ("index_nc", lambda L, a: a.t()[1], [(3, 4)], {}),
]
test_op_float64, test_op_float32, test_op_no_grad = case_tests(CASES)


INDEX_CASES = [
    lambda L, x: x[[]],
    lambda L, x: x[:, []],
    lambda L, x: x[[], 0],
    lambda L, x: x[...],
    lambda L, x: x[:, :],
    lambda L, x: x[None, 1, :],
]


@pytest.mark.parametrize("case", range(len(INDEX_CASES)))
def test_index_forms(case):
    """Empty list indices (long, not numpy's float), and ``x[...]`` as an alias (``AliasBackward0``)."""
    compare(INDEX_CASES[case], rng().standard_normal((2, 3)))


INDEX_ERRORS = [
    lambda L, x: x[0, 3],
    lambda L, x: x[None, 0, 7],
    lambda L, x: x[..., 9],
    lambda L, x: x[L.tensor([True, False, True])],
    lambda L, x: x[:, L.tensor([True, False])],
]


@pytest.mark.parametrize("case", range(len(INDEX_ERRORS)))
def test_index_error_messages(case):
    """PyTorch's messages name the place in the index, never numpy's text."""
    compare_error(INDEX_ERRORS[case], rng().standard_normal((2, 3)))


def _gather_scatter(lib):
    lib.manual_seed(0)
    x = lib.rand(3, 4, requires_grad=True)
    i = lib.tensor([[0, 1], [2, 3], [1, 1]])
    g = lib.gather(x, 1, i)
    (g * lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    out = [g.detach(), x.grad, g.grad_fn.name()]
    x.grad = None
    s = lib.rand(3, 2, requires_grad=True)
    y = x * 1
    y.scatter_(1, i, s)
    (y * lib.arange(12.0).reshape(3, 4)).sum().backward()
    out += [y.detach(), x.grad, s.grad, y.grad_fn.name(), [n.name() if n else None for n, _ in y.grad_fn.next_functions]]
    y2 = x * 1
    y2.scatter_(1, i, 5.0)
    out += [y2.grad_fn.name(), len(y2.grad_fn.next_functions)]
    out += [lib.zeros(10, dtype=lib.float).scatter_(0, lib.tensor(3), value=1)]
    (gg,) = lib.autograd.grad(lib.gather(x, 1, i).pow(2).sum(), x, create_graph=True)
    out += [lib.autograd.grad(gg.sum(), x)[0]]
    return out


def test_gather_and_scatter_match_torch():
    same(_gather_scatter)


def test_gather_index_out_of_range_message():
    raises_same(lambda lib: lib.gather(lib.rand(3, 4), 1, lib.tensor([[9]])))


def test_make_holds_an_ndarray():
    """A24: a 0-d result built from a numpy scalar still views and copies."""
    compare(lambda L, x: L.nn.functional.silu(x).view(1), np.array(0.5))
    compare(lambda L, x: L.nn.functional.silu(x).detach().copy_(L.tensor(1.0)), np.array(0.5))


def test_node_names_of_slices_and_their_backwards():
    """``x[:]`` records a slice, ``x[...]`` an alias; each reading op's backward is PyTorch's own op
    (seen as the gradient's grad_fn under create_graph)."""
    from harness import same

    def f(L):
        x = L.zeros(3, 4, requires_grad=True)
        names = [x[:].grad_fn.name(), x[0:3].grad_fn.name(), x[(slice(0, 10),)].grad_fn.name(),
                 x[...].grad_fn.name(), x[:, :].grad_fn.name()]
        for read in (lambda x: x[1], lambda x: x[1:], lambda x: x[[1]], lambda x: x[x > 0],
                     lambda x: x.index_select(0, L.tensor([1])), lambda x: x.narrow(0, 1, 1),
                     lambda x: L.nn.functional.embedding(L.tensor([1]), x)):
            g, = L.autograd.grad((read(x) ** 2).sum(), x, create_graph=True)
            names.append(g.grad_fn.name())
        return names
    same(f)


def test_indexing_a_0d_tensor():
    from harness import raises_same
    raises_same(lambda L: L.tensor(1.0)[0])
    raises_same(lambda L: L.tensor(1.0)[:])


INDEX_LAYOUTS = [
    lambda L, a, c, s: a.t()[[0, 1]],
    lambda L, a, c, s: a.t()[:, [0, 1]],
    lambda L, a, c, s: c.permute(2, 0, 1)[:, [0, 1]],
    lambda L, a, c, s: c.permute(2, 0, 1)[..., [0, 1]],
    lambda L, a, c, s: c.permute(2, 0, 1)[[0, 1], :, [0, 1]],
    lambda L, a, c, s: c.permute(2, 0, 1)[:, L.tensor([[0, 1], [1, 0]])],
    lambda L, a, c, s: c.permute(2, 0, 1)[:, [0, 1], [[1], [0]]],
    lambda L, a, c, s: c[:1].permute(2, 0, 1)[L.tensor([True, False, True, True])],
    lambda L, a, c, s: c.permute(2, 0, 1)[:, L.tensor([[True, False, True], [False, True, True]])],
    lambda L, a, c, s: a.t().gather(0, L.zeros(3, 3, dtype=L.int64).t()),
    lambda L, a, c, s: a.t().index_select(1, L.tensor([0, 2])),
    lambda L, a, c, s: a.t().masked_fill(a.t() > 0, 1.0),
]


@pytest.mark.parametrize("case", range(len(INDEX_LAYOUTS)))
def test_index_layout(case):
    """Advanced indexing is a TensorIterator over the restrided input and the indices."""
    compare_layout(INDEX_LAYOUTS[case], rng().standard_normal((3, 4)), rng(1).standard_normal((2, 3, 4)),
                   rng(2).standard_normal((3, 1)))


def test_scatter_backward_is_a_scatter():
    """scatter's gradient for the old values is ``grad.scatter(dim, index, 0)`` (ScatterBackward1), for src a gather."""
    def f(L):
        x = L.tensor([[0.7, -1.3, 0.5], [1.3, 0.4, -0.6]], dtype=L.float64, requires_grad=True)
        s = L.tensor([[2.0], [3.0]], dtype=L.float64, requires_grad=True)
        y = x.scatter(1, L.tensor([[1], [2]]), s)
        g = L.autograd.grad((y * y).sum(), (x, s), create_graph=True)
        return y, g, [graph_names(t.grad_fn, 1) for t in g]

    same(f)


@pytest.mark.parametrize("data", [[float("nan"), 1.0, float("nan"), 0.0, 1.0, -0.0], [-0.0, 0.0], [0.0, -0.0, 2.0],
                                  [[float("nan"), 2.0], [2.0, 1.0]], [3, 1, 2, 1], []])
def test_unique_keeps_every_nan(data):
    """A stable sort, then a new value wherever sorted neighbours differ: NaN != NaN, so each
    NaN is its own value (numpy's unique merges them), and a group's first element represents it."""
    from harness import same_bits
    for kw in ({}, dict(return_inverse=True, return_counts=True), dict(sorted=False, return_counts=True)):
        same_bits(lambda L: L.unique(L.tensor(data), **kw))


@pytest.mark.parametrize("code", ["L.zeros(2, 1, 0)[L.tensor([[0, 0], [-2, 0]]), L.tensor([2])]",
                                  "L.zeros(2, 0)[L.tensor([5])]", "L.zeros(2, 3, 0)[:, L.tensor([7, 1])]",
                                  "L.zeros(2, 3)[L.tensor([5])]", "L.zeros(0, 3)[L.tensor([0])]"])
def test_index_selecting_nothing_is_not_checked(code):
    """An advanced index whose result is empty reads no element, so PyTorch checks none of its values."""
    same(lambda L: (lambda r: (r, r.stride()))(eval(code, {"L": L})))


@pytest.mark.parametrize("shape", [(0,), (3,), (0, 1), (1, 0), (2, 3), (0, 3), (3, 0), (2, 0, 3)])
def test_index_select_out_of_range(shape):
    """Each kernel path of index_select refuses a bad index with its own words (and an empty
    input of two or more dimensions checks the indices alone)."""
    for dim in range(len(shape)):
        for idx in ([0], [-1], [5], [], [0, 7]):
            same(lambda L: L.zeros(*shape).index_select(dim, L.tensor(idx, dtype=L.long)))


def test_overwritten_places_get_positive_zero_gradients():
    """``x[key] = value``: the overwritten places' gradient is zeros (+0.), the others' the gradient
    itself (a -0. kept), as PyTorch's copy's backward fills them."""
    from harness import same_bits

    def run(L):
        x = L.tensor([[-1.0, 1.0, 1.0], [0.0, 2.0, 0.0]], requires_grad=True)
        v = L.cat([x.select(-2, 1), x.select(-2, 1)])
        v[1:] = L.tensor(-1.0)
        return L.autograd.grad(v.pow(2).sum(), x)[0]
    same_bits(run)


@pytest.mark.parametrize("case", [
    "x.index_add(0, lib.tensor([0, 2, 2, 4]), s, alpha=2)", "x.index_add(1, lib.tensor([2, 0]), s2)",
    "(x * 1).index_add_(1, lib.tensor([0]), lib.ones(5, 1))", "lib.index_add(x, 0, lib.tensor([1, 1, 1, 1]), s)",
    "lib.tensor(1.).index_add(0, lib.tensor([0]), lib.tensor(3.))",
    "x.index_add(0, lib.tensor([0.]), s)", "x.index_add(0, lib.tensor([5, 0, 0, 0]), s)",
    "x.index_add(0, lib.tensor([-1, 0, 0, 0]), s)", "x.index_add(0, lib.tensor([1]), s)",
    "x.index_add(0, lib.tensor([[1]]), s)", "x.index_add_(0, lib.tensor([0, 1, 2, 3]), s)"])
def test_index_add(case):
    """index_add / index_add_ (the mark_non_differentiable docstring's backward uses it): repeats
    add up, gradients reach the input whole and the source as the slices it was added to."""
    def run(lib):
        x = lib.tensor(rng(0).standard_normal((5, 3)), requires_grad=True)
        s = lib.tensor(rng(1).standard_normal((4, 3)), requires_grad=True)
        s2 = lib.tensor(rng(2).standard_normal((5, 2)), requires_grad=True)
        out = eval(case)
        (out * out).sum().backward()
        return out, x.grad, s.grad, s2.grad

    same(run)


@pytest.mark.parametrize("read", [
    lambda T, x: x[T.tensor([0, 1, 1])],
    lambda T, x: x.index_select(1, T.tensor([0, 2])),
    lambda T, x: x.gather(1, T.tensor([[0], [2]])),
    lambda T, x: x[0],
    lambda T, x: x[:, 1:],
    lambda T, x: T.nn.functional.embedding(T.tensor([0, 1, 1]), x),
], ids=["index", "index_select", "gather", "select", "slice", "embedding"])
def test_reading_ops_double_backward_graph(read):
    """Their backwards write into zeros as PyTorch's ops do: index_put_/index_add_/scatter_add_
    keep the zeros' edge (None, 0), select/slice/embedding's backward ops have none; to third order."""
    compare_orders(lambda T, x: read(T, x).pow(2), *arrays((2, 3)))


SAVED_INDEX_OPS = {
    "gather": lambda L, x: L.gather(x, 0, L.zeros(2, 3, dtype=L.int64)),
    "index_select": lambda L, x: x.index_select(1, L.tensor([2, 0])),
    "scatter": lambda L, x: L.zeros(2, 3).scatter(0, L.tensor([[1, 0, 1]]), x[:1]),
    "index_add": lambda L, x: L.zeros(3, 3).index_add(0, L.tensor([1, 1]), x),
    "embedding": lambda L, x: L.nn.functional.embedding(L.tensor([1, 0, 1]), x),
    "gather_backward": lambda L, x: L.autograd.grad(L.gather(x, 1, L.tensor([[0, 0], [2, 1]])).sum(), x,
                                                    create_graph=True)[0] * x,
}


@pytest.mark.parametrize("op", SAVED_INDEX_OPS)
def test_saved_indices_are_freed_by_backward(op):
    """The indices an indexing node keeps are saved tensors (``_saved_index``), freed by a backward
    without retain_graph: a second backward through the node raises PyTorch's error."""
    def f(L):
        x = L.tensor([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]], requires_grad=True)
        y = SAVED_INDEX_OPS[op](L, x)
        s = (y * y).sum()
        s.backward(retain_graph=True)
        y.sum().backward()  # (frees the indexing node, and only it: y * y keeps y)
        return (y * 1).sum().backward()

    raises_same(f)


def test_saved_index_reads_raise_once_freed():
    def read(L):
        x = L.tensor([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]], requires_grad=True)
        y, z = L.gather(x, 1, L.tensor([[2, 0], [1, 1]])), x.index_select(1, L.tensor([2]))
        return y.grad_fn._saved_index, y.grad_fn._saved_dim, z.grad_fn._saved_index, z.grad_fn._saved_dim

    same(read)

    def f(L):
        x = L.tensor([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]], requires_grad=True)
        y = L.gather(x, 1, L.tensor([[2, 0], [1, 1]]))
        z = x.index_select(1, L.tensor([2]))
        before = y.grad_fn._saved_index, z.grad_fn._saved_index, z.grad_fn._saved_dim
        (y.sum() + z.sum()).backward()
        return before, z.grad_fn._saved_dim, y.grad_fn._saved_index

    raises_same(f)
