"""autograd_lite/engine.py: backward and autograd.grad against PyTorch (each test runs the same code
through both libraries with the harness's ``same``: values, dtypes, flags, ``grad_fn`` names, or the
same exception type and message), then the engine at scale: deep and wide graphs, and the graph freed
by reference counting alone.
"""
from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import warnings
import weakref

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_lite  # noqa: E402
from harness import LIBS, raises_same, same  # noqa: E402,F401

def name(node):
    return None if node is None else node.name()


# --- leaves and flags ---------------------------------------------------------------


def test_flags_of_created_tensors_and_results():
    def f(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0])
        c = a * b
        d = b * 2
        return [(t.requires_grad, t.is_leaf, name(t.grad_fn)) for t in (a, b, c, d)]

    same(f)


def test_results_under_no_grad_are_leaves():
    def f(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.no_grad():
            c = a * 2
        return c, c.requires_grad, c.is_leaf, c.grad_fn is None

    same(f)


def test_detach_and_detach_():
    def f(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = a * 2
        d = b.detach()
        e = a * 3
        r = e.detach_()
        return d, (d.is_leaf, d.requires_grad), e, r is e, e.is_leaf, e.grad_fn is None

    same(f)


def test_detach_shares_storage_and_version():
    def f(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        d = a.detach()
        d.add_(1)
        return a, a._version, d._version

    same(f)


def test_requires_grad_on_result_without_grad_fn():
    # CONCEPTS §1: sqrt of an input that needs no grad, then MSELoss, then requires_grad_().
    def f(lib):
        inp = lib.tensor([[4.0, 4, 4, 4], [9, 9, 9, 9]])
        out = lib.sqrt(inp)
        target = lib.tensor([1.0, 2, 3, 4])
        loss = ((out - target) ** 2).mean()
        flags = [(t.is_leaf, t.requires_grad) for t in (inp, out, target, loss)]
        r = out.requires_grad_(True)
        loss2 = ((out - target) ** 2).mean()
        loss2.backward()
        return flags, r is out, out.is_leaf, out.requires_grad, out.grad, loss2

    same(f)


def test_requires_grad_setter_errors():
    same(lambda lib: lib.tensor([1, 2], requires_grad=True))
    def set_int(lib):
        t = lib.tensor([1, 2])
        t.requires_grad = True
    raises_same(set_int)
    raises_same(lambda lib: lib.tensor([1, 2]).requires_grad_())
    raises_same(lambda lib: lib.tensor([True]).requires_grad_())

    def non_leaf(lib):
        y = lib.tensor([1.0], requires_grad=True) * 2
        y.requires_grad = False
    raises_same(non_leaf)

    def non_leaf_(lib):
        y = lib.tensor([1.0], requires_grad=True) * 2
        y.requires_grad_(False)
    raises_same(non_leaf_)

    def non_leaf_true(lib):
        y = lib.tensor([1.0], requires_grad=True) * 2
        return y.requires_grad_(True) is y, y.requires_grad
    same(non_leaf_true)


def test_requires_grad_false_on_leaf():
    def f(lib):
        x = lib.tensor([1.0], requires_grad=True)
        x.requires_grad_(False)
        y = x * 2
        return x.requires_grad, y.requires_grad

    same(f)


def _grad_warning(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        g = y.grad
    messages = [str(m.message).split(" (Triggered internally")[0] for m in w]
    return g, [m.category.__name__ for m in w], messages


def test_non_leaf_grad_is_none_with_warning():
    got = same(_grad_warning)
    assert got[1][1][1] == ("list", ["UserWarning"])


def test_retain_grad():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        y.retain_grad()
        z = (y * y).sum()
        before = y.retains_grad, x.retains_grad
        z.backward()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return before, y.grad, x.grad, y.retains_grad

    same(f)


def test_retain_grad_on_leaf_is_noop_and_errors_without_grad():
    def f(lib):
        x = lib.tensor([1.0], requires_grad=True)
        x.retain_grad()
        return x.retains_grad

    same(f)
    raises_same(lambda lib: lib.tensor([1.0]).retain_grad())


def test_retain_grad_accumulates():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        z = (y * y).sum()
        z.backward(retain_graph=True)
        z.backward()
        return y.grad, x.grad

    same(f)


# --- backward --------------------------------------------------------------------------


def test_scalar_example_w_x_b():
    def f(lib):
        x = lib.tensor(1.0, requires_grad=True)
        w = lib.tensor(2.0, requires_grad=True)
        b = lib.tensor(3.0, requires_grad=True)
        y = w * x + b
        y.backward()
        return y, x.grad, w.grad, b.grad

    same(f)


def test_gradient_argument_is_a_vjp():
    def f(lib):
        x = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        out = x * x
        out.backward(lib.tensor([[1.0, 0.5, 0.0], [2.0, -1.0, 3.0]]))
        g1 = x.grad.clone()
        x.grad = None
        (x * x).backward(lib.ones(2, 3))
        g2 = x.grad.clone()
        x.grad = None
        (x * x).sum().backward()
        return g1, g2, x.grad

    same(f)


def test_gradient_of_other_dtype_and_scalar_0d():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        y.backward(lib.tensor(2.0))
        return x.grad

    same(f)


def test_backward_errors():
    def non_scalar(lib):
        (lib.tensor([1.0, 2.0], requires_grad=True) * 2).backward()
    raises_same(non_scalar)

    def wrong_shape(lib):
        (lib.tensor([1.0, 2.0], requires_grad=True) * 2).backward(lib.ones(3))
    raises_same(wrong_shape)

    def wrong_shape_2d(lib):
        (lib.ones(2, 3, requires_grad=True) * 2).backward(lib.ones(3, 2))
    raises_same(wrong_shape_2d)

    def no_grad_fn(lib):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]])
        w1 = lib.tensor([[1.0, 0.0], [0.5, 1.0]])
        w2 = lib.tensor([[2.0, 1.0], [0.0, 1.0]])
        y1 = x @ w1
        y2 = y1 @ w2
        y3 = y1 + y2
        y3.backward(lib.ones(2, 2))
    raises_same(no_grad_fn)

    def no_grad_fn_second(lib):
        x = lib.tensor(1.0, requires_grad=True)
        lib.autograd.backward([x * 2, lib.tensor(1.0)])
    raises_same(no_grad_fn_second)

    def non_scalar_concepts(lib):  # CONCEPTS §3: the fix makes y3 2x2 and non-scalar
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]])
        w1 = lib.tensor([[1.0, 0.0], [0.5, 1.0]], requires_grad=True)
        w2 = lib.tensor([[2.0, 1.0], [0.0, 1.0]], requires_grad=True)
        y1 = x @ w1
        y3 = y1 + y1 @ w2
        y3.backward()
    raises_same(non_scalar_concepts)

    def comparison(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        m = x.ne(1.0)
        flags = m.requires_grad, m.grad_fn is None, str(m.dtype)
        m.sum().backward()
        return flags
    raises_same(comparison)

    def unique(lib):
        x = lib.tensor([1.0, 2.0, 2.0], requires_grad=True)
        u = lib.unique(x)
        assert u.requires_grad and u.grad_fn is not None
        u.sum().backward()
    raises_same(unique)

    def numpy_requires_grad(lib):
        lib.tensor([1.0], requires_grad=True).numpy()
    raises_same(numpy_requires_grad)


def test_unique_flags():
    def f(lib):
        x = lib.tensor([3.0, 1.0, 3.0], requires_grad=True)
        u = lib.unique(x)
        return u, u.grad_fn.name()

    same(f)


def test_autograd_backward_several_roots():
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        a = x * x
        b = (x * 3).sum()
        lib.autograd.backward([a, b], [lib.tensor([1.0, 0.0, 2.0]), None])
        g1 = x.grad.clone()
        x.grad = None
        lib.autograd.backward((x.sin().sum(), x.exp().sum()))
        return g1, x.grad

    same(f)


def test_autograd_backward_single_tensor_and_grad():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.autograd.backward(x * 2, lib.tensor([3.0, 4.0]))
        return x.grad

    same(f)


def test_backward_count_mismatch():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.autograd.backward([x.sum(), x.sum()], [lib.tensor(1.0)])
    raises_same(f)


def test_backward_inputs_leaves_and_non_leaves():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor([3.0, 4.0], requires_grad=True)
        h = x * w
        y = (h * h).sum()
        y.backward(inputs=[x], retain_graph=True)
        r1 = x.grad.clone(), w.grad
        y.backward(inputs=[h], retain_graph=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hg = h.grad
        y.backward(inputs=w)
        return r1, hg, x.grad, w.grad, h.is_leaf

    same(f)


def test_backward_inputs_non_leaf_retains_grad():
    """A non-leaf named in ``inputs`` retains its grad, with no warning, and keeps it later."""
    def f(lib):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        y = w * 2
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            (y * y).sum().backward(inputs=[y], retain_graph=True)
            first = y.retains_grad, y.grad.clone(), w.grad
            (y * 3).sum().backward()
            return first, y.grad, w.grad

    same(f)


def test_backward_inputs_empty():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.sum().backward(inputs=[])
    raises_same(f)


def test_accumulation_across_calls():
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = 2 * lib.dot(x, x)
        y.backward()
        g1 = x.grad.clone()
        x.grad.zero_()
        x.sum().backward()
        g2 = x.grad.clone()
        x.sum().backward()
        (2 * lib.dot(x, x)).backward()
        return g1, g2, x.grad

    same(f)


def test_grad_identity_kept_across_accumulation():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.sum().backward()
        g = x.grad
        v = g._version
        (x * 2).sum().backward()
        return g is x.grad, g, x.grad._version > v

    same(f)


def test_a_plus_a_then_b_times_b():
    def f(lib):
        a = lib.tensor([1.5, -2.0], requires_grad=True)
        b = a + a
        c = b * b
        c.sum().backward()
        return b, c, a.grad, name(c.grad_fn), name(b.grad_fn)

    same(f)


def test_next_functions():
    def f(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0])
        c = a * b
        d = c.sum()
        nf = d.grad_fn.next_functions
        nf2 = c.grad_fn.next_functions
        return ([(name(n), i) for n, i in nf], [(name(n), i) for n, i in nf2],
                nf2[0][0].variable is a)

    same(f)


def test_second_backward_only_where_pytorch_raises():
    def sum_twice(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.sum()
        y.backward()
        y.backward()
        return x.grad
    got = same(sum_twice)
    assert got[0] == "returned"

    def mul_twice(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        y.backward()
        y.backward()
    raises_same(mul_twice)

    def retained(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad
    same(retained)

    def add_twice(lib):  # nothing saved: no error
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x + 2).sum()
        y.backward()
        y.backward()
        return x.grad
    same(add_twice)

    def grad_then_backward(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x.exp()).sum()
        lib.autograd.grad(y, x)
        y.backward()
    raises_same(grad_then_backward)

    def saved_tensors_after_free(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        y.sum().backward()
        return y.grad_fn._saved_self
    if not hasattr(autograd_lite.ops.Mul._backward_cls, "_saved_self"):
        return


def test_partial_second_backward():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x.exp()
        a = h.sum()
        b = (h * 2).sum()
        a.backward()
        b.backward()  # exp's saved result was freed by the first backward
    raises_same(f)


# --- higher order --------------------------------------------------------------------------


def _derivatives(lib, f, x0, order):
    x = lib.tensor(x0, requires_grad=True)
    y = f(lib, x)
    out = [y]
    for _ in range(order):
        (g,) = lib.autograd.grad(out[-1].sum(), x, create_graph=True)
        out.append(g)
    return out


@pytest.mark.parametrize("f", [
    lambda lib, x: lib.tanh(x),
    lambda lib, x: lib.sin(x * x),
    lambda lib, x: lib.exp(lib.tanh(x)) * x,
    lambda lib, x: lib.sigmoid(x) ** 3,
    lambda lib, x: lib.log(1 + x.sin() ** 2) / lib.sqrt(2 + x.cos()),
], ids=["tanh", "sin_sq", "exp_tanh", "sigmoid_cubed", "log_sin"])
def test_third_derivatives(f):
    same(lambda lib: _derivatives(lib, f, [0.3, -1.2, 2.0], 3))


def test_create_graph_grad_has_grad_fn():
    def f(lib):
        x = lib.tensor([0.5, 1.5], requires_grad=True)
        y = (x ** 3).sum()
        y.backward(create_graph=True)
        g = x.grad
        flags = g.requires_grad, g.is_leaf, name(g.grad_fn)
        x.grad = None
        g.sum().backward()
        return flags, g, x.grad

    same(f)


def test_backward_create_graph_accumulates_graph():
    def f(lib):
        x = lib.tensor([0.5, 1.5], requires_grad=True)
        (x ** 3).sum().backward(create_graph=True)
        (x ** 2).sum().backward(create_graph=True)
        return x.grad, name(x.grad.grad_fn)

    same(f)


def test_grad_arguments():
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = x * w
        (gx, gw) = lib.autograd.grad(y, (x, w), grad_outputs=lib.tensor([1.0, 2.0, 3.0]), retain_graph=True)
        (gx2,) = lib.autograd.grad([y.sum(), (x * x).sum()], [x], retain_graph=True)
        single = lib.autograd.grad(y.sum(), x)
        return gx, gw, gx2, single, type(single).__name__, x.grad, w.grad

    same(f)


def test_grad_allow_unused_and_materialize():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        z = lib.tensor([3.0, 4.0], requires_grad=True)
        y = (x * 2).sum()
        a = lib.autograd.grad(y, [x, z], allow_unused=True, retain_graph=True)
        b = lib.autograd.grad(y, [x, z], materialize_grads=True, retain_graph=True)
        return a, b

    same(f)

    def unused(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        z = lib.tensor([3.0, 4.0], requires_grad=True)
        lib.autograd.grad((x * 2).sum(), [x, z])
    raises_same(unused)

    def unused_first(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        z = lib.tensor([3.0, 4.0], requires_grad=True)
        lib.autograd.grad((x * 2).sum(), [z, x])
    raises_same(unused_first)

    def no_grad_input(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.autograd.grad((x * 2).sum(), [lib.tensor([1.0])])
    raises_same(no_grad_input)

    def conflict(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.autograd.grad((x * 2).sum(), [x], allow_unused=False, materialize_grads=True)
    raises_same(conflict)


def test_grad_non_leaf_input_and_intermediate():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x.sin()
        y = (h * h).sum()
        return lib.autograd.grad(y, [h, x])

    same(f)


def test_grad_does_not_touch_grad_fields():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.autograd.grad((x * x).sum(), x)
        return x.grad

    same(f)


def _pinn_u(lib, x, t, W1, b1, W2):
    inp = lib.stack([x, t], dim=1)
    h = lib.tanh(inp @ W1 + b1)
    return h @ W2


def _pinn_weights(lib):
    W1 = lib.tensor([[0.5, -0.3, 0.8], [0.2, 0.7, -0.6]], requires_grad=True)
    b1 = lib.tensor([0.1, -0.2, 0.05], requires_grad=True)
    W2 = lib.tensor([[0.9], [-0.4], [0.3]], requires_grad=True)
    return W1, b1, W2


def test_pinn_u_x_u_xx():
    def f(lib):
        W1, b1, W2 = _pinn_weights(lib)
        x = lib.tensor([0.0, 0.25, 0.5, 1.0], requires_grad=True)
        t = lib.tensor([0.1, 0.2, 0.3, 0.4], requires_grad=True)
        u = _pinn_u(lib, x, t, W1, b1, W2).squeeze(1)
        u_x, = lib.autograd.grad(u, x, grad_outputs=lib.ones_like(u), create_graph=True)
        u_t, = lib.autograd.grad(u, t, grad_outputs=lib.ones_like(u), create_graph=True)
        u_xx, = lib.autograd.grad(u_x, x, grad_outputs=lib.ones_like(u_x), create_graph=True)
        residual = u_t - 0.1 * u_xx
        bc = _pinn_u(lib, lib.zeros(4), t, W1, b1, W2) ** 2
        loss = (residual ** 2).mean() + bc.mean()
        loss.backward()
        return u, u_x, u_t, u_xx, loss, W1.grad, b1.grad, W2.grad, x.grad

    same(f)


def test_pinn_bug_detached_copy_not_in_graph():
    def bug(lib):
        W1, b1, W2 = _pinn_weights(lib)
        x = lib.tensor([0.0, 0.5, 1.0])
        t = lib.tensor([0.1, 0.2, 0.3])
        u = _pinn_u(lib, x.requires_grad_(), t, W1, b1, W2)
        x_copy = x.detach().requires_grad_()
        lib.autograd.grad(u, [W1, x_copy], grad_outputs=lib.ones_like(u))
    got = raises_same(bug)
    assert "index 1" in got[2]

    def allowed(lib):
        W1, b1, W2 = _pinn_weights(lib)
        x = lib.tensor([0.0, 0.5, 1.0], requires_grad=True)
        t = lib.tensor([0.1, 0.2, 0.3])
        u = _pinn_u(lib, x, t, W1, b1, W2)
        x_copy = x.detach().requires_grad_()
        return lib.autograd.grad(u, [x_copy, x], grad_outputs=lib.ones_like(u), allow_unused=True)
    got = same(allowed)
    assert got[1][1][0] is None


# --- hooks ------------------------------------------------------------------------------


def test_hooks_observe_and_replace():
    def f(lib):
        seen = []
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        x.register_hook(lambda g: seen.append(("x", g.clone())))
        y.register_hook(lambda g: seen.append(("y", g.clone())))
        y.register_hook(lambda g: g * 10)
        y.register_hook(lambda g: seen.append(("y2", g.clone())))
        (y * y).sum().backward()
        return seen, x.grad

    same(f)


def test_hook_on_leaf_replaces_what_is_accumulated():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x.register_hook(lambda g: g * 0 + 7)
        (x * x).sum().backward()
        g1 = x.grad.clone()
        h.remove()
        x.grad = None
        (x * x).sum().backward()
        return g1, x.grad

    same(f)


def test_hook_remove_on_non_leaf():
    def f(lib):
        seen = []
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        h = y.register_hook(lambda g: seen.append(1))
        h.remove()
        h.remove()
        y.sum().backward()
        return seen, x.grad

    same(f)


def test_hook_with_retain_grad():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.register_hook(lambda g: g * 100)
        (y * 1.0).sum().backward()
        return y.grad, x.grad

    same(f)

    def before(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: g * 100)
        y.retain_grad()
        y.sum().backward()
        return y.grad, x.grad

    same(before)


def test_hook_on_tensor_without_grad():
    raises_same(lambda lib: lib.tensor([1.0]).register_hook(lambda g: g))


def test_hook_used_twice_fires_once_with_sum():
    def f(lib):
        seen = []
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: seen.append(g.clone()))
        (y * y + y).sum().backward()
        return seen, x.grad

    same(f)


def test_post_accumulate_grad_hook():
    def f(lib):
        seen = []
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.register_hook(lambda g: g * 2)
        x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
        (x * 3).sum().backward()
        (x * 3).sum().backward()
        return seen, x.grad

    same(f)

    def non_leaf(lib):
        y = lib.tensor([1.0], requires_grad=True) * 2
        y.register_post_accumulate_grad_hook(lambda t: None)
    raises_same(non_leaf)


def test_grad_fn_hooks():
    def f(lib):
        seen = []
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        y.grad_fn.register_hook(lambda gi, go: seen.append((len(gi), len(go), gi[0].clone(), go[0].clone())))
        y.grad_fn.register_prehook(lambda go: seen.append(go[0].clone()))
        y.sum().backward()
        return seen

    same(f)


# --- setting .grad -------------------------------------------------------------------------


def test_assign_grad():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.grad = lib.tensor([5.0, 5.0])
        x.sum().backward()
        return x.grad

    same(f)
    raises_same(lambda lib: setattr(lib.tensor([1.0, 2.0], requires_grad=True), "grad", lib.tensor([1.0])))
    raises_same(lambda lib: setattr(lib.tensor([1.0, 2.0], requires_grad=True), "grad",
                                    lib.tensor([1.0, 2.0], dtype=lib.float64)))


def test_integer_leaf_in_graph_gets_no_grad():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        n = lib.tensor([3, 4])
        y = (x * n.float() + n).sum()
        y.backward()
        return x.grad, n.grad, n.requires_grad

    same(f)


def test_float64_grads_keep_dtype():
    def f(lib):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * w).sum().backward()
        return x.grad, w.grad

    same(f)


# --- the engine at scale ------------------------------------------------------------------



def test_deep_chain_backward():
    x = autograd_lite.tensor([1.0], dtype=autograd_lite.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0001 + 0.0001
    y.backward(autograd_lite.ones(1, dtype=autograd_lite.float64))
    assert np.isclose(x.grad.item(), 1.0001 ** 100_000)


def test_deep_chain_grad_and_create_graph():
    x = autograd_lite.tensor(0.5, dtype=autograd_lite.float64, requires_grad=True)
    y = x
    for _ in range(5_000):
        y = autograd_lite.sin(y) * 0.5 + y * 0.5
    g, = autograd_lite.autograd.grad(y, x, create_graph=True)
    gg, = autograd_lite.autograd.grad(g, x)
    assert np.isfinite(g.item()) and np.isfinite(gg.item())


def test_wide_graph():
    x = autograd_lite.arange(10_000, dtype=autograd_lite.float64, requires_grad=True)
    parts = [x[i] * i for i in range(0, 10_000, 5)]
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    total.backward()
    expected = np.zeros(10_000)
    expected[::5] = np.arange(0, 10_000, 5)
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_many_uses_of_one_tensor():
    x = autograd_lite.tensor([2.0], requires_grad=True)
    h = x * 1
    s = sum((h * k for k in range(2_000)), autograd_lite.zeros(1))
    s.backward()
    assert x.grad.item() == sum(range(2_000))


def test_graph_freed_when_outputs_deleted():
    x = autograd_lite.randn(3, requires_grad=True)
    h = x.exp()
    node = weakref.ref(h.grad_fn)
    saved = weakref.ref(h)
    y = (h * h).sum()
    del h
    assert saved() is not None  # MulBackward0 keeps it for backward
    del y
    assert node() is None and saved() is None  # no gc.collect(): reference counting alone


def test_saved_tensors_released_after_backward():
    x = autograd_lite.randn(3, requires_grad=True)
    h = x.exp()
    saved = weakref.ref(h)
    y = (h * h).sum()
    del h
    y.backward()
    gc.collect()
    assert saved() is None  # freed by backward while y (and its graph) still exist
    assert y.grad_fn is not None


def test_saved_tensors_kept_with_retain_graph():
    x = autograd_lite.randn(3, requires_grad=True)
    h = x.exp()
    saved = weakref.ref(h)
    y = (h * h).sum()
    del h
    y.backward(retain_graph=True)
    assert saved() is not None
    y.backward()
    gc.collect()
    assert saved() is None


def test_no_reference_cycles():
    """Building and running a graph, hooks and a custom Function included, leaves nothing for the cyclic GC."""
    script = textwrap.dedent("""
        import gc
        import autograd_lite as torch

        class Square(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                ctx.note = "kept on ctx"
                return x * x

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return 2 * x * g

        def step():
            w = torch.randn(4, 3, requires_grad=True)
            x = torch.randn(5, 4)
            h = torch.tanh(x @ w)
            h.retain_grad()
            h.register_hook(lambda g: g * 1)
            y = Square.apply(h).exp().sum() + h[0].sum() + h.max()
            y.backward(retain_graph=True)
            g, = torch.autograd.grad(y, w, create_graph=True)
            g.sum().backward()
            return w.grad.sum().item()

        step()
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.disable()
        for _ in range(3):
            step()
        found = gc.collect()
        print(found, len(gc.garbage))
        for obj in gc.garbage[:10]:
            print(type(obj))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[0] == "0 0", out.stdout


def test_gradient_sums_in_place_only_where_nobody_else_holds_them():
    """The engine adds a tensor's gradients in place only into a sum nobody else holds (PyTorch's
    InputBuffer): gradients a custom backward keeps, and the caller's own gradient, stay as they were."""
    def fn(L):
        kept = []

        class Keep(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 1

            @staticmethod
            def backward(ctx, g):
                kept.append(g * 1)
                return kept[-1]

        x = L.ones(3, requires_grad=True)
        v = L.tensor([1.0, 2.0, 3.0])
        (Keep.apply(x) + Keep.apply(x) * 2 + Keep.apply(x) * 3).backward(v)
        w = L.ones(2, 2, requires_grad=True)
        (w * 2 + w * 3 + w.t() * 4 + w).sum().backward()
        return x.grad, kept, v, w.grad, w.grad.stride()
    same(fn)


GRAD_LAYOUT_PROGRAMS = [
    # a fresh gradient that is a view of a temporary is kept as it is (PyTorch counts references to
    # the tensor, not to its memory), when it obeys the layout contract on the dims larger than 1
    "x = L.tensor([[0.0, 1.0, -0.0]]).t().requires_grad_(); x.repeat(2, 1, 1).sum().backward()",
    "x = L.tensor([[-1.0], [1.0], [-1.0]]).t().requires_grad_(); x.flatten().prod(0).backward()",
    "x = L.tensor([[-1.0], [1.0], [1.0]]).t().requires_grad_(); x.squeeze(-1).mean().backward()",
    "x = L.tensor([[0.0, -1.0, 0.0]]).t().requires_grad_(); L.maximum(L.tensor([True, False]), x).sum().backward()",
    "x = L.tensor([[-0.0, 1.0], [0.0, -1.0], [-0.0, -1.0]])[..., ::2].requires_grad_(); x.transpose(-2, -1).mean().backward()",
    # two slices of one gradient share its memory: their sum is out of place (contiguous)
    "x = L.tensor([[0.0, 2.0, 0.0, 1.0]]).requires_grad_(); L.cat([x, x], 1).mean().backward()",
    "x = L.tensor([[[-0.0], [1.0], [0.0]]], requires_grad=True); (L.stack([x, x], 1).reshape(1, 3, 2, 1) ** 2).sum().backward()",
    # the user's gradient stays the caller's: copied, not kept
    "x = L.zeros(1, 3, requires_grad=True); g = L.ones(1, 3); x.squeeze(-1).backward(g)",
]


@pytest.mark.parametrize("program", GRAD_LAYOUT_PROGRAMS)
def test_grad_layout_contract(program):
    def run(L):
        ns = {"L": L}
        exec(program, ns)  # noqa: S102
        g = ns["x"].grad
        shares = "g" in ns and g.data_ptr() == ns["g"].data_ptr()
        return g, tuple(g.stride()), g.is_contiguous(), shares
    same(run)


def test_kept_gradient_has_no_forward_tangent():
    """A kept gradient is detached, as PyTorch's AccumulateGrad detaches it: no forward-AD tangent."""
    def run(L):
        fwAD = L.autograd.forward_ad
        r = L.tensor([1.0, -1.0, 2.0], requires_grad=True)
        with fwAD.dual_level():
            z = fwAD.make_dual(r, L.tensor([1.0, 0.5, 0.0])) * 2
            z.sum().backward()
            return r.grad, fwAD.unpack_dual(r.grad).tangent
    same(run)


def test_kept_gradient_of_an_expand_is_laid_out_as_it():
    """sum's gradient is an expand of the output's: kept by AccumulateGrad as it is laid out."""
    def run(L):
        x = L.tensor([[-1.0, -0.0, 0.0]]).t().requires_grad_()
        x.sum(-1).mean().backward()
        y = L.tensor([[1.0], [1.0], [0.0]], dtype=L.float64).t().requires_grad_()
        y.sum(0).pow(2).sum().backward()
        return x.grad, x.grad.stride(), y.grad, y.grad.stride()
    same(run)


@pytest.mark.parametrize("primal,tangent", [("[1]", "[1]"), ("[1.]", "[1]"), ("[1]", "[1.]"), ("[True]", "[1.]")])
def test_make_dual_wants_floating_point(primal, tangent):
    """The dual_level docstring's example (integer primal): ValueError, primal checked first."""
    def run(lib):
        fwAD = lib.autograd.forward_ad
        with fwAD.dual_level():
            return fwAD.make_dual(lib.tensor(eval(primal)), lib.tensor(eval(tangent)))

    raises_same(run)
