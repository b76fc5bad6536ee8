"""Comparisons and predicates (ops/comparison.py) against PyTorch.

Each case is ``fn(lib, *tensors)`` run once with ``lib = autograd_lite`` and once with
``lib = torch`` on tensors built from the same numpy arrays (see ``harness.compare``).
"""
from __future__ import annotations

import numpy as np  # noqa: F401
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402,F401
from harness import P, arrays, assert_same_tensor, case_tests, compare, compare_error, leaves, rng, setitem, ties  # noqa: E402,F401
from harness import compare_layout, graph_names, same  # noqa: E402


COMPARE = [
    ("eq", lambda L, a, b: L.eq(a, b)), ("ne", lambda L, a, b: L.ne(a, b)), ("gt", lambda L, a, b: L.gt(a, b)),
    ("lt", lambda L, a, b: L.lt(a, b)), ("ge", lambda L, a, b: L.ge(a, b)), ("le", lambda L, a, b: L.le(a, b)),
    ("eq_op", lambda L, a, b: a == b), ("ne_op", lambda L, a, b: a != b), ("gt_op", lambda L, a, b: a > b),
    ("lt_op", lambda L, a, b: a < b), ("ge_op", lambda L, a, b: a >= b), ("le_op", lambda L, a, b: a <= b),
    ("ge_method", lambda L, a, b: a.ge(b)), ("eq_scalar", lambda L, a, b: a == 1.0),
    ("gt_scalar", lambda L, a, b: a > 0), ("rlt_scalar", lambda L, a, b: 0 < a),
]


@pytest.mark.parametrize("case", COMPARE, ids=[c[0] for c in COMPARE])
@pytest.mark.parametrize("requires_grad", [False, True])
def test_compare(case, requires_grad):
    a = np.array([[1., 2., 3.], [0., -1., 1.]])
    b = np.array([1., 0., 3.])
    compare(case[1], a, b, requires_grad=requires_grad, grad=False)


BITWISE = ["a & b", "a | b", "a ^ b", "a & 3", "3 | a", "a ^ True", "L.bitwise_and(a, b)", "a.bitwise_or(b)",
           "L.bitwise_xor(a, 1)", "a.logical_and(b)", "L.logical_xor(b, a)"]


@pytest.mark.parametrize("source", BITWISE)
@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("bool", "bool"), ("bool", "int64"), ("int32", "bool")])
def test_bitwise_and_logical(source, dtypes):
    """``&``, ``|``, ``^`` are bitwise (logical on bools) in the promoted dtype; ``logical_*`` give bools."""
    a, b = np.array([[1, 0, 6], [3, 2, 0]]).astype(dtypes[0]), np.array([1, 3, 0]).astype(dtypes[1])
    compare(lambda L, a, b: eval(source), a, b, requires_grad=False, grad=False)


@pytest.mark.parametrize("source", ["a & b", "a | 1", "a ^ b", "L.bitwise_and(a, 1)", "a & None", "a.bitwise_or(1.5)"])
def test_bitwise_refuses_floats(source):
    compare_error(lambda L, a, b: eval(source), np.ones(3), np.ones(3), requires_grad=True)


@pytest.mark.parametrize("args", [((1.0, 2.0), (1.0, 2.0000001), {}), ((1.0, 2.0), (1.0, 2.1), {}),
                                  ((1.0, 2.0), (1.0, 2.1), {"atol": 0.2}), ((1.0, 2.0), (1.1, 2.0), {"rtol": 0.2}),
                                  ((float("nan"),), (float("nan"),), {}),
                                  ((float("nan"),), (float("nan"),), {"equal_nan": True})])
def test_allclose(args):
    a, b, kw = args
    assert autograd_lite.allclose(autograd_lite.tensor(a), autograd_lite.tensor(b), **kw) is \
        torch.allclose(torch.tensor(a), torch.tensor(b), **kw)
    assert autograd_lite.tensor(a).allclose(autograd_lite.tensor(b), **kw) is \
        torch.tensor(a).allclose(torch.tensor(b), **kw)


def test_isnan_sign_floor_special_values():
    x = np.array([float("nan"), -0.0, 0.0, -1.5, 2.5, float("inf"), -float("inf")])
    compare(lambda L, a: L.isnan(a), x, requires_grad=False, grad=False)
    compare(lambda L, a: a.isnan(), x, requires_grad=True, grad=False)
    compare(lambda L, a: L.sign(a), x, requires_grad=False, grad=False)
    compare(lambda L, a: L.floor(a), x, requires_grad=False, grad=False)


def test_unique_options():
    x = np.array([3, 1, 2, 3, 1, 5])
    compare(lambda L, a: L.unique(a, return_inverse=True, return_counts=True), x, requires_grad=False,
            grad=False)
    compare(lambda L, a: a.unique(return_counts=True), x.astype(np.float64), requires_grad=True, grad=False)


