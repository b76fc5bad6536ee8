"""Elementwise math (ops/unary.py, ops/activations.py's tanh/sigmoid/relu) against PyTorch.

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
    # --- unary math -----------------------------------------------------------------------
    ("abs", lambda L, a: L.abs(a), [(2, 3)], {}),
    ("abs_method", lambda L, a: a.abs(), [(3, 2)], {}),
    ("exp", lambda L, a: L.exp(a), [(2, 3)], {}),
    ("log", lambda L, a: L.log(a), [(2, 3)], P),
    ("sqrt", lambda L, a: L.sqrt(a), [(2, 3)], P),
    ("sin", lambda L, a: L.sin(a), [(2, 3)], {}),
    ("cos", lambda L, a: L.cos(a), [(2, 3)], {}),
    ("tanh", lambda L, a: L.tanh(a), [(2, 3)], {}),
    ("sigmoid", lambda L, a: L.sigmoid(a), [(2, 3)], {}),
    ("relu", lambda L, a: L.relu(a), [(2, 3)], {}),
    ("exp_method", lambda L, a: a.exp(), [(3, 2)], {}),
    ("log_method", lambda L, a: a.log(), [(3, 2)], P),
    ("tanh_method", lambda L, a: a.tanh(), [(3, 2)], {}),
    ("sigmoid_method", lambda L, a: a.sigmoid(), [(3, 2)], {}),
    ("relu_method", lambda L, a: a.relu(), [(3, 2)], {}),
    ("clamp_min", lambda L, a: L.clamp(a, min=-0.3), [(3, 4)], {}),
    ("clamp_max", lambda L, a: L.clamp(a, max=0.2), [(3, 4)], {}),
    ("clamp_both", lambda L, a: a.clamp(-0.5, 0.5), [(3, 4)], {}),
    ("clamp_at_bounds", lambda L, a: a.clamp(-2.0, 1.0), ties, {}),
    ("maximum", lambda L, a, b: L.maximum(a, b), [(2, 3), (3,)], {}),
    ("minimum", lambda L, a, b: L.minimum(a, b), [(4, 1), (1, 5)], {}),
    ("maximum_ties", lambda L, a: L.maximum(a, a.clamp(max=1.0)), ties, {}),
    ("minimum_ties", lambda L, a: L.minimum(a, a.clamp(min=0.5)), ties, {}),
    ("where", lambda L, a, b: L.where(a > 0, a, b), [(2, 3), (2, 3)], {}),
    ("where_bcast", lambda L, a, b: L.where(b > 0, a, b), [(4, 1), (1, 5)], {}),
    ("where_scalar", lambda L, a: L.where(a > 0, a, 0.0), [(2, 3)], {}),
    ("sign", lambda L, a: L.sign(a), [(2, 3)], {}),
    ("floor", lambda L, a: L.floor(a * 3), [(2, 3)], {}),
]
test_op_float64, test_op_float32, test_op_no_grad = case_tests(CASES)


LOG_CASES = [
    ("log10", lambda L, a: L.log10(a), [(2, 3)], P),
    ("log10_method", lambda L, a: a.log10(), [(3, 2)], P),
    ("log2", lambda L, a: L.log2(a), [(2, 3)], P),
    ("log2_method", lambda L, a: (a * 3).log2(), [(3, 2)], P),
    ("log10_negative", lambda L, a: a.log10(), [(2, 3)], {}),  # nan below 0, as PyTorch
]
test_log_float64, test_log_float32, test_log_no_grad = case_tests(LOG_CASES)


@pytest.mark.parametrize("op", ["log10", "log2"])
def test_log_of_integers_is_float(op):
    same(lambda lib: getattr(lib, op)(lib.tensor([1, 8, 100])))


def test_relu_keeps_nan_and_signed_zero():
    """relu is clamp_min(x, 0): -0. and NaN stay; its backward is threshold_backward (0 where out <= 0),
    so a NaN passes its gradient."""
    def f(L):
        x = L.tensor([float("nan"), -1.0, 2.0, -0.0, 0.0], requires_grad=True)
        y = L.relu(x)
        y.sum().backward()
        return y, np.signbit(y.detach().numpy()), x.grad
    same(f)


def test_elu_gradient_at_nan_and_infinities():
    """elu_backward tests x <= 0 for its negative side: at NaN the gradient passes as for x > 0
    (first and second order, at 0, -0., NaN and the infinities)."""
    def f(L):
        x = L.tensor([-1.0, float("nan"), 0.0, -0.0, 2.0, -float("inf"), float("inf")], dtype=L.float64,
                     requires_grad=True)
        g, = L.autograd.grad((L.nn.functional.elu(x, 0.7) * L.arange(1.0, 8.0, dtype=L.float64)).sum(), x,
                             create_graph=True)
        gg, = L.autograd.grad((g * g).sum(), x)
        return g, gg
    same(f)


# --- the dtypes each op's kernel accepts (dtypes.check_accepts) and result dtypes ----------

_INTEGER_INPUT_OPS = {
    "abs": lambda L, x: x.abs(), "sign": lambda L, x: x.sign(), "floor": lambda L, x: x.floor(),
    "relu": lambda L, x: x.relu(), "relu_": lambda L, x: x.clone().relu_(),
    "elu": lambda L, x: L.nn.functional.elu(x), "gelu": lambda L, x: L.nn.functional.gelu(x),
    "silu": lambda L, x: L.nn.functional.silu(x), "softplus": lambda L, x: L.nn.functional.softplus(x),
    "leaky_relu": lambda L, x: L.nn.functional.leaky_relu(x), "mse_loss": lambda L, x: L.nn.functional.mse_loss(x, x),
    "norm": lambda L, x: x.norm(), "argmax": lambda L, x: x.argmax(), "argmin": lambda L, x: x.argmin(),
    "softmax": lambda L, x: x.softmax(0), "log_softmax": lambda L, x: x.log_softmax(-1),
    "remainder": lambda L, x: x % x, "floor_divide": lambda L, x: x // (x | True),
    "square": lambda L, x: L.square(x), "pow_int": lambda L, x: x ** 2, "pow_float": lambda L, x: x ** 0.5,
    "pow_tensor": lambda L, x: x ** x, "rpow": lambda L, x: 2 ** x, "clamp": lambda L, x: x.clamp(min=0),
    "tril": lambda L, x: x.tril(), "triu": lambda L, x: x.triu(1),
}


@pytest.mark.parametrize("shape", [(2, 3), (0, 2), ()], ids=["matrix", "empty", "0-d"])
@pytest.mark.parametrize("dtype", ["bool", "int64", "uint8"])
@pytest.mark.parametrize("op", list(_INTEGER_INPUT_OPS), ids=list(_INTEGER_INPUT_OPS))
def test_integer_and_bool_inputs(op, dtype, shape):
    """Each op on bool and integer tensors: PyTorch's result dtype, or its error (type and message)."""
    fn = _INTEGER_INPUT_OPS[op]
    same(lambda L: fn(L, (L.arange(6).reshape(2, 3) % 3 if shape == (2, 3) else L.ones(shape, dtype=L.long))
                      .to(getattr(L, dtype))))


