"""ops/pointwise_more.py against PyTorch: rounding, inverse trigonometry, erfc/erfinv, atan2, hypot,
logaddexp, xlogy, fmod, copysign, lerp, addcmul/addcdiv, nan_to_num, float_power and in-place forms."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from harness import P, case_tests, compare, compare_error, compare_orders, rng, same  # noqa: E402


def unit(dtype):
    """Inputs inside (-1, 1) (acos, asin, atanh, erfinv)."""
    return [rng(3).uniform(-0.9, 0.9, (2, 3)).astype(dtype)]


def prob(dtype):
    return [rng(4).uniform(0.05, 0.95, (3, 2)).astype(dtype)]


def big(dtype):
    return [(rng(5).uniform(1.1, 3.0, (2, 3))).astype(dtype)]


def halves(dtype):
    """Ties of round (x.5), negatives and integers."""
    return [np.array([[0.5, 1.5, 2.5, -0.5], [-1.5, 2.0, -2.7, 3.14159]], dtype)]


def with_nonfinite(dtype):
    return [np.array([[np.nan, np.inf, -np.inf], [1.5, -2.0, 0.0]], dtype)]


CASES = [
    ("round", lambda L, a: L.round(a * 3), [(2, 3)], {}),
    ("round_ties", lambda L, a: a.round(), halves, {}),
    ("round_decimals", lambda L, a: L.round(a * 10, decimals=1), [(2, 3)], {}),
    ("round_decimals_neg", lambda L, a: a.mul(100).round(decimals=-1), [(2, 3)], {}),
    ("ceil", lambda L, a: L.ceil(a * 3), [(2, 3)], {}),
    ("trunc", lambda L, a: L.trunc(a * 3), [(2, 3)], {}),
    ("fix", lambda L, a: (a * 3).fix(), [(2, 3)], {}),
    ("frac", lambda L, a: L.frac(a * 3), [(2, 3)], {}),
    ("acos", lambda L, a: L.acos(a), unit, {}),
    ("arccos", lambda L, a: a.arccos(), unit, {}),
    ("asin", lambda L, a: L.arcsin(a), unit, {}),
    ("atanh", lambda L, a: L.atanh(a), unit, {}),
    ("arctan", lambda L, a: L.arctan(a), [(2, 3)], {}),
    ("asinh", lambda L, a: L.asinh(a), [(2, 3)], {}),
    ("acosh", lambda L, a: a.acosh(), big, {}),
    ("exp2", lambda L, a: L.exp2(a), [(2, 3)], {}),
    ("erfc", lambda L, a: L.erfc(a), [(2, 3)], {}),
    ("erfinv", lambda L, a: L.erfinv(a), unit, {}),
    ("deg2rad", lambda L, a: L.deg2rad(a * 90), [(2, 3)], {}),
    ("rad2deg", lambda L, a: a.rad2deg(), [(2, 3)], {}),
    ("logit", lambda L, a: L.logit(a), prob, {}),
    ("logit_eps", lambda L, a: a.logit(eps=0.2), prob, {}),
    ("atan2", lambda L, a, b: L.atan2(a, b), [(2, 3), (3,)], {}),
    ("arctan2_method", lambda L, a, b: a.arctan2(b), [(2, 1), (1, 3)], {}),
    ("hypot", lambda L, a, b: L.hypot(a, b), [(2, 3), (2, 3)], {}),
    ("logaddexp", lambda L, a, b: L.logaddexp(a, b), [(2, 3), (3,)], {}),
    ("logaddexp2", lambda L, a, b: a.logaddexp2(b), [(2, 3), (2, 3)], {}),
    ("xlogy", lambda L, a, b: L.xlogy(a, b), [(2, 3), (2, 3)], P),
    ("xlogy_zero", lambda L, a, b: L.xlogy(a * 0, b), [(2, 3), (2, 3)], P),
    ("xlogy_number_self", lambda L, b: L.xlogy(2.5, b), [(2, 3)], P),
    ("xlogy_number_other", lambda L, a: a.xlogy(3.0), [(2, 3)], {}),
    ("fmod", lambda L, a, b: L.fmod(a * 5, b), [(2, 3), (2, 3)], P),
    ("fmod_scalar", lambda L, a: L.fmod(a * 5, 1.5), [(2, 3)], {}),
    ("fmod_negative", lambda L, a: (a * 5).fmod(-2), [(2, 3)], {}),
    ("copysign", lambda L, a, b: L.copysign(a, b), [(2, 3), (2, 3)], {}),
    ("copysign_scalar", lambda L, a: a.copysign(-1.0), [(2, 3)], {}),
    ("lerp", lambda L, a, b: L.lerp(a, b, 0.3), [(2, 3), (2, 3)], {}),
    ("lerp_far", lambda L, a, b: a.lerp(b, 0.8), [(2, 3), (3,)], {}),
    ("lerp_tensor", lambda L, a, b, w: L.lerp(a, b, w), [(2, 3), (2, 3), (3,)], {}),
    ("addcmul", lambda L, a, b, c: L.addcmul(a, b, c), [(2, 3), (2, 3), (3,)], {}),
    ("addcmul_value", lambda L, a, b, c: a.addcmul(b, c, value=-0.5), [(2, 3), (2, 1), (1, 3)], {}),
    ("addcdiv", lambda L, a, b, c: L.addcdiv(a, b, c, value=2), [(2, 3), (2, 3), (2, 3)], P),
    ("nan_to_num", lambda L, a: L.nan_to_num(a), with_nonfinite, {}),
    ("nan_to_num_values", lambda L, a: a.nan_to_num(nan=1.0, posinf=5.0, neginf=-5.0), with_nonfinite, {}),
    ("signbit", lambda L, a: L.signbit(a), [(2, 3)], {}),
    ("positive", lambda L, a: L.positive(a) * 2, [(2, 3)], {}),
    ("float_power", lambda L, a: L.float_power(a, 2), [(2, 3)], P),
    ("float_power_tensor", lambda L, a, b: a.float_power(b), [(2, 3), (2, 3)], P),
    ("sinc", lambda L, a: L.sinc(a), [(2, 3)], {}),
    ("sinc_zero", lambda L, a: (a * 0).sinc() + a.sinc(), [(2, 3)], {}),
    ("isposinf", lambda L, a: [L.isposinf(a), a.isneginf()], with_nonfinite, {}),
    ("heaviside", lambda L, a: L.heaviside(a.round(), L.tensor(0.5, dtype=a.dtype)), [(2, 3)], {"grad": False}),
    ("remainder_", lambda L, a: (a * 3).remainder_(0.7), [(2, 3)], {}),
    ("floor_divide_", lambda L, a: (a * 3).floor_divide_(2), [(2, 3)], {"grad": False}),
    ("float_power_base", lambda L, a: L.float_power(2, a), [(2, 3)], {}),
]
test_op_float64, test_op_float32, test_op_no_grad = case_tests(CASES)


HIGHER_ORDER = {
    "acos": (lambda L, a: L.acos(a * 0.3), 2), "asin": (lambda L, a: L.asin(a * 0.3), 2),
    "asinh": (lambda L, a: L.asinh(a), 3), "acosh": (lambda L, a: L.acosh(a * a + 1.5), 3),
    "atanh": (lambda L, a: L.atanh(a * 0.3), 3), "exp2": (lambda L, a: L.exp2(a), 3),
    "erfc": (lambda L, a: L.erfc(a), 3), "erfinv": (lambda L, a: L.erfinv(a * 0.3), 3),
    "deg2rad": (lambda L, a: L.deg2rad(a) * a, 2), "logit_eps": (lambda L, a: L.logit(a.sigmoid(), eps=0.3), 2),
    "frac": (lambda L, a: L.frac(a) * a, 2), "round": (lambda L, a: L.round(a) * a, 2),
    "atan2": (lambda L, a: L.atan2(a, a.flip(0) + 3), 1), "hypot": (lambda L, a: L.hypot(a, a.flip(1)), 1),
    "logaddexp": (lambda L, a: L.logaddexp(a, a.flip(0)), 1), "logaddexp2": (lambda L, a: L.logaddexp2(a, a * 2), 1),
    "xlogy": (lambda L, a: L.xlogy(a, a.exp()), 1), "xlogy_scalar": (lambda L, a: L.xlogy(2.0, a.exp()) + a.xlogy(2.0), 3),
    "fmod": (lambda L, a: L.fmod(a, a.exp() + 1), 2), "copysign": (lambda L, a: L.copysign(a * a, a.flip(0)), 2),
    "lerp": (lambda L, a: L.lerp(a, a * a, 0.7), 3), "lerp_tensor": (lambda L, a: L.lerp(a, a.exp(), a.sigmoid()), 1),
    "addcmul": (lambda L, a: L.addcmul(a, a, a.exp(), value=0.5), 3),
    "addcdiv": (lambda L, a: L.addcdiv(a, a * a, a.exp(), value=0.5), 3),
    "nan_to_num": (lambda L, a: L.nan_to_num(a * a), 2), "sinc": (lambda L, a: L.sinc(a), 1), "float_power": (lambda L, a: L.float_power(a, 3), 3),
}


@pytest.mark.parametrize("case", HIGHER_ORDER)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_higher_order(case, dtype):
    """Gradients of gradients: every backward formula recorded with PyTorch's nodes (the order each
    case reaches with PyTorch's exact graph; deeper, some ops' accumulation order still differs)."""
    fn, order = HIGHER_ORDER[case]
    compare_orders(fn, rng(7).uniform(-0.9, 0.9, (3, 4)).astype(dtype), order=order)


def test_atan2_second_order_of_one_input():
    """atan2's gradient differentiated again, one input at a time (PyTorch's MaskedFillBackward0 over
    ReciprocalBackward0), and the gradient at the origin: zero, not NaN."""
    def run(L, wrt):
        a, b = L.tensor([0.5, 1.0, 0.0], requires_grad=True), L.tensor([2.0, -1.0, 0.0], requires_grad=True)
        g, = L.autograd.grad(L.atan2(a, b).sum(), a if wrt == "a" else b, create_graph=True)
        return g, L.autograd.grad(g.sum(), [a, b])
    for wrt in "ab":
        same(lambda L: run(L, wrt))


INTEGER = [
    ("round_int", lambda L: L.round(L.tensor([1, -2, 3]))),
    ("ceil_int", lambda L: L.tensor([1, -2, 3]).ceil()),
    ("trunc_int", lambda L: L.trunc(L.tensor([1, -2], dtype=L.int32))),
    ("acos_int", lambda L: L.acos(L.tensor([1, 0, -1]))),
    ("acos_bool", lambda L: L.acos(L.tensor([True, False]))),
    ("exp2_int", lambda L: L.exp2(L.tensor([1, -2, 3]))),
    ("deg2rad_int", lambda L: L.deg2rad(L.tensor([90, 180]))),
    ("signbit_int", lambda L: L.signbit(L.tensor([1, -2, 0]))),
    ("signbit_bool", lambda L: L.signbit(L.tensor([True, False]))),
    ("signbit_neg_zero", lambda L: L.signbit(L.tensor([-0.0, 0.0]))),
    ("fmod_int", lambda L: L.fmod(L.tensor([5, -5, 7]), 3)),
    ("fmod_int_float", lambda L: L.fmod(L.tensor([5, -5, 7]), 2.5)),
    ("atan2_int", lambda L: L.atan2(L.tensor([1, -2]), L.tensor([3, 4]))),
    ("atan2_mixed", lambda L: L.atan2(L.tensor([1.0, -2.0]), L.tensor([3, 4]))),
    ("xlogy_int", lambda L: L.xlogy(L.tensor([0, 1, 2]), L.tensor([0, 2, 3]))),
    ("addcmul_int", lambda L: L.addcmul(L.tensor([1, 2]), L.tensor([3, 4]), L.tensor([5, 6]), value=2)),
    ("addcmul_int_value", lambda L: L.addcmul(L.tensor([1, 2]), L.tensor([3, 4]), L.tensor([5, 6]), value=0.5)),
    ("addcmul_promote", lambda L: L.addcmul(L.tensor([1.0, 2.0]), L.tensor([3, 4]), L.tensor([5, 6]))),
    ("nan_to_num_int", lambda L: L.nan_to_num(L.tensor([1, 2]))),
    ("nan_to_num_f64", lambda L: L.nan_to_num(L.tensor([np.nan, np.inf, -np.inf], dtype=L.float64))),
    ("float_power_int", lambda L: L.float_power(L.tensor([1, 2, 3]), 2)),
    ("positive_is_self", lambda L: (lambda x: L.positive(x) is x)(L.tensor([1.0]))),
    ("copysign_int", lambda L: L.copysign(L.tensor([1, -2]), L.tensor([-1, 1]))),
    ("erfinv_edges", lambda L: L.erfinv(L.tensor([1.0, -1.0, 2.0, 0.0, 0.999, -0.5]))),
    ("result_type", lambda L: [str(t) for t in (L.result_type(L.tensor([1]), 1.0), L.result_type(2, 1.0), L.result_type(2, 3),
                               L.result_type(L.tensor(1.0, dtype=L.float64), L.tensor([1])),
                               L.result_type(L.tensor([1], dtype=L.int8), 300), L.result_type(True, L.tensor([1.0])))]),
    ("promote_types", lambda L: [str(t) for t in (L.promote_types(L.int8, L.uint8), L.promote_types(L.int32, L.float32),
                                 L.promote_types(L.bool, L.int16), L.promote_types(L.float16, L.float64))]),
    ("can_cast", lambda L: [L.can_cast(L.int32, L.bool), L.can_cast(L.bool, L.int8), L.can_cast(L.float64, L.float16),
                            L.can_cast(L.float32, L.int64), L.can_cast(L.int64, L.float16)]),
    ("is_nonzero", lambda L: [L.is_nonzero(L.tensor([0.0])), L.is_nonzero(L.tensor([[3]])), L.is_nonzero(L.tensor(True))]),
    ("logit_outside", lambda L: L.logit(L.tensor([-0.5, 0.0, 1.0, 1.5]))),
]


@pytest.mark.parametrize("case", INTEGER, ids=[c[0] for c in INTEGER])
def test_dtypes_and_values(case):
    """Integer and bool inputs: PyTorch's result dtypes and values."""
    same(case[1])


