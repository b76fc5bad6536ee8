"""logsumexp, sort, topk, tril/triu, one_hot, type_as, printed; see tests/test_side_by_side.py."""
import sys, numpy as np
torch = __import__(sys.argv[1])
F = torch.nn.functional
def show(label, f):
    try: print(label, "->", f())
    except Exception as e: print(label, "!!", type(e).__name__, str(e).split("\n")[0][:150])
x0 = np.random.default_rng(0).standard_normal((3, 4))
for expr in ["torch.logsumexp(x, 1)", "x.logsumexp(0)", "torch.logsumexp(x, (0, 1), keepdim=True)", "torch.sort(x, 1)[0]",
             "torch.sort(x, 0, descending=True)[0]", "torch.topk(x, 2)[0]", "torch.topk(x, 2, dim=0, largest=False)[0]",
             "torch.tril(x)", "x.triu(1)", "torch.tril(x, -1)"]:
    x = torch.tensor(x0, requires_grad=True)
    y = eval(expr)
    (y * torch.arange(float(y.numel()), dtype=torch.float64).reshape(y.shape)).sum().backward()
    print(expr, y.grad_fn.name(), np.round(y.detach().numpy(), 6).tolist(), np.round(x.grad.numpy(), 6).tolist())
x = torch.tensor(x0, dtype=torch.float32)
show("sort repr", lambda: torch.sort(x, 1))
show("topk repr", lambda: torch.topk(x, 2, dim=0, largest=False))
show("sort ties", lambda: torch.sort(torch.tensor([2, 1, 2, 1, 0])))
show("one_hot", lambda: F.one_hot(torch.tensor([0, 2, 1]), 4))
show("one_hot infer", lambda: F.one_hot(torch.tensor([0, 2])))
show("one_hot bad", lambda: F.one_hot(torch.tensor([0, 5]), 3))
show("type_as", lambda: x.type_as(torch.tensor([1])).dtype)
show("topk k too big", lambda: torch.topk(x, 9))
show("lse inf", lambda: torch.logsumexp(torch.tensor([float("-inf"), float("-inf")]), 0))
