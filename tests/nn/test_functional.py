"""autograd_lite/nn/functional.py against PyTorch: linear's graph, softmax and log_softmax
(the losses, convolutions and activations it re-exports are tested beside their ops in tests/ops/)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from harness import graph_names, same  # noqa: E402


@pytest.mark.parametrize("shape", [(3,), (2, 3), (5, 2, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_graph_names_and_values(shape, bias):
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    w = np.random.default_rng(2).standard_normal((4, 3)).astype(np.float32)
    b = np.random.default_rng(3).standard_normal(4).astype(np.float32)

    def linear(lib):
        xx, ww, bb = (lib.tensor(v, requires_grad=True) for v in (x, w, b))
        y = lib.nn.functional.linear(xx, ww, bb if bias else None)
        y.backward(lib.ones(y.shape) * 0.5)
        return y, graph_names(y.grad_fn, 3), xx.grad, ww.grad

    same(linear)


@pytest.mark.parametrize("name,dim", [("softmax", 1), ("log_softmax", 0)])
def test_softmax_functions(name, dim):
    x = np.random.default_rng(4).standard_normal((2, 3)).astype(np.float32)
    same(lambda lib: getattr(lib.nn.functional, name)(lib.tensor(x), dim=dim))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("n", [1, 3, 300])
def test_softmax_backward_sums_from_the_first_term(name, n):
    """Inside its backward kernel PyTorch sums ``grad * y`` (``grad``) from the first term, not from
    +0: an all -0. gradient keeps its sign through the sum."""
    from harness import same_bits

    def run(L):
        x = L.zeros(2, n, requires_grad=True)
        y = getattr(L.nn.functional, name)(x, 1)
        return L.autograd.grad(y, x, L.full((2, n), -0.0))[0]
    same_bits(run)


def test_cross_entropy_of_one_class_gradient_sign():
    """log_softmax's backward of ``-0.`` over one class: ``-0. - exp(0) * sum`` with the sum -0."""
    from harness import same_bits

    def run(L):
        x = L.tensor([1.0, -1.0])[..., ::2].requires_grad_()
        loss = L.nn.functional.cross_entropy(x, L.tensor(0))
        return L.autograd.grad(loss.pow(2).sum(), x, create_graph=True)[0]
    same_bits(run)


def test_linear_with_no_features():
    same(lambda L: L.nn.functional.linear(L.ones(2, 2, 0), L.ones(3, 0)))
    same(lambda L: L.nn.functional.linear(L.ones(2, 2, 0), L.ones(3, 0), L.ones(3)))


@pytest.mark.parametrize("name", ["elu", "softplus"])
def test_activation_gradient_layout(name):
    """Their backward is an elementwise op of (grad, input): laid out by TensorIterator's rule."""
    from harness import compare_layout
    x = np.random.default_rng(0).standard_normal((3, 4))
    f = getattr
    compare_layout(lambda L, x: L.autograd.grad(f(L.nn.functional, name)(x.t()).sum(), x)[0], x, requires_grad=True)
    compare_layout(lambda L, x: L.autograd.grad(f(L.nn.functional, name)(x.t()), x, L.ones(4, 3))[0], x,
                   requires_grad=True)
