"""Reductions (ops/reductions.py) against PyTorch.

Each case is ``fn(lib, *tensors)`` run once with ``lib = autograd_lite`` and once with
``lib = torch`` on tensors built from the same numpy arrays (see ``harness.compare``).
"""
from __future__ import annotations

import numpy as np  # noqa: F401
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402,F401
from harness import P, arrays, assert_same_tensor, case_tests, compare, compare_error, graph_names, leaves, raises_same, rng, same, setitem, ties  # noqa: E402,F401,E501
from harness import compare_layout, compare_orders  # noqa: E402


CASES = [
    # --- reductions -----------------------------------------------------------------------
    ("sum", lambda L, a: L.sum(a), [(2, 3)], {}),
    ("sum_dim", lambda L, a: a.sum(1), [(2, 3, 4)], {}),
    ("sum_dim_keep", lambda L, a: a.sum(-1, keepdim=True), [(2, 3, 4)], {}),
    ("sum_dims", lambda L, a: a.sum((0, 2)), [(2, 3, 4)], {}),
    ("sum_nc", lambda L, a: a.t().sum(0), [(3, 4)], {}),
    ("mean", lambda L, a: L.mean(a), [(2, 3)], {}),
    ("mean_dim", lambda L, a: a.mean(0), [(2, 3, 4)], {}),
    ("mean_dim_keep", lambda L, a: a.mean(1, keepdim=True), [(2, 3, 4)], {}),
    ("mean_dims", lambda L, a: a.mean((-1, 0)), [(2, 3, 4)], {}),
    ("prod", lambda L, a: L.prod(a), [(2, 3)], {}),
    ("prod_dim", lambda L, a: a.prod(1), [(2, 3, 4)], {}),
    ("prod_dim_keep", lambda L, a: a.prod(0, keepdim=True), [(3, 4)], {}),
    ("prod_zero", lambda L, a: (a * (a > 0)).prod(1), [(3, 4)], {}),
    ("prod_zero_all", lambda L, a: L.prod(a.clamp(min=0.0)), [(2, 3)], {}),
    ("max", lambda L, a: L.max(a), [(2, 3)], {}),
    ("max_ties", lambda L, a: a.max(), ties, {}),
    ("max_dim", lambda L, a: L.max(a, 1), [(3, 4)], {}),
    ("max_dim_keep", lambda L, a: a.max(0, keepdim=True), [(3, 4)], {}),
    ("max_dim_ties", lambda L, a: a.max(1), ties, {}),
    ("max_binary", lambda L, a, b: L.max(a, b), [(2, 3), (3,)], {}),
    ("min", lambda L, a: L.min(a), [(2, 3)], {}),
    ("min_ties", lambda L, a: a.min(), ties, {}),
    ("min_dim", lambda L, a: a.min(-1), [(3, 4)], {}),
    ("min_dim_ties", lambda L, a: a.min(0), ties, {}),
    ("amax", lambda L, a: L.amax(a), [(2, 3)], {}),
    ("amax_dim", lambda L, a: a.amax(1), [(3, 4)], {}),
    ("amax_dims_keep", lambda L, a: a.amax((0, 2), keepdim=True), [(2, 3, 4)], {}),
    ("amax_ties", lambda L, a: a.amax(1), ties, {}),
    ("amax_ties_all", lambda L, a: a.amax(), ties, {}),
    ("argmax", lambda L, a: L.argmax(a), [(3, 4)], {}),
    ("argmax_dim", lambda L, a: a.argmax(1), [(3, 4)], {}),
    ("argmax_dim_keep", lambda L, a: a.argmax(0, keepdim=True), [(3, 4)], {}),
    ("argmax_ties", lambda L, a: a.argmax(1), ties, {}),
    ("softmax", lambda L, a: L.softmax(a, dim=1), [(3, 4)], {}),
    ("softmax_dim0", lambda L, a: a.softmax(0), [(3, 4)], {}),
    ("softmax_3d", lambda L, a: L.softmax(a, -1), [(2, 3, 4)], {}),
    ("log_softmax", lambda L, a: L.log_softmax(a, dim=1), [(3, 4)], {}),
    ("log_softmax_dim0", lambda L, a: a.log_softmax(0), [(3, 4)], {}),
    ("softmax_nc", lambda L, a: a.t().softmax(-1), [(3, 4)], {}),
]
test_op_float64, test_op_float32, test_op_no_grad = case_tests(CASES)


