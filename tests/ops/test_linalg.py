"""Linear algebra (ops/linalg.py) against PyTorch.

Each case is ``fn(lib, *tensors)`` run once with ``lib = autograd_lite`` and once with
``lib = torch`` on tensors built from the same numpy arrays (see ``harness.compare``).
"""
from __future__ import annotations

import numpy as np  # noqa: F401
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402,F401
from harness import P, arrays, assert_same_tensor, case_tests, compare, compare_error, graph_names, leaves, raises_same, rng, same, setitem, ties  # noqa: E402,F401
from harness import compare_layout, compare_orders  # noqa: E402


CASES = [
    # --- linear algebra -------------------------------------------------------------------
    ("matmul_1d_1d", lambda L, a, b: L.matmul(a, b), [(4,), (4,)], {}),
    ("matmul_2d_1d", lambda L, a, b: a @ b, [(3, 4), (4,)], {}),
    ("matmul_1d_2d", lambda L, a, b: a @ b, [(3,), (3, 4)], {}),
    ("matmul_2d_2d", lambda L, a, b: L.matmul(a, b), [(2, 3), (3, 4)], {}),
    ("matmul_3d_2d", lambda L, a, b: a @ b, [(2, 3, 4), (4, 5)], {}),
    ("matmul_3d_3d", lambda L, a, b: a @ b, [(2, 3, 4), (2, 4, 5)], {}),
    ("matmul_bcast", lambda L, a, b: a @ b, [(2, 1, 3, 4), (5, 4, 2)], {}),
    ("matmul_1d_3d", lambda L, a, b: a @ b, [(3,), (2, 3, 4)], {}),
    ("matmul_3d_1d", lambda L, a, b: a @ b, [(2, 3, 4), (4,)], {}),
    ("matmul_transposed", lambda L, a, b: a.t() @ b[:, ::2], [(3, 2), (3, 8)], {}),
    ("mm", lambda L, a, b: L.mm(a, b), [(2, 3), (3, 4)], {}),
    ("mm_method_nc", lambda L, a, b: a.t().mm(b.t()), [(3, 2), (4, 3)], {}),
    ("dot", lambda L, a, b: L.dot(a, b), [(5,), (5,)], {}),
    ("dot_method", lambda L, a, b: a.dot(b[::2]), [(3,), (6,)], {}),
]
test_op_float64, test_op_float32, test_op_no_grad = case_tests(CASES)


# --- the matmul family's one dtype rule (issue 10, M6) ------------------------------------------------

MIXED = [
    lambda L, f, d, b: L.mm(f, d), lambda L, f, d, b: L.mm(b, b), lambda L, f, d, b: L.mv(f, d[0]),
    lambda L, f, d, b: L.mv(d, f[0]), lambda L, f, d, b: L.mv(b, b[0]), lambda L, f, d, b: L.dot(f[0], d[0]),
    lambda L, f, d, b: L.dot(b[0], b[0]), lambda L, f, d, b: L.bmm(f[None], d[None]),
    lambda L, f, d, b: L.bmm(b[None], b[None]), lambda L, f, d, b: L.addmm(f, f, d),
    lambda L, f, d, b: L.addmm(d[0], f, f), lambda L, f, d, b: L.addmm(f, d, f), lambda L, f, d, b: L.addmm(b, b, b),
    lambda L, f, d, b: L.nn.functional.linear(f[None], d, f[0]), lambda L, f, d, b: f[None] @ d[None],
    lambda L, f, d, b: f[None] @ d[0], lambda L, f, d, b: f[0] @ d[None], lambda L, f, d, b: b[0] @ b[0],
    lambda L, f, d, b: L.einsum("ij,jk->ik", f, d), lambda L, f, d, b: L.einsum("ij,jk->ik", b, b),
    lambda L, f, d, b: L.einsum("ij,jk,k->i", f, f, d[0]),
]


