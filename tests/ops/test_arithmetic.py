"""Arithmetic ops (ops/arithmetic.py) against PyTorch.

Each case is ``fn(lib, *tensors)`` run once with ``lib = autograd_lite`` and once with
``lib = torch`` on tensors built from the same numpy arrays (see ``harness.compare``).
"""
from __future__ import annotations

import numpy as np  # noqa: F401
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402,F401
from harness import P, arrays, assert_same_tensor, case_tests, compare, compare_error, leaves, raises_same, rng, same, setitem, ties  # noqa: E402,F401
from harness import compare_layout, compare_orders, graph_names  # noqa: E402


CASES = [
    # --- arithmetic, with broadcasting -----------------------------------------------------
    ("add", lambda L, a, b: L.add(a, b), [(3, 4), (3, 4)], {}),
    ("add_bcast_row", lambda L, a, b: a + b, [(2, 3), (3,)], {}),
    ("add_bcast_outer", lambda L, a, b: a + b, [(4, 1), (1, 5)], {}),
    ("add_bcast_3d", lambda L, a, b: a + b, [(2, 1, 3), (4, 3)], {}),
    ("add_alpha", lambda L, a, b: L.add(a, b, alpha=2.5), [(2, 3), (3,)], {}),
    ("add_scalar", lambda L, a: a + 2, [(2, 3)], {}),
    ("radd_scalar", lambda L, a: 2.5 + a, [(2, 3)], {}),
    ("add_method", lambda L, a, b: a.add(b), [(4, 1), (1, 5)], {}),
    ("sub", lambda L, a, b: L.sub(a, b), [(4, 1), (1, 5)], {}),
    ("sub_op", lambda L, a, b: a - b, [(2, 1, 3), (4, 3)], {}),
    ("sub_alpha", lambda L, a, b: a.sub(b, alpha=3), [(2, 3), (2, 3)], {}),
    ("sub_scalar", lambda L, a: a - 2, [(2, 3)], {}),
    ("rsub_scalar", lambda L, a: 2 - a, [(2, 3)], {}),
    ("mul", lambda L, a, b: L.mul(a, b), [(2, 1, 3), (4, 3)], {}),
    ("mul_op", lambda L, a, b: a * b, [(4, 1), (1, 5)], {}),
    ("mul_scalar", lambda L, a: a * 2, [(2, 3)], {}),
    ("rmul_scalar", lambda L, a: 2.5 * a, [(2, 3)], {}),
    ("mul_self", lambda L, a: a * a, [(2, 3)], {}),
    ("div", lambda L, a, b: L.div(a, b), [(2, 3), (3,)], P),
    ("div_op", lambda L, a, b: a / b, [(2, 1, 3), (4, 3)], P),
    ("div_scalar", lambda L, a: a / 4, [(2, 3)], {}),
    ("rdiv_scalar", lambda L, a: 2 / a, [(2, 3)], P),
    ("div_floor", lambda L, a, b: L.div(a, b, rounding_mode="floor"), [(2, 3), (2, 3)], P),
    ("pow_scalar", lambda L, a: L.pow(a, 2), [(2, 3)], {}),
    ("pow_op_scalar", lambda L, a: a ** 3, [(3, 2)], {}),
    ("pow_frac", lambda L, a: a ** 2.5, [(2, 3)], P),
    ("pow_neg", lambda L, a: a ** -1, [(2, 3)], P),
    ("pow_zero", lambda L, a: a ** 0, [(2, 3)], {}),
    ("pow_tensor", lambda L, a, b: L.pow(a, b), [(2, 3), (2, 3)], P),
    ("pow_tensor_bcast", lambda L, a, b: a ** b, [(4, 1), (1, 5)], P),
    ("pow_scalar_base", lambda L, a: 2 ** a, [(2, 3)], {}),
    ("pow_scalar_base_fn", lambda L, a: L.pow(2.5, a), [(2, 3)], {}),
    ("neg", lambda L, a: L.neg(a), [(2, 3)], {}),
    ("neg_op", lambda L, a: -a, [(2, 3)], {}),
]
test_op_float64, test_op_float32, test_op_no_grad = case_tests(CASES)


