"""ops/shape_more.py against PyTorch: stacks, grids, tiles, rolls, splits, diff, cross, diagonals,
masked_select/masked_scatter, take_along_dim, in-place tril_/cumsum_/..., casts."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402
from harness import case_tests, compare_error, compare_orders, rng, same, ties  # noqa: E402


CASES = [
    ("hstack", lambda L, a, b: L.hstack([a, b]), [(2, 3), (2, 2)], {}),
    ("hstack_vectors", lambda L, a, b: L.hstack((a, b)), [(3,), (2,)], {}),
    ("vstack", lambda L, a, b: L.vstack([a, b]), [(3,), (2, 3)], {}),
    ("row_stack_vectors", lambda L, a, b: L.vstack([a, b]), [(3,), (3,)], {}),
    ("dstack", lambda L, a, b: L.dstack([a, b]), [(2, 3), (2, 3)], {}),
    ("dstack_vectors", lambda L, a, b: L.dstack([a, b]), [(3,), (3,)], {}),
    ("column_stack", lambda L, a, b: L.column_stack([a, b]), [(3,), (3, 2)], {}),
    ("atleast", lambda L, a, b: L.atleast_2d(a, b), [(), (3,)], {}),
    ("atleast_3d", lambda L, a: L.atleast_3d(a), [(2, 3)], {}),
    ("meshgrid_ij", lambda L, a, b: L.meshgrid(a, b, indexing="ij"), [(3,), (4,)], {}),
    ("meshgrid_xy", lambda L, a, b, c: L.meshgrid([a, b, c], indexing="xy"), [(3,), (4,), (2,)], {}),
    ("cartesian_prod", lambda L, a, b: L.cartesian_prod(a, b), [(3,), (2,)], {}),
    ("broadcast_tensors", lambda L, a, b: L.broadcast_tensors(a, b), [(3, 1), (4,)], {}),
    ("broadcast_tensors_same", lambda L, a, b: L.broadcast_tensors(a, b), [(3, 4), (4,)], {}),
    ("ravel", lambda L, a: L.ravel(a), [(2, 3)], {}),
    ("ravel_t", lambda L, a: a.t().ravel(), [(2, 3)], {}),
    ("fliplr", lambda L, a: L.fliplr(a), [(2, 3)], {}),
    ("flipud", lambda L, a: a.flipud(), [(2, 3)], {}),
    ("tile", lambda L, a: L.tile(a, (2,)), [(2, 3)], {}),
    ("tile_more", lambda L, a: a.tile((2, 1, 2)), [(2, 3)], {}),
    ("roll", lambda L, a: L.roll(a, 1, 0), [(3, 4)], {}),
    ("roll_flat", lambda L, a: a.roll(-5), [(3, 4)], {}),
    ("roll_dims", lambda L, a: L.roll(a, shifts=(1, -2), dims=(1, 0)), [(3, 4)], {}),
    ("rot90", lambda L, a: L.rot90(a), [(3, 4)], {}),
    ("rot90_k", lambda L, a: a.rot90(3, [1, 2]), [(2, 3, 4)], {}),
    ("rot90_neg", lambda L, a: L.rot90(a, -1), [(3, 4)], {}),
    ("repeat_interleave", lambda L, a: L.repeat_interleave(a, 2, dim=0), [(2, 3)], {}),
    ("repeat_interleave_flat", lambda L, a: a.repeat_interleave(3), [(2, 2)], {}),
    ("repeat_interleave_tensor", lambda L, a: a.repeat_interleave(L.tensor([1, 0, 2]), dim=1), [(2, 3)], {}),
    ("take_along_dim", lambda L, a: L.take_along_dim(a, L.tensor([[0], [2]]), 1), [(2, 3)], {}),
    ("take_along_dim_sort", lambda L, a: a.take_along_dim(a.argsort(dim=1), dim=1), [(3, 4)], {}),
    ("take_along_dim_flat", lambda L, a: L.take_along_dim(a, L.tensor([0, 5, 5])), [(2, 3)], {}),
    ("masked_select", lambda L, a: L.masked_select(a, a > 0), [(3, 4)], {}),
    ("masked_select_bcast", lambda L, a, b: a.masked_select(b > 0), [(3, 1), (4,)], {}),
    ("masked_scatter", lambda L, a, b: a.masked_scatter(a > 0, b), [(3, 4), (3, 4)], {}),
    ("where_method", lambda L, a, b: a.where(a > 0, b), [(3, 4), (4,)], {}),
    ("where_method_number", lambda L, a: a.where(a > 0, 0.0), [(3, 4)], {}),
    ("tensor_split", lambda L, a: L.tensor_split(a, 3, dim=1), [(2, 7)], {}),
    ("tensor_split_indices", lambda L, a: a.tensor_split([1, 4]), [(5, 2)], {}),
    ("tensor_split_past_end", lambda L, a: L.tensor_split(a, [2, 9]), [(5,)], {}),
    ("hsplit", lambda L, a: L.hsplit(a, 2), [(3, 4)], {}),
    ("vsplit", lambda L, a: a.vsplit([1]), [(3, 4)], {}),
    ("dsplit", lambda L, a: L.dsplit(a, 2), [(2, 2, 4)], {}),
    ("diff", lambda L, a: L.diff(a), [(3, 4)], {}),
    ("diff_n", lambda L, a: a.diff(n=2, dim=0), [(4, 3)], {}),
    ("diff_prepend", lambda L, a, b: L.diff(a, prepend=b, append=b), [(3, 4), (3, 1)], {}),
    ("cross", lambda L, a, b: L.cross(a, b, dim=1), [(4, 3), (4, 3)], {}),
    ("cross_bcast", lambda L, a, b: a.cross(b, dim=0), [(3, 2), (3, 1)], {}),
    ("diag_embed", lambda L, a: L.diag_embed(a), [(2, 3)], {}),
    ("diag_embed_offset", lambda L, a: a.diag_embed(-1, 0, 2), [(2, 3)], {}),
    ("diagflat", lambda L, a: L.diagflat(a), [(2, 2)], {}),
    ("diagflat_offset", lambda L, a: a.diagflat(1), [(3,)], {}),
    ("scatter_add", lambda L, a, b: L.scatter_add(a, 0, L.tensor([[0, 1, 0, 2], [2, 2, 1, 0]]), b), [(3, 4), (2, 4)], {}),
    ("scatter_add_method", lambda L, a, b: a.scatter_add(1, L.tensor([[0, 0], [1, 1], [3, 0]]), b), [(3, 4), (3, 2)], {}),
    ("index_fill", lambda L, a: L.index_fill(a, 1, L.tensor([0, 2]), -1.0), [(3, 4)], {}),
    ("index_fill_tensor", lambda L, a, v: a.index_fill(0, L.tensor([1]), v * 2), [(3, 4), ()], {}),
    ("index_copy", lambda L, a, b: L.index_copy(a, 0, L.tensor([2, 0]), b), [(3, 4), (2, 4)], {}),
    ("take", lambda L, a: L.take(a, L.tensor([[0, -1], [5, 5]])), [(3, 4)], {}),
    ("kron", lambda L, a, b: L.kron(a, b), [(2, 3), (2, 2)], {}),
    ("kron_ndim", lambda L, a, b: a.kron(b), [(3,), (2, 2)], {}),
    ("scatter_add_", lambda L, a, b: (a * 1).scatter_add_(0, L.tensor([[0, 1, 0, 2]]), b), [(3, 4), (1, 4)], {}),
    ("index_fill_", lambda L, a: (a * 1).index_fill_(0, L.tensor([1]), 0.5), [(3, 4)], {}),
    ("index_copy_", lambda L, a, b: (a * 1).index_copy_(1, L.tensor([3]), b), [(3, 4), (3, 1)], {}),
    ("squeeze_", lambda L, a: (a * 1).squeeze_(), [(3, 1, 4)], {}),
    ("squeeze_dim_", lambda L, a: (a * 1).squeeze_(1), [(3, 1, 4)], {}),
    ("squeeze_dims_", lambda L, a: (a * 1).squeeze_((1, 2)), [(3, 1, 4)], {}),
    ("unsqueeze_", lambda L, a: (a * 1).unsqueeze_(-1), [(3, 4)], {}),
    ("t_", lambda L, a: (a * 1).t_() + 1, [(3, 4)], {}),
    ("transpose_", lambda L, a: (a * 1).transpose_(0, 2), [(3, 1, 4)], {}),
    ("swapaxes_", lambda L, a: (a * 1).swapaxes_(1, 0), [(3, 4)], {}),
    ("fill_diagonal_", lambda L, a: (a * 1).fill_diagonal_(0.5), [(3, 4)], {}),
    ("fill_diagonal_wrap", lambda L, a: (a * 1).fill_diagonal_(-1.0, wrap=True), [(7, 2)], {}),
    ("fill_diagonal_view", lambda L, a: (lambda y: (y[:, 1:].fill_diagonal_(2.0), y)[1])(a * 1), [(3, 4)], {}),
    ("block_diag", lambda L, a, b, c: L.block_diag(a, b, c), [(), (2,), (2, 3)], {}),
    ("cdist", lambda L, a, b: L.cdist(a, b), [(3, 2), (4, 2)], {}),
    ("cdist_batched_p1", lambda L, a, b: L.cdist(a, b, p=1), [(2, 3, 2), (2, 4, 2)], {}),
    ("cdist_p", lambda L, a, b: L.cdist(a, b, p=3.5), [(3, 2), (4, 2)], {}),
    ("cdist_inf", lambda L, a, b: L.cdist(a, b, p=float("inf")), [(3, 2), (4, 2)], {}),
    ("cdist_self", lambda L, a: L.cdist(a, a), [(3, 2)], {}),
    ("median", lambda L, a: L.median(a), [(3, 4)], {}),
    ("median_dim", lambda L, a: a.median(1), [(3, 4)], {}),
    ("median_keepdim", lambda L, a: L.median(a, 0, keepdim=True), [(4, 3)], {}),
    ("tensordot", lambda L, a, b: L.tensordot(a, b, dims=1), [(3, 4), (4, 5)], {}),
    ("tensordot_lists", lambda L, a, b: L.tensordot(a, b, dims=([1, 2], [0, 1])), [(2, 3, 4), (3, 4)], {}),
    ("tensordot_permuted", lambda L, a, b: L.tensordot(a, b, dims=([0], [1])), [(3, 4), (2, 3)], {}),
    ("tensordot_default", lambda L, a, b: L.tensordot(a, b), [(2, 3, 4), (3, 4, 2)], {}),
    ("unfold", lambda L, a: (a * 1).unfold(1, 2, 2), [(3, 5)], {}),
    ("unfold_overlap", lambda L, a: a.unfold(0, 2, 1), [(4, 3)], {}),
    ("unfold_sum", lambda L, a: a.unfold(-1, 3, 1).sum(-1), [(2, 6)], {}),
    ("unfold_0d", lambda L, a: a.unfold(0, 1, 1), [()], {}),
    ("index_put", lambda L, a, v: L.index_put(a, (L.tensor([0, 2]), L.tensor([1, 1])), v), [(3, 4), (2,)], {}),
    ("index_put_accumulate", lambda L, a, v: a.index_put((L.tensor([0, 0]),), v, accumulate=True), [(3, 4), (4,)], {}),
    ("index_put_", lambda L, a, v: (a * 1).index_put_((L.tensor([1]),), v), [(3, 4), ()], {}),
    ("cummax", lambda L, a: L.cummax(a, 1), [(3, 4)], {}),
    ("cummin", lambda L, a: a.cummin(0), [(3, 4)], {}),
    ("cummax_ties", lambda L, a: L.cummax(a, 1), ties, {}),
    ("cummin_0d", lambda L, a: L.cummin(a, 0), [()], {}),
    ("var_mean", lambda L, a: L.var_mean(a), [(3, 4)], {}),
    ("std_mean_dim", lambda L, a: L.std_mean(a, 1), [(3, 4)], {}),
    ("std_mean_keepdim", lambda L, a: L.std_mean(a, (0,), keepdim=True, correction=0), [(3, 4)], {}),
    ("var_mean_var_only", lambda L, a: L.var_mean(a, 1, unbiased=False)[0], [(3, 4)], {}),
    ("std_mean_mean_only", lambda L, a: L.std_mean(a)[1], [(3, 4)], {}),
    ("tril_", lambda L, a: (a * 1).tril_(), [(3, 4)], {}),
    ("triu_", lambda L, a: (a * 1).triu_(1), [(3, 4)], {}),
    ("cumsum_", lambda L, a: (a * 1).cumsum_(0), [(3, 4)], {}),
    ("cumprod_", lambda L, a: (a * 1).cumprod_(1), [(3, 4)], {}),
    ("masked_scatter_", lambda L, a, b: (a * 1).masked_scatter_(b > 0, b), [(3, 4), (3, 4)], {}),
]
test_op_float64, test_op_float32, test_op_no_grad = case_tests(CASES)


HIGHER_ORDER = {
    "roll": lambda L, a: L.roll(a * a, (1, 2), (0, 1)),
    "rot90": lambda L, a: L.rot90(a * a, 1),
    "masked_select": lambda L, a: L.masked_select(a * a, a > 0),
    "masked_scatter": lambda L, a: (a * a).masked_scatter(a > 0, a.exp()),
    "diag_embed": lambda L, a: L.diag_embed(a * a, 1),
    "hstack": lambda L, a: L.hstack([a * a, a]),
    "diff": lambda L, a: L.diff(a * a, n=2),
    "take_along_dim": lambda L, a: L.take_along_dim(a * a, a.argsort(dim=1), 1),
    "index_copy": lambda L, a: (a * a).index_copy(0, L.tensor([2, 0]), a[:2].exp()),
    "index_fill": lambda L, a: (a * a).index_fill(1, L.tensor([2, 0]), -1.0),
    "scatter_add": lambda L, a: (a * a).scatter_add(1, L.tensor([[0, 0], [1, 3], [3, 3]]), a[:, :2].exp()),
    "kron": lambda L, a: L.kron(a * a, a[:2, :2]),
    "unfold": lambda L, a: (a * a).unfold(1, 2, 1),
    "var_mean": lambda L, a: L.var_mean(a * a, 1),
    "index_put_accumulate": lambda L, a: (a * a).index_put((L.tensor([0, 0]),), a[1].exp(), accumulate=True),
}


@pytest.mark.parametrize("case", HIGHER_ORDER)
def test_higher_order(case):
    """Gradients of gradients: the nodes own backward formulas record are PyTorch's."""
    compare_orders(HIGHER_ORDER[case], rng(7).standard_normal((3, 4)), order=2)


