"""autograd_lite/nn/padding.py against PyTorch: the padding layers' reprs and outputs (F.pad itself:
tests/ops/test_padding.py)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from harness import same  # noqa: E402

LAYERS = [("ZeroPad1d", (2,)), ("ZeroPad2d", ((1, 0, 2, 1),)), ("ZeroPad3d", (1,)), ("ConstantPad1d", ((1, 2), 3.5)),
          ("ConstantPad2d", (1, -1.0)), ("ConstantPad3d", ([0, 1, 1, 0, 1, 1], 2)), ("ReflectionPad1d", (2,)),
          ("ReflectionPad2d", ((1, 2, 0, 1),)), ("ReflectionPad3d", (1,)), ("ReplicationPad1d", ([3, 1],)),
          ("ReplicationPad2d", (2,)), ("ReplicationPad3d", ((1, 0, 0, 1, 2, 0),))]


@pytest.mark.parametrize("name,args", LAYERS, ids=[n for n, _ in LAYERS])
def test_padding_layers_match_torch(name, args):
    x = np.random.default_rng(0).standard_normal((1, 2, 3, 4, 5))

    def run(lib):
        layer = getattr(lib.nn, name)(*args)
        xs = lib.tensor(x[(0,) * (3 - int(name[-2])):], requires_grad=True)
        y = layer(xs)
        (y * y).sum().backward()
        return repr(layer), y, xs.grad

    same(run)
