"""torch.autograd.functional: vjp, jvp, hvp, vhp, strict jacobian; run with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
F = torch.autograd.functional


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__, str(e))


def cube(x):
    return x ** 3


def pair(x, y):
    return (x * y).sum(), x.exp()


def energy(x):
    return (x ** 3).sum() + x[0] * x[1]


x = torch.tensor([1.0, 2.0, 3.0])
y = torch.tensor([0.5, -1.0, 2.0])
v = torch.tensor([1.0, 0.5, -1.0])
show("vjp", lambda: F.vjp(cube, x, v))
out, g = F.vjp(cube, x, v, create_graph=True)
show("vjp create_graph", lambda: (out.requires_grad, g.requires_grad, g))
show("vjp v=None", lambda: F.vjp(cube, x))
show("vjp scalar v=None", lambda: F.vjp(lambda t: (t ** 2).sum(), x))
show("vjp tuple", lambda: F.vjp(lambda a, b: a * b, (x, y), v))
show("jvp", lambda: F.jvp(cube, x, v))
show("jvp v=None", lambda: F.jvp(cube, x))
show("jvp tuple", lambda: F.jvp(pair, (x, y), (v, v)))
show("hvp", lambda: F.hvp(energy, x, v))
show("vhp", lambda: F.vhp(energy, x, v))
show("hvp non-scalar", lambda: F.hvp(cube, x, v))
show("jacobian strict", lambda: F.jacobian(lambda a: a * 0 + torch.ones(3), x, strict=True))
show("jacobian strict dependent", lambda: F.jacobian(cube, x, strict=True))
show("jacobian not strict", lambda: F.jacobian(lambda a: torch.ones(3), x))
show("jacobian strict independent", lambda: F.jacobian(lambda a: torch.ones(3), x, strict=True))
show("vjp strict independent", lambda: F.vjp(lambda a: torch.ones(3), x, v, strict=True))
show("hessian", lambda: F.hessian(energy, x))
