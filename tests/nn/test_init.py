"""autograd_lite/nn/init.py against PyTorch: the same seed gives the same weights, bit for bit."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from harness import LIBS  # noqa: E402


def _draws(make) -> list:
    """``make(lib)`` after seeding both libraries alike, and one draw after it: the generator must
    be left where PyTorch leaves it."""
    out = []
    for lib in LIBS:
        lib.manual_seed(0)
        made = make(lib)
        out.append([t.detach().numpy() if t is not None else None for t in made] + [lib.rand(3).numpy()])
    return out


def _assert_bit_for_bit(make) -> None:
    theirs, ours = _draws(make)
    for a, b in zip(ours, theirs):
        if b is None:
            assert a is None
        else:
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("shape", [(3, 2), (7, 5), (1, 1), (64, 10)])
def test_linear_init_bit_for_bit(shape):
    _assert_bit_for_bit(lambda lib: (lambda m: (m.weight, m.bias))(lib.nn.Linear(*shape)))


def test_linear_init_float64_and_no_bias():
    _assert_bit_for_bit(lambda lib: (lambda m: (m.weight, m.bias))(lib.nn.Linear(4, 3, bias=False, dtype=lib.float64)))


@pytest.mark.parametrize("init", [
    lambda init: init.uniform_, lambda init: init.normal_, lambda init: init.kaiming_uniform_,
    lambda init: init.kaiming_normal_, lambda init: init.xavier_uniform_, lambda init: init.xavier_normal_,
    lambda init: lambda t: init.constant_(t, 0.25), lambda init: init.zeros_, lambda init: init.ones_,
], ids=["uniform_", "normal_", "kaiming_uniform_", "kaiming_normal_", "xavier_uniform_", "xavier_normal_",
        "constant_", "zeros_", "ones_"])
def test_init_functions_bit_for_bit(init):
    _assert_bit_for_bit(lambda lib: (init(lib.nn.init)(lib.empty(6, 5)),))


@pytest.mark.parametrize("args", [("linear",), ("relu",), ("tanh",), ("leaky_relu", 0.2), ("sigmoid",), ("selu",)])
def test_calculate_gain(args):
    theirs, ours = (lib.nn.init.calculate_gain(*args) for lib in LIBS)
    assert ours == theirs
