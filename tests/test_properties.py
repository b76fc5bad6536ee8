"""Property tests: random shapes, broadcasting and memory layouts against PyTorch; finite differences.

hypothesis draws broadcast-compatible shape pairs (size-1 and missing dimensions included)
and layouts (contiguous, transposed, strided); every case compares values, dtypes, flags
and gradients with PyTorch. ``gradcheck``/``gradgradcheck`` check each differentiable op's
first and second derivatives against finite differences, on non-square shapes of distinct sizes.
"""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import autograd_lite  # noqa: E402
from autograd_lite.autograd import gradcheck, gradgradcheck  # noqa: E402
from harness import compare, compare_error, rng  # noqa: E402

SETTINGS = settings(deadline=None, max_examples=40, derandomize=True)
LAYOUTS = ("contiguous", "transposed", "strided")


def stored(shape, layout, seed, positive=False):
    """A numpy array from which ``view(L, x, layout)`` gives a tensor of ``shape`` with that layout."""
    shape = tuple(shape)
    if layout == "transposed":
        base = shape[::-1]
    elif layout == "strided":
        base = shape[:-1] + (2 * shape[-1],) if shape else shape
    else:
        base = shape
    a = rng(seed).standard_normal(base)
    return np.abs(a) + 0.5 if positive else a


def view(x, layout):
    """The same layout in either library: a reversed permute or a stride-2 slice of the last dim."""
    if layout == "transposed" and x.ndim > 1:
        return x.permute(*range(x.ndim - 1, -1, -1))
    if layout == "strided" and x.ndim:
        return x[..., ::2]
    return x


pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=4)
shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
layouts = st.sampled_from(LAYOUTS)

BINARY = {
    "add": lambda L, a, b: a + b,
    "sub": lambda L, a, b: L.sub(a, b),
    "mul": lambda L, a, b: a * b,
    "div": lambda L, a, b: a / b,
    "pow": lambda L, a, b: a ** b,
    "maximum": lambda L, a, b: L.maximum(a, b),
    "minimum": lambda L, a, b: L.minimum(a, b),
    "where": lambda L, a, b: L.where(a > 1.0, a, b),
    "add_alpha": lambda L, a, b: L.add(a, b, alpha=-1.5),
}


@pytest.mark.parametrize("op", list(BINARY))
@SETTINGS
@given(shape_pair=pairs, layout_a=layouts, layout_b=layouts, seed=st.integers(0, 2 ** 16))
def test_binary_broadcast(op, shape_pair, layout_a, layout_b, seed):
    sa, sb = shape_pair.input_shapes
    a = stored(sa, layout_a, seed, positive=True)
    b = stored(sb, layout_b, seed + 1, positive=op == "div")
    fn = BINARY[op]
    compare(lambda L, x, y: fn(L, view(x, layout_a), view(y, layout_b)), a, b, check_repr=False, rtol=1e-9)


UNARY = {
    "exp": lambda L, a: L.exp(a), "log": lambda L, a: L.log(a.abs() + 0.1), "sqrt": lambda L, a: (a * a + 0.1).sqrt(),
    "sin": lambda L, a: L.sin(a), "cos": lambda L, a: a.cos(), "tanh": lambda L, a: L.tanh(a),
    "sigmoid": lambda L, a: a.sigmoid(), "relu": lambda L, a: L.relu(a), "abs": lambda L, a: a.abs(),
    "neg": lambda L, a: -a, "clamp": lambda L, a: a.clamp(-0.5, 0.7), "pow3": lambda L, a: a ** 3,
    "rpow": lambda L, a: 1.5 ** a, "sign_mul": lambda L, a: a.sign() * a, "floor_add": lambda L, a: a.floor() + a,
}


@pytest.mark.parametrize("op", list(UNARY))
@SETTINGS
@given(shape=shapes, layout=layouts, seed=st.integers(0, 2 ** 16))
def test_unary(op, shape, layout, seed):
    fn = UNARY[op]
    compare(lambda L, x: fn(L, view(x, layout)), stored(shape, layout, seed), check_repr=False, rtol=1e-9)


REDUCTIONS = {
    "sum": lambda L, a, d, k: a.sum(d, keepdim=k), "mean": lambda L, a, d, k: a.mean(d, keepdim=k),
    "prod": lambda L, a, d, k: a.prod(d, keepdim=k), "amax": lambda L, a, d, k: a.amax(d, keepdim=k),
    "max": lambda L, a, d, k: a.max(d, keepdim=k), "min": lambda L, a, d, k: a.min(d, keepdim=k),
    "argmax": lambda L, a, d, k: a.argmax(d, keepdim=k), "softmax": lambda L, a, d, k: a.softmax(d),
    "log_softmax": lambda L, a, d, k: L.log_softmax(a, d), "sum_all": lambda L, a, d, k: a.sum(),
    "mean_all": lambda L, a, d, k: a.mean(), "max_all": lambda L, a, d, k: a.max(),
    "sum_two_dims": lambda L, a, d, k: a.sum((0, -1), keepdim=k),
}