def test_bitwise_operators_promote_and_refuse_floats():
    """``&``, ``|``, ``^`` are bitwise on the promoted dtype (an int tensor | True is an int tensor)."""
    from harness import raises_same, same
    same(lambda L: (L.tensor([2, 4]) | True, L.tensor([2, 4]) & L.tensor(1), L.tensor([True]) | L.tensor([2]),
                    True ^ L.tensor([True, False]), 3 & L.tensor([1, 2]), L.bitwise_xor(L.tensor([5]), 3)))
    raises_same(lambda L: L.tensor([1.0]) | True)
    raises_same(lambda L: ~L.tensor([1.0]))


COMPARISON_LAYOUTS = [
    lambda L, a, c, s: a.t() > 0,
    lambda L, a, c, s: s.t() != -1,
    lambda L, a, c, s: L.where(s.t() > 0, s.t(), -0.0),
    lambda L, a, c, s: L.where(c.permute(2, 1, 0) > 0, c.permute(2, 0, 1).transpose(1, 2), 1.0),
    lambda L, a, c, s: L.logical_not(c.permute(1, 2, 0) > 0),
    lambda L, a, c, s: c.permute(2, 1, 0).isnan(),
]


@pytest.mark.parametrize("case", range(len(COMPARISON_LAYOUTS)))
def test_comparison_layout(case):
    """``where``: the condition is TensorIterator's first operand, so its layout decides first."""
    compare_layout(COMPARISON_LAYOUTS[case], rng().standard_normal((3, 4)), rng(1).standard_normal((2, 3, 4)),
                   rng(2).standard_normal((3, 1)))


def test_masked_fill_with_a_tensor_value():
    """masked_fill with a 0-d tensor value is another op (MaskedFillBackward1): the value gets the
    filled places' gradient; masked_fill's own gradient is a masked_fill of the gradient. (PyTorch sums
    the value's through masked_select, which autograd_lite does not have: a where here.)"""
    def f(L):
        x = L.tensor([[0.7, -1.3, 0.5], [1.3, 0.4, -0.6]], dtype=L.float64, requires_grad=True)
        v = L.tensor(2.5, dtype=L.float64, requires_grad=True)
        y = x.masked_fill(x.detach() > 0.6, v)
        z = x.masked_fill(x.detach() < 0, L.tensor(1.0))
        g = L.autograd.grad((y * y).sum() + (z * z).sum(), (x, v), create_graph=True)
        return y, z, g, graph_names(g[0].grad_fn, 1), g[1].grad_fn.name()

    same(f)


# maximum, minimum and clamp with number bounds compare as ``std::max``/``std::min`` do: the
# first operand is kept unless the second is strictly greater (smaller), so of -0. and 0. the
# first stays; NaN propagates. (A contiguous run of a SIMD register's width or more, 4 doubles on
# AVX2, takes PyTorch's vectorised path, which keeps the second: the cases stay below that.)
SIGNED_ZEROS = [0.0, -0.0, 1.0, -2.0, float("nan")]


