"""autograd_lite/autograd/gradcheck.py against PyTorch: gradcheck and gradgradcheck pass a right
backward and catch a wrong one."""
import pytest

torch = pytest.importorskip("torch")
from harness import LIBS, same  # noqa: E402


def _function(lib, right: bool):
    """``x ** 3`` with a hand-written backward, right (3 x^2 g) or wrong (x^2 g)."""

    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return (3 if right else 1) * x * x * g

    return Cube


def test_gradcheck_passes_a_right_backward():
    for lib in LIBS:
        inputs = tuple(lib.randn(2, 2, dtype=lib.float64, requires_grad=True) for _ in range(2))
        assert lib.autograd.gradcheck(_function(lib, right=True).apply, inputs[:1])
        assert lib.autograd.gradgradcheck(lambda a, b: a * b.sin(), inputs)


def test_gradcheck_catches_a_wrong_backward():
    def check(lib):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        return lib.autograd.gradcheck(_function(lib, right=False).apply, (x,), raise_exception=False)

    assert same(check) == ("returned", False)


def test_gradcheck_error_names_the_mismatch():
    def check(lib):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        return lib.autograd.gradcheck(_function(lib, right=False).apply, (x,))

    got = same(check)
    assert got[0] == "raised" and got[1] == "GradcheckError"
