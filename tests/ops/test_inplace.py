"""In-place operations against PyTorch: version counters, leaf checks, gradients, grad_fn names."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_lite  # noqa: E402
from harness import arrays, assert_same_tensor, case_tests, compare, compare_error, graph_names, leaves, raises_same, rng, same, setitem  # noqa: E402

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
