"""autograd_lite/nn/utils.py against PyTorch: gradient clipping."""
import pytest

torch = pytest.importorskip("torch")
from harness import same  # noqa: E402


def test_clip_grad_norm():
    def clip(lib):
        lib.manual_seed(0)
        m = lib.nn.Linear(5, 3)
        m(lib.ones(2, 5) * 3).sum().backward()
        total = lib.nn.utils.clip_grad_norm_(m.parameters(), 0.5)
        return total, m.weight.grad, m.bias.grad

    same(clip)