def test_op_mixed_requires_grad():
    """Only the second input requires grad: the first edge is (None, 0)."""
    for fn in (lambda L, a, b: a * b, lambda L, a, b: a + b, lambda L, a, b: a @ b.t(),
               lambda L, a, b: L.where(a > 0, a, b), lambda L, a, b: L.cat([a, b])):
        a, b = arrays((2, 3), (2, 3))
        compare(fn, a, b, requires_grad=[False, True])
        compare(fn, a, b, requires_grad=[True, False])


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "maximum"])
def test_broadcast_mismatch_is_one_error(name):
    """PyTorch's message alone: numpy's "could not be broadcast" must not show before it."""
    compare_error(lambda lib, a, b: getattr(lib, name)(a, b), rng().standard_normal((2, 3)),
                  rng().standard_normal(4), requires_grad=True)


def test_where_broadcast_mismatch_is_one_error():
    compare_error(lambda lib, c, a, b: lib.where(c > 0, a, b), rng().standard_normal((2, 3)),
                  rng().standard_normal((2, 3)), rng().standard_normal(4))


def test_pow_zero_to_the_zero_masks():
    """derivatives.yaml masks pow's base gradient where the exponent is 0: 0 ** 0 has slope 0, and the
    double backward goes through that mask."""
    def f(L):
        a = L.tensor([0.0, 2.0, 0.0, -1.5], requires_grad=True)
        b = L.tensor([0.0, 0.0, 2.0, 3.0], requires_grad=True)
        ga, gb = L.autograd.grad((a ** b).sum(), (a, b), create_graph=True)
        return ga, gb, L.autograd.grad(ga.sum(), (a, b))
    same(f)


# --- floor_divide / remainder as PyTorch records them, operand checks (issue 10: M14, M17, N3) ------------

