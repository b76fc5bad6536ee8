"""autograd_lite/autograd/graph.py against PyTorch: disable_saved_tensors_hooks and
allow_mutation_on_saved_tensors, as their docstrings use them."""
import pytest

torch = pytest.importorskip("torch")
from harness import same  # noqa: E402


def _disable(lib, case):
    G = lib.autograd.graph
    x = lib.ones(2, requires_grad=True)
    if case == "hooks inside":  # the docstring's example
        with G.disable_saved_tensors_hooks("hooks are disabled"):
            with G.save_on_cpu():
                pass
    if case == "inside hooks":
        with G.saved_tensors_hooks(lambda t: t, lambda t: t):
            with G.disable_saved_tensors_hooks("inside hooks"):
                pass
    if case == "plain saving":  # saving without hooks is not affected
        with G.disable_saved_tensors_hooks("m"):
            x.exp().sum().backward()
        return x.grad
    if case == "nested":
        with G.disable_saved_tensors_hooks("outer"):
            with G.disable_saved_tensors_hooks("inner"):
                pass
            with G.save_on_cpu():
                pass
    if case == "after":
        with G.disable_saved_tensors_hooks("m"):
            pass
        with G.save_on_cpu():
            return (x * x).sum()


@pytest.mark.parametrize("case", ["hooks inside", "inside hooks", "plain saving", "nested", "after"])
def test_disable_saved_tensors_hooks(case):
    same(lambda lib: _disable(lib, case))


def _mutate(lib, case):
    G = lib.autograd.graph
    a = lib.tensor([1., 2.], requires_grad=True)
    if case == "docstring":
        with G.allow_mutation_on_saved_tensors() as ctx:
            b = a.clone()
            out = (b**2).sum()
            b.sin_()
            out.sum().backward()
        return a.grad, b, type(ctx).__name__
    if case == "saved output":
        with G.allow_mutation_on_saved_tensors():
            b = a * 1
            c, d = b.exp(), b * b
            b.mul_(3)
            c.mul_(2)
            b[0] = 7
            (c + d).sum().backward()
        return a.grad, c
    if case in ("outside", "outside unchanged"):
        with G.allow_mutation_on_saved_tensors():
            b = a * 1
            out = (b ** 2).sum()
            if case == "outside":
                b.add_(1)
        out.backward()
    if case == "nested":
        with G.allow_mutation_on_saved_tensors():
            with G.allow_mutation_on_saved_tensors():
                pass


@pytest.mark.parametrize("case", ["docstring", "saved output", "outside", "outside unchanged", "nested"])
def test_allow_mutation_on_saved_tensors(case):
    same(lambda lib: _mutate(lib, case))


@pytest.mark.parametrize("budget", [0.0, 0.4, 1, True, "0.5", 1.5, -0.1])
def test_region_activation_memory_budget_refuses_in_eager_mode(budget):
    same(lambda lib: lib.autograd.graph.region_activation_memory_budget(budget))
