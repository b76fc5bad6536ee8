"""Forward-mode AD (autograd/forward_ad.py) against PyTorch: tangents of views and of tensors
changed in place.

A view's tangent is the same view of its base's tangent, and an in-place op writes the new
tangent into the old one, so a view made before its base changed follows it, as in PyTorch.
"""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
from harness import same  # noqa: E402


def dual_views(L, case: str) -> list:
    """``case``'s tensors as ``(primal, tangent)`` pairs, read after the in-place ops."""
    fw = L.autograd.forward_ad

    def T(v):  # noqa: N802
        return L.tensor(v, dtype=L.float64)

    with fw.dual_level():
        if case == "view, then the base in place":
            x = fw.make_dual(T([1., 2., 3.]), T([10., 20., 30.]))
            seen = [x[0], x[1:], x.view(3, 1)]
            x.mul_(2)
        elif case == "view of a result, then an out-of-place input":
            x = fw.make_dual(T([1., 2., 3.]), T([10., 20., 30.]))
            y = x * 1
            seen = [y[None], y.unsqueeze(1)]
            y.add_(fw.make_dual(T([1., 1., 1.]), T([5., 5., 5.])))
            seen.append(y[:2])
            y.copy_(T([0., 0., 0.]))  # a plain value: the tangents become zeros
        elif case == "view in place, then its siblings":
            x = fw.make_dual(T([1., 2., 3.]), T([10., 20., 30.]))
            v = x[1:]
            v.mul_(2)
            w = x[:2]
            seen = [x, v, w]
            x.sin_()
        elif case == "transposed and reshaped views":
            x = fw.make_dual(T([[1., 2.], [3., 4.]]), T([[1., 2.], [3., 4.]]))
            seen = [x.t(), x.view(4), x[0], *x.unbind(1)]
            x.mul_(3)
            seen[0].add_(1)
        elif case == "views made before the base had a tangent":
            base = T([1., 2., 3.])
            v = base[1:]
            seen = [base, v, v[:1]]
            base.mul_(fw.make_dual(T([2., 2., 2.]), T([1., 2., 3.])))
        elif case == "a view written before the base had a tangent":
            base = T([1., 2., 3.])
            v = base[1:]
            seen = [base, v, v[:1]]
            base[0:2] = fw.make_dual(T([7., 8.]), T([1., 2.]))
        elif case == "a clone's tangent is its own":
            x = fw.make_dual(T([1., 2., 3.]), T([10., 20., 30.]))
            y = x.clone()
            z = x + 0
            seen = [x, y, z, y[1:]]
            y.mul_(2)
            z.add_(y)
        else:  # "the primal of make_dual keeps no tangent"
            p = T([1., 2., 3.])
            t = T([10., 20., 30.])
            d = fw.make_dual(p, t)
            d.mul_(2)  # written into the tangent given (PyTorch's too)
            seen = [p, p[1:], d[1:], t]
        return [tuple(fw.unpack_dual(s)) for s in seen]


CASES = ["view, then the base in place", "view of a result, then an out-of-place input",
         "view in place, then its siblings", "transposed and reshaped views",
         "views made before the base had a tangent", "a view written before the base had a tangent",
         "a clone's tangent is its own",
         "the primal of make_dual keeps no tangent"]


@pytest.mark.parametrize("case", CASES)
def test_view_tangents_follow_their_base(case):
    same(lambda L: dual_views(L, case))