# --- numpy's keywords (keepdims=, axis=), accepted by PyTorch's argument parser ---------------
KEEPDIMS_CASES = [
    ("sum_keepdims", lambda L, a: a.sum(1, keepdims=True), [(2, 3, 4)], {}),
    ("sum_fn_keepdims", lambda L, a: L.sum(a, dim=(0, 2), keepdims=True), [(2, 3, 4)], {}),
    ("sum_axis", lambda L, a: a.sum(axis=1, keepdims=True), [(2, 3)], {}),
    ("mean_keepdims", lambda L, a: L.mean(a, -1, keepdims=True), [(2, 3)], {}),
    ("prod_keepdims", lambda L, a: a.prod(0, keepdims=True), [(3, 4)], {}),
    ("max_keepdims", lambda L, a: L.max(a, 1, keepdims=True), [(3, 4)], {}),
    ("min_keepdims", lambda L, a: a.min(0, keepdims=True), [(3, 4)], {}),
    ("amax_keepdims", lambda L, a: a.amax(1, keepdims=True), [(3, 4)], {}),
    ("amin_keepdims", lambda L, a: L.amin(a, keepdims=True), [(3, 4)], {}),
    ("std_keepdims", lambda L, a: a.std(1, keepdims=True), [(3, 4)], {}),
    ("var_keepdims", lambda L, a: a.var(1, True, keepdims=True), [(3, 4)], {}),
    ("logsumexp_keepdims", lambda L, a: a.logsumexp(1, keepdims=True), [(3, 4)], {}),
    ("argmax_keepdims", lambda L, a: a.argmax(1, keepdims=True), [(3, 4)], {}),
    ("argmin_keepdims_all", lambda L, a: a.argmin(keepdims=True), [(3, 4)], {}),
    ("any_keepdims", lambda L, a: (a > 0).any(1, keepdims=True), [(3, 4)], {}),
    ("all_keepdims", lambda L, a: L.all(a > 0, keepdims=True), [(3, 4)], {}),
]
test_keepdims_float64, test_keepdims_float32, test_keepdims_no_grad = case_tests(KEEPDIMS_CASES)


@pytest.mark.parametrize("call", [
    lambda L, x: x.sum(1, keepdim=True, keepdims=True),
    lambda L, x: L.sum(x, 1, True, keepdims=True),
    lambda L, x: x.max(1, axis=0),
    lambda L, x: L.norm(x, dim=1, keepdims=True),  # torch.norm is Python code: no numpy names
    lambda L, x: x.cumsum(1, keepdims=True),
], ids=["both", "positional_and_keyword", "dim_and_axis", "norm", "cumsum"])
def test_keepdims_refused(call):
    compare_error(call, *arrays((2, 3)), match="full")


