"""Custom ``autograd.Function`` against PyTorch: ctx, saved tensors, checks on backward's result."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
import autograd_lite  # noqa: E402
from harness import raises_same, same  # noqa: E402


def make_line(lib):
    """CONCEPTS §4: ``w * x + b`` with a hand-written backward."""

    class line(lib.autograd.Function):
        @staticmethod
        def forward(ctx, w, x, b):
            ctx.save_for_backward(w, x)
            return w * x + b

        @staticmethod
        def backward(ctx, grad_out):
            w, x = ctx.saved_tensors
            return grad_out * x, grad_out * w, grad_out

    return line


def _wxb(lib):
    w = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x = lib.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    b = lib.tensor([[0.1, 0.2], [0.3, 0.4]], requires_grad=True)
    return w, x, b


def test_line_function():
    def f(lib):
        w, x, b = _wxb(lib)
        out = make_line(lib).apply(w, x, b)
        out.backward(lib.ones(2, 2))
        return out, w.grad, x.grad, b.grad, out.grad_fn.name(), type(out.grad_fn).__name__

    same(f)


def test_grad_fn_repr_and_next_functions():
    def f(lib):
        w, x, b = _wxb(lib)
        out = make_line(lib).apply(w, x * 1, b)
        return (repr(out.grad_fn), [(n.name(), i) for n, i in out.grad_fn.next_functions],
                repr(out).split("grad_fn=")[1])

    same(f)


def test_ctx_attributes_and_non_tensor_args():
    def f(lib):
        seen = {}

        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, factor, shape):
                ctx.factor = factor
                ctx.shape = shape
                seen["needs"] = ctx.needs_input_grad
                seen["enabled_in_forward"] = lib.is_grad_enabled()
                return x * factor

            @staticmethod
            def backward(ctx, g):
                seen["enabled_in_backward"] = lib.is_grad_enabled()
                return g * ctx.factor, None, None

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = Scale.apply(x, 3.0, (2, 2))
        y.sum().backward()
        return y, x.grad, seen

    same(f)


def test_non_tensor_argument_first():
    def f(lib):
        class Pick(lib.autograd.Function):
            @staticmethod
            def forward(ctx, k, x, w):
                ctx.k = k
                ctx.save_for_backward(x, w)
                return x * w * k

            @staticmethod
            def backward(ctx, g):
                x, w = ctx.saved_tensors
                return None, g * w * ctx.k, g * x * ctx.k

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor([3.0, 4.0], requires_grad=True)
        Pick.apply(2.0, x, w).sum().backward()
        return x.grad, w.grad

    same(f)


def _bad_function(lib, backward, inputs=None):
    class Bad(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k, w):
            return x * w * k

    Bad.backward = staticmethod(backward)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    w = lib.tensor([3.0, 4.0], requires_grad=True)
    Bad.apply(x, 2.0, w).sum().backward()
    return x.grad, w.grad


@pytest.mark.parametrize("backward", [
    lambda ctx, g: (g, None),
    lambda ctx, g: g,
    lambda ctx, g: (g, None, g, g),
    lambda ctx, g: (g, 1.0, g),
    lambda ctx, g: (g, g, g),
    lambda ctx, g: (g * 0 + 1, None, g, None, None),
    lambda ctx, g: (g.sum(), None, g),
    lambda ctx, g: (g.reshape(1, 2).expand(3, 2), None, g),
], ids=["too_few", "single", "too_many", "float_for_non_tensor", "tensor_for_non_tensor", "extra_nones",
        "scalar_grad", "broadcast_grad"])
def test_backward_result_checks(backward):
    same(lambda lib: _bad_function(lib, backward))


def test_wrong_number_of_gradients_message():
    def f(lib):
        class XBack(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, b):
                return a * b

            @staticmethod
            def backward(ctx, g):
                return g

        a = lib.tensor([1.0, 2.0], requires_grad=True)
        XBack.apply(a, a).sum().backward()

    got = raises_same(f)
    assert "function XBackBackward returned an incorrect number of gradients (expected 2, got 1)" in got[2]


def test_wrong_gradient_shape_message():
    def f(lib):
        class X(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return lib.ones(1, 3)

        X.apply(lib.tensor([1.0, 2.0], requires_grad=True)).sum().backward()

    got = raises_same(f)
    assert "Function XBackward returned an invalid gradient at index 0 - got [1, 3] but expected shape compatible with [2]" == got[2]


def test_gradient_summed_back_to_broadcast_shape():
    def f(lib):
        class B(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return g.expand(4, 3, 2) * 1.0

        a = lib.ones(3, 1, requires_grad=True)
        b = lib.ones(3, 2, requires_grad=True)
        y = B.apply(a) + b
        y.sum().backward()
        return a.grad

    same(f)


def test_returning_an_input_unchanged():
    def f(lib):
        class Ident(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 2

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = Ident.apply(x)
        flags = y is x, y.is_leaf, y.requires_grad, type(y.grad_fn).__name__, x.is_leaf, x.grad_fn
        (y * 3).sum().backward()
        return flags, x.grad

    same(f)


def test_multiple_outputs():
    def f(lib):
        class SplitMul(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * 2, x * x

            @staticmethod
            def backward(ctx, g1, g2):
                x, = ctx.saved_tensors
                return g1 * 2 + g2 * 2 * x

        x = lib.tensor([1.0, 3.0], requires_grad=True)
        a, b = SplitMul.apply(x)
        flags = a.grad_fn is b.grad_fn, a.output_nr, b.output_nr
        (a.sum() + b.sum() * 3).backward()
        g1 = x.grad.clone()
        x.grad = None
        a2, b2 = SplitMul.apply(x)
        b2.sum().backward()  # a2 gets no gradient: materialized as zeros
        return flags, g1, x.grad

    same(f)


def test_set_materialize_grads_false():
    def f(lib):
        seen = []

        class Two(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(False)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                seen.append((g1 is None, g2 is None))
                out = 0
                if g1 is not None:
                    out = out + g1 * 2
                if g2 is not None:
                    out = out + g2 * 3
                return out

        x = lib.tensor([1.0, 3.0], requires_grad=True)
        a, b = Two.apply(x)
        b.sum().backward()
        return seen, x.grad

    same(f)


def test_mark_non_differentiable():
    def f(lib):
        class SortLike(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                idx = lib.argmax(x)
                mask = x > 1
                ctx.mark_non_differentiable(idx, mask)
                ctx.save_for_backward(x)
                return x * 2, idx, mask

            @staticmethod
            def backward(ctx, g, gi, gm):
                return g * 2

        x = lib.tensor([1.0, 3.0], requires_grad=True)
        y, idx, mask = SortLike.apply(x)
        flags = [(t.requires_grad, t.grad_fn is None) for t in (y, idx, mask)]
        y.sum().backward()
        return flags, x.grad

    same(f)


def test_mark_non_differentiable_float_output():
    def f(lib):
        class Half(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                out = x * 0.5
                ctx.mark_non_differentiable(out)
                return out

            @staticmethod
            def backward(ctx, g):
                return g

        x = lib.tensor([1.0, 3.0], requires_grad=True)
        y = Half.apply(x)
        return y.requires_grad, y.is_leaf

    same(f)


def test_mark_dirty():
    def f(lib):
        class AddOne_(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.add_(1)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g

        x = lib.tensor([1.0, 3.0], requires_grad=True)
        y = x * 2
        v = y._version
        z = AddOne_.apply(y)
        flags = z is y, y._version - v, type(y.grad_fn).__name__
        (z * z).sum().backward()
        return flags, y, x.grad

    same(f)

    def leaf(lib):
        class AddOne_(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.add_(1)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g

        AddOne_.apply(lib.tensor([1.0, 3.0], requires_grad=True))

    raises_same(leaf)


def test_saved_tensor_modified_in_place():
    def f(lib):
        line = make_line(lib)
        w, x, b = _wxb(lib)
        h = w * 2
        out = line.apply(h, x, b)
        h.add_(1)
        out.sum().backward()

    got = raises_same(f)
    assert "which is output 0 of Add, is at version 1" in got[2]


@pytest.mark.parametrize("op", ["min", "pow_tensor", "pow_base", "exp", "fill_tensor"])
def test_saved_tensor_modified_names_the_overload(op):
    """The message names the producer without "Backward0" but keeps another overload's number
    (MinBackward1 is "Min1"): a saved output by its own node, a saved input by its grad_fn now."""
    def f(lib):
        x = lib.tensor([[2.0, 3.0]], requires_grad=True)
        if op == "fill_tensor":  # a saved input, then written by fill_(Tensor): FillBackward3
            y = x * 1
            z = y * y
            y.fill_(lib.tensor(1.0))
        else:  # a saved output
            z = y = {"min": lambda: x.min(), "pow_tensor": lambda: x ** x, "pow_base": lambda: lib.pow(2.0, x),
                     "exp": lambda: x.exp()}[op]()
            y.sub_(1)
        z.sum().backward()

    raises_same(f)


def test_saved_leaf_modified_under_no_grad():
    def f(lib):
        w, x, b = _wxb(lib)
        out = make_line(lib).apply(w, x, b)
        with lib.no_grad():
            x.mul_(2)
        out.sum().backward()

    raises_same(f)


def test_saved_output_modified():
    def f(lib):
        class Exp(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x.exp()
                ctx.save_for_backward(y)
                return y

            @staticmethod
            def backward(ctx, g):
                y, = ctx.saved_tensors
                return g * y

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = Exp.apply(x)
        ok = (y * 1).sum()
        ok.backward(retain_graph=True)
        g = x.grad.clone()
        y.mul_(2)
        y.sum().backward()
        return g

    raises_same(f)


def test_saved_tensors_twice_and_after_free():
    def f(lib):
        seen = []

        class Sq(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, None)
                return x * x

            @staticmethod
            def backward(ctx, g):
                x, none = ctx.saved_tensors
                x2, _ = ctx.saved_tensors
                seen.append((x2 is x, none))
                return 2 * x * g

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = Sq.apply(x)
        y.sum().backward()
        try:
            y.grad_fn.saved_tensors
        except RuntimeError as e:
            seen.append(str(e))
        return seen, x.grad

    same(f)


def test_save_for_backward_rejects_non_tensors():
    def f(lib):
        class S(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, 3)
                return x * 1

            @staticmethod
            def backward(ctx, g):
                return g

        S.apply(lib.tensor([1.0], requires_grad=True))

    raises_same(f)


def test_save_for_backward_checks_only_when_recording():
    """PyTorch checks the saved objects when it records the node: no graph, no check."""
    def f(lib):
        class S(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, 3)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g

        x = lib.tensor([1.0], requires_grad=True)
        with lib.no_grad():
            under_no_grad = S.apply(x)
        return under_no_grad, S.apply(lib.tensor([1.0]))

    same(f)


def test_no_input_requires_grad():
    def f(lib):
        line = make_line(lib)
        out = line.apply(lib.ones(2), lib.ones(2), lib.ones(2))
        return out, out.requires_grad, out.grad_fn is None

    same(f)


def test_function_under_no_grad():
    def f(lib):
        w, x, b = _wxb(lib)
        with lib.no_grad():
            out = make_line(lib).apply(w, x, b)
        return out, out.requires_grad, out.grad_fn is None

    same(f)


def test_once_differentiable():
    def f(lib):
        seen = []

        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            @lib.autograd.function.once_differentiable
            def backward(ctx, g):
                x, = ctx.saved_tensors
                seen.append(lib.is_grad_enabled())
                return 3 * x * x * g

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = Cube.apply(x).sum()
        gx, = lib.autograd.grad(y, x, create_graph=True)
        return seen, gx, gx.requires_grad

    same(f)


def test_function_double_backward():
    def f(lib):
        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return 3 * x * x * g

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = Cube.apply(x).sum()
        gx, = lib.autograd.grad(y, x, create_graph=True)
        ggx, = lib.autograd.grad(gx.sum(), x, create_graph=True)
        gggx, = lib.autograd.grad(ggx.sum(), x)
        return gx, ggx, gggx

    same(f)


def test_backward_without_override():
    def f(lib):
        class NoBackward(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

        NoBackward.apply(lib.tensor([1.0], requires_grad=True)).sum().backward()

    raises_same(f)


def test_mask_sum_function():
    # CONCEPTS §4: the gradient flows only to the elements that were summed.
    def f(lib):
        class MaskedSum(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, mask):
                ctx.save_for_backward(mask)
                return (x * mask).sum()

            @staticmethod
            def backward(ctx, g):
                mask, = ctx.saved_tensors
                return g * mask, None

        x = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        mask = lib.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
        s = MaskedSum.apply(x, mask)
        s.backward()
        return s, x.grad

    same(f)


def test_instantiating_a_function_is_refused_like_pytorch():
    def call_an_instance(lib):
        class Double(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        with pytest.warns(DeprecationWarning):
            f = Double()
        f(lib.ones(2))

    raises_same(call_an_instance)


@pytest.mark.parametrize("which", ["vjp", "vjp inherited", "both", "neither"])
def test_vjp_is_backwards_other_name(which):
    """A custom Function may define ``vjp`` instead of ``backward`` (the save_for_forward
    docstring's example does); defining both, or neither, fails at backward as in PyTorch."""
    def run(lib):
        attrs = {"forward": staticmethod(lambda ctx, x: x * 2)}
        if which != "neither":
            attrs["vjp"] = staticmethod(lambda ctx, g: g * 3)
        if which == "both":
            attrs["backward"] = staticmethod(lambda ctx, g: g * 4)
        cls = type("F", (lib.autograd.Function,), attrs)
        if which == "vjp inherited":
            cls = type("G", (cls,), {})
        x = lib.ones(2, requires_grad=True)
        cls.apply(x).sum().backward()
        return x.grad, lib.autograd.Function.vjp is lib.autograd.Function.backward

    same(run)
