"""einsum forms with gradients and a second derivative, printed; see tests/test_side_by_side.py."""
import sys, numpy as np
torch = __import__(sys.argv[1])
rng = np.random.default_rng(0)
A, B, C, v = rng.standard_normal((2, 3)), rng.standard_normal((3, 4)), rng.standard_normal((5, 2, 3)), rng.standard_normal(3)
cases = [("ij,jk->ik", (A, B)), ("ij,jk", (A, B)), ("bij,jk->bik", (C, B)), ("ij->ji", (A,)), ("ij->", (A,)), ("i,i->", (v, v)),
         ("i,j->ij", (v, v)), ("bij->bj", (C,)), ("ij,j->i", (A, v)), ("bij,bij->b", (C, C)), ("ij,kj->ik", (A, A))]
for eq, arrs in cases:
    ts = [torch.tensor(a, requires_grad=True) for a in arrs]
    y = torch.einsum(eq, *ts)
    (y * torch.arange(float(y.numel()), dtype=torch.float64).reshape(y.shape)).sum().backward()
    print(eq, np.round(y.detach().numpy(), 6).tolist(), [np.round(t.grad.numpy(), 6).tolist() for t in ts])
x = torch.tensor(A, requires_grad=True)
(g,) = torch.autograd.grad(torch.einsum("ij,ij->", x, x), x, create_graph=True)
print("double", torch.autograd.grad(g.sum(), x)[0])
print(torch.einsum("ij,jk->ik", [torch.ones(2, 3), torch.ones(3, 1)]))
