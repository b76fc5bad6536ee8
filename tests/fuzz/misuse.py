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
    ("mse-shapes", None, "a = F.mse_loss(T.ones(3), T.zeros(4))"),
    ("ce-target-range", None, "a = F.cross_entropy(T.ones(2, 3), T.tensor([0, 3]))"),
    ("linear-shapes", None, "a = F.linear(T.ones(2, 3), T.ones(4, 2))"),
    ("expand-shape", None, "a = T.ones(2).expand(3)"),
    ("index-range", None, "a = T.ones(2, 3)[2]"),
    ("index-range-dim1", None, "a = T.ones(2, 3)[:, 5]"),
    ("mask-length", None, "a = T.ones(3)[T.tensor([True, False])]"),
    ("float-index", None, "a = T.ones(3)[1.5]"),
    ("permute-count", None, "a = T.ones(2, 3).permute(0)"),
    ("transpose-range", None, "a = T.ones(2).transpose(0, 2)"),
    ("max-empty-dim", None, "a = T.ones(0, 3).max(dim=0)"),
    ("amax-empty-dim", None, "a = T.ones(0, 3).amax(dim=0)"),
    ("cat-not-list", None, "a = T.cat(T.ones(2), T.ones(2))"),
    ("float-of-many", None, "a = float(T.ones(3))"),
    ("int-of-many", None, "a = int(T.ones(3))"),
    ("index-select-2d", None, "a = T.ones(3).index_select(0, T.tensor([[0]]))"),
    ("gather-ndim", None, "a = T.gather(T.ones(2, 3), 1, T.tensor([0, 1]))"),
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
    ("prod-tuple-dim", None, "a = T.ones(2, 3).prod(dim=(0, 1))"),
    ("bce-int-target", None, "a = F.binary_cross_entropy_with_logits(T.ones(3), T.tensor([1, 0, 1]))"),
    ("int-add-float-inplace", None, "x = T.tensor([1, 2])\nx.add_(1.5)"),
    ("ce-1d-input", None, "a = F.cross_entropy(T.tensor([1., 2., 3.]), T.tensor([1]))"),
    ("ce-prob-ignore", None,
     "a = F.cross_entropy(T.ones(2, 3), T.softmax(T.ones(2, 3), 1), ignore_index=0)"),
    ("ce-label-smoothing", None, "a = F.cross_entropy(T.tensor([[1., 2., 0.]]), T.tensor([0]), label_smoothing=0.1)"),
    ("add-str", None, "a = T.ones(2) + 'a'"),
    ("tensor-str", None, "a = T.tensor('abc')"),
    ("randn-str", None, "a = T.randn(2, 'a')"),
    ("zeros-float-size", None, "a = T.zeros(2.5)"),
    ("float-requires-grad", None, "x = T.ones(1, requires_grad=True)\na = float(x)"),
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
    ("backward-float-gradient", None, "x = T.ones(3, requires_grad=True)\ny = (x * 2).sum()\ny.backward(1.0)"),
    ("backward-inputs-no-grad", None,
     "x = T.ones(3, requires_grad=True)\nc = T.ones(2)\ny = (x * 2).sum()\ny.backward(inputs=[c])"),
    ("saved-result-freed", None,
     "x = T.ones(3, requires_grad=True)\ny = x.exp()\ny.sum().backward()\na = y.grad_fn._saved_result"),
    ("backward-shape-no-grad", None, "c = T.ones(3)\nc.backward(T.ones(5))"),
    ("nonleaf-grad-inputs", None,
     "x = T.ones(3, requires_grad=True)\nh = x * 2\ny = (h * h).sum()\ny.backward(inputs=[h])\na = h.grad"),
    ("nonleaf-grad-access", None, "x = T.ones(3, requires_grad=True)\nh = x * 2\na = h.grad"),
    # ---- in-place on views
    ("unbind-inplace", None,
     "x = T.tensor([[1., 2.], [3., 4.]], requires_grad=True)\na, b = (x * 1).unbind(0)\na.mul_(2)"),
    ("split-inplace", None, "x = T.tensor([1., 2., 3., 4.], requires_grad=True)\na, b = (x * 1).split(2)\na.mul_(2)"),
    ("chunk-inplace", None, "x = T.tensor([1., 2., 3., 4.], requires_grad=True)\na, b = (x * 1).chunk(2)\nb.add_(1)"),
    ("nograd-view-inplace", None,
     "base = T.zeros(2, 2)\nwith T.no_grad(): v = base[0]\nv.add_(T.ones(2, requires_grad=True))"),
    ("leaf-view-inplace", None, "x = T.zeros(4)[::2].requires_grad_()\nx.view(2).mul_(2)"),
    ("leaf-view-select-inplace", None, "x = T.zeros(4)[::2].requires_grad_()\nx[0].mul_(2)"),
    ("view-of-modified-base", None, "v1 = T.zeros(3)\nv2 = v1.T\nv1.add_(T.ones(3, requires_grad=True))\n"
                                    "a = v2.requires_grad"),
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
    ("hook-nonleaf-shape", None, "x = T.ones(2, requires_grad=True)\ny = x * 2\n"
                                 "h = y.register_hook(lambda g: T.ones(3))\n"
                                "y.sum().backward()"),
    ("hook-none", None, "x = T.ones(2, requires_grad=True)\nh = x.register_hook(lambda g: None)\n"
                        "(x * 2).sum().backward()"),
    # ---- custom Functions returning the wrong thing
    ("function-forward-float", None,
     "class Three(T.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return 3.0\n"
     "    @staticmethod\n    def backward(ctx, g):\n        return g\na = Three.apply(T.ones(2, requires_grad=True))"),
    ("function-backward-float", None,
     "class Bad(T.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x * 2\n"
     "    @staticmethod\n    def backward(ctx, g):\n        return 1.0\n"
     "x = T.ones(2, requires_grad=True)\nBad.apply(x).sum().backward()"),
    ("function-backward-list", None,
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
    ("cat-empty-dtype", None, "a = T.cat([T.ones(0, dtype=T.float64), T.ones(2)])"),
    ("linear-no-features", None, "a = F.linear(T.ones(2, 2, 0), T.ones(3, 0))"),
    ("chunk-empty", None, "a = T.ones(0).chunk(2)"),
    ("split-empty", None, "a = T.ones(0).split(3)"),
    ("chunk-zero", None, "a = T.ones(5).chunk(0)"),
    ("split-sizes-sum", None, "a = T.ones(5).split([2, 2])"),
    ("index-empty-list", None, "a = T.ones(3)[[]]"),
    ("index-empty-result", None,
     "x = T.zeros(2, 1, 0, requires_grad=True)\na = x[T.tensor([[0, 0], [-2, 0]]), T.tensor([2])]"),
    ("0d-transpose", None, "a = T.tensor(1.).transpose(0, 1)"),
    ("0d-repeat", None, "a = T.tensor(1.).repeat()"),
    ("0d-permute", None, "a = T.tensor(1.).permute()"),
    ("0d-mT", None, "x0 = T.tensor(2., requires_grad=True)\na = x0.mT"),
    ("norm-fro-3-dims", None, "a = T.norm(T.ones(2, 2, 2), p='fro', dim=(0, -2, 2))"),
    ("0d-select", None, "a = T.tensor(2.).select(0, 0)"),
    ("0d-narrow", None, "a = T.tensor(2.).narrow(0, 0, 1)"),
    ("empty-mean-warning", None, "a = T.ones(0).mean()"),
    ("duplicate-params", None, "p = T.nn.Parameter(T.ones(2))\nopt = T.optim.SGD([p, p], lr=0.1)"),
    ("anomaly-warning", None, "with T.autograd.detect_anomaly(): a = T.ones(1)"),
    # ==== more misuses a notebook reader makes (in-place, autograd API, indexing, reductions)
    # ---- in-place: leaves, parameters and views of them
    ("param-isub", None, "w = T.ones(2, requires_grad=True)\nw -= 0.1 * T.ones(2)"),
    ("param-isub-no-grad", None, "w = T.ones(2, requires_grad=True)\nwith T.no_grad(): w -= 0.1\na = w.requires_grad"),
    ("param-data-isub", None, "w = T.ones(2, requires_grad=True)\nw.data -= 0.1\na = w.is_leaf"),
    ("grad-none-zero", None, "w = T.ones(2, requires_grad=True)\nw.grad.zero_()"),
    ("leaf-t-mul", None, "w = T.ones(2, 3, requires_grad=True)\nw.t().mul_(2)"),
    ("leaf-column-setitem", None, "w = T.ones(2, 3, requires_grad=True)\nw[:, 0] = 0"),
    ("leaf-whole-slice-setitem", None, "w = T.ones(2, 3, requires_grad=True)\nw[:] = 0"),
    ("leaf-shifted-slice-setitem", None, "w = T.ones(3, requires_grad=True)\nw[-3:] = 0"),
    ("leaf-none-setitem", None, "w = T.ones(3, requires_grad=True)\nw[None] = 0"),
    ("leaf-zero", None, "w = T.ones(2, requires_grad=True)\nw.zero_()"),
    ("leaf-fill-no-grad", None, "w = T.ones(2, requires_grad=True)\nwith T.no_grad(): w.fill_(0.5)\n"
                                "a = w.requires_grad"),
    ("leaf-view-no-grad-ok", None, "w = T.ones(2, 3, requires_grad=True)\nwith T.no_grad(): w[0].mul_(2)\na = w.sum()"),
    ("view-leaf-unsqueeze", None, "x = T.zeros(6)[::2].requires_grad_()\nx.unsqueeze(0).exp_()"),
    ("view-leaf-index-all", None, "x = T.zeros(6)[::2].requires_grad_()\nx[...] = x"),
    ("nonleaf-add-backward", None, "x = T.ones(3, requires_grad=True)\ny = x * 2\ny.add_(1)\ny.sum().backward()\n"
                                   "g = x.grad"),
    ("sigmoid-result-modified", None, "x = T.ones(3, requires_grad=True)\ny = x.sigmoid()\ny.relu_()\n"
                                      "y.sum().backward()"),
    ("exp-inplace-backward", None, "x = T.ones(3, requires_grad=True)\ny = x * 1\ny.exp_()\ny.sum().backward()\n"
                                   "g = x.grad"),
    ("mul-input-modified", None, "x = T.ones(3, requires_grad=True)\nh = x * 1\ny = h * h\nh.add_(1)\n"
                                 "y.sum().backward()"),
    ("view-then-base-inplace", None, "x = T.ones(3, requires_grad=True)\ny = x * 1\nv = y[:2]\ny.mul_(2)\n"
                               "v.sum().backward()\ng = x.grad\nn = v.grad_fn"),
    ("unbind-no-grad-inplace", None, "x = T.ones(2, 2, requires_grad=True)\nwith T.no_grad(): a, b = x.unbind(0)\n"
                                     "a.mul_(2)"),
    ("split-base-modified", None, "x = T.ones(4, requires_grad=True)\ny = x * 1\na, b = y.split(2)\ny.add_(1)\n"
                                  "f = a.grad_fn"),
    ("chunk-inplace-no-grad-mode", None, "x = T.ones(4, requires_grad=True)\ny = x * 1\na, b = y.chunk(2)\n"
                                   "with T.no_grad(): a.mul_(2)\nc = y.sum()"),
    ("no-grad-view-requires-grad", None, "x = T.ones(2, 2, requires_grad=True)\nwith T.no_grad(): v = x[0]\n"
                                   "a = v.requires_grad\nb = v.is_leaf\nv.mul_(2)"),
    ("detach-zero-version", None, "x = T.ones(3, requires_grad=True)\ny = x.exp()\nd = y.detach()\nd.zero_()\n"
                            "y.sum().backward()"),
    ("data-zero-no-version", None, "x = T.ones(3, requires_grad=True)\ny = x.exp()\ny.data.zero_()\n"
                             "y.sum().backward()\ng = x.grad"),
    ("detach-inplace-view", None, "x = T.ones(3, requires_grad=True)\ny = x * 1\nv = y[:2]\nv.detach_()"),
    ("clone-then-inplace", None, "x = T.ones(2, requires_grad=True)\ny = x.clone()\ny.add_(1)\ny.sum().backward()\n"
                                 "g = x.grad"),
    ("relu-inplace-leaf", None, "x = T.ones(2, requires_grad=True)\na = F.relu(x, inplace=True)"),
    ("relu-inplace-nonleaf", None, "x = T.tensor([-1., 2.], requires_grad=True)\ny = x * 1\n"
                                   "a = F.relu(y, inplace=True)\n"
                             "y.sum().backward()\ng = x.grad"),
    # ---- in-place: result types, shapes, memory
    ("bool-add-int", None, "b = T.tensor([True, False])\nb.add_(1)"),
    ("int-itruediv", None, "x = T.tensor([1, 2])\nx /= 2"),
    ("int-imul-float", None, "x = T.tensor([1, 2])\nx *= 1.5"),
    ("float-iadd-double", None, "x = T.ones(2)\nx += T.ones(2, dtype=T.float64)\na = x.dtype"),
    ("iadd-broadcast", None, "x = T.ones(2, 3)\nx += T.ones(3)"),
    ("iadd-grows", None, "x = T.ones(3)\nx += T.ones(2, 3)"),
    ("iadd-mismatch", None, "x = T.ones(3)\nx += T.ones(4)"),
    ("expanded-iadd", None, "x = T.ones(1).expand(3)\nx += 1"),
    ("expanded-mul-tensor", None, "x = T.zeros(2, 1).expand(2, 3)\nx.mul_(T.ones(2, 3))"),
    ("expanded-row-write", None, "x = T.zeros(3).expand(2, 3)\nx[1] = T.ones(3)\na = x"),
    ("expanded-column-write", None, "x = T.zeros(3).expand(2, 3)\nx[:, 1] = 5."),
    ("overlap-transpose", None, "x = T.ones(3, 3)\nx.add_(x.t())"),
    ("overlap-shifted", None, "x = T.arange(5.)\nx[1:] += x[:-1]"),
    ("overlap-self", None, "x = T.arange(5.)\nx += x"),
    ("overlap-flatten", None, "x = T.ones(2, 2)\nx.view(4).sub_(x)"),
    ("copy-into-0d-from-view", None, "x = T.tensor(2.)\nx.copy_(x.view(1))"),
    ("sqrt-int-inplace", None, "x = T.tensor([4, 9])\nx.sqrt_()"),
    ("exp-int-inplace", None, "x = T.tensor([1, 2])\nx.exp_()"),
    ("neg-bool-inplace", None, "x = T.tensor([True])\nx.neg_()"),
    ("sub-bool-inplace", None, "x = T.tensor([True])\nx.sub_(1)"),
    ("abs-int-inplace", None, "x = T.tensor([-1, 2])\nx.abs_()"),
    ("pow-int-half", None, "x = T.tensor([1, 2])\nx.pow_(0.5)"),
    ("pow-int-two", None, "x = T.tensor([1, 2])\nx.pow_(2)"),
    ("sigmoid-int-inplace", None, "x = T.tensor([1, 2])\nx.sigmoid_()"),
    ("clamp-int-float-bounds", None, "x = T.tensor([1, 5])\nx.clamp_(0.5, 2.5)"),
    ("clamp-int-int-bounds", None, "x = T.tensor([1, 5])\nx.clamp_(0, 2)"),
    ("clamp-int-tensor-bound", None, "x = T.tensor([1, 5])\nx.clamp_(min=T.tensor(0.5))"),
    ("clamp-min-int", None, "x = T.tensor([1, 5])\nx.clamp_min_(0.5)"),
    ("div-floor-int-inplace", None, "x = T.tensor([5, 7])\nx.div_(2, rounding_mode='floor')"),
    # ---- x[index] = value
    ("setitem-float-into-long", None, "x = T.zeros(3, dtype=T.long)\nx[0] = 2.7"),
    ("setitem-float-all-long", None, "x = T.zeros(3, dtype=T.long)\nx[...] = 2.7"),
    ("setitem-mask-scalar", None, "x = T.arange(6.)\nx[x > 2] = 0"),
    ("setitem-mask-wrong-count", None, "x = T.arange(6.)\nx[x > 2] = T.tensor([1., 2.])"),
    ("setitem-mask-double-0d", None, "x = T.zeros(3)\nx[x == 0] = T.tensor(2., dtype=T.float64)"),
    ("setitem-list", None, "x = T.zeros(4)\nx[[0, 2]] = T.tensor([1., 2.])"),
    ("setitem-list-double", None, "x = T.zeros(4)\nx[[0, 2]] = T.tensor([1., 2.], dtype=T.float64)"),
    ("setitem-list-long-0d", None, "x = T.zeros(4)\nx[T.tensor([0])] = T.tensor(2)"),
    ("setitem-row-shape", None, "x = T.zeros(2, 3)\nx[0] = T.ones(2)"),
    ("setitem-row-too-big", None, "x = T.zeros(2, 3)\nx[0] = T.ones(2, 3)"),
    ("setitem-leading-ones", None, "x = T.zeros(2, 3)\nx[0] = T.ones(1, 1, 3)"),
    ("setitem-requires-grad-value", None, "x = T.zeros(3)\nv = T.ones(1, requires_grad=True)\nx[0] = v\n"
                                    "a = x.requires_grad\nx.sum().backward()\ng = v.grad"),
    ("setitem-grad-value-into-long", None, "x = T.zeros(3, dtype=T.long)\nx[0] = T.ones((), requires_grad=True)\n"
                                     "a = x.requires_grad"),
    ("setitem-0d-all", None, "x = T.tensor(1.)\nx[...] = 3\na = x"),
    ("setitem-0d-index", None, "x = T.tensor(1.)\nx[0] = 3"),
    ("setitem-nonleaf-all", None, "x = T.ones(3, requires_grad=True)\ny = x * 1\ny[...] = T.tensor(2.)\n"
                            "y.sum().backward()\ng = x.grad"),
    # ---- copy_, fill_, masked_fill_
    ("copy-size-mismatch", None, "x = T.zeros(3)\nx.copy_(T.ones(4))"),
    ("copy-broadcast", None, "x = T.zeros(2, 3)\nx.copy_(T.ones(3))"),
    ("copy-grows", None, "x = T.zeros(3)\nx.copy_(T.ones(2, 3))"),
    ("copy-float-into-long", None, "x = T.zeros(3, dtype=T.long)\nx.copy_(T.tensor([1.7, 2.2, -0.5]))"),
    ("copy-requires-grad-src", None, "x = T.zeros(3)\nw = T.ones(3, requires_grad=True)\nx.copy_(w)\n"
                               "x.sum().backward()\ng = w.grad"),
    ("copy-self", None, "x = T.ones(3, requires_grad=True)\ny = x * 1\ny.copy_(y)"),
    ("fill-1d-tensor", None, "x = T.zeros(3)\nx.fill_(T.ones(2))"),
    ("fill-0d-tensor", None, "x = T.ones(3, requires_grad=True)\ny = x * 1\ny.fill_(T.tensor(2.))"),
    ("fill-expanded", None, "x = T.zeros(1).expand(3)\nx.fill_(1.)"),
    ("fill-0d-expanded", None, "x = T.zeros(1).expand(3)\nx.fill_(T.tensor(1.))"),
    ("zero-expanded", None, "x = T.ones(1).expand(3)\nx.zero_()"),
    ("masked-fill-long-mask", None, "x = T.zeros(3)\nx.masked_fill_(T.tensor([1, 0, 1]), 1.)"),
    ("masked-fill-expanded", None, "x = T.zeros(1).expand(3)\nx.masked_fill_(T.tensor([True, False, True]), 1.)"),
    ("masked-fill-1d-value", None, "a = T.ones(3).masked_fill(T.ones(3) > 0, T.ones(3))"),
    # ---- gradients asked for wrongly (autograd API)
    ("backward-inputs-empty", None, "x = T.ones(3, requires_grad=True)\ny = (x * 2).sum()\ny.backward(inputs=[])"),
    ("grad-inputs-empty", None, "x = T.ones(3, requires_grad=True)\ny = (x * 2).sum()\ng = T.autograd.grad(y, [])"),
    ("grad-outputs-count", None, "x = T.ones(3, requires_grad=True)\ny = (x * 2).sum()\n"
                           "g = T.autograd.grad([y, y], [x], grad_outputs=[T.ones(())])"),
    ("grad-outputs-float", None, "x = T.ones(3, requires_grad=True)\ny = (x * 2).sum()\n"
                                 "g = T.autograd.grad(y, x, grad_outputs=1.0)"),
    ("grad-outputs-list-float", None, "x = T.ones(3, requires_grad=True)\ny = (x * 2).sum()\n"
                                "g = T.autograd.grad(y, x, grad_outputs=[1.0])"),
    ("grad-inputs-int", None, "x = T.ones(3, requires_grad=True)\ny = (x * 2).sum()\ng = T.autograd.grad(y, 5)"),
    ("grad-of-number", None, "x = T.ones(3, requires_grad=True)\ng = T.autograd.grad(5, x)"),
    ("grad-detached-input", None, "x = T.ones(3, requires_grad=True)\ny = (x * 2).sum()\n"
                                  "g = T.autograd.grad(y, x.detach())"),
    ("grad-nonscalar-none", None, "x = T.ones(3, requires_grad=True)\n"
                                  "g = T.autograd.grad(x * 2, [x], grad_outputs=[None])"),
    ("backward-double-gradient", None, "x = T.ones(3, requires_grad=True)\ny = x * 2\n"
                                       "y.backward(T.ones(3, dtype=T.float64))\n"
                                 "g = x.grad"),
    ("backward-long-gradient", None, "x = T.ones(3, requires_grad=True)\ny = (x * 2).sum()\n"
                                     "y.backward(T.ones((), dtype=T.int64))\n"
                               "g = x.grad"),
    ("backward-int-gradient", None, "x = T.ones(3, requires_grad=True)\ny = (x * 2).sum()\ny.backward(1)"),
    ("backward-str-gradient", None, "x = T.ones(3, requires_grad=True)\ny = (x * 2).sum()\ny.backward('a')"),
    ("backward-list-gradient", None, "x = T.ones(3, requires_grad=True)\ny = x * 2\ny.backward([T.ones(3)])\n"
                                     "g = x.grad"),
    ("backward-retain-twice", None, "x = T.ones(3, requires_grad=True)\ny = (x * x).sum()\n"
                                    "y.backward(retain_graph=True)\n"
                              "y.backward()\ng = x.grad"),
    ("grad-twice", None, "x = T.ones(3, requires_grad=True)\ny = (x * x).sum()\ng = T.autograd.grad(y, x)\n"
                         "h = T.autograd.grad(y, x)"),
    ("grad-of-constant-grad", None, "x = T.ones(3, requires_grad=True)\n"
                                    "g, = T.autograd.grad((x * 2).sum(), x, create_graph=True)\n"
                              "h = T.autograd.grad(g.sum(), x)"),
    ("grad-allow-unused", None, "x = T.ones(3, requires_grad=True)\nz = T.ones(3, requires_grad=True)\n"
                          "g = T.autograd.grad(x.sum(), [x, z], allow_unused=True)"),
    ("grad-materialize", None, "x = T.ones(3, requires_grad=True)\nz = T.ones(3, requires_grad=True)\n"
                         "g = T.autograd.grad(x.sum(), [x, z], materialize_grads=True)"),
    ("backward-on-leaf", None, "x = T.ones(1, requires_grad=True)\nx.backward()\ng = x.grad"),
    ("backward-made-in-no-grad", None, "x = T.ones(3, requires_grad=True)\nwith T.no_grad(): y = (x * 2).sum()\n"
                                       "y.backward()"),
    ("grad-accumulates", None, "x = T.ones(3, requires_grad=True)\n(x * 2).sum().backward()\n"
                               "(x * 3).sum().backward()\ng = x.grad"),
    ("grad-set-shape", None, "x = T.ones(3, requires_grad=True)\nx.grad = T.ones(2)"),
    ("grad-set-dtype", None, "x = T.ones(3, requires_grad=True)\nx.grad = T.ones(3, dtype=T.float64)"),
    ("grad-set-float", None, "x = T.ones(3, requires_grad=True)\nx.grad = 1.0"),
    ("nonleaf-requires-grad-true", None, "x = T.ones(3, requires_grad=True)\ny = x * 2\ny.requires_grad = True"),
    ("leaf-requires-grad-off", None, "x = T.ones(3, requires_grad=True)\nx.requires_grad = False\na = x.requires_grad"),
    ("retain-grad-no-grad", None, "x = T.ones(3)\nx.retain_grad()"),
    ("hook-no-grad", None, "x = T.ones(3)\nh = x.register_hook(lambda g: g)"),
    ("post-hook-nonleaf", None, "x = T.ones(3, requires_grad=True)\ny = x * 2\n"
                                "h = y.register_post_accumulate_grad_hook(lambda p: None)"),
    ("hook-int", None, "x = T.ones(2, requires_grad=True)\nh = x.register_hook(lambda g: 1)\n(x * 2).sum().backward()"),
    ("hook-doubles", None, "x = T.ones(2, requires_grad=True)\nh = x.register_hook(lambda g: g * 2)\n"
                           "(x * 2).sum().backward()\n"
                     "g = x.grad"),
    ("long-backward", None, "x = T.ones(2, requires_grad=True)\ny = x.long().sum()\ny.backward()"),
    ("argmax-backward", None, "x = T.ones(2, requires_grad=True)\nx.argmax().backward()"),
    ("max-indices-backward", None, "x = T.ones(2, 2, requires_grad=True)\nv, i = x.max(0)\ni.sum().backward()"),
    ("abs-grad-at-zero", None, "x = T.tensor([0., -0., 2.], requires_grad=True)\nx.abs().sum().backward()\ng = x.grad"),
    ("long-requires-grad", None, "x = T.ones(2, requires_grad=True)\na = x.long()\nb = a.requires_grad"),
    ("set-grad-enabled-false", None, "T.set_grad_enabled(False)\nx = T.ones(2, requires_grad=True)\ny = x * 2\n"
                               "a = y.requires_grad\nT.set_grad_enabled(True)"),
    ("enable-grad-inside-no-grad", None, "x = T.ones(2, requires_grad=True)\nwith T.no_grad():\n"
                                         "    with T.enable_grad(): y = x * 2\n"
                                   "a = y.requires_grad"),
    ("inference-requires-grad", None, "with T.inference_mode(): x = T.ones(2)\nx.requires_grad_()"),
    ("inference-view-setitem", None, "with T.inference_mode(): x = T.ones(2)\nx[0] = 1."),
    ("inference-view-is-inference", None, "with T.inference_mode(): x = T.ones(2)\na = x[0].is_inference()"),
    ("anomaly-set", None, "T.autograd.set_detect_anomaly(True)\nT.autograd.set_detect_anomaly(False)"),
    # ---- custom Functions
    ("function-save-int", None, "class S(T.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
                          "        ctx.save_for_backward(3)\n        return x * 2\n    @staticmethod\n"
                          "    def backward(ctx, g):\n        return g\na = S.apply(T.ones(2, requires_grad=True))"),
    ("function-backward-none", None, "class N(T.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
                               "        return x * 2\n    @staticmethod\n    def backward(ctx, g):\n"
                               "        return None\n"
                               "x = T.ones(2, requires_grad=True)\nN.apply(x).sum().backward()\ng = x.grad"),
    ("function-backward-too-few", None, "class Two(T.autograd.Function):\n    @staticmethod\n"
                                        "    def forward(ctx, x, y):\n"
                                  "        return x * y\n    @staticmethod\n    def backward(ctx, g):\n"
                                  "        return g\n"
                                  "x = T.ones(2, requires_grad=True)\nTwo.apply(x, x).sum().backward()"),
    ("function-backward-double", None, "class D(T.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
                                 "        return x * 2\n    @staticmethod\n    def backward(ctx, g):\n"
                                 "        return g.double()\n"
                                 "x = T.ones(2, requires_grad=True)\nD.apply(x).sum().backward()\ng = x.grad"),
    ("function-backward-broadcast", None, "class B1(T.autograd.Function):\n    @staticmethod\n"
                                          "    def forward(ctx, x):\n"
                                    "        return x * 2\n    @staticmethod\n    def backward(ctx, g):\n"
                                    "        return T.ones(3, 2)\nx = T.ones(2, requires_grad=True)\n"
                                    "B1.apply(x).sum().backward()\n"
                                    "g = x.grad"),
    # ---- optimizers and parameters
    ("optimizer-nonleaf", None, "x = T.ones(2, requires_grad=True)\nopt = T.optim.SGD([x * 2], lr=0.1)"),
    ("optimizer-empty", None, "opt = T.optim.SGD([], lr=0.1)"),
    ("optimizer-one-tensor", None, "p = T.nn.Parameter(T.ones(2))\nopt = T.optim.SGD(p, lr=0.1)"),
    ("optimizer-negative-lr", None, "p = T.nn.Parameter(T.ones(2))\nopt = T.optim.SGD([p], lr=-1)"),
    ("adam-bad-beta", None, "p = T.nn.Parameter(T.ones(2))\nopt = T.optim.Adam([p], betas=(1.5, 0.9))"),
    ("optimizer-param-two-groups", None, "p = T.nn.Parameter(T.ones(2))\n"
                                         "opt = T.optim.SGD([{'params': [p]}, {'params': [p]}], lr=0.1)"),
    ("adam-duplicate-params", None, "p = T.nn.Parameter(T.ones(2))\nopt = T.optim.Adam([p, p], lr=0.1)"),
    ("step-without-grad", None, "p = T.nn.Parameter(T.ones(2))\nopt = T.optim.SGD([p], lr=0.1)\nopt.step()\na = p"),
    ("parameter-long", None, "p = T.nn.Parameter(T.tensor([1, 2]))"),
    ("linear-wrong-features", None, "T.manual_seed(0)\nlayer = T.nn.Linear(3, 2)\na = layer(T.ones(4))"),
    ("linear-long-input", None, "T.manual_seed(0)\nlayer = T.nn.Linear(3, 2)\na = layer(T.tensor([[1, 2, 3]]))"),
    ("dropout-bad-p", None, "a = F.dropout(T.ones(2), p=1.5)"),
    # ---- indexing and selecting
    ("index-0d", None, "a = T.tensor(1.)[0]"),
    ("index-float-tensor", None, "a = T.ones(3)[T.tensor([0.])]"),
    ("index-negative-out", None, "a = T.ones(3)[-4]"),
    ("index-list-out", None, "a = T.ones(3)[[0, 3]]"),
    ("index-tensor-out", None, "a = T.ones(3)[T.tensor([5])]"),
    ("slice-negative-step", None, "a = T.ones(3)[::-1]"),
    ("slice-zero-step", None, "a = T.ones(3)[::0]"),
    ("select-out", None, "a = T.ones(2, 3).select(1, 3)"),
    ("select-dim-out", None, "a = T.ones(2, 3).select(2, 0)"),
    ("narrow-too-long", None, "a = T.ones(3).narrow(0, 1, 5)"),
    ("index-select-negative", None, "a = T.ones(3).index_select(0, T.tensor([-1]))"),
    ("index-select-dim1-out", None, "a = T.ones(2, 3).index_select(1, T.tensor([3]))"),
    ("index-select-float-index", None, "a = T.ones(3).index_select(0, T.tensor([0.]))"),
    ("index-select-0d-two", None, "a = T.tensor(1.).index_select(0, T.tensor([0, 0]))"),
    ("index-select-empty-dim", None, "a = T.ones(0, 3).index_select(0, T.tensor([0]))"),
    ("gather-out", None, "a = T.ones(2, 3).gather(1, T.tensor([[3]]))"),
    ("gather-negative", None, "a = T.ones(2, 3).gather(1, T.tensor([[-1]]))"),
    ("gather-float-index", None, "a = T.ones(2, 3).gather(1, T.tensor([[0.]]))"),
    ("scatter-out", None, "a = T.zeros(2, 3).scatter(1, T.tensor([[3]]), 1.)"),
    ("scatter-float-index", None, "a = T.zeros(2, 3).scatter(1, T.tensor([[0.]]), 1.)"),
    # ---- reductions on empty and 0-d tensors, arguments left out
    ("argmax-empty", None, "a = T.ones(0).argmax()"),
    ("argmin-empty-dim", None, "a = T.ones(0, 3).argmin(0)"),
    ("min-empty", None, "a = T.ones(0).min()"),
    ("amin-empty-last", None, "a = T.ones(2, 0).amin(-1)"),
    ("max-empty-other-dim", None, "a = T.ones(0, 3).max(1)"),
    ("amax-empty-tuple", None, "a = T.ones(3, 0).amax((0, 1))"),
    ("logsumexp-no-dim", None, "a = T.ones(3).logsumexp()"),
    ("permute-no-dims", None, "a = T.ones(2, 3).permute()"),
    ("permute-duplicate", None, "a = T.ones(2, 3).permute(0, 0)"),
    ("reshape-no-shape", None, "a = T.ones(3).reshape()"),
    ("expand-no-size", None, "a = T.ones(3).expand()"),
    ("repeat-too-few", None, "a = T.ones(2, 3).repeat(2)"),
    ("std-long", None, "a = T.tensor([1, 2, 3]).std()"),
    ("std-long-0d-dim", None, "a = T.tensor(1).std(1)"),
    ("mean-long", None, "a = T.tensor([1, 2, 3]).mean()"),
    ("sum-bool", None, "a = T.tensor([True, True]).sum()"),
    ("topk-too-big", None, "a = T.ones(3).topk(4)"),
    ("sum-dim-out", None, "a = T.ones(2, 3).sum(2)"),
    ("mean-dim-twice", None, "a = T.ones(2, 3).mean((0, 0))"),
    ("sort-indices-modified", None, "x = T.tensor([3., 1.], requires_grad=True)\nv, i = x.sort()\n"
                              "v.sum().backward()\nw = v.sign()\nw.sum().backward()"),
    ("remainder-backward-twice", None, "x = T.tensor([1.5, -2.5], requires_grad=True)\ny = x % T.tensor(1.)\n"
                                 "y.sum().backward()\ny.pow(2).sum().backward()\ng = x.grad"),
    # ---- conversions
    ("item-of-many", None, "a = T.ones(3).item()"),
    ("item-requires-grad", None, "x = T.ones(1, requires_grad=True)\na = x.item()"),
    ("int-requires-grad-value", None, "x = T.ones(1, requires_grad=True)\na = int(x)"),
    ("bool-of-many", None, "a = bool(T.ones(3))"),
    ("len-0d", None, "a = len(T.tensor(1.))"),
    ("iter-0d", None, "a = list(T.tensor(1.))"),
    ("tolist-requires-grad", None, "x = T.ones(2, requires_grad=True)\na = x.tolist()"),
    ("fill-requires-grad-value", None, "x = T.ones(3, requires_grad=True)\ny = x * 1\n"
                                       "v = T.tensor(2., requires_grad=True)\ny.fill_(v)\ny.sum().backward()\n"
                                       "g = v.grad"),
    ("setitem-all-broadcast-grad", None, "x = T.ones(2, 1)\nv = T.tensor([2.], dtype=T.float64, requires_grad=True)\n"
                                         "x[...] = v\nx.sum().backward()\ng = v.grad"),
    ("topk-bool", None, "a = T.tensor([True, False]).topk(1)"),
    ("cat-empty-grad", None, "x = T.ones(2, requires_grad=True)\ne = T.zeros(0, requires_grad=True)\n"
                             "g = T.autograd.grad(T.cat([e, x]).pow(2).sum(), [e, x], create_graph=True)\n"
                             "a = g[0].requires_grad"),
    ("index-backward-twice", None, "x = T.ones(3, requires_grad=True)\ny = x[[0, 2]]\nz = y * 1\nz.sum().backward()\n"
                                    "y.sum().backward()"),
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
