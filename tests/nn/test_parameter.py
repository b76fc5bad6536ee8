"""autograd_lite/nn/parameter.py against PyTorch: a Parameter's flags and repr, and what arithmetic on it returns."""
import pytest

torch = pytest.importorskip("torch")
import autograd_lite as al  # noqa: E402
from harness import same  # noqa: E402


def test_parameter_repr_and_flags():
    def parameters(lib):
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        return ((p.requires_grad, p.is_leaf, p.grad_fn), repr(p),
                repr(lib.nn.Parameter(lib.ones(2), requires_grad=False)), repr(lib.nn.Parameter(lib.ones(2)) * 2))

    same(parameters)
    assert type(al.nn.Parameter(al.ones(2)) * 2) is al.Tensor