def test_integer_power_with_negative_exponents():
    """An integer tensor exponent may be negative: 1 and -1 keep a value, any other base gives 0."""
    same(lambda L: (L.tensor([-3, -1, 0, 1, 2, 5]) ** L.tensor([-1, -3, -2, -5, -1, 2]),
                    2 ** L.tensor([-1, 0, 3]), (-1) ** L.tensor([-1, -2, 3])))
    raises_same(lambda L: L.tensor([2, 3]) ** -1)


def test_rsqrt_node_and_double_backward():
    """rsqrt is one node (RsqrtBackward0); its backward records PyTorch's -0.5 * grad * out ** 3."""
    def f(L):
        x = L.tensor([0.5, -0.0, 2.0], dtype=L.float64, requires_grad=True)
        g, = L.autograd.grad(x.rsqrt().sum(), x, create_graph=True)
        return x.rsqrt(), g, g.grad_fn.name()
    same(f)


@pytest.mark.parametrize("act", ["elu", "softplus", "gelu", "gelu_tanh", "tanh", "sigmoid"])
def test_activation_double_backward_nodes(act):
    """elu's, softplus's, gelu's, tanh's and sigmoid's backwards are ops of their own (EluBackwardBackward0,
    ...), first, second and third order values as PyTorch's; elu keeps -0. (its expm1). Their double
    backwards record PyTorch's nodes too (gelu's all the way down)."""
    def f(L):
        x = L.tensor([[0.3, -1.0, 0.0], [2.0, 30.0, -0.0]], dtype=L.float64, requires_grad=True)
        fn = getattr(L, act) if act in ("tanh", "sigmoid") else getattr(L.nn.functional, act.removesuffix("_tanh"))
        y = fn(x, approximate="tanh") if act == "gelu_tanh" else fn(x)
        g, = L.autograd.grad(y.pow(2).sum(), x, create_graph=True)
        h, = L.autograd.grad((g * g).sum(), x, create_graph=True)
        k, = L.autograd.grad(h.sum(), x)
        return y, g, g.grad_fn.name(), h, graph_names(h.grad_fn, 2 if act.startswith("gelu") else 1), k
    same(f)