@pytest.mark.parametrize("op", ["maximum", "minimum"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_maximum_minimum_ties_keep_the_first(op, dtype):
    from harness import same_bits
    for lo in range(0, 25, 3):
        a = np.repeat(SIGNED_ZEROS, len(SIGNED_ZEROS))[lo:lo + 3]
        b = np.tile(SIGNED_ZEROS, len(SIGNED_ZEROS))[lo:lo + 3]
        same_bits(lambda L: getattr(L, op)(L.tensor(a, dtype=getattr(L, dtype)), L.tensor(b, dtype=getattr(L, dtype))))
    same_bits(lambda L: getattr(L, op)(L.tensor([[0, 1], [-1, 0]]), L.tensor([-0.0, 0.0])))  # int beside float


@pytest.mark.parametrize("bounds", [dict(min=-0.0), dict(min=0.0), dict(max=-0.0), dict(max=0.0),
                                    dict(min=-0.0, max=0.0), dict(min=0.0, max=-0.0), dict(min=float("nan")),
                                    dict(max=float("nan"))])
def test_clamp_signed_zero_bounds(bounds):
    from harness import same_bits
    x = [-0.0, 0.0, -2.0, 3.0, float("nan")]
    same_bits(lambda L: L.tensor(x).clamp(**bounds))
    same_bits(lambda L: L.tensor(x * 8, dtype=L.float64).clamp(**bounds))  # the vectorised path agrees
    same_bits(lambda L: L.tensor([[2, -1, 0]]).clamp(**bounds))  # an int tensor promoted by a float bound
    same_bits(lambda L: L.tensor([False, True]).log1p().clamp_(**bounds))


def test_where_saves_its_condition():
    """The condition is a saved tensor: shown as ``_saved_condition``, freed by backward (a second
    backward through the node raises, as in PyTorch)."""
    from harness import same

    def run(L):
        x = L.tensor([[0.0, -1.0], [1.0, 2.0]], requires_grad=True)
        y = L.where(L.tensor([False, True]), L.tensor([False, True]), x)
        saved = y.grad_fn._saved_condition
        y.sum().backward()
        return saved, L.autograd.grad(y.pow(2).sum(), [x])
    same(run)


# Ops without a ``Number other`` overload: a number (or None, a list, a numpy scalar) raises the
# TypeError of PyTorch's argument parser, which counts positions in the form called.
TENSORS_ONLY = ["maximum", "minimum", "logical_and", "logical_or", "logical_xor", "equal", "isclose", "allclose",
                "dot", "mm", "mv", "bmm", "matmul", "outer"]
NOT_TENSORS = [0, 1.5, True, None, [1.0, 2.0], np.float64(2.0), np.ones(2)]


@pytest.mark.parametrize("name", TENSORS_ONLY)
@pytest.mark.parametrize("value", NOT_TENSORS, ids=lambda v: type(v).__name__)
@pytest.mark.parametrize("form", ["function", "method", "keyword", "first"])
def test_tensors_only_ops_refuse_other_values_in_the_form_called(name, value, form):
    def call(L):
        t = L.ones(2)
        if form == "function":
            return getattr(L, name)(t, value)
        if form == "method":
            return getattr(t, name)(value)
        if form == "keyword":  # (the keyword is the second parameter's name in PyTorch's signature)
            return getattr(L, name)(t, **{{"dot": "tensor", "mm": "mat2", "bmm": "mat2", "mv": "vec",
                                           "outer": "vec2"}.get(name, "other"): value})
        return getattr(L, name)(value, t)

    compare_error(lambda L: call(L))


@pytest.mark.parametrize("source", ["a @ 2", "2 @ a", "a @ None", "a.matmul(2.0)", "L.logical_xor(a, 0)",
                                    "a.logical_and(False)"])
def test_operators_and_methods_refusing_numbers(source):
    """``@`` gives way to a number (Python's TypeError); the named ops raise the parser's."""
    compare_error(lambda L, a: eval(source), np.ones(3))


# The ops taking a tensor or a number (comparisons, bitwise): anything else, or a number first
# (where PyTorch has no such signature), raises the parser's "invalid combination of arguments",
# listing the signatures of the form called (and why one with as many arguments did not match).
PARSER_MISUSES = ["L.eq(0, a)", "L.gt(0.5, a)", "L.ne(a, None)", "a.eq(None)", "a.ge([1, 2, 3])", "a.le((1, 2))",
                  "L.lt(a, 'x')", "a.greater([])", "L.greater_equal(None, a)", "a.not_equal([a])", "L.le(a)",
                  "a.le()", "a.eq(1, 2)", "a.eq(np.ones(3))", "a.eq(other=None)", "L.eq(0, other=a)",
                  "L.bitwise_and(b, None)", "L.bitwise_or(None, b)", "L.bitwise_xor(1, 2)", "b.bitwise_and('x')",
                  "L.bitwise_and(b, [1, 2])"]


@pytest.mark.parametrize("source", PARSER_MISUSES)
def test_tensor_or_number_ops_refuse_other_arguments(source):
    compare_error(lambda L, a, b: eval(source), np.ones(3), np.array([True, False, True]))


@pytest.mark.parametrize("source", ["a.eq(other=2.0)", "L.eq(a, other=a)", "L.eq(input=a, other=1)",
                                    "L.bitwise_and(1, b)", "b.bitwise_or(other=True)", "a.eq(np.float32(1))",
                                    "a == [1, 2]", "L.greater(a, True)", "a.not_equal(a)"])
def test_tensor_or_number_ops_take_their_signatures(source):
    compare(lambda L, a, b: eval(source), np.ones(3), np.array([True, False, True]), requires_grad=False,
            grad=False)


@pytest.mark.parametrize("fn", [lambda L, x: L.isfinite(x), lambda L, x: L.isinf(x), lambda L, x: L.isfinite(x.t()),
                                lambda L, x: L.isinf(x[:, :1]), lambda L, x: L.isfinite(x.bool())],
                         ids=["isfinite", "isinf", "transposed", "column", "bool"])
def test_isfinite_of_integers_is_laid_out_as_ones_like(fn):
    """Of an integer or bool tensor, PyTorch's isfinite/isinf are ones_like/zeros_like (fuzz seed 12469)."""
    compare_layout(fn, np.array([[4], [-3], [-3]]))
