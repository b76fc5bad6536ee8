"""autograd_lite/nn/init.py against PyTorch: the same seed gives the same weights, bit for bit."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from harness import LIBS, raises_same, same  # noqa: E402


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


def test_trunc_normal_orthogonal_and_eye_draw_torch_s_numbers():
    """trunc_normal_ both ways PyTorch draws (normal draws redrawn outside [a, b] when [a, b] holds
    most of the mass, rejection sampling of uniform candidates otherwise)."""
    def run(lib):
        lib.manual_seed(0)
        init = lib.nn.init
        return [init.trunc_normal_(lib.empty(300, 40), std=0.02), init.trunc_normal_(lib.empty(5, 7), 1.0, 2.0, -1.0, 3.0),
                init.trunc_normal_(lib.empty(50, 20), a=1.0, b=3.0), init.trunc_normal_(lib.empty(200, dtype=lib.float64)),
                init.orthogonal_(lib.empty(4, 6)), init.orthogonal_(lib.empty(6, 3, 2), gain=2.0), init.eye_(lib.empty(3, 5))]

    same(run)


@pytest.mark.parametrize("call", [lambda init, lib: init.eye_(lib.empty(3)), lambda init, lib: init.orthogonal_(lib.empty(3))],
                         ids=["eye-1d", "orthogonal-1d"])
def test_init_refuses_what_torch_refuses(call):
    raises_same(lambda lib: call(lib.nn.init, lib))