UNARY_LAYOUTS = [
    lambda L, a, c, s: a.t().exp(),
    lambda L, a, c, s: a.t().sin(),
    lambda L, a, c, s: c.permute(2, 1, 0).abs(),
    lambda L, a, c, s: c.permute(2, 1, 0)[::2].sqrt(),
    lambda L, a, c, s: (c * 3).long().permute(2, 0, 1).floor(),
    lambda L, a, c, s: L.clamp(c.permute(2, 1, 0)[..., ::2].mT, max=0.0),
    lambda L, a, c, s: s.t().sign(),
    lambda L, a, c, s: s.t()[None].log1p(),
    lambda L, a, c, s: s.expand(3, 2).t().tanh(),
]


@pytest.mark.parametrize("case", range(len(UNARY_LAYOUTS)))
def test_unary_layout(case):
    """One input: a dense one's strides are kept exactly, others are ordered like it."""
    compare_layout(UNARY_LAYOUTS[case], rng().standard_normal((3, 4)), rng(1).standard_normal((2, 3, 4)),
                   rng(2).standard_normal((3, 1)))


@pytest.mark.parametrize("bounds", [(-0.0, None), (None, 0.5), (-0.5, 0.5)])
def test_clamp_gradient_layout(bounds):
    """clamp's gradient masks by ``(a >= min).logical_and_(a <= max)``: laid out as ``a >= min``."""
    def fn(L, a):
        x = a[:, :1].t().detach().requires_grad_()
        return L.autograd.grad(x.clamp(*bounds).mean(), [x], create_graph=True)
    compare_layout(fn, rng().standard_normal((3, 4)))


def test_erf_and_sgn_backward_nodes():
    """erf's gradient is PyTorch's ``2 / sqrt(pi) * exp(-x.pow(2)) * grad``; sgn is sign's twin (SgnBackward0)."""
    def f(L):
        x = L.tensor([0.7, -1.3, 0.0], dtype=L.float64, requires_grad=True)
        g, = L.autograd.grad((x.erf() ** 2).sum(), x, create_graph=True)
        s = x.sgn()
        return g, graph_names(g.grad_fn, 4), s, L.sgn(x)

    same(f)


@pytest.mark.parametrize("n", [7, 300, 5000])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_tanh_backward_rounds_like_pytorch(n, dtype):
    """tanh's backward is grad * (1 - y²) with 1 - y² rounded once (PyTorch's kernel is a fused
    multiply-add): the last bits show in makemore's "exact" gradient checks. Given PyTorch's y
    (tanh itself is SLEEF's there), the gradient must match to the bit, in numpy and numba paths."""
    from harness import same_bits
    y0 = np.tanh(rng(n).standard_normal(n) * 2).astype(dtype)
    y0[0] = 1e-9
    g0 = rng(n + 1).standard_normal(n).astype(dtype)

    def grad(lib):
        y = lib.tensor(y0, requires_grad=True)
        return lib.ops.aten.tanh_backward(lib.tensor(g0), y) if lib is torch else \
            autograd_lite.ops.tanh_backward(lib.tensor(g0), y)

    same_bits(grad)


def _open01(a):
    """Values inside (0, 1), for the losses and logs on probabilities."""
    return 1 / (1 + np.exp(-a))


