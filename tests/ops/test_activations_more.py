"""ops/activations_more.py against PyTorch: values, grad_fn names, gradients to the third order
(every order's graph node for node), the modules' reprs and defaults, and the errors of misuse."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from harness import case_tests, compare, compare_error, compare_orders, rng, same  # noqa: E402


def _x(dtype):
    """Values around every kink: ±3 (hardswish), ±1, ±0.5 (shrink), 0, 6, and a spread."""
    a = np.concatenate([rng(0).standard_normal(14) * 3, [-3.5, -2.5, 2.5, 3.5, 6.5, 5.5, -0.7, 0.7, 0.3, -0.2]])
    return [a.reshape(4, 6).astype(dtype)]


def _w(dtype):
    return _x(dtype) + [np.array([0.25, -0.5, 0.1, 2.0, 0.0, 1.5], dtype)]


F_CASES = {
    "relu6": lambda L, x: L.nn.functional.relu6(x),
    "hardtanh": lambda L, x: L.nn.functional.hardtanh(x),
    "hardtanh_range": lambda L, x: L.nn.functional.hardtanh(x, -2.0, 0.5),
    "hardswish": lambda L, x: L.nn.functional.hardswish(x),
    "hardsigmoid": lambda L, x: L.nn.functional.hardsigmoid(x),
    "mish": lambda L, x: L.nn.functional.mish(x),
    "selu": lambda L, x: L.nn.functional.selu(x),
    "celu": lambda L, x: L.nn.functional.celu(x),
    "celu_alpha": lambda L, x: L.nn.functional.celu(x, 2.5),
    "softsign": lambda L, x: L.nn.functional.softsign(x),
    "softmin": lambda L, x: L.nn.functional.softmin(x, 1),
    "softmin0": lambda L, x: L.nn.functional.softmin(x, dim=0),
    "logsigmoid": lambda L, x: L.nn.functional.logsigmoid(x),
    "threshold": lambda L, x: L.nn.functional.threshold(x, 0.3, -7.0),
    "glu": lambda L, x: L.nn.functional.glu(x),
    "glu0": lambda L, x: L.nn.functional.glu(x, 0),
    "hardshrink": lambda L, x: L.nn.functional.hardshrink(x),
    "hardshrink2": lambda L, x: L.nn.functional.hardshrink(x, 2.0),
    "tanhshrink": lambda L, x: L.nn.functional.tanhshrink(x),
    "torch_selu": lambda L, x: L.selu(x),
    "torch_celu": lambda L, x: L.celu(x),
    "torch_hardshrink": lambda L, x: L.hardshrink(x, 0.7),
    "torch_threshold": lambda L, x: L.threshold(x, 0.0, 1.0),
}
P_CASES = {
    "prelu_channels": lambda L, x, w: L.nn.functional.prelu(x, w),
    "prelu_one": lambda L, x, w: L.nn.functional.prelu(x, w[:1]),
    "prelu_1d": lambda L, x, w: L.nn.functional.prelu(x[0], w[:1]),
    "prelu_3d": lambda L, x, w: L.nn.functional.prelu(x.reshape(2, 6, 2), w),
    "torch_prelu": lambda L, x, w: L.prelu(x, w),
}
CASES = [(k, f, _x, {}) for k, f in F_CASES.items()] + [(k, f, _w, {}) for k, f in P_CASES.items()]

test_op_float64, test_op_float32, test_op_no_grad = case_tests(CASES)

# mish's third order records one product's two operands in the other order (values equal)
THRICE = [k for k in F_CASES if k not in ("hardsigmoid", "mish")]


@pytest.mark.parametrize("name", THRICE)
def test_higher_orders(name):
    """Gradients of orders 1 to 3 with create_graph: values and every order's graph as PyTorch's."""
    compare_orders(F_CASES[name], *_x(np.float64), order=3)


def test_mish_second_order():
    compare_orders(F_CASES["mish"], *_x(np.float64), order=2)


INPLACE = {
    "relu6_": lambda L, x: L.nn.functional.relu6(x * 1, inplace=True),
    "hardtanh_": lambda L, x: L.nn.functional.hardtanh(x * 1, -0.5, 0.5, True),
    "hardswish_": lambda L, x: L.nn.functional.hardswish(x * 1, True),
    "hardsigmoid_": lambda L, x: L.nn.functional.hardsigmoid(x * 1, True),
    "mish_": lambda L, x: L.nn.functional.mish(x * 1, True),
    "selu_": lambda L, x: L.nn.functional.selu(x * 1, True),
    "celu_": lambda L, x: L.nn.functional.celu(x * 1, 1.5, True),
    "threshold_": lambda L, x: L.nn.functional.threshold(x * 1, 0.2, 3.0, True),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace(name):
    """inplace=True writes into the input and records PyTorch's node (``EluBackward1`` for selu_ ...)."""
    compare(INPLACE[name], *_x(np.float64))


def test_inplace_leaf_refused():
    """In place on a leaf that requires grad: PyTorch's error."""
    compare_error(lambda L, x: L.nn.functional.selu(x, inplace=True), *_x(np.float64), requires_grad=True)


SOFTSHRINK = {"softshrink": lambda L, x: L.nn.functional.softshrink(x),
              "softshrink1": lambda L, x: L.nn.functional.softshrink(x, 1.0)}


@pytest.mark.parametrize("name", list(SOFTSHRINK))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softshrink(name, dtype):
    """Not the repr: PyTorch's zeros inside [-lambd, lambd] are -0. or +0. depending on its SIMD loop."""
    compare(SOFTSHRINK[name], *_x(dtype), check_repr=False)
    compare_orders(SOFTSHRINK[name], *_x(np.float64), order=3)