@pytest.mark.parametrize("op", list(REDUCTIONS))
@SETTINGS
@given(shape=shapes, layout=layouts, seed=st.integers(0, 2 ** 16), data=st.data(), keepdim=st.booleans())
def test_reductions(op, shape, layout, seed, data, keepdim):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    fn = REDUCTIONS[op]
    if op == "sum_two_dims" and len(shape) == 1:  # dims 0 and -1 are the same dim
        compare_error(lambda L, x: fn(L, x, dim, keepdim), stored(shape, "contiguous", seed))
        return
    compare(lambda L, x: fn(L, view(x, layout), dim, keepdim), stored(shape, layout, seed), check_repr=False,
            rtol=1e-9)


@SETTINGS
@given(batch_a=st.lists(st.integers(1, 3), max_size=2), batch_b=st.lists(st.integers(1, 3), max_size=2),
       n=st.integers(1, 4), k=st.integers(1, 4), m=st.integers(1, 4), vec_a=st.booleans(), vec_b=st.booleans(),
       seed=st.integers(0, 2 ** 16), transposed=st.booleans())
def test_matmul_shapes(batch_a, batch_b, n, k, m, vec_a, vec_b, seed, transposed):
    """matmul over every rank combination, batch broadcasting included (batch dims made compatible)."""
    batch_b = [1 if i < len(batch_a) and batch_a[-1 - i] != s else s for i, s in enumerate(batch_b[::-1])][::-1]
    sa = (k,) if vec_a else tuple(batch_a) + (n, k)
    sb = (k,) if vec_b else tuple(batch_b) + (k, m)
    layout = "transposed" if transposed else "contiguous"
    a = stored(sa, layout, seed)
    compare(lambda L, x, y: view(x, layout) @ y, a, stored(sb, "contiguous", seed + 1), check_repr=False, rtol=1e-9)


# --- Finite differences --------------------------------------------------------------------------

def _x(*shape, seed=0, positive=False):
    a = rng(seed).standard_normal(shape)
    if positive:
        a = np.abs(a) + 0.5
    return autograd_lite.tensor(a, requires_grad=True)


