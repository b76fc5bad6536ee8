"""In-place operations against PyTorch: version counters, leaf checks, gradients, grad_fn names."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_lite  # noqa: E402
from harness import arrays, assert_same_tensor, case_tests, compare, compare_error, graph_names, leaves, raises_same, rng, same, setitem  # noqa: E402
from harness import compare_orders  # noqa: E402

INPLACE = {
    "zero_": lambda lib, t: t.zero_(),
    "add_": lambda lib, t: t.add_(1.5),
    "add_tensor": lambda lib, t: t.add_(lib.ones(2, 3)),
    "add_alpha": lambda lib, t: t.add_(lib.ones(2, 3), alpha=2),
    "mul_": lambda lib, t: t.mul_(2),
    "sub_": lambda lib, t: t.sub_(0.5),
    "div_": lambda lib, t: t.div_(4),
    "copy_": lambda lib, t: t.copy_(lib.full((2, 3), 7.0)),
    "copy_bcast": lambda lib, t: t.copy_(lib.tensor([1.0, 2.0, 3.0])),
    "fill_": lambda lib, t: t.fill_(3.0),
    "clamp_": lambda lib, t: t.clamp_(0.2, 0.6),
    "clamp_min": lambda lib, t: t.clamp_(min=0.3),
    "requires_grad_": lambda lib, t: t.requires_grad_(),
    "iadd": lambda lib, t: t.__iadd__(1),
    "imul": lambda lib, t: t.__imul__(2),
    "isub": lambda lib, t: t.__isub__(1),
    "itruediv": lambda lib, t: t.__itruediv__(2),
    "setitem": lambda lib, t: t.__setitem__(0, 5.0),
    "setitem_slice": lambda lib, t: t.__setitem__((slice(None), 1), lib.tensor([1.0, 2.0])),
    "setitem_mask": lambda lib, t: t.__setitem__(t > 0.5, 0.0),
}


def _base(lib):
    return lib.tensor([[0.1, 0.4, 0.7], [0.9, 0.5, 0.3]])


@pytest.mark.parametrize("op", INPLACE)
def test_version_bumps_without_grad(op):
    def f(lib):
        t = _base(lib)
        view = t[0]
        d = t.detach()
        data = t.data
        r = INPLACE[op](lib, t)
        return (r is t, t, t._version, view._version, d._version, data._version)

    same(f)


@pytest.mark.parametrize("op", INPLACE)
def test_inplace_on_non_leaf(op):
    def f(lib):
        x = lib.tensor([[0.1, 0.4, 0.7], [0.9, 0.5, 0.3]], requires_grad=True)
        y = x * 1.5
        v = y._version
        INPLACE[op](lib, y)
        z = (y * lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum()
        z.backward()
        return y, y._version - v, type(y.grad_fn).__name__, y.grad_fn.name(), x.grad

    same(f)


@pytest.mark.parametrize("op", [o for o in INPLACE if o != "requires_grad_"])
def test_inplace_on_leaf_requiring_grad_raises(op):
    def f(lib):
        x = lib.tensor([[0.1, 0.4, 0.7], [0.9, 0.5, 0.3]], requires_grad=True)
        INPLACE[op](lib, x)

    raises_same(f)


@pytest.mark.parametrize("op", ["add_", "mul_", "zero_", "setitem", "copy_bcast"])
def test_inplace_on_view_of_leaf_raises(op):
    def f(lib):
        x = lib.tensor([[0.1, 0.4, 0.7], [0.9, 0.5, 0.3]], requires_grad=True)
        INPLACE[op](lib, x[:, :])

    raises_same(f)


@pytest.mark.parametrize("op", [o for o in INPLACE if o != "requires_grad_"])
def test_inplace_on_leaf_under_no_grad(op):
    def f(lib):
        x = lib.tensor([[0.1, 0.4, 0.7], [0.9, 0.5, 0.3]], requires_grad=True)
        with lib.no_grad():
            INPLACE[op](lib, x)
        (x * 2).sum().backward()
        return x, x._version, x.grad, x.is_leaf, x.requires_grad

    same(f)


def test_setitem_on_leaf_message():
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        x[0] = 5

    got = raises_same(f)
    assert got[2] == "a view of a leaf Variable that requires grad is being used in an in-place operation."


def test_leaf_inplace_message():
    def f(lib):
        lib.tensor([1.0, 2.0], requires_grad=True).add_(1)

    got = raises_same(f)
    assert got[2] == "a leaf Variable that requires grad is being used in an in-place operation."


def test_intermediate_assignment_then_linear_use():
    # CONCEPTS §1: y = x + 2; y[0] = 5; z = 2 * y works (y was not saved).
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x + 2
        y[0] = 5
        z = 2 * y
        z.sum().backward()
        return y, z, x.grad, y.grad_fn.name()

    same(f)


def test_intermediate_assignment_after_save_raises():
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x + 2
        z = y * y
        y[0] = 5
        z.sum().backward()

    got = raises_same(f)
    assert "modified by an inplace operation" in got[2]


def test_assignment_after_use_in_add_is_fine():
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x + 2
        z = y + y
        y.mul_(3)
        z.sum().backward()
        return x.grad

    same(f)


@pytest.mark.parametrize("edit", [
    lambda lib, y, x: y.mul_(x),
    lambda lib, y, x: y.add_(1),
    lambda lib, y, x: y.clamp_(0, 1),
    lambda lib, y, x: y.__setitem__((slice(None), 0), y[:, 0] + 1),
    lambda lib, y, x: y[:, 0].__iadd__(1),
    lambda lib, y, x: y.__setitem__(y > 0.5, 0),
    lambda lib, y, x: y[0].mul_(2),
    lambda lib, y, x: y[:, 1:].mul_(x[:, 1:]),
    lambda lib, y, x: y.__setitem__(0, x[1] * 3),
    lambda lib, y, x: y.__setitem__(lib.tensor([1, 0]), x * 2),
    lambda lib, y, x: y.T.add_(x.T),
    lambda lib, y, x: y.view(6).__setitem__(slice(1, 3), 0.0),
    lambda lib, y, x: y.copy_(x.exp()),
    lambda lib, y, x: y[1].copy_(x[0]),
    lambda lib, y, x: y.div_(x + 1).sub_(x),
], ids=["mul_x", "add_1", "clamp_", "setitem_col", "view_iadd", "setitem_mask", "view_mul_", "view_mul_x",
        "setitem_row_from_x", "setitem_index_tensor", "T_add_", "view_setitem", "copy_", "view_copy_", "chain"])
def test_inplace_on_intermediate_gradients(edit):
    def f(lib):
        x = lib.tensor([[0.2, -0.4, 0.9], [1.3, 0.5, -0.7]], requires_grad=True)
        w = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        y = x.sin() * 2
        edit(lib, y, x)
        loss = (y * w).sum()
        loss.backward()
        return y, y._version, type(y.grad_fn).__name__, y.grad_fn.name(), x.grad

    same(f)


def test_view_grad_fn_after_inplace_on_view():
    def f(lib):
        x = lib.tensor([[0.2, -0.4, 0.9], [1.3, 0.5, -0.7]], requires_grad=True)
        y = x * 2
        v = y[0]
        v.mul_(3)
        (v * 1).sum().backward(retain_graph=True)
        g1 = x.grad.clone()
        return y.grad_fn.name(), g1, v._version, y._version

    same(f)


def test_view_sees_base_modified_later():
    """PyTorch regenerates the view's grad_fn (AsStridedBackward0) on the base's new graph."""
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        v = y[:2]
        y.mul_(x)
        names = (v.grad_fn.name(), [n.name() for n, _ in v.grad_fn.next_functions])
        (v * 1).sum().backward()
        return v, x.grad, names

    same(f)


def test_version_shared_by_views_detach_not_data():
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0, 4.0])
        v = x.view(2, 2)
        s = v[1]
        d = x.detach()
        data = x.data
        s.add_(1)
        d.mul_(2)
        data.zero_()
        x.data.fill_(1)
        return x, [t._version for t in (x, v, s, d, data)]

    same(f)


def test_data_assignment_keeps_graph_flags():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.data = lib.tensor([5.0, 6.0])
        v = x._version
        (x * x).sum().backward()
        return x, v, x.grad, x.is_leaf

    same(f)


def test_inplace_with_grad_requiring_operand_on_plain_tensor():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        buf = lib.zeros(2)
        buf.add_(x * 3)
        flags = buf.requires_grad, buf.is_leaf, type(buf.grad_fn).__name__
        buf.sum().backward()
        return flags, x.grad

    same(f)


def test_setitem_into_plain_tensor_from_grad_tensor():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        buf = lib.zeros(3)
        buf[1:] = x * x
        flags = buf.requires_grad, buf.is_leaf, buf.grad_fn.name()
        buf.sum().backward()
        return flags, x.grad, buf

    same(f)


def test_inplace_int_tensor_float_result_raises():
    def f(lib):
        t = lib.tensor([1, 2])
        t.mul_(1.5)

    raises_same(f)


def test_inplace_saved_by_later_op_then_modified_again():
    def f(lib):
        x = lib.tensor([0.5, 1.5], requires_grad=True)
        y = x * 1
        y.exp_() if hasattr(y, "exp_") else None
        z = y.sum()
        y.add_(1)
        z.backward()
        return x.grad

    same(f)


def test_exp_saves_output_then_modified():
    def f(lib):
        x = lib.tensor([0.5, 1.5], requires_grad=True)
        y = x.exp()
        y.add_(1)
        y.sum().backward()

    got = raises_same(f)
    assert "which is output 0 of Exp, is at version 1; expected version 0" in got[2]


SETITEM_CASES = [
    ("setitem_int", lambda L, a: setitem(a * 1, 0, 5.0), [(3, 4)], {}),
    ("setitem_slice_tensor", lambda L, a, b: setitem(a.clone(), (slice(None), 1), b), [(3, 4), (3,)], {}),
    ("setitem_mask", lambda L, a: setitem(a.clone(), a > 0, 0.0), [(3, 4)], {}),
    ("setitem_list", lambda L, a, b: setitem(a * 2, [0, 2], b), [(3, 4), (4,)], {}),
]
(test_setitem_float64, test_setitem_float32,
 test_setitem_no_grad) = case_tests(SETITEM_CASES)


def test_setitem_on_leaf_without_grad_and_version():
    ours = leaves(autograd_lite, arrays((3, 4)), False)[0]
    theirs = leaves(torch, arrays((3, 4)), False)[0]
    for x in (ours, theirs):
        x[0] = 1.0
        x[:, 1] = x[:, 2]
        x[x > 1.5] = -1.0
        x[[1, 2], 0] = 7.0
    assert_same_tensor(ours, theirs)
    assert ours._version == theirs._version


def test_setitem_grad_flows_to_value_and_base():
    """``y[1:, ::2] = v`` on a non-leaf: the gradient reaches v through the slice and y elsewhere."""
    def fn(L, a, v):
        y = a * 3
        y[1:, ::2] = v
        return y.exp()

    compare(fn, *arrays((3, 4), (2, 2)))


def test_inplace_methods_on_nonleaf():
    def fn(L, a, b):
        y = a * 1
        y.add_(b)
        y.mul_(2.0)
        y.sub_(b, alpha=0.5)
        y.div_(3.0)
        y.clamp_(-0.5, 0.5)
        return y

    compare(fn, *arrays((2, 3), (3,)))


# --- in-place elementwise math, made from the out-of-place ops (ops/inplace.py's _inplace_of) ----
MATH_ = {
    "sin_": lambda lib, t: t.sin_(), "cos_": lambda lib, t: t.cos_(), "tan_": lambda lib, t: t.tan_(),
    "atan_": lambda lib, t: t.atan_(), "sinh_": lambda lib, t: t.sinh_(), "cosh_": lambda lib, t: t.cosh_(),
    "exp_": lambda lib, t: t.exp_(), "log_": lambda lib, t: t.log_(), "log10_": lambda lib, t: t.log10_(),
    "log2_": lambda lib, t: t.log2_(), "log1p_": lambda lib, t: t.log1p_(), "expm1_": lambda lib, t: t.expm1_(),
    "sqrt_": lambda lib, t: t.sqrt_(), "erf_": lambda lib, t: t.erf_(), "tanh_": lambda lib, t: t.tanh_(),
    "sigmoid_": lambda lib, t: t.sigmoid_(), "abs_": lambda lib, t: t.abs_(), "absolute_": lambda lib, t: t.absolute_(),
    "neg_": lambda lib, t: t.neg_(), "negative_": lambda lib, t: t.negative_(),
    "reciprocal_": lambda lib, t: t.reciprocal_(), "square_": lambda lib, t: t.square_(),
    "sign_": lambda lib, t: t.sign_(), "floor_": lambda lib, t: t.floor_(), "relu_": lambda lib, t: t.relu_(),
    "clamp_": lambda lib, t: t.clamp_(0.2, 0.6), "clip_": lambda lib, t: t.clip_(max=0.5),
    "pow_": lambda lib, t: t.pow_(3), "pow_tensor": lambda lib, t: t.pow_(lib.tensor([1.0, 2.0, 0.5])),
    "torch.sin_": lambda lib, t: lib.sin_(t), "torch.exp_": lambda lib, t: lib.exp_(t),
    "torch.log10_": lambda lib, t: lib.log10_(t), "torch.sigmoid_": lambda lib, t: lib.sigmoid_(t),
    "torch.clamp_": lambda lib, t: lib.clamp_(t, min=0.3), "torch.abs_": lambda lib, t: lib.abs_(t),
}


@pytest.mark.parametrize("op", MATH_)
def test_math_inplace_on_non_leaf(op):
    """Values, the returned object, the version bump, grad_fn's name and the gradient through it."""
    def f(lib):
        x = lib.tensor([[0.1, -0.4, 0.7], [0.9, 0.5, -0.3]], requires_grad=True)
        y = x * 1.5
        r = MATH_[op](lib, y)
        (y * lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
        return r is y, y, y._version, y.grad_fn.name(), x.grad

    same(f)


@pytest.mark.parametrize("op", MATH_)
def test_math_inplace_without_grad(op):
    def f(lib):
        t = lib.tensor([[0.1, 0.4, 0.7], [0.9, 0.5, 0.3]])
        view, d = t[0], t.detach()
        MATH_[op](lib, t)
        return t, t._version, view, view._version, d._version, t.grad_fn

    same(f)


@pytest.mark.parametrize("op", ["sin_", "exp_", "sqrt_", "tanh_", "torch.sin_", "abs_"])
def test_math_inplace_leaf_and_view_rules(op):
    """A leaf that requires grad refuses; a view of a non-leaf records the op on its base."""
    def leaf(lib):
        MATH_[op](lib, lib.tensor([0.5, 0.2], requires_grad=True))

    def view_of_leaf(lib):
        MATH_[op](lib, lib.tensor([[0.5, 0.2], [0.1, 0.3]], requires_grad=True)[0])

    def view_of_non_leaf(lib):
        x = lib.tensor([[0.5, 0.2], [0.1, 0.3]], requires_grad=True)
        y = x * 2
        v = y[:, 1]
        MATH_[op](lib, v)
        y.sum().backward()
        return y, v.detach(), y.grad_fn.name(), y._version, x.grad  # (v's own node: a known difference)

    raises_same(leaf)
    raises_same(view_of_leaf)
    same(view_of_non_leaf)


@pytest.mark.parametrize("op", ["sin_", "exp_", "sqrt_", "sigmoid_", "torch.log10_", "neg_", "abs_", "floor_"])
def test_math_inplace_on_integers(op):
    """Float results cannot be written into an integer tensor; integer results can."""
    same(lambda lib: MATH_[op](lib, lib.tensor([1, 4, 9])))


@pytest.mark.parametrize("op", ["exp_", "tanh_", "sigmoid_", "sqrt_"])
def test_math_inplace_saved_output_then_modified(op):
    """Ops that save their output watch the modified tensor: a later in-place change is caught."""
    def f(lib):
        x = lib.tensor([0.5, 0.2], requires_grad=True)
        y = x * 1
        MATH_[op](lib, y)
        y.add_(1)
        y.sum().backward()

    raises_same(f)


MULTI_OUTPUT_WRITES = [
    lambda L, x, w: (x * 1).split(2)[0].add_(w),
    lambda L, x, w: (x * 1).split([2, 3])[1].mul_(w[0]),
    lambda L, x, w: (x * 1).unbind()[1].zero_().add_(w[0]),
    lambda L, x, w: x.detach().chunk(2)[0].add_(w),
]


@pytest.mark.parametrize("case", range(len(MULTI_OUTPUT_WRITES)))
def test_inplace_on_multi_output_views_refused(case):
    """A19: outputs of split/chunk/unbind are views PyTorch cannot rebase: tracked in-place ops refuse."""
    compare_error(MULTI_OUTPUT_WRITES[case], rng().standard_normal(5), rng().standard_normal(2),
                  requires_grad=[True, True])


def test_inplace_on_no_grad_split_refused():
    def fn(L, x, w):
        with L.no_grad():
            v = (x * 1).split(2)[0]
        v.add_(w)
    compare_error(fn, rng().standard_normal(5), rng().standard_normal(2), requires_grad=[True, True])


def test_setitem_of_everything_writes_into_self():
    """``x[...] = v`` and ``x[:] = v`` copy (or fill, for a 0-d value) into ``x`` itself: no CopySlices."""
    def f(L):
        x = L.zeros(3, 4, requires_grad=True)
        w = L.tensor(2.0, requires_grad=True)
        out = []
        for key, value in (((...), x), (slice(None), x), (0, x[1]), ((...), 1.0), (slice(None), 1.0), (0, 1.0),
                           ((...), w), ((slice(None), slice(0, 4)), x[:1])):
            v = x.clone()
            v[key] = value
            out.append(graph_names(v.grad_fn))
        v = L.zeros(3, 4)
        v[...] = w
        v.sum().backward()
        return out, w.grad
    same(f)


def test_fill_with_a_tensor_value():
    """fill_(number) is FillBackward2; fill_(0-d tensor) FillBackward3, and the value gets the gradient."""
    def f(L):
        y = L.zeros(3, requires_grad=True) * 1
        w = L.tensor(1.0, dtype=L.float64, requires_grad=True)
        y.fill_(w)
        y.sum().backward()
        z = L.zeros(3, requires_grad=True) * 1
        z.fill_(2.5)
        return y, w.grad, z
    same(f)
    raises_same(lambda L: L.zeros(3).fill_(L.tensor([1.0])))


NON_FLOAT_WRITES = {
    "fill_": lambda L, b, x: b.fill_(x),
    "masked_fill_": lambda L, b, x: b.masked_fill_(b > 1, x),
    "setitem_slice": lambda L, b, x: b.__setitem__(slice(1, None), x),  # (a 0-d value: fill_)
    "setitem_mask": lambda L, b, x: b.__setitem__(b > 1, x),
    "setitem_mask_1d": lambda L, b, x: b.__setitem__(b > 1, x.reshape(1)),
    "setitem_element": lambda L, b, x: b.__setitem__(0, x),  # (the same shape: copy_)
    "copy_": lambda L, b, x: b.copy_(x),
    "setitem_view": lambda L, b, x: b[::2].__setitem__(0, x.expand(3)),
}


@pytest.mark.parametrize("dtype", ["int64", "bool"])
@pytest.mark.parametrize("op", NON_FLOAT_WRITES)
def test_inplace_write_of_a_grad_value_into_integers(op, dtype):
    """PyTorch's in-place ops record their node whatever the written tensor's dtype (fill_,
    masked_fill_, index_put_ with a mask): an int or bool tensor then requires grad; copy_ alone
    checks the dtype. A view of it written so becomes AsStridedBackward0 of its base."""
    def f(L):
        x = L.tensor(2.0, requires_grad=True)
        base = L.tensor([[1, 2, 3], [0, 2, 1], [3, 1, 0]], dtype=getattr(L, dtype))
        b = base[::2] if op == "setitem_view" else base[0]
        NON_FLOAT_WRITES[op](L, b, x)
        return (b, b.requires_grad, b.is_leaf, graph_names(b.grad_fn), base.requires_grad,
                graph_names(base.grad_fn))

    same(f)


@pytest.mark.parametrize("dtype", ["int64", "float32"])
def test_no_grad_view_refuses_a_recorded_write_whatever_its_dtype(dtype):
    """A view made under no_grad keeps PyTorch's creation meta also for integers: a write that
    would be recorded (a value that requires grad) is refused; one that would not is done."""
    def f(L):
        a = L.tensor([1, 2, 3, 4], dtype=getattr(L, dtype))
        with L.no_grad():
            p = a[1:]
        p.add_(1)
        p.fill_(L.tensor(2.0, requires_grad=True))

    raises_same(f)


@pytest.mark.parametrize("src", ["number", "tensor", "fill_"])
def test_copy_backward_zeros_are_contiguous(src):
    """CopyBackwards gives the overwritten tensor contiguous zeros (LEGACY_CONTIGUOUS_MEMORY_FORMAT),
    whatever its layout; fill_'s are laid out as the gradient."""
    def f(L):
        x = L.tensor([[[-1.0, 1.0, 1.0]], [[-1.0, -1.0, 1.0]]]).permute(2, 1, 0).requires_grad_()
        v = x - 1
        {"number": lambda: v.copy_(-1.0), "tensor": lambda: v.copy_(L.ones(3, 1, 2)), "fill_": lambda: v.fill_(2.0)}[src]()
        g, = L.autograd.grad(v.pow(2).sum(), [x], create_graph=True)
        return g, g.stride(), g.is_contiguous()

    same(f)


def test_masked_fill_with_a_grad_value_records_it():
    """``masked_fill_(mask, value)`` with a 0-d value that requires grad: MaskedFillBackward1, on a
    tensor that did not require grad, and the value gets the filled places' gradient."""
    def f(L):
        x = L.tensor(2.0, requires_grad=True)
        b = L.tensor([1.0, 2.0, 3.0])
        b.masked_fill_(b > 1, x)
        names = graph_names(b.grad_fn)
        (b * L.tensor([1.0, 10.0, 100.0])).sum().backward()
        return b, names, x.grad

    same(f)


@pytest.mark.parametrize("value", ["0d", "1d", "double", "detached_1d"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_setitem_mask_with_one_element_skips_dtype_check(value, dtype):
    """``x[mask] = v`` with one bool mask and a one-element ``v`` is PyTorch's masked_fill_ fast path
    of index_put_ (IndexPutBackward0): no dtype check; other indices need equal dtypes."""
    def f(L):
        x = L.tensor(2.0, requires_grad=True)
        v = {"0d": x, "1d": x.reshape(1), "double": x.double(), "detached_1d": x.detach().reshape(1)}[value]
        b = L.tensor([1.0, 2.0, 3.0], dtype=getattr(L, dtype))
        b[b > 1] = v
        return b, graph_names(b.grad_fn)

    same(f)
    raises_same(lambda L: L.tensor([1.0, 2.0], dtype=L.float64).__setitem__(L.tensor([0]), L.tensor(1.0)))


def test_view_of_a_leaf_view_rebuilt_after_a_write_through_its_detached_alias():
    """``x = y.permute(..).requires_grad_()`` is a leaf view of ``y``, which does not require grad;
    ``x[-1]`` written through its detach() gets PyTorch's AsStridedBackward0 with a None edge."""
    def f(L):
        x = L.tensor([[[0.0, 1.0]], [[2.0, 3.0]]], dtype=L.float64).permute(2, 1, 0).requires_grad_()
        v = x[-1]
        v.detach()[...] = -1.0
        return v, v.requires_grad, v.is_leaf, graph_names(v.grad_fn), x.is_leaf

    same(f)


def test_copy_from_an_alias_laid_out_alike_skips_the_overlap_check():
    """copy_ from the same elements (an expanded gradient into its own detach()) copies nothing:
    PyTorch skips its memory checks, and still records the copy."""
    def f(L):
        x = L.tensor([[1.0, 1.0, -0.0]], requires_grad=True)
        g, = L.autograd.grad(x.sum(), [x], create_graph=True)
        d = g.detach()
        d[::2] = g
        return d, d.stride(), graph_names(d.grad_fn)

    same(f)
    raises_same(lambda L: L.zeros(1, 3).expand(2, 3).copy_(L.ones(2, 3)))


VIEWS = {
    "t": lambda t: t.t(), "select": lambda t: t[1], "slice": lambda t: t[:, 1:], "flatten": lambda t: t.flatten(),
    "permute": lambda t: t.permute(1, 0), "unsqueeze": lambda t: t.unsqueeze(0), "step": lambda t: t[::2, ::2],
    "view_of_view": lambda t: t.t()[1:], "expand": lambda t: t[:1].expand(3, 3),
}
OPS_ON_VIEW = {"mul_": lambda v, x: v.mul_(x.sum()), "relu_": lambda v, x: v.relu_(), "exp_": lambda v, x: v.exp_(),
               "masked_fill_": lambda v, x: v.masked_fill_(v.detach() > 1.0, 0.25)}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("op", OPS_ON_VIEW)
def test_inplace_on_view_rebuilds_it_as_strided(view, op):
    """After an in-place op through a view, PyTorch's view is AsStridedBackward0 (its size, stride
    and storage offset in the base's memory) on the base's CopySlices; gradients and second
    gradients flow through it (an expanded view's gradient is summed, then refused by CopySlices)."""
    def f(L):
        x = L.tensor([[0.5, -1.0, 2.0], [1.0, 0.25, -0.5], [0.3, 0.7, -0.2]], dtype=L.float64, requires_grad=True)
        b = x * 1.5
        v = VIEWS[view](b)
        OPS_ON_VIEW[op](v, x)
        fn = v.grad_fn
        saved = fn._saved_size, fn._saved_stride, fn._saved_storage_offset
        g, = L.autograd.grad((v * v).sum() + (b * b).sum(), x, create_graph=True)
        gg, = L.autograd.grad((g * g).sum(), x)
        return v, b, fn.name(), [n.name() for n, _ in fn.next_functions], saved, g, gg

    same(f)


def test_view_of_base_changed_elsewhere_is_as_strided():
    """A view whose base another view changed: AsStridedBackward0 also for an expanded view,
    whose gradient is summed over the repeated element."""
    def f(L):
        x = L.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        b = x.exp()
        e = b.expand(2, 2, 2)
        s = b.t()[0]
        s.mul_(2)
        g, = L.autograd.grad((e * e).sum(), b, create_graph=True)
        return graph_names(e.grad_fn, 0), e.grad_fn.next_functions[0][0].name(), e.grad_fn._saved_stride, g, g.grad_fn.name()

    same(f)


def test_copy_into_expanded_view_records_copy_slices():
    """``e[...] = e`` of an expanded view: CopySlices on the base, whose backward refuses the overlap."""
    def f(L):
        x = L.tensor([[-1.0, 2.0]], dtype=L.float64, requires_grad=True)
        base = (x * x).sum()
        e = base.expand(2)
        e[...] = e
        names = base.grad_fn.name(), e.grad_fn.name()
        e.sum().backward()
        return names

    raises_same(f)


def test_inplace_ops_carry_forward_ad_tangents():
    """Forward AD through in-place ops, as PyTorch: the result's tangent becomes the tensor's, and its
    base's at a view's place (mul_, a view's mul_, copy_ into a view, x[i] = v, a mask fill); jacfwd too."""
    def f(L):
        fw = L.autograd.forward_ad
        x = L.tensor([[0.1, 0.2], [0.3, -0.4]], dtype=L.float64)
        t = L.tensor([[1.0, 0.5], [-0.5, 2.0]], dtype=L.float64)
        out = []
        with fw.dual_level():
            d = fw.make_dual(x, t)
            a = d * 1
            a.mul_(d)
            b = d * 1
            v = b[0]
            v.mul_(3)
            c = d * 1
            c.t()[1].copy_(d[0] * 5)
            e = L.zeros(2, 2, dtype=L.float64)
            e[1] = d[0]
            m = d * 1
            m[m > 0.15] = 0.5
            out = [fw.unpack_dual(z).tangent for z in (a, b, v, c, e, m)]
        jac = L.func.jacfwd(lambda x: x.clone().mul_(x).t()[0].add_(x[1]).sum())(x)
        return out, jac

    same(f)


@pytest.mark.parametrize("fill", ["uniform_()", "normal_(1.0, 2.0)", "random_()", "random_(3)", "random_(1, 4)"])
def test_random_refill_in_the_graph(fill):
    """A random refill of a non-leaf records its own node (UniformBackward0, RandomBackward1...),
    passes a zero gradient back, and a leaf that requires grad refuses it before drawing."""
    def run(lib):
        lib.manual_seed(0)
        x = lib.ones(2, 3, requires_grad=True)
        y = eval("(x * 2)." + fill)
        (y * y).sum().backward()
        return y, x.grad, y._version, lib.rand(2)

    same(run)
    raises_same(lambda lib: eval("lib.ones(2, requires_grad=True)." + fill, {"lib": lib}))


# --- CopySlices: an in-place op on a view, as PyTorch records it --------------------------------

COPY_SLICES_VIEWS = {
    "select": lambda t: t[1], "slice": lambda t: t[:, 1:], "ellipsis": lambda t: t[..., 0],
    "narrow": lambda t: t.narrow(1, 0, 2), "transpose": lambda t: t.transpose(0, 1),
    "unsqueeze": lambda t: t.unsqueeze(0), "view_of_view": lambda t: t.t()[1:], "step": lambda t: t[::2, ::2],
    "view": lambda t: t.view(9), "alias": lambda t: t[:, :],
}
COPY_SLICES_OPS = {
    "relu_": lambda v, w: v.relu_(), "mul_": lambda v, w: v.mul_(w.sum()), "mul_number": lambda v, w: v.mul_(3.0),
    "add_": lambda v, w: v.add_(w.sum()), "sub_": lambda v, w: v.sub_(w[0]), "div_": lambda v, w: v.div_(w.sum() + 3),
    "copy_": lambda v, w: v.copy_(w.sum() * v.detach()), "setitem": lambda v, w: v.__setitem__(0, w.sum()),
    "zero_": lambda v, w: v.zero_(), "fill_": lambda v, w: v.fill_(0.5), "fill_tensor": lambda v, w: v.fill_(w.sum()),
    "clamp_": lambda v, w: v.clamp_(-0.5, 0.6), "sigmoid_": lambda v, w: v.sigmoid_(), "exp_": lambda v, w: v.exp_(),
    "tanh_": lambda v, w: v.tanh_(), "mul_old_self": lambda v, w: v.mul_(v.detach() + w.sum()),
}


@pytest.mark.parametrize("base_requires_grad, create_graph", [(True, False), (True, True), (False, True)])
@pytest.mark.parametrize("op", COPY_SLICES_OPS)
@pytest.mark.parametrize("view", COPY_SLICES_VIEWS)
def test_copy_slices_graph_at_every_level(view, op, base_requires_grad, create_graph):
    """PyTorch's CopySlices wraps the in-place op's node: its edges are the base's old one and the
    op's others; its backward copies the gradient, runs the op's backward on a clone of the
    view's part and copies that back, so create_graph records CopyBackwards, AsStridedBackward0,
    CloneBackward0 and a CopySlices of its own. Graph names five levels deep, values, first
    and second gradients."""
    def f(L):
        data = [[0.5, -1.0, 2.0], [1.0, 0.25, -0.5], [0.3, 0.7, -0.2]]
        x = L.tensor(data, dtype=L.float64, requires_grad=True)
        w = L.tensor([0.4, -0.3], dtype=L.float64, requires_grad=True)
        b = x * 1.5 if base_requires_grad else L.tensor(data, dtype=L.float64)
        v = COPY_SLICES_VIEWS[view](b)
        COPY_SLICES_OPS[op](v, w)
        out = [graph_names(b.grad_fn, 5), graph_names(v.grad_fn, 5), b, v]
        if not v.requires_grad:
            return out
        inputs = [x, w] if base_requires_grad else [w]
        grads = L.autograd.grad((v * v).sum() + (b * b).sum(), inputs, create_graph=create_graph, allow_unused=True)
        out += [(g, graph_names(g.grad_fn, 6)) for g in grads if g is not None]
        again = [g for g in grads if g is not None and g.requires_grad]
        if again:
            grads = L.autograd.grad(sum((g * g).sum() for g in again), inputs, allow_unused=True)
            out += [g for g in grads if g is not None]
        return out

    same(f)


def test_copy_slices_fuzz_seed_2469():
    """The fuzzer's seed 2469: the gradient through a view's relu_ is PyTorch's CopySlices (its
    ThresholdBackwardBackward0 reads the view as it is now: AsStridedBackward0 of the base)."""
    def f(L):
        x1 = L.tensor([[0.0, -1.0, 0.0], [-0.0, -1.0, -1.0]], requires_grad=True)
        v2 = x1.clone()
        v5 = v2[..., 0]
        v5.relu_()
        v8_0, = L.autograd.grad(v5.sum(), [x1], create_graph=True, allow_unused=True)
        return v8_0, graph_names(v8_0.grad_fn, 6), graph_names(v2.grad_fn, 3), repr(v2.grad_fn).split(" at ")[0]

    same(f)


def _copy_slices_advanced_index(L):
    x = L.tensor([[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]], requires_grad=True)
    w = L.tensor([3.0, 4.0], requires_grad=True)
    b = x * 2
    v = b[1]
    v[[0, 2]] = w
    g, = L.autograd.grad((b * b).sum(), [x], create_graph=True)
    gw, = L.autograd.grad((g * g).sum() + (b * b).sum(), [w])
    return graph_names(b.grad_fn, 4), graph_names(v.grad_fn, 3), g, graph_names(g.grad_fn, 5), gw


def _copy_slices_other_views(L):
    x = L.tensor([[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]], requires_grad=True)
    b = x * 2
    a, c, d = b.t(), b[0], b.view(6)
    c.exp_()
    out = [graph_names(a.grad_fn, 3), graph_names(d.grad_fn, 3), graph_names(c.grad_fn, 3)]
    a[1].sigmoid_()
    out += [graph_names(b.grad_fn, 4), graph_names(c.grad_fn, 3), graph_names(d.grad_fn, 4)]
    g, = L.autograd.grad((d * d).sum() + c.sum(), [x], create_graph=True)
    gg, = L.autograd.grad((g * g).sum(), [x])
    return out, g, graph_names(g.grad_fn, 5), gg


def _copy_slices_nested_views(L):
    x = L.tensor([[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]], requires_grad=True)
    b = x * 2
    v = b.t()
    u = v[1:]
    u[0].zero_()
    v[0].fill_(1.0)
    g, = L.autograd.grad((b * b).sum() + (u * u).sum(), [x], create_graph=True)
    return graph_names(b.grad_fn, 6), graph_names(u.grad_fn, 3), g, graph_names(g.grad_fn, 6)


def _copy_slices_same_view_thrice(L):
    x = L.tensor([[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]], requires_grad=True)
    b = x * 2
    v = b[0]
    v.mul_(2.0)
    v.exp_()
    v.add_(1.0)
    g, = L.autograd.grad((b * b).sum(), [x], create_graph=True)
    gg, = L.autograd.grad(g.sum(), [x])
    return graph_names(b.grad_fn, 6), graph_names(v.grad_fn, 3), g, graph_names(g.grad_fn, 6), gg


def _copy_slices_other_dtype(L):
    x = L.tensor([[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]], dtype=L.float64, requires_grad=True)
    w = L.tensor([1.5, 2.5, 3.5], requires_grad=True)
    b = x * 2
    b[1].copy_(w)
    g = L.autograd.grad((b * b).sum(), [x, w], create_graph=True)
    return graph_names(b.grad_fn, 3), g, graph_names(g[1].grad_fn, 5), graph_names(g[0].grad_fn, 5)


def _copy_slices_broadcast_other(L):
    x = L.tensor([[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]], requires_grad=True)
    w = L.tensor([3.0], requires_grad=True)
    b = x * 2
    b[:, 1].mul_(w)
    g = L.autograd.grad((b * b).sum(), [x, w], create_graph=True)
    return graph_names(b.grad_fn, 4), g, graph_names(g[1].grad_fn, 5), graph_names(g[0].grad_fn, 5)


def _copy_slices_base_without_grad(L):
    w = L.tensor([1.0, 2.0], requires_grad=True)
    b = L.zeros(3, 2)
    b[1].add_(w)
    b[2] = w * 3
    g, = L.autograd.grad((b * b).sum(), [w], create_graph=True)
    return graph_names(b.grad_fn, 4), g, graph_names(g.grad_fn, 5)


def _copy_slices_transposed_base(L):
    x = L.tensor([[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]], requires_grad=True)
    b = x.t().clone()  # a base laid out transposed: the gradient keeps its strides
    b[0].mul_(3.0)
    g, = L.autograd.grad((b * b).sum(), [x], create_graph=True)
    return g, g.stride(), graph_names(g.grad_fn, 5)


def _copy_slices_inputs_subset(L):
    x = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = L.tensor(2.0, requires_grad=True)
    b = x * 2
    b[1:].mul_(w)
    gw, = L.autograd.grad((b * b).sum(), [w], create_graph=True)
    gx, = L.autograd.grad((b * b).sum(), [x], create_graph=True)
    return gw, graph_names(gw.grad_fn, 5), gx, graph_names(gx.grad_fn, 5)


def _copy_slices_retain_grad(L):
    x = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = x * 2
    b.retain_grad()
    seen = []
    b.register_hook(lambda g: seen.append(g.clone()))  # (stays with b's old node)
    b[1:].mul_(3.0)
    (b * b).sum().backward()
    return b.grad, seen, x.grad


def _copy_slices_retain_graph(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    b = x * 2
    b[0].mul_(3.0)
    b.sum().backward(retain_graph=True)
    b.sum().backward()
    return x.grad


def _copy_slices_forward_ad(L):
    fw = L.autograd.forward_ad
    x = L.tensor([[0.1, 0.2], [0.3, -0.4]], dtype=L.float64)
    with fw.dual_level():
        d = fw.make_dual(x, L.ones(2, 2, dtype=L.float64))
        b = d * 1
        b[0].mul_(d[1])
        b[1] = d[0] * 2
        return fw.unpack_dual(b).tangent


def _copy_slices_custom_function(L, backward_gives_none=False):
    """(a custom Function that changes a view in place: CopySlices around its node; when its backward
    gives no gradient for the view, the base gets none either)"""
    class Double(L.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            t.mul_(2)
            ctx.mark_dirty(t)
            return t

        @staticmethod
        def backward(ctx, g):
            return None if backward_gives_none else g * 2

    x = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = x * 1
    v = b[1:]
    out = Double.apply(v)
    names = graph_names(b.grad_fn, 3), graph_names(v.grad_fn, 3), out is v
    (b * b).sum().backward()
    return names, x.grad


def _copy_slices_custom_function_no_gradient(L):
    return _copy_slices_custom_function(L, backward_gives_none=True)


@pytest.mark.parametrize("case", [_copy_slices_custom_function, _copy_slices_custom_function_no_gradient,
                                  _copy_slices_advanced_index, _copy_slices_other_views, _copy_slices_nested_views,
                                  _copy_slices_same_view_thrice, _copy_slices_other_dtype, _copy_slices_broadcast_other,
                                  _copy_slices_base_without_grad, _copy_slices_transposed_base,
                                  _copy_slices_inputs_subset, _copy_slices_retain_grad, _copy_slices_retain_graph,
                                  _copy_slices_forward_ad], ids=lambda f: f.__name__.removeprefix("_copy_slices_"))
def test_copy_slices_cases(case):
    """CopySlices with an advanced index, other views of the base (rebuilt as AsStridedBackward0),
    nested views, one view changed thrice, a copy from another dtype, a broadcast operand, a base
    without grad, a transposed base, ``inputs=`` that skip the base, retain_grad (its hook moves to
    the new node, other hooks stay), retain_graph, forward AD, a custom Function changing a view."""
    same(case)


def _copy_slices_backward_twice(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    b = x * 2
    b[0].add_(1.0)
    b.sum().backward()
    b.sum().backward()


def _copy_slices_saved_view_changed(L):
    """(the saved output of exp_ on a view comes back with the view's grad_fn: the message names AsStrided)"""
    x = L.tensor([1.0, 2.0], requires_grad=True)
    b = x * 2
    v = b[0]
    v.exp_()
    b.mul_(2)
    b.sum().backward()


def _copy_slices_custom_function_view(L):
    class F(L.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a.view(-1)

        @staticmethod
        def backward(ctx, g):
            return g.view(2, 2)

    v = F.apply(L.ones(2, 2, requires_grad=True) * 1)
    v.mul_(2)


def _copy_slices_custom_function_of_two_outputs(L):
    class DoubleAndTriple(L.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            t.mul_(2)
            ctx.mark_dirty(t)
            return t, t * 3

        @staticmethod
        def backward(ctx, g, h):
            return g

    DoubleAndTriple.apply((L.tensor([1.0, 2.0, 3.0], requires_grad=True) * 1)[1:])


@pytest.mark.parametrize("case", [_copy_slices_backward_twice, _copy_slices_saved_view_changed,
                                  _copy_slices_custom_function_view, _copy_slices_custom_function_of_two_outputs],
                         ids=lambda f: f.__name__.removeprefix("_copy_slices_"))
def test_copy_slices_refusals(case):
    """A second backward through a freed CopySlices, a saved view changed since, a custom Function's
    view changed in place, a view changed in place by a custom Function of two outputs."""
    raises_same(case)


# --- the public as_strided ------------------------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda L, x: x.as_strided((2, 2), (1, 2), 1), lambda L, x: L.as_strided(x, (3,), (2,)),
    lambda L, x: x.as_strided((2, 3), (0, 1)), lambda L, x: x.view(2, 3).as_strided((3, 2), (1, 3)),
], ids=["offset", "function", "repeating", "transposed"])
def test_as_strided(fn):
    """AsStridedBackward0: values, the view, gradients (summed where places repeat) to third order."""
    compare_orders(fn, arrays((6,))[0])


def test_as_strided_of_a_view_counts_from_the_storage():
    """A view's default offset is its own place in the memory it shares (the gradient lands there)."""
    def run(L):
        x = L.arange(6.0).requires_grad_()
        w = x[2:].as_strided((2,), (2,))
        (w * L.tensor([1.0, 10.0])).sum().backward()
        return w, x.grad

    same(run)


@pytest.mark.parametrize("fn", [lambda L: L.arange(6.0).as_strided((2, 2), (1, 2), 10),
                                lambda L: L.arange(6.0).as_strided((2, 2), (1,))], ids=["out_of_bounds", "lengths"])
def test_as_strided_errors(fn):
    raises_same(fn)
