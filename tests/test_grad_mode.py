"""Grad mode against PyTorch: no_grad, enable_grad, set_grad_enabled, inference_mode, threads."""
from __future__ import annotations

import threading

import pytest

torch = pytest.importorskip("torch")
import autograd_lite  # noqa: E402
from harness import same  # noqa: E402


def _flags(t):
    return t.requires_grad, t.grad_fn is None


def test_context_managers_and_nesting():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        out = [lib.is_grad_enabled()]
        with lib.no_grad():
            out.append((lib.is_grad_enabled(), _flags(x * 2)))
            with lib.enable_grad():
                out.append((lib.is_grad_enabled(), _flags(x * 2)))
                with lib.no_grad():
                    out.append(lib.is_grad_enabled())
                out.append(lib.is_grad_enabled())
            with lib.set_grad_enabled(True):
                out.append((lib.is_grad_enabled(), _flags(x * 2)))
            out.append(lib.is_grad_enabled())
        with lib.set_grad_enabled(False):
            out.append((lib.is_grad_enabled(), _flags(x * 2)))
        out.append(lib.is_grad_enabled())
        return out

    same(f)


def test_set_grad_enabled_as_function_call():
    def f(lib):
        lib.set_grad_enabled(False)
        try:
            x = lib.tensor([1.0], requires_grad=True)
            return lib.is_grad_enabled(), _flags(x * 2)
        finally:
            lib.set_grad_enabled(True)

    same(f)
    assert autograd_lite.is_grad_enabled()


def test_restored_after_exception():
    def f(lib):
        try:
            with lib.no_grad():
                raise ValueError("boom")
        except ValueError:
            pass
        return lib.is_grad_enabled()

    same(f)


def test_decorators():
    def f(lib):
        x = lib.tensor([1.0], requires_grad=True)

        @lib.no_grad()
        def a():
            return lib.is_grad_enabled(), _flags(x * 2)

        @lib.no_grad
        def b():
            return lib.is_grad_enabled()

        @lib.enable_grad()
        def c():
            return lib.is_grad_enabled(), _flags(x * 2)

        @lib.set_grad_enabled(False)
        def d():
            return lib.is_grad_enabled()

        before_call = lib.is_grad_enabled()  # defining d must not switch the mode
        with lib.no_grad():
            inner = c()
        return a(), b(), inner, d(), before_call, lib.is_grad_enabled(), a.__name__

    same(f)


def test_decorator_on_generator():
    def f(lib):
        @lib.no_grad()
        def gen():
            for _ in range(2):
                yield lib.is_grad_enabled()

        g = gen()
        first = next(g)
        outside = lib.is_grad_enabled()
        second = next(g)
        return first, outside, second

    same(f)


def test_threads_have_their_own_mode():
    def f(lib):
        seen = {}

        def worker():
            seen["thread"] = lib.is_grad_enabled()
            x = lib.tensor([1.0], requires_grad=True)
            seen["thread_flags"] = _flags(x * 2)

        with lib.no_grad():
            t = threading.Thread(target=worker)
            t.start()
            t.join()
            seen["main"] = lib.is_grad_enabled()
        return seen

    same(f)


def test_inference_mode():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.inference_mode():
            y = x * 2
            inside = lib.is_grad_enabled(), lib.is_inference_mode_enabled()
        with lib.inference_mode(False):
            z = x * 2
        out = [inside, _flags(y), _flags(z), lib.is_inference_mode_enabled(), lib.is_grad_enabled()]

        @lib.inference_mode()
        def g():
            return lib.is_grad_enabled()

        out.append(g())
        return out

    same(f)


def test_no_grad_vs_detach_vs_requires_grad_false():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.no_grad():
            a = x * 2
        b = (x * 2).detach()
        c = lib.tensor([1.0, 2.0], requires_grad=True)
        c.requires_grad_(False)
        d = c * 2
        return [(t.requires_grad, t.is_leaf) for t in (a, b, c, d)]

    same(f)


def test_backward_inside_no_grad():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        with lib.no_grad():
            y.backward()
        return x.grad

    same(f)


def test_create_graph_inside_no_grad():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x ** 3).sum()
        with lib.no_grad():
            g, = lib.autograd.grad(y, x, create_graph=True)
        return g, lib.is_grad_enabled()

    same(f)


def test_autograd_namespace_grad_mode():
    def f(lib):
        with lib.autograd.no_grad():
            a = lib.is_grad_enabled()
            with lib.autograd.enable_grad():
                b = lib.is_grad_enabled()
        with lib.autograd.set_grad_enabled(False):
            c = lib.is_grad_enabled()
        return a, b, c

    same(f)


def test_inference_tensor_has_no_version_counter():
    """The inference_mode docstring's example: y._version of an inference tensor raises."""
    def run(lib):
        x = lib.ones(1, 2, 3, requires_grad=True)
        with lib.inference_mode():
            y = x * x
        return y.requires_grad, y.is_inference(), x._version, y._version

    same(run)


@pytest.mark.parametrize("how", ["off", "on", "off, caller's grad", "decorator"])
def test_enforce_grad_layout_policy(how):
    """The enforce_grad_layout_policy docstring's example: switched off, a fresh gradient is kept
    in its own strides; the caller's tensor is still copied into the parameter's."""
    def run(lib):
        p = lib.empty(2, 3, 4).permute(2, 0, 1).requires_grad_()
        if how == "decorator":
            lib.autograd.enforce_grad_layout_policy(False)(lambda: (p * 2).sum().backward())()
        else:
            with lib.autograd.enforce_grad_layout_policy(how == "on"):
                if how == "off, caller's grad":
                    p.backward(lib.ones(4, 2, 3) * 2)
                else:
                    (p * 2).sum().backward()
        p2 = lib.empty(2, 3, 4).permute(2, 0, 1).requires_grad_()
        (p2 * 2).sum().backward()  # the policy is back on
        return p.grad.stride(), p2.grad.stride()

    same(run)