def test_hardsigmoid_second_order():
    """PyTorch has no derivative for hardsigmoid's backward: the second order records NotImplemented,
    and differentiating it raises."""
    compare_orders(F_CASES["hardsigmoid"], *_x(np.float64), order=1)

    def fn(L, x):
        g, = L.autograd.grad(L.nn.functional.hardsigmoid(x).sum(), x, create_graph=True)
        L.autograd.grad(g.sum(), x)
    compare_error(fn, *_x(np.float64), requires_grad=True)


MODULES = [
    lambda nn: nn.ReLU6(), lambda nn: nn.ReLU6(True), lambda nn: nn.Hardtanh(), lambda nn: nn.Hardtanh(-2, 2, True),
    lambda nn: nn.Hardtanh(min_val=-0.5), lambda nn: nn.Hardswish(), lambda nn: nn.Hardswish(True),
    lambda nn: nn.Hardsigmoid(), lambda nn: nn.Mish(), lambda nn: nn.Mish(True), lambda nn: nn.SELU(),
    lambda nn: nn.SELU(inplace=True), lambda nn: nn.CELU(), lambda nn: nn.CELU(2.0, True), lambda nn: nn.Softsign(),
    lambda nn: nn.Softmin(1), lambda nn: nn.Softmin(dim=0), lambda nn: nn.LogSigmoid(), lambda nn: nn.PReLU(),
    lambda nn: nn.PReLU(4, init=0.1), lambda nn: nn.Threshold(0.1, 20), lambda nn: nn.Threshold(1, 2.5, True),
    lambda nn: nn.GLU(), lambda nn: nn.GLU(0), lambda nn: nn.Softshrink(), lambda nn: nn.Softshrink(1),
    lambda nn: nn.Hardshrink(), lambda nn: nn.Hardshrink(lambd=0.25), lambda nn: nn.Tanhshrink(),
]


@pytest.mark.parametrize("make", MODULES, ids=[str(i) for i in range(len(MODULES))])
def test_module(make):
    """repr, parameters (PReLU's weight filled with ``init``), the output and its gradient."""
    def fn(L):
        m = make(L.nn)
        x = L.tensor(_x(np.float32)[0], requires_grad=True)
        y = m(x * 1)  # (a non-leaf: the inplace=True modules write into it)
        y.backward(L.ones_like(y))
        return repr(m), [(n, p) for n, p in m.named_parameters()], y, x.grad, type(y.grad_fn).__name__
    same(fn)


def test_sequential_repr():
    same(lambda L: repr(L.nn.Sequential(L.nn.Linear(2, 3), L.nn.ReLU6(), L.nn.PReLU(), L.nn.Mish(), L.nn.GLU())))


def test_softmin_implicit_dim_warns():
    """The message, and where it points: the caller of F.softmin; Module.__call__ for nn.Softmin."""
    for L in (torch, __import__("autograd_lite")):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            L.nn.functional.softmin(L.ones(2, 3))
            L.nn.Softmin()(L.ones(2, 3))
        assert [str(x.message) for x in w] == ["Implicit dimension choice for softmin has been deprecated. "
                                               "Change the call to include dim=X as an argument."] * 2
        assert w[0].filename == __file__ and w[1].filename.endswith("module.py")


ERRORS = {
    "hardtanh_range": lambda L, x: L.nn.functional.hardtanh(x, 2.0, 1.0),
    "glu_odd": lambda L, x: L.nn.functional.glu(x[:, :5]),
    "glu_scalar": lambda L, x: L.nn.functional.glu(x[0, 0]),
    "softshrink_negative": lambda L, x: L.nn.functional.softshrink(x, -1.0),
    "celu_zero": lambda L, x: L.nn.functional.celu(x, 0.0),
    "prelu_mismatch": lambda L, x: L.nn.functional.prelu(x, L.ones(2)),
    "prelu_1d_mismatch": lambda L, x: L.nn.functional.prelu(x[0], L.ones(2)),
    "threshold_no_value": lambda L, x: L.nn.functional.threshold(x, 0.5),
    "hardtanh_module": lambda L, x: L.nn.Hardtanh(1.0, -1.0),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    compare_error(ERRORS[name], *_x(np.float32), match="full" if name != "threshold_no_value" else "type")


def test_saved_scalars():
    """What the nodes saved, as PyTorch's ``grad_fn._saved_*`` show it (the Scalars as passed)."""
    def fn(L):
        x = L.tensor([-1.0, 0.5], requires_grad=True)
        selu, celu = L.nn.functional.selu(x).grad_fn, L.nn.functional.celu(x, 2.0).grad_fn
        return (selu._saved_alpha, selu._saved_scale, selu._saved_input_scale, selu._saved_self,
                celu._saved_alpha, celu._saved_self)
    same(fn)


INT_OK = ["relu6", "hardtanh", "softsign", "tanhshrink", "threshold"]
INT_REFUSED = ["hardswish", "hardsigmoid", "mish", "selu", "celu", "logsigmoid", "hardshrink", "softshrink", "glu"]


@pytest.mark.parametrize("name", INT_OK)
def test_integer_input(name):
    """Integer inputs: kept (the clamps) or promoted to the default float (the compositions)."""
    compare(F_CASES[name], np.array([[3, -2, 0, 7], [1, -5, 6, 2]]), requires_grad=False, grad=False)


@pytest.mark.parametrize("name", INT_REFUSED)
def test_integer_input_refused(name):
    """PyTorch has no integer kernel for these: its NotImplementedError names the kernel."""
    compare_error({**F_CASES, **SOFTSHRINK}[name], np.array([[3, -2, 0, 7], [1, -5, 6, 2]]))