F_ = lambda L: L.nn.functional  # noqa: E731
HIGHER_ORDER = {  # op, input transform: every gradient formula of this file and activations.py
    "sqrt": (lambda L, x: x.sqrt(), np.abs), "log": (lambda L, x: x.log(), np.abs),
    "log1p": (lambda L, x: x.log1p(), np.abs), "expm1": (lambda L, x: x.expm1(), None),
    "tan": (lambda L, x: x.tan(), None), "atan": (lambda L, x: x.atan(), None),
    "log10": (lambda L, x: x.log10(), np.abs), "log2": (lambda L, x: x.log2(), np.abs),
    "rsqrt": (lambda L, x: x.rsqrt(), np.abs), "erf": (lambda L, x: x.erf(), None),
    "sin_cos": (lambda L, x: x.sin().cos(), None), "sinh_cosh": (lambda L, x: x.sinh() * x.cosh(), None),
    "abs_exp": (lambda L, x: x.abs().exp(), None), "clamp": (lambda L, x: x.clamp(-0.5, 0.5) * x, None),
    "sigmoid": (lambda L, x: x.sigmoid(), None), "tanh": (lambda L, x: x.tanh(), None),
    "relu": (lambda L, x: x.relu() * x, None), "softmax": (lambda L, x: x.softmax(1), None),
    "softmax0": (lambda L, x: x.softmax(0), None), "log_softmax": (lambda L, x: x.log_softmax(1), None),
    "leaky_relu": (lambda L, x: F_(L).leaky_relu(x, 0.2), None), "elu": (lambda L, x: F_(L).elu(x, 0.5), None),
    "softplus": (lambda L, x: F_(L).softplus(x, 2.0, 1.0), None), "gelu": (lambda L, x: F_(L).gelu(x), None),
    "gelu_tanh": (lambda L, x: F_(L).gelu(x, approximate="tanh"), None), "silu": (lambda L, x: F_(L).silu(x), None),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", HIGHER_ORDER)
def test_higher_order_graphs(case, dtype):
    """First, second and third order gradients, each taken with create_graph: values and every node of
    the graph each records, as PyTorch's derivatives.yaml formulas record them (``1 + x`` in C++ is
    add.Scalar, AddBackward1; a right operand is recorded first)."""
    fn, transform = HIGHER_ORDER[case]
    a = rng(5).standard_normal((4, 3))
    # silu to the second order only: Mul's backward (the book's example, kept simple) computes self's
    # gradient before other's, PyTorch's generated code other's first; at the third order through
    # silu's formula the engine then adds two contributions the other way round (same values).
    compare_orders(fn, (transform(a) if transform else a).astype(dtype), order=2 if case == "silu" else 3)


@pytest.mark.parametrize("expr", ["x.clamp(min=lo)", "x.clamp(lo, hi)", "x.clamp(max=hi)", "x.clamp(hi, lo)",
                                  "x.clamp_min(lo)", "x.clamp_max(hi)", "T.clamp(x, lo[:1], None)"])
def test_clamp_tensor_bounds(expr):
    """Tensor bounds are inputs of PyTorch's clamp.Tensor / clamp_min.Tensor / clamp_max.Tensor:
    values (NaN, -0.), edges, each operand's gradient and the graphs, to third order."""
    def fn(T, x, lo, hi):
        return eval(expr)
    x = np.array([1., 2., 3., np.nan, -0., 2.], np.float64)
    lo = np.array([1.5, 0., 3., 0., 0., 2.], np.float64)
    hi = np.array([2.5, 2.5, 2.5, 1., 0., 2.], np.float64)
    compare_orders(fn, x, lo, hi)


def test_clamp_mixed_bounds_refused():
    """No clamp signature takes a tensor and a number: PyTorch's parser message."""
    raises_same(lambda T: T.clamp(T.ones(2), T.zeros(2), 2.0))
    raises_same(lambda T: T.clamp(T.ones(2), 0.0, T.zeros(2)))


def test_clamp_tensor_saved_fields():
    def fn(T):
        x, lo = T.tensor([1., 2.], requires_grad=True), T.tensor([1.5, 0.])
        y, z = x.clamp(lo, lo + 1), x.clamp_min(lo)
        return y.grad_fn._saved_min, y.grad_fn._saved_max, z.grad_fn._saved_min, z.grad_fn._saved_self
    same(fn)
