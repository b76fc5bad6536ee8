"""autograd_lite/nn/functional.py against PyTorch: linear's graph, softmax and log_softmax
(the losses, convolutions and activations it re-exports are tested beside their ops in tests/ops/)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from harness import compare, compare_error, compare_orders, graph_names, same  # noqa: E402


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


SIMILARITY = {
    "normalize": lambda F, x, y: F.normalize(x),
    "normalize-p1-last": lambda F, x, y: F.normalize(x, p=1, dim=-1),
    "normalize-dims": lambda F, x, y: F.normalize(x, dim=(0, 2)),
    "normalize-zeros": lambda F, x, y: F.normalize(x * 0),
    "cosine": lambda F, x, y: F.cosine_similarity(x, y),
    "cosine-dim0": lambda F, x, y: F.cosine_similarity(x, y, dim=0),
    "cosine-zeros": lambda F, x, y: F.cosine_similarity(x * 0, y, eps=1e-3),
    "cosine-broadcast": lambda F, x, y: F.cosine_similarity(x, y[0, :, :1], dim=1),
    "pairwise": lambda F, x, y: F.pairwise_distance(x, y),
    "pairwise-p1-keepdim": lambda F, x, y: F.pairwise_distance(x, y, p=1, keepdim=True),
    "pairwise-vectors": lambda F, x, y: F.pairwise_distance(x[0, 0], y[0, 0]),
    "pairwise-broadcast": lambda F, x, y: F.pairwise_distance(x, y[0, :, :1]),
}


@pytest.mark.parametrize("name", list(SIMILARITY))
def test_normalize_and_distances_match_torch(name):
    """Values, gradients, the whole recorded graph, and the graphs of the second-order gradients."""
    x, y = np.random.default_rng(5).standard_normal((2, 3, 4, 5))
    call = SIMILARITY[name]
    compare(lambda L, a, b: call(L.nn.functional, a, b), x, y, depth=8)
    compare_orders(lambda L, a, b: call(L.nn.functional, a, b), x, y, order=2)


def test_cosine_similarity_of_integers_promotes():
    x, y = np.random.default_rng(6).standard_normal((2, 3, 4))
    compare(lambda L, a, b: L.nn.functional.cosine_similarity(a.long(), b), x, y, requires_grad=[False, True])


@pytest.mark.parametrize("call", [
    lambda F, x, y: F.cosine_similarity(x.long(), y.long()), lambda F, x, y: F.cosine_similarity(x, y[:, :2]),
    lambda F, x, y: F.cosine_similarity(x, y, dim=2), lambda F, x, y: F.pairwise_distance(x, y[:, :2]),
    lambda F, x, y: F.normalize(x, dim=3), lambda F, x, y: F.normalize(x.long()),
], ids=["cosine-integers", "cosine-shapes", "cosine-dim", "pairwise-shapes", "normalize-dim", "normalize-integers"])
def test_similarity_misuse_raises_as_torch(call):
    x, y = np.random.default_rng(7).standard_normal((2, 3, 4))
    compare_error(lambda L, a, b: call(L.nn.functional, a, b), x, y)