ERRORS = [
    ("round_bool", lambda L, a: L.round(a > 0)),
    ("ceil_bool", lambda L, a: (a > 0).ceil()),
    ("trunc_bool", lambda L, a: L.trunc(a > 0)),
    ("round_decimals_int", lambda L, a: L.round(a.long(), decimals=1)),
    ("frac_int", lambda L, a: L.frac(a.long())),
    ("atan2_number", lambda L, a: L.atan2(a, 2.0)),
    ("atan2_method_number", lambda L, a: a.atan2(2.0)),
    ("hypot_number", lambda L, a: L.hypot(a, 2.0)),
    ("hypot_int", lambda L, a: L.hypot(a.long(), a.long())),
    ("logaddexp_int", lambda L, a: L.logaddexp(a.long(), a.long())),
    ("logaddexp_number", lambda L, a: L.logaddexp(a, 1.0)),
    ("fmod_zero_int", lambda L, a: L.fmod(a.long(), 0)),
    ("lerp_dtype", lambda L, a: L.lerp(a, a.long(), 0.5)),
    ("lerp_int", lambda L, a: L.lerp(a.long(), a.long(), 0.5)),
    ("addcdiv_int", lambda L, a: L.addcdiv(a, a.long(), a.long())),
    ("addcmul_shapes", lambda L, a: L.addcmul(a, a, a[:, :2])),
    ("heaviside_dtypes", lambda L, a: L.heaviside(a, L.tensor(1))),
    ("heaviside_number", lambda L, a: L.heaviside(a, 0.5)),
    ("is_nonzero_many", lambda L, a: L.is_nonzero(a)),
    ("is_nonzero_empty", lambda L, a: L.is_nonzero(a[:0])),
    ("positive_bool", lambda L, a: L.positive(a > 0)),
    ("round_inplace_leaf", lambda L, a: a.round_()),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors(case):
    compare_error(case[1], rng(1).standard_normal((2, 3)), requires_grad=case[0].endswith("leaf"))


INPLACE = [
    ("round_", lambda L, a: (a * 3).round_()),
    ("ceil_", lambda L, a: (a * 3).ceil_()),
    ("frac_", lambda L, a: (a * 3).frac_()),
    ("acos_", lambda L, a: (a * 0.5).acos_()),
    ("arcsin_", lambda L, a: (a * 0.5).arcsin_()),
    ("atan2_", lambda L, a, b: (a * 1).atan2_(b)),
    ("hypot_", lambda L, a, b: (a * 1).hypot_(b)),
    ("fmod_", lambda L, a: (a * 5).fmod_(2)),
    ("xlogy_", lambda L, a, b: (a * 1).xlogy_(b.exp())),
    ("lerp_", lambda L, a, b: (a * 1).lerp_(b, 0.25)),
    ("lerp_tensor_", lambda L, a, b: (a * 1).lerp_(b, b.sigmoid())),
    ("addcmul_", lambda L, a, b: (a * 1).addcmul_(b, b, value=0.1)),
    ("addcdiv_", lambda L, a, b: (a * 1).addcdiv_(b, b.exp(), value=-0.1)),
    ("nan_to_num_", lambda L, a: (a.log()).nan_to_num_()),
    ("erfinv_", lambda L, a: (a.sigmoid() - 0.5).erfinv_()),
]


@pytest.mark.parametrize("case", INPLACE, ids=[c[0] for c in INPLACE])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_inplace(case, dtype):
    """``x.op_(...)`` on a non-leaf: the op's node on x, the same values and gradients."""
    name, fn = case
    n = fn.__code__.co_argcount - 1
    compare(fn, *[rng(i).standard_normal((2, 3)).astype(dtype) for i in range(n)])


def test_inplace_no_grad_leaf():
    """Optimizer-style updates of a tensor that does not require grad (Adam's addcdiv_/lerp_)."""
    def run(L):
        m, v, g = L.zeros(3), L.ones(3), L.tensor([0.5, -1.0, 2.0])
        m.lerp_(g, 0.1)
        v.mul_(0.9).addcmul_(g, g, value=0.1)
        p = L.tensor([1.0, 2.0, 3.0])
        p.addcdiv_(m, v.sqrt().add_(1e-8), value=-0.01)
        return m, v, p, p._version
    same(run)