@pytest.mark.parametrize("op", MIXED)
def test_matmul_family_refuses_mixed_dtypes_and_bool(op):
    """PyTorch's kernels compute in one dtype: mixed float32/float64 and bool are refused, each op with its message."""
    raises_same(lambda L: op(L, L.ones(2, 2), L.ones(2, 2, dtype=L.float64), L.ones(2, 2, dtype=L.bool)))


ACCEPTED = [
    lambda L, f, d, b: L.ones(0, 2, 3) @ L.ones(0, 3, 2, dtype=L.float64),  # empty: promoted, no kernel runs
    lambda L, f, d, b: L.bmm(L.ones(1, 2, 0), L.ones(1, 0, 2, dtype=L.float64)),
    lambda L, f, d, b: L.einsum("ij,ij->ij", f, d),  # no contraction: a promoting multiply
    lambda L, f, d, b: L.einsum("ij,ij->ij", b, b), lambda L, f, d, b: L.einsum("ij->j", b),
    lambda L, f, d, b: L.einsum("ij,jk->ik", L.ones(1, 1, dtype=L.long), f),  # j of size 1 broadcasts
]


@pytest.mark.parametrize("op", ACCEPTED)
def test_matmul_family_accepts(op):
    same(lambda L: op(L, L.ones(2, 2), L.ones(2, 2, dtype=L.float64), L.ones(2, 2, dtype=L.bool)))


def test_einsum_size_one_letter_gradient():
    """A letter of size 1 in one operand broadcasts; its gradient is summed back (and spread to the other)."""
    def f(L):
        x1 = L.tensor([[4]])
        x3 = L.tensor([[-1.0, 0.5, 2.0, 0.0], [-2.0, 3.0, 1.0, 1.0], [0.0, 1.0, 0.0, -0.5]], requires_grad=True)
        w = L.tensor([[0.5], [1.5]], requires_grad=True)
        g, = L.autograd.grad(L.einsum("ij,jk->ik", x1, x3).pow(2).sum(), [x3])
        v = L.einsum("ij,jk->ik", w, x3[:1])
        v.sum().backward()
        return g, w.grad
    same(f)


def test_empty_bmm_takes_mat2_dtype():
    for a, b in (((0, 2, 3), (0, 3, 2)), ((1, 2, 0), (1, 0, 2)), ((2, 0, 3), (2, 3, 4))):
        same(lambda L: [L.bmm(L.ones(a, dtype=L.float64), L.ones(b)), L.ones(a) @ L.ones(b, dtype=L.float64)])


_EINSUM_EQUATIONS = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]),
    ("ij->", [(2, 3)]), ("ij->ji", [(2, 3)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("i,i->", [(3,), (3,)]),
    ("i,j->ij", [(3,), (4,)]), ("ij,jk,k->i", [(2, 3), (3, 4), (4,)]), ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)]),
    ("ij,jk->ik", [(2, 0), (0, 0)]), ("iij->j", [(2, 2, 3)]), ("Ab,bA->A", [(2, 3), (3, 2)]),
    ("ij,jk->ik", [(4, 1), (1, 4)]),
]


@pytest.mark.parametrize("equation,shapes", _EINSUM_EQUATIONS, ids=[e for e, _ in _EINSUM_EQUATIONS])
def test_einsum_graph_is_pytorchs(equation, shapes):
    """einsum is built from permute/bmm/view as ATen builds it: the same nodes, strides and gradients,
    first and second order."""
    def f(L):
        xs = [L.tensor(a, requires_grad=True) for a in arrays(*shapes)]
        y = L.einsum(equation, *xs)
        gs = L.autograd.grad((y * y).sum(), xs, create_graph=True)
        return y, y.stride(), [(g, g.grad_fn.name()) for g in gs]
    same(f)


