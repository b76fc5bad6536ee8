"""autograd_lite/nn/layers_more.py (activation modules) against PyTorch: the activation layers' reprs, outputs and gradients
(the functions behind them: tests/ops/test_activations_more_cases.py)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from harness import raises_same, same  # noqa: E402

LAYERS = [("ReLU6", ()), ("ReLU6", (True,)), ("Hardtanh", ()), ("Hardtanh", (-2, 2, True)), ("Threshold", (0.1, 20.0)),
          ("Threshold", (0.0, -1.0, True)), ("Hardsigmoid", ()), ("Hardswish", (True,)), ("Mish", ()), ("SELU", ()),
          ("SELU", (True,)), ("CELU", ()), ("CELU", (2.0, True)), ("PReLU", ()), ("PReLU", (4, 0.1)), ("GLU", ()),
          ("GLU", (0,)), ("Softmin", (1,)), ("LogSigmoid", ()), ("Softsign", ()), ("Tanhshrink", ())]


@pytest.mark.parametrize("name,args", LAYERS, ids=[f"{n}{a}" for n, a in LAYERS])
def test_activation_layers_match_torch(name, args):
    x = (np.random.default_rng(2).standard_normal((2, 4)) * 3).astype(np.float32)

    def run(lib):
        layer = getattr(lib.nn, name)(*args)
        xs = lib.tensor(x, requires_grad=True)
        y = layer(xs * 1)
        y.sum().backward()
        return [repr(layer), y, y.grad_fn.name(), xs.grad] + [p.grad for p in layer.parameters()]

    same(run)


@pytest.mark.parametrize("make", [lambda nn: nn.Hardtanh(1.0, 1.0), lambda nn: nn.Hardtanh(2, 1)], ids=["equal", "reversed"])
def test_hardtanh_bounds_refused_as_torch(make):
    raises_same(lambda lib: make(lib.nn))