def test_std_mean_first_order_graph():
    """std_mean's gradient records std's and mean's backward nodes, as PyTorch's std_mean_backward."""
    compare_orders(lambda L, a: L.std_mean(a * a), rng(7).standard_normal((3, 4)), order=1)


def test_higher_order_cross():
    """linalg_cross's backward is two cross products: its second order records them."""
    compare_orders(lambda L, a, b: L.cross(a.exp(), b, dim=1), *rng(8).standard_normal((2, 4, 3)), order=3)


VALUES = [
    ("tril_indices", lambda L: L.tril_indices(4, 3)),
    ("tril_indices_offset", lambda L: L.tril_indices(3, 5, 1)),
    ("triu_indices", lambda L: L.triu_indices(4, 4, -1, dtype=L.int32)),
    ("repeat_interleave_counts", lambda L: L.repeat_interleave(L.tensor([2, 0, 3]))),
    ("repeat_interleave_int", lambda L: L.tensor([1, 2]).repeat_interleave(2)),
    ("diff_bool", lambda L: L.diff(L.tensor([True, False, False, True]))),
    ("diff_int", lambda L: L.tensor([[1, 4, 9], [2, 2, 2]]).diff()),
    ("hstack_int", lambda L: L.hstack([L.tensor([1, 2]), L.tensor([3])])),
    ("cross_int", lambda L: L.cross(L.tensor([1, 0, 0]), L.tensor([0, 1, 0]), dim=0)),
    ("masked_select_int", lambda L: L.masked_select(L.tensor([[1, 2], [3, 4]]), L.tensor([True, False]))),
    ("casts", lambda L: [L.tensor([1.7, -2.2, 300.0]).byte(), L.tensor([1.7, -2.2]).char(), L.tensor([1.7, -2.2]).short()]),
    ("cast_same", lambda L: (lambda x: x.short() is x)(L.tensor([1], dtype=L.int16))),
    ("nbytes", lambda L: [L.zeros(3, 4).nbytes, L.zeros(2, dtype=L.int16).itemsize, L.zeros(3, dtype=L.float64).nbytes]),
    ("broadcast_same_is_self", lambda L: (lambda x: L.broadcast_tensors(x, x)[0] is x)(L.ones(2))),
    ("cartesian_one", lambda L: L.cartesian_prod(L.tensor([1, 2]))),
    ("cartesian_three", lambda L: L.cartesian_prod(L.tensor([1, 2]), L.tensor([3]), L.tensor([4, 5]))),
    ("roll_int", lambda L: L.roll(L.arange(6).view(2, 3), 1, 1)),
    ("take_int", lambda L: L.take(L.arange(6).view(2, 3), L.tensor([5, 0, -2]))),
    ("kron_int", lambda L: L.kron(L.tensor([[1, 2], [3, 4]]), L.tensor([[0, 1], [1, 0]]))),
    ("storage_offset", lambda L: (lambda y: [y.storage_offset(), y[1].storage_offset(), y[1, 1:].storage_offset(),
                                              y.t()[2].storage_offset()])(L.zeros(3, 4))),
    ("shape_inplace_no_grad", lambda L: (lambda y: (y.unsqueeze_(0).transpose_(0, 2).squeeze_(), y._version))(
        L.arange(6.0).view(2, 3))),
    ("fill_diagonal_3d", lambda L: L.zeros(3, 3, 3).fill_diagonal_(1)),
    ("bucketize", lambda L: [L.bucketize(L.tensor([1, 5, 9, 4]), L.tensor([2, 4, 6, 8])),
                             L.bucketize(L.tensor([[1.0, 4.0]]), L.tensor([2.0, 4.0]), right=True),
                             L.bucketize(L.tensor([1, 5]), L.tensor([2, 4]), out_int32=True)]),
    ("searchsorted", lambda L: [L.searchsorted(L.tensor([[1, 3], [2, 4]]), L.tensor([[2], [3]])),
                                L.searchsorted(L.tensor([1.0, 3.0]), L.tensor([3.0, 6.0]), right=True),
                                L.searchsorted(L.tensor([1.0, 3.0, 3.0]), L.tensor([3.0]), side="right")]),
    ("block_diag_int", lambda L: L.block_diag(L.tensor([[1, 2]]), L.tensor([3]))),
    ("median_nan", lambda L: [L.median(L.tensor([1.0, float("nan"), 3.0])),
                              L.median(L.tensor([[1.0, float("nan"), 3.0], [2.0, 1.0, 0.0]]), 1),
                              L.median(L.tensor([4, 1, 3, 2]))]),
    ("cummax_nan", lambda L: [L.cummax(L.tensor([1.0, 3.0, 3.0, 2.0, float("nan"), 5.0]), 0),
                              L.cummin(L.tensor([[2, 1, 1, 3]]), 1), L.cummax(L.tensor([True, False, True]), 0)]),
    ("var_mean_int", lambda L: L.var_mean(L.tensor([1, 2]))),
    ("std_mean_int", lambda L: L.std_mean(L.tensor([1, 2]), 0)),
    ("index_fill_int", lambda L: L.arange(6).view(2, 3).index_fill(1, L.tensor([1]), 9)),
]


