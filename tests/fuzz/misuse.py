"""Hand-written misuses: what a learner gets wrong, compared with PyTorch like a fuzz program.

Each case is a short program (``T`` is the library, ``F = T.nn.functional``); statements
are separated by newlines, and an indented line continues the statement above it (for
``class`` definitions). The test compares every line's exception (type and message),
warnings, values, flags and grads. The first field is the DIFFERENCES.md row the case
reproduces today (``None``: autograd_lite already answers as PyTorch does); see rows.py.
"""
from __future__ import annotations

CASES: list[tuple[str, str | None, str]] = [
    # ---- wrong shapes
    ("add-shapes", None, "a = T.ones(2, 3) + T.ones(4, 3)"),
    ("matmul-shapes", None, "a = T.ones(2, 3) @ T.ones(2, 3)"),
    ("mm-shapes", None, "a = T.mm(T.ones(2, 3), T.ones(2, 3))"),
    ("view-size", None, "a = T.ones(2, 3).view(4)"),
    ("view-noncontiguous", None, "a = T.ones(2, 3).t().view(6)"),
    ("reshape-infer", None, "a = T.ones(3).reshape(2, -1)"),
    ("cat-shapes", None, "a = T.cat([T.ones(2, 3), T.ones(2, 4)])"),
    ("stack-shapes", None, "a = T.stack([T.ones(2), T.ones(3)])"),
    ("mse-shapes", "B", "a = F.mse_loss(T.ones(3), T.zeros(4))"),
    ("ce-target-range", None, "a = F.cross_entropy(T.ones(2, 3), T.tensor([0, 3]))"),
    ("linear-shapes", None, "a = F.linear(T.ones(2, 3), T.ones(4, 2))"),
    ("expand-shape", None, "a = T.ones(2).expand(3)"),
    ("index-range", None, "a = T.ones(2, 3)[2]"),
    ("index-range-dim1", None, "a = T.ones(2, 3)[:, 5]"),
    ("mask-length", None, "a = T.ones(3)[T.tensor([True, False])]"),
    ("float-index", "B", "a = T.ones(3)[1.5]"),
    ("permute-count", None, "a = T.ones(2, 3).permute(0)"),
    ("transpose-range", None, "a = T.ones(2).transpose(0, 2)"),
    ("max-empty-dim", None, "a = T.ones(0, 3).max(dim=0)"),
    ("amax-empty-dim", None, "a = T.ones(0, 3).amax(dim=0)"),
    ("cat-not-list", "B", "a = T.cat(T.ones(2), T.ones(2))"),
    ("float-of-many", None, "a = float(T.ones(3))"),
    ("int-of-many", None, "a = int(T.ones(3))"),
    ("index-select-2d", None, "a = T.ones(3).index_select(0, T.tensor([[0]]))"),
    ("gather-ndim", "B", "a = T.gather(T.ones(2, 3), 1, T.tensor([0, 1]))"),
    # ---- wrong dtypes
    ("int-requires-grad", None, "a = T.tensor([1, 2], requires_grad=True)"),
    ("int-requires-grad-attr", None, "a = T.tensor([1, 2])\na.requires_grad = True"),
    ("int-requires-grad-method", None, "a = T.tensor([1, 2]).requires_grad_()"),
    ("matmul-f32-f64", None, "a = T.ones(2, 3) @ T.ones(3, dtype=T.float64)"),
    ("bmm-f32-f64", None, "a = T.bmm(T.ones(2, 2, 3), T.ones(2, 3, 2, dtype=T.float64))"),
    ("einsum-f32-f64", None, "a = T.einsum('ij,jk->ik', T.ones(2, 3), T.ones(3, 2, dtype=T.float64))"),
    ("mm-f32-f64", None, "a = T.mm(T.ones(2, 3), T.ones(3, 2, dtype=T.float64))"),
    ("linear-f64-input", None, "T.manual_seed(0)\nlayer = T.nn.Linear(3, 2)\na = layer(T.ones(4, 3, dtype=T.float64))"),
    ("mse-int-target", None, "a = F.mse_loss(T.ones(3), T.tensor([1, 2, 3]))"),
    ("int-floordiv-zero", None, "a = T.tensor([1, 2]) // 0"),
    ("index-put-dtype", None, "x = T.zeros(3)\nx[T.tensor([0, 1])] = T.ones(2, dtype=T.float64)"),
    ("gather-int32", None, "a = T.gather(T.ones(2, 3), 1, T.tensor([[0], [1]], dtype=T.int32))"),
    ("prod-tuple-dim", "A43", "a = T.ones(2, 3).prod(dim=(0, 1))"),
    ("bce-int-target", None, "a = F.binary_cross_entropy_with_logits(T.ones(3), T.tensor([1, 0, 1]))"),
    ("int-add-float-inplace", None, "x = T.tensor([1, 2])\nx.add_(1.5)"),
    ("ce-1d-input", None, "a = F.cross_entropy(T.tensor([1., 2., 3.]), T.tensor([1]))"),
    ("ce-prob-ignore", None,
     "a = F.cross_entropy(T.ones(2, 3), T.softmax(T.ones(2, 3), 1), ignore_index=0)"),
    ("ce-label-smoothing", None, "a = F.cross_entropy(T.tensor([[1., 2., 0.]]), T.tensor([0]), label_smoothing=0.1)"),
    ("add-str", None, "a = T.ones(2) + 'a'"),
    ("tensor-str", "B", "a = T.tensor('abc')"),
    ("randn-str", "B", "a = T.randn(2, 'a')"),
    ("zeros-float-size", "B", "a = T.zeros(2.5)"),
    ("float-requires-grad", "C", "x = T.ones(1, requires_grad=True)\na = float(x)"),
    # ---- gradients asked for wrongly
    ("backward-nonscalar", None, "x = T.ones(3, requires_grad=True)\ny = x * 2\ny.backward()"),
    ("backward-grad-shape", None, "x = T.ones(3, requires_grad=True)\ny = x * 2\ny.backward(T.ones(2))"),
    ("backward-no-grad", None, "y = T.ones(3).sum()\ny.backward()"),
    ("backward-twice", None, "x = T.ones(3, requires_grad=True)\ny = (x * x).sum()\ny.backward()\ny.backward()"),
    ("leaf-inplace", None, "x = T.ones(3, requires_grad=True)\nx.add_(1)"),
    ("leaf-setitem", None, "x = T.ones(3, requires_grad=True)\nx[0] = 5"),
    ("saved-modified", None, "x = T.ones(3, requires_grad=True)\ny = x.exp()\ny.add_(1)\ny.sum().backward()"),
    ("nonleaf-requires-grad", None, "x = T.ones(3, requires_grad=True)\ny = x * 2\ny.requires_grad_(False)"),
    ("grad-unused", None, "x = T.ones(3, requires_grad=True)\nz = T.ones(3, requires_grad=True)\n"
                          "g = T.autograd.grad(x.sum(), [x, z])"),
    ("numpy-requires-grad", None, "x = T.ones(3, requires_grad=True)\na = x.numpy()"),
    ("unique-backward", None, "x = T.tensor([1., 2., 2.], requires_grad=True)\nT.unique(x).sum().backward()"),
    ("backward-float-gradient", "B", "x = T.ones(3, requires_grad=True)\ny = (x * 2).sum()\ny.backward(1.0)"),
    ("backward-inputs-no-grad", "B",
     "x = T.ones(3, requires_grad=True)\nc = T.ones(2)\ny = (x * 2).sum()\ny.backward(inputs=[c])"),
    ("saved-result-freed", None,
     "x = T.ones(3, requires_grad=True)\ny = x.exp()\ny.sum().backward()\na = y.grad_fn._saved_result"),
    ("backward-shape-no-grad", "B", "c = T.ones(3)\nc.backward(T.ones(5))"),
    ("nonleaf-grad-inputs", None,
     "x = T.ones(3, requires_grad=True)\nh = x * 2\ny = (h * h).sum()\ny.backward(inputs=[h])\na = h.grad"),
    ("nonleaf-grad-access", None, "x = T.ones(3, requires_grad=True)\nh = x * 2\na = h.grad"),
    # ---- in-place on views
    ("unbind-inplace", None,
     "x = T.tensor([[1., 2.], [3., 4.]], requires_grad=True)\na, b = (x * 1).unbind(0)\na.mul_(2)"),
    ("split-inplace", None, "x = T.tensor([1., 2., 3., 4.], requires_grad=True)\na, b = (x * 1).split(2)\na.mul_(2)"),
    ("chunk-inplace", None, "x = T.tensor([1., 2., 3., 4.], requires_grad=True)\na, b = (x * 1).chunk(2)\nb.add_(1)"),
    ("nograd-view-inplace", "A20",
     "base = T.zeros(2, 2)\nwith T.no_grad(): v = base[0]\nv.add_(T.ones(2, requires_grad=True))"),
    ("leaf-view-inplace", None, "x = T.zeros(4)[::2].requires_grad_()\nx.view(2).mul_(2)"),
    ("leaf-view-select-inplace", None, "x = T.zeros(4)[::2].requires_grad_()\nx[0].mul_(2)"),
    ("view-of-modified-base", "A22", "v1 = T.zeros(3)\nv2 = v1.T\nv1.add_(T.ones(3, requires_grad=True))\na = v2.requires_grad"),
    ("repeat-copies", None, "w = T.tensor(0.5, requires_grad=True)\nr = w.repeat(2)\nr.zero_()"),
    ("repeat-independent", None, "x = T.tensor([1., 2.])\nr = x.repeat(2, 1)\nx.fill_(0.)"),
    ("silu-0d-view", None, "y = F.silu(T.tensor(0.5, requires_grad=True))\na = y.view(1)"),
    ("silu-0d-copy", None, "y = F.silu(T.tensor(0.5, requires_grad=True))\ny.copy_(T.tensor(1.))"),
    ("inplace-grows", None, "a = T.ones(1)\na.add_(T.ones(1, 1))"),
    ("inplace-grows-0d", None, "a = T.tensor(1.)\na.add_(T.ones(1))"),
    ("inplace-broadcast", None, "a = T.ones(3)\na.add_(T.ones(2, 3))"),
    ("expanded-write", None, "e = T.zeros(3).expand(2, 3)\ne.add_(1)"),
    ("expanded-setitem", None, "e = T.zeros(3).expand(2, 3)\ne[0, 0] = 1."),
    ("empty-expanded-write", None, "e = T.zeros(0).expand(2, 0)\ne.add_(1)"),
    ("transposed-result-reshape", None,
     "a = T.tensor([[1., 2.], [3., 4.]]).t()\nb = a / T.tensor([[1., 1.], [2., 2.]])\nb.reshape(4).zero_()"),
    ("transposed-result-view", None,
     "a = T.tensor([[1., 2.], [3., 4.]]).t()\nb = a / T.tensor([[1., 1.], [2., 2.]])\nc = b.view(4)"),
    ("relu-negative-zero", None, "a = 1 / T.relu(T.tensor([-0.0]))"),
    ("version-of-view", None, "x = T.ones(3, requires_grad=True)\ny = x * 1\nv = y[:2]\nz = v.exp()\n"
                             "y.add_(1)\nz.sum().backward()"),
    # ---- hooks returning the wrong thing
    ("hook-shape", None, "x = T.ones(2, requires_grad=True)\nh = x.register_hook(lambda g: T.ones(3))\n"
                          "(x * 2).sum().backward()"),
    ("hook-dtype", None, "x = T.ones(2, requires_grad=True)\ny = x * 2\nh = y.register_hook(lambda g: g.double())\n"
                          "y.sum().backward()"),
    ("hook-float", None, "x = T.ones(2, requires_grad=True)\nh = x.register_hook(lambda g: 1.0)\n"
                        "(x * 2).sum().backward()"),
    ("hook-nonleaf-shape", None, "x = T.ones(2, requires_grad=True)\ny = x * 2\nh = y.register_hook(lambda g: T.ones(3))\n"
                                "y.sum().backward()"),
    ("hook-none", None, "x = T.ones(2, requires_grad=True)\nh = x.register_hook(lambda g: None)\n"
                        "(x * 2).sum().backward()"),
    # ---- custom Functions returning the wrong thing
    ("function-forward-float", None,
     "class Three(T.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return 3.0\n"
     "    @staticmethod\n    def backward(ctx, g):\n        return g\na = Three.apply(T.ones(2, requires_grad=True))"),
    ("function-backward-float", "B",
     "class Bad(T.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x * 2\n"
     "    @staticmethod\n    def backward(ctx, g):\n        return 1.0\n"
     "x = T.ones(2, requires_grad=True)\nBad.apply(x).sum().backward()"),
    ("function-backward-list", "B",
     "class Bad(T.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x * 2\n"
     "    @staticmethod\n    def backward(ctx, g):\n        return [g]\n"
     "x = T.ones(2, requires_grad=True)\nBad.apply(x).sum().backward()"),
    ("function-grad-count", None,
     "class Bad(T.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x * 2\n"
     "    @staticmethod\n    def backward(ctx, g):\n        return g, g\n"
     "x = T.ones(2, requires_grad=True)\nBad.apply(x).sum().backward()"),
    ("function-grad-shape", None,
     "class Bad(T.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x * 2\n"
     "    @staticmethod\n    def backward(ctx, g):\n        return T.ones(3)\n"
     "x = T.ones(2, requires_grad=True)\nBad.apply(x).sum().backward()"),
    # ---- inference mode
    ("inference-saved", None, "with T.inference_mode(): x = T.ones(2)\nw = T.ones(2, requires_grad=True)\n"
                               "(w * x).sum().backward()"),
    ("inference-inplace", None, "with T.inference_mode(): x = T.ones(2)\nx.add_(1)"),
    # ---- 0-d and empty tensors
    ("0d-sum-dim", None, "a = T.tensor(2.).sum(-1)"),
    ("0d-amax-dim", None, "a = T.tensor(2.).amax(0)"),
    ("0d-std-dim", None, "a = T.tensor(2.).std(0)"),
    ("0d-flip", None, "a = T.tensor(2.).flip(0)"),
    ("0d-mean-dim", None, "a = T.tensor(2.).mean(0)"),
    ("narrow-negative-start", None, "a = T.tensor([1., 2., 3., 4.]).narrow(0, -1, 1)"),
    ("narrow-past-end", None, "a = T.ones(2).narrow(0, 2, 1)"),
    ("0d-cumsum", None, "a = T.tensor(2.).cumsum(0)"),
    ("empty-var-dim", None, "a = T.ones(3, 0).var(dim=1)"),
    ("empty-std", None, "a = T.ones(0).std()"),
    ("std-equal-values", None, "u = T.tensor([1., 1., 1.], requires_grad=True)\nu.std().backward()"),
    ("var-one-element", None, "v = T.tensor([[0.065]], dtype=T.float64, requires_grad=True)\nv.var().backward()"),
    ("mse-empty-backward", None,
     "x = T.tensor([[]], dtype=T.float64, requires_grad=True)\nF.mse_loss(x, T.ones(1, 1)).backward()"),
    ("pow-zero-zero", None, "x = T.tensor([0., 2.], requires_grad=True)\ny = T.tensor([0., 0.], requires_grad=True)\n"
                             "(x ** y).sum().backward()"),
    ("pow-double-backward", None,
     "a = T.tensor([1., 2.], requires_grad=True)\ne = T.tensor([0., 0.], requires_grad=True)\n"
     "g, = T.autograd.grad((a ** e).sum(), a, create_graph=True)\nh = T.autograd.grad(g.sum(), e)"),
    ("prod-zero-create-graph", None,
     "x = T.tensor([1., 0., 3.], requires_grad=True)\ng, = T.autograd.grad(x.prod(0), x, create_graph=True)\n"
     "h = T.autograd.grad(g.sum(), x)"),
    ("empty-batched-matmul-dtype", None, "a = T.ones(2, 0, 3, dtype=T.float64) @ T.ones(2, 3, 4)"),
    ("cat-empty-dtype", "A16", "a = T.cat([T.ones(0, dtype=T.float64), T.ones(2)])"),
    ("linear-no-features", "A25", "a = F.linear(T.ones(2, 2, 0), T.ones(3, 0))"),
    ("chunk-empty", None, "a = T.ones(0).chunk(2)"),
    ("split-empty", None, "a = T.ones(0).split(3)"),
    ("chunk-zero", None, "a = T.ones(5).chunk(0)"),
    ("split-sizes-sum", None, "a = T.ones(5).split([2, 2])"),
    ("index-empty-list", None, "a = T.ones(3)[[]]"),
    ("index-empty-result", "A35",
     "x = T.zeros(2, 1, 0, requires_grad=True)\na = x[T.tensor([[0, 0], [-2, 0]]), T.tensor([2])]"),
    ("0d-transpose", None, "a = T.tensor(1.).transpose(0, 1)"),
    ("0d-repeat", None, "a = T.tensor(1.).repeat()"),
    ("0d-permute", None, "a = T.tensor(1.).permute()"),
    ("0d-mT", None, "x0 = T.tensor(2., requires_grad=True)\na = x0.mT"),
    ("norm-fro-3-dims", None, "a = T.norm(T.ones(2, 2, 2), p='fro', dim=(0, -2, 2))"),
    ("0d-select", None, "a = T.tensor(2.).select(0, 0)"),
    ("0d-narrow", None, "a = T.tensor(2.).narrow(0, 0, 1)"),
    ("empty-mean-warning", None, "a = T.ones(0).mean()"),
    ("duplicate-params", "C", "p = T.nn.Parameter(T.ones(2))\nopt = T.optim.SGD([p, p], lr=0.1)"),
    ("anomaly-warning", "C", "with T.autograd.detect_anomaly(): a = T.ones(1)"),
]


def statements(source: str) -> list[str]:
    """Split a case into statements; indented lines continue the statement above."""
    out: list[str] = []
    for line in source.split("\n"):
        if line.startswith(" ") and out:
            out[-1] += "\n" + line
        else:
            out.append(line)
    return out
