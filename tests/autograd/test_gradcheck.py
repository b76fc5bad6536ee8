"""autograd_lite/autograd/gradcheck.py against PyTorch: gradcheck and gradgradcheck pass a right
backward and catch a wrong one."""
import pytest

torch = pytest.importorskip("torch")
from harness import LIBS, same  # noqa: E402


def _product(lib, right: bool):
    """``x * y`` with a hand-written backward: right (g*y, g*x), or wrong in y's gradient (g*y, g*y)."""

    class Product(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x, y)
            return x * y

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return g * y, g * (x if right else y)

    return Product


def _inputs(lib):
    return tuple(lib.tensor(v, dtype=lib.float64, requires_grad=True) for v in ([1.0, 2.0], [3.0, -1.0]))


def test_gradcheck_passes_a_right_backward():
    for lib in LIBS:
        assert lib.autograd.gradcheck(_product(lib, right=True).apply, _inputs(lib))
        assert lib.autograd.gradgradcheck(lambda a, b: a * b.sin(), _inputs(lib))


def test_gradcheck_catches_a_wrong_backward():
    check = (lambda lib: lib.autograd.gradcheck(_product(lib, right=False).apply, _inputs(lib),
                                                raise_exception=False))
    assert same(check) == ("returned", False)


def test_gradcheck_error_names_the_mismatch():
    got = same(lambda lib: lib.autograd.gradcheck(_product(lib, right=False).apply, _inputs(lib)))
    assert got[0] == "raised" and got[1] == "GradcheckError"