T = autograd_lite
GRADCHECK = {
    "add": (lambda a, b: a + b, lambda: (_x(2, 3), _x(3, seed=1))),
    "sub": (lambda a, b: T.sub(a, b, alpha=2.0), lambda: (_x(4, 1), _x(1, 5, seed=1))),
    "mul": (lambda a, b: a * b, lambda: (_x(2, 1, 3), _x(4, 3, seed=1))),
    "div": (lambda a, b: a / b, lambda: (_x(2, 3), _x(3, seed=1, positive=True))),
    "pow_scalar": (lambda a: a ** 3, lambda: (_x(2, 3),)),
    "pow_frac": (lambda a: a ** 1.5, lambda: (_x(2, 3, positive=True),)),
    "pow_tensor": (lambda a, b: a ** b, lambda: (_x(2, 3, positive=True), _x(3, seed=1))),
    "rpow": (lambda a: 2.5 ** a, lambda: (_x(2, 3),)),
    "neg": (lambda a: -a, lambda: (_x(2, 3),)),
    "abs": (lambda a: a.abs(), lambda: (_x(2, 3),)),
    "exp": (T.exp, lambda: (_x(2, 3),)),
    "log": (T.log, lambda: (_x(2, 3, positive=True),)),
    "sqrt": (T.sqrt, lambda: (_x(2, 3, positive=True),)),
    "sin": (T.sin, lambda: (_x(2, 3),)),
    "cos": (T.cos, lambda: (_x(2, 3),)),
    "tanh": (T.tanh, lambda: (_x(2, 3),)),
    "sigmoid": (T.sigmoid, lambda: (_x(2, 3),)),
    "relu": (T.relu, lambda: (_x(2, 3),)),
    "clamp": (lambda a: a.clamp(-0.5, 0.5), lambda: (_x(3, 4),)),
    "maximum": (T.maximum, lambda: (_x(2, 3), _x(3, seed=1))),
    "minimum": (T.minimum, lambda: (_x(4, 1), _x(1, 5, seed=1))),
    "where": (lambda a, b: T.where(a > 0, a, b), lambda: (_x(2, 3), _x(3, seed=1))),
    "matmul_2d": (T.matmul, lambda: (_x(2, 3), _x(3, 4, seed=1))),
    "matmul_batched": (T.matmul, lambda: (_x(2, 1, 3, 4), _x(5, 4, 2, seed=1))),
    "matmul_vec": (T.matmul, lambda: (_x(3,), _x(2, 3, 4, seed=1))),
    "mm": (T.mm, lambda: (_x(2, 3), _x(3, 4, seed=1))),
    "dot": (T.dot, lambda: (_x(5,), _x(5, seed=1))),
    "sum_dim": (lambda a: a.sum(1, keepdim=True), lambda: (_x(2, 3, 4),)),
    "mean": (lambda a: a.mean((0, 2)), lambda: (_x(2, 3, 4),)),
    "prod": (lambda a: a.prod(1), lambda: (_x(2, 3, 4),)),
    "prod_all": (lambda a: a.prod(), lambda: (_x(2, 3),)),
    "max": (lambda a: a.max(), lambda: (_x(2, 3),)),
    "max_dim": (lambda a: a.max(1)[0], lambda: (_x(3, 4),)),
    "min_dim": (lambda a: a.min(0, keepdim=True)[0], lambda: (_x(3, 4),)),
    "amax": (lambda a: a.amax(-1), lambda: (_x(3, 4),)),
    "softmax": (lambda a: a.softmax(1), lambda: (_x(3, 4),)),
    "log_softmax": (lambda a: a.log_softmax(0), lambda: (_x(3, 4),)),
    "cat": (lambda a, b: T.cat([a, b], 1), lambda: (_x(2, 3), _x(2, 4, seed=1))),
    "stack": (lambda a, b: T.stack([a, b], -1), lambda: (_x(2, 3), _x(2, 3, seed=1))),
    "reshape": (lambda a: a.t().reshape(-1), lambda: (_x(2, 3),)),
    "view_expand": (lambda a: a.view(3, 1, 2).expand(3, 4, 2), lambda: (_x(2, 3),)),
    "permute": (lambda a: a.permute(2, 0, 1), lambda: (_x(2, 3, 4),)),
    "transpose": (lambda a: a.transpose(0, 2), lambda: (_x(2, 3, 4),)),
    "squeeze": (lambda a: a.unsqueeze(1).squeeze(), lambda: (_x(2, 3),)),
    "index": (lambda a: a[1:, ::2] * a[[0, 2]][:, :2] + a[[0, 2, 0]].sum(), lambda: (_x(3, 4),)),
    "mask": (lambda a: a[a > 0], lambda: (_x(3, 4),)),
    "setitem": (lambda a, b: _setitem(a * 1, (slice(None), 1), b), lambda: (_x(3, 4), _x(3, seed=1))),
    "flatten": (lambda a: a.flatten(1), lambda: (_x(2, 3, 4),)),
}

SMOOTH = ["tanh", "sin", "exp", "sigmoid", "mul", "div", "pow_scalar", "pow_tensor", "log_softmax", "softmax",
          "matmul_2d", "matmul_batched", "log", "sqrt", "cos", "rpow", "prod", "mm", "dot"]


def _setitem(t, key, value):
    t[key] = value
    return t


@pytest.mark.parametrize("op", list(GRADCHECK))
def test_gradcheck(op):
    fn, inputs = GRADCHECK[op]
    assert gradcheck(fn, inputs())


@pytest.mark.parametrize("op", SMOOTH)
def test_gradgradcheck(op):
    fn, inputs = GRADCHECK[op]
    assert gradgradcheck(fn, inputs())


CHAINS = {
    "tanh": lambda L, x: L.tanh(x),
    "sin_exp": lambda L, x: L.sin(L.exp(x) * x),
    "tanh_sin": lambda L, x: L.tanh(L.sin(x) * 2) * x,
    "exp_tanh": lambda L, x: L.exp(L.tanh(x)).sum(0) ** 2,
    "sigmoid_mul": lambda L, x: L.sigmoid(x) * x * x,
    "softmax": lambda L, x: L.softmax(x, 1) * x,
}


@pytest.mark.parametrize("chain", list(CHAINS))
def test_second_derivative_matches_torch(chain):
    """d²/dx² through create_graph=True: torch.autograd.grad twice in each library."""
    fn = CHAINS[chain]
    data = rng(3).standard_normal((3, 4))
    results = []
    for L in (autograd_lite, torch):
        x = L.tensor(data, requires_grad=True)
        y = fn(L, x).sum()
        (g,) = L.autograd.grad(y, x, create_graph=True)
        (gg,) = L.autograd.grad((g * g).sum() + g.sum(), x)
        results.append((g.detach().numpy(), gg.numpy(), g.grad_fn is not None))
    (g1, gg1, r1), (g2, gg2, r2) = results
    np.testing.assert_allclose(g1, g2, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gg1, gg2, rtol=1e-10, atol=1e-12)
    assert r1 == r2
