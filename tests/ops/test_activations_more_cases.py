"""ops/activations_more.py (and nn.functional's Python-written activations) against PyTorch: values,
gradients, grad_fn names; second-order graphs where ours are PyTorch's, second-order values elsewhere."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_lite as al  # noqa: E402
from harness import LIBS, compare, compare_error, compare_orders, leaves, same  # noqa: E402


def _input() -> np.ndarray:
    """Values on both sides of every kink (-3, 0, 3 exactly too)."""
    x = np.random.default_rng(0).standard_normal((3, 4)) * 3
    x[0, :3] = 3.0, -3.0, 0.0
    return x


ACTIVATIONS = {
    "hardtanh": lambda F, x: F.hardtanh(x), "hardtanh-bounds": lambda F, x: F.hardtanh(x, -2.0, 0.5),
    "relu6": lambda F, x: F.relu6(x), "threshold": lambda F, x: F.threshold(x, 0.1, 20.0),
    "hardsigmoid": lambda F, x: F.hardsigmoid(x), "hardswish": lambda F, x: F.hardswish(x), "mish": lambda F, x: F.mish(x),
    "selu": lambda F, x: F.selu(x), "celu": lambda F, x: F.celu(x), "celu-alpha": lambda F, x: F.celu(x, 2.0),
    "glu": lambda F, x: F.glu(x), "glu-dim0": lambda F, x: F.glu(x[:2], 0), "logsigmoid": lambda F, x: F.logsigmoid(x),
    "softsign": lambda F, x: F.softsign(x), "tanhshrink": lambda F, x: F.tanhshrink(x),
    "softmin": lambda F, x: F.softmin(x, 1),
}
SAME_SECOND_ORDER_GRAPH = {"hardtanh", "hardtanh-bounds", "relu6", "threshold", "logsigmoid", "softsign", "tanhshrink",
                           "softmin", "selu", "celu", "celu-alpha"}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_activation_matches_torch(name, dtype):
    call = ACTIVATIONS[name]
    compare(lambda L, x: call(L.nn.functional, x), _input().astype(dtype), depth=4)


@pytest.mark.parametrize("name", sorted(SAME_SECOND_ORDER_GRAPH))
def test_second_order_graph_is_torch_s(name):
    compare_orders(lambda L, x: ACTIVATIONS[name](L.nn.functional, x), _input(), order=2)


@pytest.mark.parametrize("name", ["hardswish", "mish", "glu", "glu-dim0"])
def test_second_order_values(name):
    """Our double backward differentiates our backward's ops: PyTorch's numbers, other nodes."""
    results = []
    for lib in (al, torch):
        x, = leaves(lib, [_input()], True)
        y = ACTIVATIONS[name](lib.nn.functional, x)
        w = lib.tensor(np.random.default_rng(1).standard_normal(tuple(y.shape)))
        g, = lib.autograd.grad((y * w).sum(), x, create_graph=True)
        gg, = lib.autograd.grad((g * g).sum(), x)
        results.append((g.detach().numpy(), gg.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_hardsigmoid_has_no_second_derivative_either():
    def twice(lib):
        x = lib.tensor([-4.0, 0.5, 4.0], requires_grad=True)
        g, = lib.autograd.grad(lib.nn.functional.hardsigmoid(x).sum(), x, create_graph=True)
        return g.grad_fn.name(), lib.autograd.grad(g.sum(), x)

    same(twice)


@pytest.mark.parametrize("name", ["hardtanh", "relu6", "threshold", "hardsigmoid", "hardswish", "mish", "selu", "celu"])
def test_inplace_forms_write_the_input_and_record_the_node(name):
    calls = {"hardtanh": lambda F, x: F.hardtanh(x, inplace=True), "relu6": lambda F, x: F.relu6(x, True),
             "threshold": lambda F, x: F.threshold(x, 0.1, 2.0, True)}

    def run(lib):
        x = lib.tensor(_input(), requires_grad=True) * 1
        fn = calls.get(name, lambda F, t: getattr(F, name)(t, inplace=True))
        y = fn(lib.nn.functional, x)
        y.sum().backward()
        return y is x, x, x.grad_fn.name(), x._version

    same(run)


@pytest.mark.parametrize("call", [
    lambda F, x, w: F.glu(x[:, :3]), lambda F, x, w: F.glu(x[0, 0]), lambda F, x, w: F.prelu(x, w[:2]),
    lambda F, x, w: F.prelu(x, w[None]), lambda F, x, w: F.hardtanh(x, 2.0, 1.0), lambda F, x, w: F.prelu(x, w.float()),
], ids=["glu-odd", "glu-scalar", "prelu-channels", "prelu-2d-weight", "hardtanh-bounds", "prelu-dtypes"])
def test_misuse_raises_as_torch(call):
    compare_error(lambda L, x, w: call(L.nn.functional, x, w), _input(), np.array([0.25, -0.5, 0.1, 2.0]))


@pytest.mark.parametrize("call", [lambda F, x, w: F.prelu(x, w[:1]), lambda F, x, w: F.prelu(x.t(), w[:3]),
                                  lambda F, x, w: F.prelu(x[0], w[:1]), lambda F, x, w: F.prelu(x.reshape(2, 3, 2), w[:3])],
                         ids=["one-weight", "per-channel", "vector", "3d"])
def test_prelu_matches_torch(call):
    """The weight is reshaped to broadcast over dimension 1 (ViewBackward0), then PreluKernelBackward0."""
    compare(lambda L, x, w: call(L.nn.functional, x, w), _input(), np.array([0.25, -0.5, 0.1, 2.0]), depth=4)


def test_softmin_without_dim_warns_as_torch():
    for lib in LIBS:
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmin has been deprecated"):
            lib.nn.functional.softmin(lib.ones(2, 3))
