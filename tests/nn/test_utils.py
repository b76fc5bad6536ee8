"""autograd_lite/nn/utils.py against PyTorch: gradient clipping, parameters as one vector."""
import pytest

torch = pytest.importorskip("torch")
from harness import raises_same, same  # noqa: E402


def test_clip_grad_norm():
    def clip(lib):
        lib.manual_seed(0)
        m = lib.nn.Linear(5, 3)
        m(lib.ones(2, 5) * 3).sum().backward()
        total = lib.nn.utils.clip_grad_norm_(m.parameters(), 0.5)
        return total, m.weight.grad, m.bias.grad

    same(clip)


def test_vector_to_parameters_round_trip():
    def run(lib):
        lib.manual_seed(0)
        m = lib.nn.Linear(4, 3)
        v = lib.nn.utils.parameters_to_vector(m.parameters())
        lib.nn.utils.vector_to_parameters(v * 2, m.parameters())
        return [v, v.grad_fn.name()] + [p for p in m.parameters()] + [p.is_leaf for p in m.parameters()]

    same(run)
    raises_same(lambda lib: lib.nn.utils.vector_to_parameters([1.0], []))
