"""autograd_lite/nn/conv.py against PyTorch: the convolution and pooling modules' initial weights and reprs
(the ops behind them: tests/ops/test_convolution.py)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from harness import LIBS, same  # noqa: E402


def test_layers_match_torch_init_and_repr():
    def conv(lib):
        lib.manual_seed(0)
        m = lib.nn.Conv2d(3, 8, (3, 5), stride=2, padding=1)
        return repr(m), m.weight.detach().numpy(), m.bias.detach().numpy(), repr(lib.nn.MaxPool2d(3, stride=2))

    theirs, ours = (conv(lib) for lib in LIBS)
    assert ours[0] == theirs[0] and ours[3] == theirs[3]
    np.testing.assert_array_equal(ours[1], theirs[1])
    np.testing.assert_array_equal(ours[2], theirs[2])


def test_pooling_reprs():
    same(lambda lib: [repr(lib.nn.AvgPool2d(2)), repr(lib.nn.AdaptiveAvgPool2d(1)),
                      repr(lib.nn.AdaptiveAvgPool2d((2, 4)))])
