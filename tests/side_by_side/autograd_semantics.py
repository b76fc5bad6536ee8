"""Autograd behaviour, printed; run with the library name as argument (see tests/test_side_by_side.py)."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__, str(e).split("\n")[0][:200])


def names(t):
    fn = t.grad_fn
    return None if fn is None else (fn.name(), [n.name() if n else None for n, _ in fn.next_functions])


x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
show("leaf flags", lambda: (x.is_leaf, x.requires_grad, x.grad_fn, x.grad))
y = x * 2
show("result", lambda: (y.is_leaf, y.requires_grad, names(y)))
show("y.grad", lambda: y.grad)
show("retain", lambda: (y.retain_grad(), y.retains_grad))
z = (y * y).sum()
z.backward(retain_graph=True)
show("grads", lambda: (x.grad, y.grad))
z.backward()
show("accumulated", lambda: (x.grad, y.grad))
show("third backward", lambda: z.backward())
show("sum twice", lambda: [x.sum().backward() for _ in range(2)] and x.grad)
x.grad = None
show("grad of list", lambda: torch.autograd.grad([x.sum(), (x * x).sum()], [x]))
show("grad_outputs", lambda: torch.autograd.grad(x * x, x, torch.tensor([1.0, 0.0, 2.0])))
show("unused", lambda: torch.autograd.grad(x.sum(), [x, torch.ones(1, requires_grad=True)]))
show("allow_unused", lambda: torch.autograd.grad(x.sum(), [x, torch.ones(1, requires_grad=True)], allow_unused=True))
show("no grad input", lambda: torch.autograd.grad(x.sum(), torch.ones(1)))
show("create_graph", lambda: torch.autograd.grad((x ** 3).sum(), x, create_graph=True))
g, = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
show("second", lambda: torch.autograd.grad(g.sum(), x))
show("backward inputs", lambda: ((x * x).sum().backward(inputs=[x]), x.grad)[1])
x.grad = None
a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
h = a.register_hook(lambda g: g * 10)
(a * a).sum().backward()
show("hook", lambda: a.grad)
h.remove()
a.grad = None
(a * a).sum().backward()
show("hook removed", lambda: a.grad)
b = a * 1
b.register_hook(lambda g: print("hook sees", g))
(b * 3).sum().backward()
show("view grad_fns", lambda: [names(t) for t in (a[0], a[:, 1], a[0:1], a.T, a.t(), a.view(4), a.reshape(4), a[None],
                                                 a.unsqueeze(1), a.squeeze(), a.expand(2, 2, 2), a.permute(1, 0))])
show("ops grad_fns", lambda: [names(t) for t in (a + 1, 1 + a, a - 1, 1 - a, a * 2, 2 * a, a / 2, 2 / a, a ** 2,
                                                2 ** a, a ** a, -a, a.exp(), a.sum(), a.sum(0), a.mean(), a.mean(1),
                                                a.max(), a.max(0)[0], a @ a, a.relu(), a.sigmoid(), a.tanh(), a.abs())])
with torch.no_grad():
    n = a * 2
show("no_grad", lambda: (n.requires_grad, n.is_leaf, torch.is_grad_enabled()))
with torch.no_grad():
    with torch.enable_grad():
        e = a * 2
show("enable_grad", lambda: names(e))
torch.set_grad_enabled(False)
show("set_grad_enabled", lambda: (a * 2).requires_grad)
torch.set_grad_enabled(True)
d = a.detach()
show("detach", lambda: (d.requires_grad, d.is_leaf, d._version, a._version))
d.add_(1)
show("detach shares version", lambda: (d._version, a._version, a))
c = a * 1
c2 = c.detach_()
show("detach_", lambda: (c2 is c, c.requires_grad, c.grad_fn))
show("leaf inplace", lambda: a.add_(1))
show("view of leaf inplace", lambda: a[0].mul_(2))
with torch.no_grad():
    a[0, 0] = 100.0
show("no_grad setitem", lambda: (a, a._version))
w = a * 1
w[0] = 0.0
show("setitem on result", lambda: (names(w), w._version))
w.sum().backward()
show("grad through setitem", lambda: a.grad)
s = a.exp()
s.mul_(2)
show("saved output modified", lambda: s.sum().backward())
t = a * 1
u = t * t
t.zero_()
show("saved input modified", lambda: u.sum().backward())
show("requires_grad non-leaf", lambda: setattr(t, "requires_grad", False))
show("numpy requires grad", lambda: a.numpy())
show("int requires grad", lambda: torch.tensor([1, 2]).requires_grad_())
show("non-scalar", lambda: (a * 2).backward())
show("bad shape", lambda: (a * 2).backward(torch.ones(3)))
show("no grad_fn", lambda: torch.ones(2).sum().backward())
show("unique backward", lambda: torch.unique(a).sum().backward())


class Line(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w, x, b):
        ctx.save_for_backward(w, x)
        return w * x + b

    @staticmethod
    def backward(ctx, g):
        w, x = ctx.saved_tensors
        return g * x, g * w, g


class Wrong(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g, g


torch.manual_seed(0)
W, X, B = (torch.randn(2, 2, requires_grad=True) for _ in range(3))
out = Line.apply(W, X, B)
out.backward(torch.ones(2, 2))
show("custom", lambda: (names(out), W.grad, X.grad, B.grad, out.grad_fn.needs_input_grad))
show("wrong count", lambda: Wrong.apply(W).sum().backward())
show("gradcheck", lambda: torch.autograd.gradcheck(lambda t: (t * t).sin(), torch.rand(3, dtype=torch.float64,
                                                                                   requires_grad=True)))
show("jacobian", lambda: torch.autograd.functional.jacobian(lambda t: t ** 2, torch.tensor([1.0, 2.0])))
show("hessian", lambda: torch.autograd.functional.hessian(lambda t: (t ** 3).sum(), torch.tensor([1.0, 2.0])))
