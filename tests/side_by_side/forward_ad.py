"""torch.autograd.forward_ad: dual tensors and their tangents; run with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
fwAD = torch.autograd.forward_ad


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__, str(e))


primal = torch.tensor([1.0, 2.0, 3.0])
tangent = torch.tensor([1.0, 0.0, 0.5])
show("outside a level", lambda: fwAD.unpack_dual(primal))
show("make_dual outside", lambda: fwAD.make_dual(primal, tangent))
with fwAD.dual_level():
    d = fwAD.make_dual(primal, tangent)
    show("dual", lambda: (d, d.requires_grad, d is primal, d._base is primal))
    out = (d.sin() * d).exp().sum()
    show("out", lambda: (fwAD.unpack_dual(out).primal, round(fwAD.unpack_dual(out).tangent.item(), 5)))  # (float32 rounding)
    p, t = fwAD.unpack_dual(out)
    show("unpacked", lambda: (p, t, type(fwAD.unpack_dual(out)).__name__))
    show("tangent field", lambda: fwAD.unpack_dual(out).tangent)
    show("matmul", lambda: fwAD.unpack_dual(d @ torch.ones(3, 2)).tangent)
    show("softmax", lambda: fwAD.unpack_dual(torch.softmax(d, 0)).tangent)
    show("views", lambda: fwAD.unpack_dual(d.reshape(3, 1)[1:].t()).tangent)
    show("tanh/log", lambda: fwAD.unpack_dual((d.tanh() + d.log()) / (d + 1)).tangent)
    show("plain tensor", lambda: fwAD.unpack_dual(primal * 2).tangent)
    show("wrong size", lambda: fwAD.make_dual(primal, torch.ones(2)))
    x = torch.tensor([0.5, -1.0], dtype=torch.float64)
    dx = fwAD.make_dual(x, torch.tensor([1.0, 2.0], dtype=torch.float64))
    show("float64", lambda: fwAD.unpack_dual(torch.sigmoid(dx) ** 3).tangent)

    def fn(x, y):
        return x ** 2 + y ** 2

    a, b = torch.tensor([1.0, 2.0]), torch.tensor([3.0, -1.0])
    da = fwAD.make_dual(a, torch.ones(2))
    show("two inputs, one dual", lambda: fwAD.unpack_dual(fn(da, b)).tangent)
show("after the level", lambda: fwAD.unpack_dual(out))
show("same as functional.jvp", lambda: torch.autograd.functional.jvp(lambda x: (x.sin() * x).exp().sum(), primal,
                                                                    tangent))
