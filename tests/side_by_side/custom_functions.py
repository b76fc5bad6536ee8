"""Custom Functions in the newer styles (setup_context, once_differentiable, views, non-tensor
outputs) and the deprecated Variable; run with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__, str(e))


class Square(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x * x

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        ctx.save_for_backward(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * x * g


x = torch.tensor([1.0, 2.0], requires_grad=True)
y = Square.apply(x)
y.sum().backward()
show("setup_context", lambda: (y, x.grad))


class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.exp()

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * x.exp()


g, = torch.autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
show("once_differentiable, plain grad", lambda: (g, g.requires_grad))
g, = torch.autograd.grad((Exp.apply(x) ** 2).sum(), x, create_graph=True)
show("once_differentiable, grad of grad", lambda: (g, g.grad_fn.name()))
show("double backward", lambda: g.sum().backward())
show("double grad", lambda: torch.autograd.grad(g.sum(), x))


class Identity(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, g):
        return g


class Head(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x[0:1]

    @staticmethod
    def backward(ctx, g):
        return torch.cat([g, torch.zeros(1)])


a = x.clone()
y = Identity.apply(a)
show("returned input", lambda: (y._base is a, y.is_leaf, y.grad_fn.name()))
show("in-place on it", lambda: y.mul_(10))
show("input untouched", lambda: a)
y = Head.apply(a)
show("returned view", lambda: (y._base is a, y))
show("in-place on view", lambda: y.mul_(10))
y = Identity.apply(a)
a.mul_(2)
show("base changed, grad_fn", lambda: y.grad_fn)
show("base changed, repr", lambda: y)
with torch.no_grad():
    show("no_grad identity", lambda: Identity.apply(a) is a)


class Tagged(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2, 7, "tag"

    @staticmethod
    def backward(ctx, g, g7, gtag):
        print("backward got", g, g7, gtag)
        return g * 2


x.grad = None
r = Tagged.apply(x)
show("non-tensor outputs", lambda: r)
r[0].sum().backward()
show("their grad", lambda: x.grad)


class Number(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return 3.5

    @staticmethod
    def backward(ctx, g):
        return g


show("bare float", lambda: Number.apply(x))

Variable = torch.autograd.Variable
v = Variable(torch.ones(2), requires_grad=True)
show("Variable", lambda: (v, v.is_leaf, isinstance(v, Variable), isinstance(torch.ones(1), Variable)))
(v * 3).sum().backward()
show("Variable grad", lambda: v.grad)
show("Variable of result", lambda: Variable(x * 2, requires_grad=True))
show("Variable plain", lambda: Variable(x).requires_grad)
show("Variable of list", lambda: Variable([1.0]))