@pytest.mark.parametrize("case", VALUES, ids=[c[0] for c in VALUES])
def test_values(case):
    same(case[1])


ERRORS = [
    ("fliplr_1d", lambda L, a: L.fliplr(a[0])),
    ("flipud_0d", lambda L, a: L.flipud(a[0, 0])),
    ("roll_align", lambda L, a: L.roll(a, (1, 2), 0)),
    ("roll_align_nodims", lambda L, a: L.roll(a, (1, 2))),
    ("rot90_same_dims", lambda L, a: L.rot90(a, 1, (0, 0))),
    ("rot90_1d", lambda L, a: L.rot90(a[0])),
    ("rot90_three_dims", lambda L, a: L.rot90(a, 1, (0, 1, 1))),
    ("hsplit_divisible", lambda L, a: L.hsplit(a, 3)),
    ("hsplit_0d", lambda L, a: L.hsplit(a[0, 0], 1)),
    ("vsplit_1d", lambda L, a: L.vsplit(a[0], 2)),
    ("tensor_split_zero", lambda L, a: L.tensor_split(a, 0)),
    ("meshgrid_indexing", lambda L, a: L.meshgrid(a[0], a[1], indexing="yx")),
    ("cross_length", lambda L, a: L.cross(a, a, dim=1)),
    ("masked_select_mask", lambda L, a: L.masked_select(a, a)),
    ("diff_0d", lambda L, a: L.diff(a[0, 0])),
    ("diag_embed_dims", lambda L, a: L.diag_embed(a, 0, 1, 1)),
    ("unsqueeze_leaf", lambda L, a: a.requires_grad_().unsqueeze_(0)),
    ("t_leaf", lambda L, a: a.requires_grad_().t_()),
    ("fill_diagonal_1d", lambda L, a: a[0].fill_diagonal_(1)),
    ("fill_diagonal_unequal", lambda L, a: L.zeros(2, 3, 3).fill_diagonal_(1)),
    ("block_diag_3d", lambda L, a: L.block_diag(a, a.unsqueeze(0))),
    ("cdist_1d", lambda L, a: L.cdist(a[0], a[0])),
    ("cdist_columns", lambda L, a: L.cdist(a, a[:, :2])),
    ("cdist_negative_p", lambda L, a: L.cdist(a, a, p=-1)),
    ("cdist_int", lambda L, a: L.cdist(a.long(), a.long())),
    ("bucketize_2d", lambda L, a: L.bucketize(a, a)),
    ("tensordot_sizes", lambda L, a: L.tensordot(a, a, dims=([0], [1]))),
    ("tensordot_lengths", lambda L, a: L.tensordot(a, a, dims=([0, 1], [1]))),
    ("unfold_size", lambda L, a: a.unfold(1, 6, 1)),
    ("unfold_step", lambda L, a: a.unfold(1, 2, 0)),
    ("unfold_dim", lambda L, a: a.unfold(2, 1, 1)),
    ("take_out_of_range", lambda L, a: L.take(a, L.tensor([8]))),
    ("index_fill_value_dims", lambda L, a: a.index_fill(0, L.tensor([0]), a[0])),
    ("scatter_add_src_shape_grad", lambda L, a: (lambda x: x.scatter_add(0, L.tensor([[0, 1, 0, 1]]), x * 2).sum()
                                                 .backward())(a.requires_grad_())),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors(case):
    compare_error(case[1], rng(1).standard_normal((2, 4)))


def test_meshgrid_warns_once_without_indexing():
    """PyTorch asks for ``indexing`` once per process (TORCH_WARN_ONCE); the grids are 'ij'."""
    def run(L):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            grids = L.meshgrid(L.arange(2), L.arange(3))
            L.meshgrid(L.arange(2), L.arange(3))
        return grids, [(w.category.__name__, str(w.message)) for w in caught]
    autograd_lite.ops.shape_more._warned[:] = [w for w in autograd_lite.ops.shape_more._warned if w != "meshgrid"]
    ours, theirs = run(autograd_lite), run(torch)
    assert [tuple(g.shape) for g in ours[0]] == [tuple(g.shape) for g in theirs[0]]
    assert all(np.array_equal(o.numpy(), t.numpy()) for o, t in zip(ours[0], theirs[0]))
    assert len(ours[1]) == 1 and (not theirs[1] or ours[1] == theirs[1])  # (torch: once per process)
