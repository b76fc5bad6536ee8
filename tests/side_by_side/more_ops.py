"""var/std, log1p, expm1, trigonometric and hyperbolic ops, cumsum, flip, printed; see tests/test_side_by_side.py."""
import sys, numpy as np
torch = __import__(sys.argv[1])
F = torch.nn.functional
def show(label, f):
    try: print(label, "->", f())
    except Exception as e: print(label, "!!", type(e).__name__, str(e).split("\n")[0][:150])
x0 = np.random.default_rng(0).standard_normal((3, 4))
for expr in ["x.var()", "x.var(1)", "x.std()", "x.std(0, keepdim=True)", "x.var(correction=0)", "x.var(unbiased=False)",
             "x.var(1, unbiased=False, keepdim=True)", "(x.abs()).log1p()", "x.expm1()", "x.tan()", "x.atan()", "x.sinh()",
             "x.cosh()", "x.cumsum(1)", "torch.cumsum(x, dim=0)", "x.flip(0)", "x.flip((0, 1))", "torch.flip(x, [1])",
             "torch.var(x)", "torch.std(x, 1)"]:
    x = torch.tensor(x0, requires_grad=True)
    y = eval(expr)
    (y * torch.arange(float(y.numel()), dtype=torch.float64).reshape(y.shape)).sum().backward()
    print(expr, y.grad_fn.name(), np.round(y.detach().numpy(), 6).tolist(), np.round(x.grad.numpy(), 6).tolist())
show("var int", lambda: torch.tensor([1, 2, 3]).var())
show("std 1 elem", lambda: torch.tensor([1.0]).std())