# --- torch.histogram / torch.histc -------------------------------------------------------------
NORM_MATRIX = np.array([[3.0, -4.0, 0.0], [1.0, 2.0, -2.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("args", [(), (2,), (1,), (float("inf"),), (2, 1), (3, 0, True), (2, (0, 1))])
def test_norm_matches_torch(args):
    """A zero row: the gradient where the norm's derivative has a 0/0 is PyTorch's."""
    compare(lambda L, a: a.norm(*args), NORM_MATRIX, rtol=1e-10)


def _histogram_inputs(seed: int, dtype) -> list:
    """Random values, values on the bin edges of a few ranges, ties and an outlier: where float32 rounding bites."""
    r = rng(seed)
    edges = np.concatenate([np.linspace(-1, 2, 8), np.linspace(0, 1, 11), np.linspace(-3.7, 5.1, 30)])
    values = np.concatenate([r.standard_normal(40) * 2, edges, edges[:5], [7.25]])
    return [r.permutation(values).astype(dtype)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("call", [
    lambda L, x: L.histc(x),
    lambda L, x: L.histc(x, bins=7),
    lambda L, x: x.histc(10, min=0, max=1),
    lambda L, x: L.histc(x, 29, -3.7, 5.1),
    lambda L, x: L.histogram(x, 7),
    lambda L, x: x.histogram(10, range=(0.0, 1.0)),
    lambda L, x: L.histogram(x, bins=29, range=(-3.7, 5.1), density=True),
    lambda L, x: L.histogram(x, 13, weight=x.detach().abs()),
    lambda L, x: L.histogram(x, L.tensor([-2.0, -0.5, 0.0, 0.3, 1.0, 4.0], dtype=x.dtype)),
    lambda L, x: L.histogram(x, L.linspace(-1, 2, 8, dtype=x.dtype), weight=x.detach() * 3, density=True),
], ids=["histc_default", "histc_bins", "histc_range", "histc_edges", "histogram", "histogram_range",
        "histogram_density", "histogram_weight", "histogram_edges", "histogram_edges_weight_density"])
def test_histogram(call, seed, dtype):
    """Counts and edges exactly as PyTorch's, values on the edges included; histogram's node raises in backward."""
    ours, theirs = compare(call, *_histogram_inputs(seed, dtype), grad=False)
    for i, (o, t) in enumerate(zip(ours, theirs)):  # edges and counts exact: a value in a neighbouring bin shows
        expected = t.detach().numpy()
        if i == 1 or np.array_equal(expected, np.round(expected)):
            np.testing.assert_array_equal(o.detach().numpy(), expected)


def test_histogram_result_and_backward():
    def f(lib):
        x = lib.tensor([0.0, 1.0, 1.0, 2.0, 3.5, 10.0], requires_grad=True)
        h = lib.histogram(x, 4)
        return repr(h), h.hist, h.bin_edges, h.hist.grad_fn.name(), repr(x.histc(3))

    same(f)
    raises_same(lambda lib: lib.histogram(lib.tensor([1.0, 2.0], requires_grad=True), 2).hist.sum().backward())


@pytest.mark.parametrize("call", [
    lambda L, x: L.histc(x, 0),
    lambda L, x: L.histc(x, 4, 5, 1),
    lambda L, x: L.histc(x, 3, min=float("nan")),
    lambda L, x: L.histc(x.long(), 2),
    lambda L, x: L.histogram(x, 0),
    lambda L, x: L.histogram(x, 2, range=(3.0, 1.0)),
    lambda L, x: L.histogram(x, 2, range=(0.0, float("inf"))),
    lambda L, x: L.histogram(x, 2, range=(0.0, 1.0, 2.0)),
    lambda L, x: L.histogram(x.long(), 2),
    lambda L, x: L.histogram(x.long(), 2, range=(0.0, 1.0)),
    lambda L, x: L.histogram(x, L.tensor([0.0, 1.0], dtype=L.float64)),
    lambda L, x: L.histogram(x, L.ones(2, 2)),
    lambda L, x: L.histogram(x, L.ones(1)),
    lambda L, x: L.histogram(x, 2, weight=L.ones(5)),
    lambda L, x: L.histogram(x, 2, weight=L.ones(6, dtype=L.float64)),
], ids=["histc_no_bins", "histc_min_above_max", "histc_nan", "histc_int", "no_bins", "min_above_max", "infinite",
        "range_of_3", "int", "int_range", "edges_dtype", "edges_2d", "one_edge", "weight_shape", "weight_dtype"])
def test_histogram_errors(call):
    compare_error(call, *arrays((6,), dtype=np.float32))


# --- edges (issue 10): 0-d tensors with an explicit dim, var/std denominators and masks, prod's graph ---

ZERO_D_DIM = [
    lambda x: x.sum(-1), lambda x: x.sum(0, keepdim=True), lambda x: x.mean(0), lambda x: x.amax(0),
    lambda x: x.amin(-1), lambda x: x.logsumexp(0), lambda x: x.norm(dim=0), lambda x: x.var(0),
    lambda x: x.std(0, correction=0), lambda x: x.prod(0), lambda x: x.flip(0), lambda x: x.cumsum(0),
    lambda x: x.cumprod(-1),
    lambda x: x.sort(0)[0], lambda x: x.topk(1, 0)[0], lambda x: x.max(0)[0], lambda x: x.sum((0, -1)),
    lambda x: x.argsort(0), lambda x: x.sum(1),
]


@pytest.mark.parametrize("op", ZERO_D_DIM)
def test_zero_d_with_dim(op):
    """dim 0 and -1 are valid on a 0-d tensor (numpy has no axis there): value, node and gradient."""
    def f(L):
        x = L.tensor(2.5, requires_grad=True)
        y = op(x)
        if y.requires_grad:
            y.sum().backward()
        return y, x.grad
    same(f)


VAR_EDGES = [
    ((), lambda x: x.var(0)), ((1,), lambda x: x.var()), ((3,), lambda x: x.var(correction=5)),
    ((0, 2), lambda x: x.var(0)), ((0,), lambda x: x.std()), ((2, 0), lambda x: x.var(0)),
    ((3, 1), lambda x: x.var(1)), ((1, 3), lambda x: x.std(0)), ((3,), lambda x: x.std()),
    ((2, 3), lambda x: x.std(1, correction=0)), ((), lambda x: x.std(correction=0)),
]


@pytest.mark.parametrize("shape,op", VAR_EDGES)
def test_var_std_edges(shape, op):
    """n - correction <= 0 divides by 0 (nan/inf, never -0.) with PyTorch's dof warning; equal values give
    std's gradient 0 (PyTorch masks std == 0); no numpy warning."""
    import warnings

    def f(L):
        x = L.full(shape, 1.5, requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            y = op(x)
            y.sum().backward()
        v = y.detach().numpy()
        return y, np.signbit(v) & (v == 0), x.grad, [str(m.message) for m in w if m.category is UserWarning]  # numpy's are M11's
    torch.set_warn_always(True)
    try:
        same(f)
    finally:
        torch.set_warn_always(False)


def test_prod_with_zero_keeps_graph():
    """prod's gradient with a zero element is differentiable under create_graph (second derivative)."""
    for reduce in (lambda x: x.prod(), lambda x: x.prod(1).sum(), lambda x: x.prod(0, keepdim=True).sum()):
        def f(L):
            x = L.tensor([[0.0, 2.0, 3.0], [1.0, 0.0, 0.0]], requires_grad=True)
            g, = L.autograd.grad(reduce(x), x, create_graph=True)
            return g, L.autograd.grad((g * g).sum(), x)
        same(f)


def test_sort_nan_order():
    """NaN sorts as the largest value (first when descending), as in PyTorch."""
    data = [1.0, float("nan"), float("inf"), -1.0, float("nan"), 2.0, float("inf")]
    same(lambda L: [L.tensor(data).sort(descending=d) for d in (False, True)] + [L.tensor(data).argsort(descending=True)])


REDUCTION_LAYOUTS = [
    lambda L, a, c, s: c.permute(2, 1, 0).sum(0),
    lambda L, a, c, s: a.t().sum(0, keepdim=True),
    lambda L, a, c, s: c.permute(2, 1, 0).prod(0),
    lambda L, a, c, s: c.permute(2, 1, 0).amax(-1),
    lambda L, a, c, s: (c > 0).permute(2, 1, 0).all(-1),
    lambda L, a, c, s: c.permute(2, 1, 0).var(2, keepdim=True),
    lambda L, a, c, s: c.permute(2, 1, 0).logsumexp(2),
    lambda L, a, c, s: c.permute(2, 1, 0).max(1),
    lambda L, a, c, s: a.t().cumsum(-1),
    lambda L, a, c, s: c.permute(2, 0, 1).cumprod(1),
    lambda L, a, c, s: a.t().sort(1),  # sort keeps the input's layout
    lambda L, a, c, s: c.permute(2, 1, 0)[:, ::2].sort(0),
    lambda L, a, c, s: s.t().t().argsort(1),
    lambda L, a, c, s: a.t().topk(2, 0),  # topk does not
]


@pytest.mark.parametrize("case", range(len(REDUCTION_LAYOUTS)))
def test_reduction_layout(case):
    """Reductions, cumsum and topk are contiguous; sort lays its results out as ``empty_like``."""
    compare_layout(REDUCTION_LAYOUTS[case], rng().standard_normal((3, 4)), rng(1).standard_normal((2, 3, 4)),
                   rng(2).standard_normal((3, 1)))


GRAD_LAYOUT_REDUCTIONS = [lambda x: x.sum(), lambda x: x.mean(), lambda x: x.var(1).sum(), lambda x: x.norm(),
                          lambda x: (x.amax(1) * 2).sum(), lambda x: x.pow(2).sum()]


@pytest.mark.parametrize("case", range(len(GRAD_LAYOUT_REDUCTIONS)))
def test_gradient_layout(case):
    """autograd.grad returns what the backward formulas make; ``.grad`` follows the gradient layout
    contract (a dense leaf's strides; a fresh gradient that already obeys it is kept)."""
    f = GRAD_LAYOUT_REDUCTIONS[case]

    def grads(L, a, c, s):
        x, y = a.t().detach().requires_grad_(), s.t().detach().requires_grad_()
        gx, = L.autograd.grad(f(x), [x])
        f(x).backward()
        f(y).backward()
        return gx, x.grad, y.grad
    compare_layout(grads, rng().standard_normal((3, 4)), rng(1).standard_normal((2, 3, 4)),
                   rng(2).standard_normal((3, 1)))


@pytest.mark.parametrize("size", [(3,), (1, 3), (2, 1), (1, 1), (), (1,), (4, 2, 3)])
def test_sum_to_size_records_pytorchs_sum_to(size):
    """sum_to: ``sum()`` to a 0-d size, else ``sum(dims, keepdim=True)`` and a ``view`` when leading
    dimensions go; the engine reduces a broadcast input's gradient the same way (seen with create_graph)."""
    def f(L):
        x = L.tensor([[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]], dtype=L.float64, requires_grad=True)
        if size == (4, 2, 3):
            return L.ones(size).sum_to_size(x.shape)
        y = x.sum_to_size(size)
        w = L.ones(size, dtype=L.float64, requires_grad=True)
        g, = L.autograd.grad(((x + w) ** 2).sum(), w, create_graph=True)
        return y, graph_names(y.grad_fn, 1), g, graph_names(g.grad_fn, 1), y.stride()

    same(f)


DOUBLE_BACKWARD = {
    "mean": lambda x: x.mean(), "mean_dim": lambda x: x.mean(1), "max_all": lambda x: x.max(),
    "min_all": lambda x: x.min(), "max_nan": lambda x: x.log().max(),
    "sort": lambda x: x.sort(1)[0], "topk": lambda x: x.topk(2)[0], "cumsum": lambda x: x.cumsum(1),
    "cumprod": lambda x: x.cumprod(1), "cumprod_single": lambda x: x[:, :1].cumprod(1),
    "cumsum_single": lambda x: x[:, :1].cumsum(1), "norm_inf": lambda x: x.norm(p=float("inf"), dim=1),
    "norm_0": lambda x: x.norm(p=0), "norm_1": lambda x: x.norm(p=1, dim=0), "norm_half": lambda x: x.norm(p=0.5),
    "norm_1_5": lambda x: x.norm(p=1.5, dim=1, keepdim=True), "norm_3": lambda x: x.norm(p=3),
}


@pytest.mark.parametrize("op", DOUBLE_BACKWARD)
def test_backward_formulas_record_pytorchs_nodes(op):
    """Each backward formula uses the ops of PyTorch's (mean: grad / n as div.Scalar, max(): masked_fill
    with a tensor value, sort/topk: scatter, cumsum's trivial case, norm_backward op for op): a gradient
    taken with create_graph has PyTorch's node, and the second-order gradient PyTorch's value."""
    def f(L):
        x = L.tensor([[0.7, -1.3, 0.0], [1.3, 0.4, -0.6]], dtype=L.float64, requires_grad=True)
        y = DOUBLE_BACKWARD[op](x)
        g, = L.autograd.grad((y * y).sum(), x, create_graph=True)
        h = L.autograd.grad((g * g).sum(), x, allow_unused=True)[0] if g.requires_grad else None
        return y, g, graph_names(g.grad_fn, 1), h

    same(f)


@pytest.mark.parametrize("op", ["abs", "reciprocal", "rpow", "var", "std", "logsumexp", "logsumexp_all", "norm_all",
                                "l1_loss"])
def test_first_backward_graph_is_pytorchs(op):
    """One level under a create_graph gradient, the nodes of PyTorch's formula: abs's sgn, -grad * (r * r),
    grad * (result * log(base)), var's (2 / dof) as mul.Scalar, logsumexp's and a full norm's broadcasts."""
    ops = {"abs": lambda L, x: x.abs(), "reciprocal": lambda L, x: x.reciprocal(), "rpow": lambda L, x: 2 ** x,
           "var": lambda L, x: x.var(1), "std": lambda L, x: x.std(), "logsumexp": lambda L, x: x.logsumexp(1),
           "logsumexp_all": lambda L, x: x.logsumexp((0, 1)), "norm_all": lambda L, x: x.norm(),
           "l1_loss": lambda L, x: L.nn.functional.l1_loss(x, x.detach() * 0.5)}

    def f(L):
        x = L.tensor([[0.7, -1.3, 0.2], [1.1, 0.4, -0.6]], dtype=L.float64, requires_grad=True)
        g, = L.autograd.grad((ops[op](L, x) ** 2).sum(), x, create_graph=True)
        return g, graph_names(g.grad_fn, 1), L.autograd.grad((g * g).sum(), x)[0]

    same(f)


def test_cumsum_starts_from_positive_zero_in_float64():
    """PyTorch's running sum starts from +0 and adds in float64 (its CPU accumulate type): an
    all -0. prefix sums to +0, float32 partial sums are rounded once; a 0-d input is copied."""
    from harness import same_bits
    same_bits(lambda L: L.tensor([[-1.0, 1.0], [-0.0, -0.0]]).cumsum(1))
    same_bits(lambda L: L.tensor([[-0.0, -0.0], [-0.0, 2.0]]).t().cumsum(0))
    same_bits(lambda L: L.tensor([16777216.0, 1.0, 1.0, -16777216.0]).cumsum(0))
    same_bits(lambda L: L.tensor([1e8, 1.0, -1e8, 1.0], dtype=L.float64).cumsum(0))
    same_bits(lambda L: L.tensor(-0.0).cumsum(0))
    same_bits(lambda L: L.tensor([True, False, True]).cumsum(0))


@pytest.mark.parametrize("op", ["amax", "amin"])
def test_amax_amin_keep_the_first_of_equal_zeros(op):
    """The kernel replaces its running value only by a strictly greater (smaller) one."""
    from harness import same_bits
    x = [[-0.0, 0.0, -1.0], [0.0, -0.0, 0.0]]
    for dims in (0, 1, -1, (0, 1), ()):
        same_bits(lambda L: getattr(L.tensor(x), op)(dims))
        same_bits(lambda L: getattr(L.tensor(x).t(), op)(dims, keepdim=True))
    same_bits(lambda L: getattr(L.tensor(-0.0), op)())


@pytest.mark.parametrize("call", ["x.prod(dim=(0, 1))", "T.prod(x, dim=(0, 1))", "x.prod(dim=[0])",
                                  "x.prod((0, 1), keepdim=True)", "T.prod(x, dim=(1,), keepdim=True)"])
def test_prod_takes_one_dim(call):
    """Unlike sum, prod has no tuple-of-dims overload: PyTorch's argument parser refuses it."""
    raises_same(lambda L: eval(call, {"T": L, "x": L.ones(2, 3)}))


def test_prod_gradient_with_zeros_is_contiguous():
    """With a zero in a slice the gradient is built from exclusive products (contiguous), also under
    create_graph."""
    x = np.array([[[0.0, -1.0, 0.0, 1.0], [0.0, -1.0, 0.0, -1.0]], [[-0.0, 2.0, 0.0, 1.0], [3.0, -0.0, 0.0, -0.0]]])

    def grads(L, x):
        return [L.autograd.grad(x.prod(d, keepdim=k).sum(), x, create_graph=cg)[0]
                for d in (-2, 0, 2) for k in (False, True) for cg in (False, True)]
    compare_layout(grads, x, requires_grad=True)


@pytest.mark.parametrize("code", ["x.any(2)", "x.all(-3)", "x.any((0, 1))", "x.all((0, 1))", "T.tensor(1.).any(0)",
                                  "T.tensor(1.).all(-1, keepdim=True)", "x.any(0, keepdim=True)", "T.zeros(0, 2).all(0)",
                                  "x.count_nonzero(2)", "x.count_nonzero((0, 1))", "x.any(dim=(0, 0))", "x.any()"])
def test_any_all_count_nonzero_dims(code):
    """Their dims are checked and wrapped as every reduction's (PyTorch's messages, not numpy's)."""
    same(lambda L: eval(code, {"T": L, "x": L.tensor([[1.0, 0.0], [2.0, 3.0]])}))


HIGHER_ORDER = {
    "sum": lambda L, x: x.sum(), "sum_dims": lambda L, x: x.reshape(2, 2, 3).sum((0, 2), keepdim=True),
    "mean": lambda L, x: x.mean(), "mean_dims": lambda L, x: x.reshape(2, 2, 3).mean((0, 2)),
    "var": lambda L, x: x.var(), "var_dim": lambda L, x: x.var(1), "var_dims": lambda L, x: x.reshape(2, 2, 3).var((0, 2)),
    "var_1d": lambda L, x: x.reshape(-1).var(0), "std": lambda L, x: x.std(correction=0),
    "std_dim": lambda L, x: x.std(0, keepdim=True), "cumsum": lambda L, x: x.cumsum(1),
    "prod": lambda L, x: x.prod(), "prod_dim": lambda L, x: x.prod(1), "prod_keepdim": lambda L, x: x.prod(0, keepdim=True),
    "max": lambda L, x: x.max(), "max_dim": lambda L, x: x.max(1)[0], "amax": lambda L, x: x.amax(1),
    "norm": lambda L, x: x.norm(), "norm1": lambda L, x: x.norm(1), "norm_inf": lambda L, x: x.norm(float("inf")),
    "norm_dim": lambda L, x: x.norm(dim=1), "logsumexp": lambda L, x: x.logsumexp(0, keepdim=True),
    "sort": lambda L, x: x.sort(1)[0] * x, "topk": lambda L, x: x.topk(2)[0],
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", HIGHER_ORDER)
def test_higher_order_graphs(case, dtype):
    """First, second and third order gradients: values and every recorded node as PyTorch's (prod's
    backward is ``grad * (result / input)`` with the reduced dimension unsqueezed, not expanded)."""
    compare_orders(HIGHER_ORDER[case], rng(5).standard_normal((4, 3)).astype(dtype))


def _with_zeros(shape: tuple, where: tuple, dtype: str) -> np.ndarray:
    a = rng(5).standard_normal(shape)
    for index in where:
        a[index] = 0.0
    return a.astype(dtype)


ZEROS = {"none": (), "one": ((0, 1, 2),), "two_in_a_row": ((1, 0, 1), (1, 0, 3)), "apart": ((0, 2, 0), (1, 1, 3)),
         "first_and_last": ((0, 0, 0), (0, 0, 3), (1, 2, 0), (1, 2, 3))}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("zeros", ZEROS)
def test_cumprod_higher_order_graphs(zeros, dim, dtype):
    """PyTorch's cumprod_backward to third order, values and every node: without zeros
    ``reversed_cumsum(result * grad) / input``; with a zero under create_graph, per position k a
    prod of the elements before it times a cumprod of those after it, copied into zeros."""
    compare_orders(lambda T, x: x.cumprod(dim), _with_zeros((2, 3, 4), ZEROS[zeros], dtype))


@pytest.mark.parametrize("to", ["float64", "float32"])
@pytest.mark.parametrize("zeros", ["none", "apart"])
def test_cumprod_dtype_keyword_graphs(zeros, to):
    """With ``dtype`` the input is converted inside cumprod (no ToCopyBackward0 under it) and its
    backward casts the gradient back to the input's dtype first, as PyTorch's."""
    source = "float32" if to == "float64" else "float64"
    compare_orders(lambda T, x: T.cumprod(x, 1, dtype=getattr(T, to)), _with_zeros((2, 3, 4), ZEROS[zeros], source))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("zeros", ZEROS)
@pytest.mark.parametrize("reduce", ["all", "dim", "last_dim", "keepdim"])
def test_prod_with_zeros_higher_order_graphs(reduce, zeros, dtype):
    """With a zero, prod's backward is PyTorch's prod_safe_zeros_backward (exclusive cumprods from
    both ends: ones, cat, narrow, cumprod, flip), over a flattened view for prod(): its values
    and whole graph to third order."""
    ops = {"all": lambda T, x: x.prod(), "dim": lambda T, x: T.prod(x, 1), "last_dim": lambda T, x: x.prod(-1),
           "keepdim": lambda T, x: x.prod(0, keepdim=True)}
    compare_orders(ops[reduce], _with_zeros((2, 3, 4), ZEROS[zeros], dtype))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("zeros", ZEROS)
def test_cumprod_and_prod_first_order_with_zeros(zeros, dtype):
    """Without create_graph, cumprod's zeros take PyTorch's O(n) masked path (and prod's several
    zeros give zeros): values bit for bit, for every dim."""
    from harness import same_bits
    a = _with_zeros((2, 3, 4), ZEROS[zeros], dtype)
    w = rng(7).standard_normal((2, 3, 4)).astype(dtype)

    def grads(L):
        x = L.tensor(a, requires_grad=True)
        cumprods = [L.autograd.grad(x.cumprod(d), x, L.tensor(w))[0] for d in (0, 1, 2)]
        if zeros == "none":  # (prod's own forward sums in another order: the last bit may differ)
            return cumprods
        prods = [L.autograd.grad(x.prod(d).sum(), x)[0] for d in (0, 1, 2)]
        return cumprods + prods + [L.autograd.grad(x.prod(), x)[0]]
    same_bits(grads)


@pytest.mark.parametrize("call", ["T.cumprod(x, 1)", "x.cumprod(dim=-1)", "x.cumprod(0, dtype=T.float64)",
                                  "T.cumprod(x.int(), 1)", "(x > 0).cumprod(1)", "T.tensor(-0.0).cumprod(0)",
                                  "T.tensor([-0.0, 2.0]).cumprod(0)", "T.zeros(0, 2).cumprod(0)",
                                  "T.tensor([1.1, 1.3, 1.7, 0.9, 3.3, 1e-3, 7.7] * 3).cumprod(0)", "x.cumprod(2)",
                                  "x.cumprod(-3)"])
def test_cumprod_values(call):
    """Running products: integers and bools give int64, float32 is multiplied in float64 (PyTorch's
    CPU accumulate type) and rounded once, a 0-d input is copied; a dim out of range, PyTorch's error."""
    from harness import same_bits
    if "(2)" in call or "(-3)" in call:
        raises_same(lambda L: eval(call, {"T": L, "x": L.ones(2, 3)}))
    else:
        same_bits(lambda L: eval(call, {"T": L, "x": L.tensor([[1.5, -2.0, 0.5], [3.0, 0.0, -1.0]])}))


def test_cumprod_node():
    """CumprodBackward0 saves the dim, the input and the result, as PyTorch's."""
    def f(L):
        x = L.tensor([[1.5, -2.0, 0.5]], requires_grad=True)
        y = x.cumprod(-1)  # (the dim as given: -1 comes back as an unsigned int64)
        return y.grad_fn.name(), y.grad_fn._saved_dim, y.grad_fn._saved_self, y.grad_fn._saved_result
    same(f)


@pytest.mark.parametrize("reduce", [lambda x: x.amax(1), lambda x: x.amin((0, 1)), lambda x: x.amax(),
                                    lambda x: x.amin(0, keepdim=True)], ids=["amax1", "amin01", "amax", "amin0k"])
def test_amax_amin_backward_restores_dims_by_reshape(reduce):
    """scale_grad_by_count(restore_reduced_dims(grad)): a reshape (ViewBackward0) in PyTorch's formula."""
    compare_orders(lambda T, x: reduce(x), *ties())


# --- dtype= on sum, nansum, prod, cumsum, cumprod -----------------------------------------

NAN_ROWS = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, np.nan]])


@pytest.mark.parametrize("fn", [
    lambda L, x: x.sum(dtype=L.int64), lambda L, x: x.sum(0, dtype=L.int32), lambda L, x: x.cumsum(0, dtype=L.int64),
    lambda L, x: x.prod(dtype=L.int64), lambda L, x: x.cumprod(0, dtype=L.uint8), lambda L, x: x.nansum(dtype=L.int64),
    lambda L, x: x.sum(dtype=L.bool), lambda L, x: x.mean(dtype=L.int64),
], ids=["sum", "sum_dim", "cumsum", "prod", "cumprod", "nansum", "sum_bool", "mean"])
def test_integral_dtype_refused_where_recorded(fn):
    """An integral dtype= cannot carry a gradient: PyTorch refuses it when the result would be recorded."""
    compare_error(fn, NAN_ROWS, requires_grad=True)


@pytest.mark.parametrize("fn", [
    lambda L, x: x.sum(dtype=L.int64), lambda L, x: x.sum(0, dtype=L.int32), lambda L, x: x.sum(dtype=L.bool),
    lambda L, x: x.prod(dtype=L.int64), lambda L, x: x.cumsum(1, dtype=L.int64), lambda L, x: x.nansum(dtype=L.int64),
    lambda L, x: x.int().nansum(), lambda L, x: x.bool().nansum(),
], ids=["sum", "sum_dim", "sum_bool", "prod", "cumsum", "nansum", "nansum_int", "nansum_bool"])
def test_integral_dtype_without_grad(fn):
    """Without grad the dtype= is the dtype the reduction computes and returns in (bool: any)."""
    compare(fn, np.array([[1.5, 2.0, 0.0], [3.0, 4.5, -2.5]]), requires_grad=False)


def test_integral_dtype_under_no_grad():
    """Under no_grad nothing is recorded, so a tensor that requires grad may be summed into integers."""
    def run(L):
        x = L.tensor([[1.5, 2.0], [3.0, 4.5]], requires_grad=True)
        with L.no_grad():
            return x.sum(dtype=L.int64), x.cumsum(1, dtype=L.int32), x.prod(dtype=L.int64), x.cumprod(1, dtype=L.int32)

    same(run)


@pytest.mark.parametrize("fn", [
    lambda L, x: x.nansum(), lambda L, x: x.nansum(1), lambda L, x: x.nansum(1, keepdim=True),
    lambda L, x: L.nansum(x, (0, 1)), lambda L, x: x.nansum(dtype=L.float64), lambda L, x: x.cumsum(1, dtype=L.float64),
    lambda L, x: x.prod(dtype=L.float64), lambda L, x: x.prod(1, dtype=L.float64),
], ids=["nansum", "nansum_dim", "nansum_keepdim", "nansum_dims", "nansum_float64", "cumsum_float64", "prod_float64",
        "prod_dim_float64"])
def test_float_dtype_and_nansum(fn):
    """nansum (NansumBackward0: no gradient where NaN); a float dtype= records no ToCopyBackward0 before the node."""
    compare(fn, NAN_ROWS)


def test_cumsum_dtype_double_backward():
    """cumsum's backward casts the gradient back first (PyTorch's formula), then its reversed running sum."""
    compare_orders(lambda L, x: x.cumsum(1, dtype=L.float64).pow(2), NAN_ROWS[:, :1].repeat(3, 1).astype(np.float32),
                   order=2)


@pytest.mark.parametrize("case", ["empty_k2", "bool_k4", "bool_k1", "empty_k0", "float_k4"])
def test_topk_checks_k_before_the_bool_dtype(case):
    """topk refuses an out-of-range ``k`` before a bool input (an empty bool tensor says "k out of range")."""
    size, dtype, k = {"empty_k2": (0, "bool", 2), "bool_k4": (3, "bool", 4), "bool_k1": (3, "bool", 1),
                      "empty_k0": (0, "bool", 0), "float_k4": (3, "float32", 4)}[case]
    raises_same(lambda L: L.zeros(size, dtype=getattr(L, dtype)).topk(k))