@pytest.mark.parametrize("code", [
    "L.einsum('ij,jk->ik', L.ones(2, 3, dtype=L.bool), L.ones(3, 2, dtype=L.float64))",
    "L.einsum('ij,jk->ik', L.ones(2, 3), L.ones(3, 2, dtype=L.float64))",
    "L.einsum('ij,jk->iq', L.ones(2, 3), L.ones(3, 2))",
    "L.einsum('i.j,jk->ik', L.ones(2, 3), L.ones(3, 2))",
    "L.einsum('ij,jk->ik', L.ones(2, 3), L.ones(4, 2))",
    "L.einsum('ij,jk->ik', L.ones(2, 3), L.ones(4, 2, 1))",
    "L.einsum('ij,jk->ik', L.ones(2, 3))",
    "L.einsum('ii->i', L.ones(2, 3))",
])
def test_einsum_errors(code):
    raises_same(lambda L: eval(code))


def test_einsum_dtypes():
    """A contraction is a bmm (one dtype); a pair without one is a promoting multiply; an empty one passes."""
    same(lambda L: (L.einsum('ij,jk->ik', L.zeros(2, 0, dtype=L.float64), L.zeros(0, 0)),
                    L.einsum('ij->', L.ones(2, 3, dtype=L.bool)),
                    L.einsum('ij,j->ij', L.ones(2, 3, dtype=L.bool), L.ones(3, dtype=L.int32))))


@pytest.mark.parametrize("shapes", [((3,), (3, 2)), ((4, 2, 3), (3,)), ((4, 2, 3), (3, 5)), ((2, 3), (4, 3, 5)),
                                    ((1, 2, 3), (4, 3, 5)), ((4, 2, 3), (1, 3, 5)), ((2, 1, 2, 3), (3, 3, 2))],
                         ids=str)
@pytest.mark.parametrize("grads", [(True, False), (False, True), (True, True)], ids=str)
def test_matmul_graph_follows_pytorchs_folding(shapes, grads):
    """matmul folds to mm/mv when the smaller operand needs a gradient, drops a batch of one, and its
    _unsafe_view/squeeze_ results are no views: an in-place op on them records itself."""
    def f(L):
        a, b = (L.tensor(x, requires_grad=r) for x, r in zip(arrays(*shapes), grads))
        y = a @ b
        names = graph_names(y.grad_fn, 3)
        y.neg_()
        return y, y.stride(), names, y.grad_fn.name()
    same(f)


def test_reshape_of_a_non_contiguous_tensor_is_a_reshape_alias():
    same(lambda L: [graph_names(t.grad_fn, 1) for x in [L.ones(2, 6, requires_grad=True)]
                    for t in (x[:, ::2].reshape(3, 2), x.reshape(3, 4), x.t().reshape(12), x[:, ::2].flatten())])


def test_bool_matmul_of_empty_operands():
    """An empty product returns before the kernel that has no bool version."""
    same(lambda L: (L.zeros(0, 3, dtype=L.bool) @ L.zeros(3, 2, dtype=L.bool),
                    L.zeros(2, 0, dtype=L.bool) @ L.zeros(0, 2, dtype=L.bool),
                    L.mv(L.zeros(0, 3, dtype=L.bool), L.zeros(3, dtype=L.bool))))
    raises_same(lambda L: L.zeros(2, 3, dtype=L.bool) @ L.zeros(3, 1, dtype=L.bool))


LINALG_LAYOUTS = [
    lambda L, a, c, s: a.t() @ a,
    lambda L, a, c, s: L.einsum('ij,jk->ik', a.t(), a),
    lambda L, a, c, s: L.einsum('ij,ij->ij', a.t(), a.t()),
    lambda L, a, c, s: L.einsum('ijk,ijk->kji', c.permute(2, 0, 1), c.permute(2, 0, 1)),
    lambda L, a, c, s: _mm_grads(L, a),
]


def _mm_grads(L, a):
    """mm's gradient for a column-major operand is computed transposed (laid out like it)."""
    x, w = a.t().detach().requires_grad_(), a[:, :2].t().contiguous().t().detach().requires_grad_()
    return L.autograd.grad((x @ w).sum(), [x, w])