def test_remainder_is_differentiable_floor_divide_is_not():
    def f(L):
        x = L.tensor([-3.0, 0.0, -0.0, 5.5], requires_grad=True)
        y = L.tensor([2.0, -2.0, 1.0, -0.5], requires_grad=True)
        r, s, q, back = x % y, x % 2, x // y, 2 % x
        (r.sum() + s.sum()).backward()
        return r, np.signbit(r.detach().numpy()), s, q, back, x.grad, y.grad
    same(f)
    raises_same(lambda L: (L.tensor([1.0, 2.0], requires_grad=True) // 2).sum().backward())


INT_DIVISION = [
    lambda L, i: i % 0, lambda L, i: i // 0, lambda L, i: L.remainder(i, L.tensor([1, 0])), lambda L, i: i % 0.0,
    lambda L, i: 3 % L.tensor([0]), lambda L, i: i % 2, lambda L, i: -7 % i, lambda L, i: i // -2,
]


@pytest.mark.parametrize("op", INT_DIVISION)
def test_integer_division_by_zero(op):
    """Integers divided by 0 raise PyTorch's "ZeroDivisionError" (numpy gives 0 and warns); floats give nan."""
    same(lambda L: op(L, L.tensor([3, -3])))


@pytest.mark.parametrize("case", ["empty_mod_tensor", "empty_floordiv_int", "empty_bool_mod", "broadcast_to_empty"])
def test_integer_division_by_zero_of_nothing(case):
    """An empty result computes nothing, so an integer zero divisor raises nothing (PyTorch's kernel checks each element)."""
    same(lambda L: {"empty_mod_tensor": lambda: L.zeros(2, 0, dtype=L.int64) % L.tensor(0),
                    "empty_floordiv_int": lambda: L.zeros(0, dtype=L.int64) // 0,
                    "empty_bool_mod": lambda: L.zeros(2, 0, dtype=L.bool) % L.tensor(0),
                    "broadcast_to_empty": lambda: L.zeros(0, 1, dtype=L.int64) % L.tensor([0, 1])}[case]())


MISUSES = [
    lambda L, x, b: L.maximum(x, 0), lambda L, x, b: L.minimum(x, 1.5), lambda L, x, b: L.maximum(2, x),
    lambda L, x, b: b - x, lambda L, x, b: x - b, lambda L, x, b: b - 1, lambda L, x, b: 1 - b,
    lambda L, x, b: L.sub(x, b), lambda L, x, b: b - b,
]


@pytest.mark.parametrize("op", MISUSES)
def test_operand_misuses(op):
    raises_same(lambda L: op(L, L.ones(3), L.ones(3, dtype=L.bool)))


# TensorIterator's layout rule (autograd_lite/layout.py): results follow their inputs' stride order,
# the first input deciding; size-1 dimensions get PyTorch's strides; a number is a 0-d operand.
ELEMENTWISE_LAYOUTS = [
    lambda L, a, c, s: a.t() * 2,
    lambda L, a, c, s: 2 - a.t(),
    lambda L, a, c, s: s.t() * 1,
    lambda L, a, c, s: -1.0 + s.t().unsqueeze(0),
    lambda L, a, c, s: c.permute(2, 1, 0) / c.permute(2, 1, 0),
    lambda L, a, c, s: c.permute(2, 1, 0) + c.permute(2, 0, 1).transpose(1, 2),
    lambda L, a, c, s: c.permute(1, 2, 0)[..., ::2] * 3,
    lambda L, a, c, s: c[:1].permute(2, 0, 1).float() % 0.5,
    lambda L, a, c, s: c.permute(2, 1, 0) ** 2,
    lambda L, a, c, s: 2 ** c.permute(2, 1, 0),
    lambda L, a, c, s: c.permute(2, 1, 0) ** c.permute(2, 1, 0),
    lambda L, a, c, s: c.permute(2, 1, 0) // 0.5,
    lambda L, a, c, s: L.maximum(c.permute(2, 1, 0), c[0].t().unsqueeze(-1)),
    lambda L, a, c, s: L.div(a.t().contiguous(), a.t()),
    lambda L, a, c, s: a.t().reciprocal(),
    lambda L, a, c, s: -c.transpose(0, 2),
    lambda L, a, c, s: c.reshape(2, 3, 2, 2).permute(0, 2, 3, 1) + 1,  # channels-last
    lambda L, a, c, s: c.reshape(2, 3, 2, 2).permute(0, 2, 3, 1) * c.reshape(2, 3, 2, 2).permute(0, 2, 3, 1),
    # one dimension (strided, flipped, size 1), and size-1 dimensions with and without torch.empty's strides
    lambda L, a, c, s: a[:, 1] * a[0, :3],
    lambda L, a, c, s: a[1, ::2] + 1,
    lambda L, a, c, s: a[0].flip(0) * a[1],
    lambda L, a, c, s: a[1:2, 2] * 2 + a[0, :1],
    lambda L, a, c, s: (s * s, s.t() + s.t(), a[:1] * 2, a[:, :1] * a[:, 1:2], c[:, :1, 2:3] - c[:1, :, :1]),
]


@pytest.mark.parametrize("case", range(len(ELEMENTWISE_LAYOUTS)))
def test_elementwise_layout(case):
    compare_layout(ELEMENTWISE_LAYOUTS[case], rng().standard_normal((3, 4)), rng(1).standard_normal((2, 3, 4)),
                   rng(2).standard_normal((3, 1)))


def test_gradient_sum_layout():
    """Two gradients for one tensor with size-1 dimensions are summed in PyTorch's layout."""
    def fn(L, a, s):
        x = a[:1].detach().requires_grad_()  # (1, 4) with strides (4, 1)
        y = a[0].detach().requires_grad_()
        return (*L.autograd.grad((x * 2 + x * 3).sum(), [x]), *L.autograd.grad((s * 2 + s * 3).sum(), [s]),
                *L.autograd.grad((y * 2 + y * 3).sum(), [y]))
    compare_layout(fn, rng().standard_normal((3, 4)), rng(2).standard_normal((3, 1)), requires_grad=True)


def test_number_operand_layout():
    """A Python number is a 0-d operand in PyTorch (mul.Scalar wraps it), so a (4, 1) tensor with
    strides (1, 4) keeps them: TensorIterator's same-shape fast path does not apply (pow's gradient)."""
    def fn(L, a):
        x = a[:1].t().detach().requires_grad_()
        return (x * 2, *L.autograd.grad(x.pow(2).sum(), [x], create_graph=True))
    compare_layout(fn, rng().standard_normal((3, 4)))


def test_empty_result_layout():
    """An empty result has TensorIterator's strides, not numpy's zeros: ``x[:0] + 1`` is (1,)."""
    def fn(L, a):
        e, f = a[:0], a[:, :0]
        return e[:, 0] + 1, e * e, e - e, f.t() + 1, e.t() * 2, e + a[0], e[:, 0] * e[:, 0]
    compare_layout(fn, rng().standard_normal((3, 4)))


@pytest.mark.parametrize("op", ["div", "maximum", "minimum"])
def test_binary_double_backward_nodes(op):
    """div's gradient for the divisor is PyTorch's -grad * ((a / b) / b); maximum's and minimum's are
    ``where(tie, grad / 2, grad).masked_fill(lost, 0)``: PyTorch's nodes and second-order values."""
    def f(L):
        a = L.tensor([[0.7, -1.3, 0.5], [1.3, 0.4, -0.6]], dtype=L.float64, requires_grad=True)
        b = L.tensor([[0.5, -1.3, 2.0], [-1.0, 0.4, 0.6]], dtype=L.float64, requires_grad=True)
        y = getattr(L, op)(a, b)
        ga, gb = L.autograd.grad((y * y).sum(), (a, b), create_graph=True)
        h = L.autograd.grad((ga * gb).sum(), (a, b))
        return y, ga, gb, graph_names(ga.grad_fn, 2), graph_names(gb.grad_fn, 2), h

    same(f)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_div_gradient_in_pytorchs_order(dtype):
    """The divisor's gradient is ``-grad * ((a / b) / b)``, as PyTorch writes it: bit for bit the
    same values, and ``x / x``'s gradient (mathematically 0) comes out as PyTorch's."""
    r = rng(3)
    a, b, g = (r.standard_normal(200).astype(dtype) for _ in range(3))

    def grads(L):
        x, y = L.tensor(a, requires_grad=True), L.tensor(b, requires_grad=True)
        (x / y).backward(L.tensor(g))
        z = L.tensor(b, requires_grad=True)
        gz, = L.autograd.grad((z / z).mean(), z, create_graph=True)
        return x.grad, y.grad, gz
    from harness import same_bits
    same_bits(grads)


@pytest.mark.parametrize("code", ["x - True", "True - x", "x.sub(True)", "T.sub(x, False)", "x.sub_(True)",
                                  "T.zeros(2, dtype=T.long) - True", "T.tensor([True]) - True", "T.rsub(x, True)",
                                  "x - 1", "1 - x"])
def test_subtraction_with_a_python_bool(code):
    """A Python bool in a subtraction counts as a bool tensor: refused, with the mask hint."""
    same(lambda L: eval(code, {"T": L, "x": L.zeros(2)}))


@pytest.mark.parametrize("expr", ["x // 2", "x // y", "2 // x", "x // x", "y // x", "2 % x", "x.floor_divide(y)"])
def test_not_implemented_edges(expr):
    """PyTorch's fallback for ops without a derivative keeps edges only to inputs that require grad."""
    def run(T):
        x, y = T.tensor([3.0, -2.0], requires_grad=True), T.tensor([2.0, 4.0])
        out = eval(expr)
        return out, graph_names(out.grad_fn)
    same(run)


def test_pow_tensor_exponent_graphs():
    """pow(tensor, tensor): the exponent's gradient is computed first and ``exponent - 1`` is
    sub.Scalar (SubBackward1), as PyTorch's generated backward records them, to third order."""
    compare_orders(lambda T, x, y: T.pow(x, y), np.array([1.0, 0.0, 0.0, 2.0]), np.array([1.0, 0.0, 2.0, 0.5]))
    compare_orders(lambda T, x: T.pow(x, x).cumsum(0), np.array([1.0, 0.0, 0.0]))


def test_pow_bool_exponent_backward_refused():
    """``exponent - 1`` in pow's backward refuses a bool exponent with PyTorch's message, not numpy's."""
    def fn(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        (x ** T.tensor([True, False])).sum().backward()
    raises_same(fn)