@pytest.mark.parametrize("case", range(len(LINALG_LAYOUTS)))
def test_linalg_layout(case):
    compare_layout(LINALG_LAYOUTS[case], rng().standard_normal((3, 4)), rng(1).standard_normal((2, 3, 4)),
                   rng(2).standard_normal((3, 1)))


@pytest.mark.parametrize("frozen", ["weight", "bias", "both_operands"])
def test_addmm_backward_with_frozen_operands(frozen):
    """A frozen weight (no grad for either matmul operand) still lets the bias train."""
    def fn(L):
        L.manual_seed(0)
        layer = L.nn.Linear(3, 2)
        x = L.randn(4, 3, requires_grad=frozen == "bias")
        (layer.bias if frozen == "bias" else layer.weight).requires_grad_(False)
        layer(x).sum().backward()
        return layer.weight.grad, layer.bias.grad, x.grad
    same(fn)


@pytest.mark.parametrize("op", ["mm", "addmm", "linear"])
@pytest.mark.parametrize("grads", [(True, True), (True, False), (False, True), (False, False)])
def test_mm_saved_sizes_and_strides(op, grads):
    """mm and addmm keep both operands' sizes and the strides of an operand that gets a gradient."""
    def fn(L):
        a = L.tensor(rng().standard_normal((5, 4)), requires_grad=grads[0])
        b = L.tensor(rng(1).standard_normal((3, 4)), requires_grad=grads[1]).t()
        bias = L.ones(3, requires_grad=True)  # (the only input that needs a gradient, in the last case)
        node = {"mm": lambda: a.mm(b), "addmm": lambda: L.addmm(bias, a, b),
                "linear": lambda: L.nn.functional.linear(a, b.t(), bias)}[op]().grad_fn
        first = "self" if op == "mm" else "mat1"
        return [tuple(getattr(node, f"_saved_{name}_sym_{field}")) for name in (first, "mat2")
                for field in ("sizes", "strides")]
    same(fn)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("k", [1, 2])
def test_products_of_zeros_keep_pytorchs_signs(dtype, k):
    """A product with one inner term is written as gemm writes it (-0. kept) unless a row or a
    column vector makes it gemv (summed from +0, like dot and mv and every longer product)."""
    from harness import same_bits
    for m, n in ((1, 1), (1, 3), (3, 1), (3, 2)):
        a = np.full((m, k), -0.0)
        b = np.array([[1.0, -0.0, 0.0][:n]] * k)
        T = lambda L, x: L.tensor(x, dtype=getattr(L, dtype))  # noqa: E731
        same_bits(lambda L: T(L, a) @ T(L, b))
        same_bits(lambda L: L.mm(T(L, b).t(), T(L, a).t()))
        same_bits(lambda L: T(L, a)[0] @ T(L, b)[:, 0])
        same_bits(lambda L: T(L, a) @ T(L, b)[:, 0])
        same_bits(lambda L: L.einsum("ij,jk->ik", T(L, a), T(L, b)))

    def weight_grad(L):  # x.T @ grad: a product with one inner term in the backward too
        w = L.ones(4, 2, dtype=getattr(L, dtype), requires_grad=True)
        (L.tensor([[-0.0, 2.0, -1.0, -0.0]], dtype=getattr(L, dtype)) @ w).sum().backward()
        return w.grad
    same_bits(weight_grad)


def test_dot_compares_dtypes_before_sizes():
    raises_same(lambda L: L.zeros(0, dtype=L.long) @ L.zeros(2, dtype=L.bool))
    raises_same(lambda L: L.dot(L.zeros(2), L.zeros(3, dtype=L.float64)))
    raises_same(lambda L: L.dot(L.zeros(2, dtype=L.bool), L.zeros(3, dtype=L.bool)))
    raises_same(lambda L: L.dot(L.zeros(0, dtype=L.bool), L.zeros(0, dtype=L.bool)))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("k", [1, 2, 5])
@pytest.mark.parametrize("mat2", ["row-major", "column-major"])
def test_addmm_sums_zeros_into_the_bias_as_pytorch(dtype, k, mat2):
    """addmm's zeros as PyTorch's gemm writes them: it adds the products into the bias one by one
    (so -0. bias + all -0. products stays -0.), except for a column-major mat2 with two rows
    and columns or more, where each dot product is summed first, from +0. (linear's usual case)."""
    from harness import same_bits
    for m, n in ((1, 1), (1, 3), (3, 1), (3, 2)):
        a = np.full((m, k), -0.0)
        a[-1, 0] = 0.0  # the last row has one +0. product: +0. in every order
        b = np.ones((k, n))
        for bias in (np.full(n, -0.0), np.full((m, n), -0.0), np.array(-0.0), np.zeros(n)):
            def run(L):
                T = lambda x: L.tensor(x, dtype=getattr(L, dtype))  # noqa: E731
                mat2_ = T(b) if mat2 == "row-major" else T(b.T.copy()).t()
                out = L.addmm(T(bias), T(a), mat2_)
                return out, L.nn.functional.linear(T(a), mat2_.t(), T(np.broadcast_to(bias, (m, n))[0]))
            same_bits(run)


def test_outer_records_reshape():
    """``outer`` is ``input.reshape(n, 1) * vec2`` in PyTorch (ViewBackward0, or ReshapeAlias for a strided vector)."""
    compare_orders(lambda T, a, b: T.outer(a, b), *arrays((3,), (2,)))
    compare_orders(lambda T, a, b: T.outer(a[:, 0], b), *arrays((3, 2), (2,)))


def test_mv_backward_is_ger():
    """mv's gradient for the matrix is ``grad.ger(vec)``: PyTorch's outer (a reshape, then a product)."""
    compare_orders(lambda T, a, v: T.mv(a, v), *arrays((3, 4), (4,)))
    compare_orders(lambda T, v, b: v @ b, *arrays((3,), (2, 3, 4)))
    compare_orders(lambda T, v, b: T.matmul(v, b), *arrays((3,), (3, 2)))  # squeeze_'s backward: unsqueeze_to


# --- diagonal with an offset, diag, trace ----------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda L, x: x.diagonal(), lambda L, x: x.diagonal(1), lambda L, x: L.diagonal(x, -1), lambda L, x: x.diagonal(5),
    lambda L, x: x.diagonal(-1, 1, 0), lambda L, x: L.diag(x), lambda L, x: x.diag(1), lambda L, x: x.diag(-2),
    lambda L, x: x.trace(), lambda L, x: L.diag(x[0]), lambda L, x: L.diag(x[1], 1), lambda L, x: x[0].diag(-2),
], ids=["diagonal", "above", "below", "past_the_end", "dims_swapped", "diag", "diag_above", "diag_below", "trace",
        "diag_embed", "diag_embed_above", "diag_embed_below"])
def test_diagonals_and_trace(fn):
    """Values, views, nodes (DiagonalBackward0, DiagonalBackward0_copy, DiagEmbedBackward0, TraceBackward0)
    and gradients to third order, their recorded graphs included."""
    compare_orders(fn, arrays((3, 4))[0])


@pytest.mark.parametrize("fn", [lambda L: L.arange(3.0).trace(), lambda L: L.ones(2, 2, 2).diag(),
                                lambda L: L.ones(2, 2).diagonal(0, 0, 0), lambda L: L.ones(2, 2).diagonal(0, 0, -2)],
                         ids=["trace_of_vector", "diag_3d", "same_dims", "same_dims_negative"])
def test_diagonal_errors(fn):
    raises_same(fn)


def test_integer_trace():
    same(lambda L: L.arange(9).view(3, 3).trace())
