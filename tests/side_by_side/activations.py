"""Activation functions with first and second derivatives, printed; see tests/test_side_by_side.py."""
import sys, numpy as np
torch = __import__(sys.argv[1])
F = torch.nn.functional
x0 = np.concatenate([np.random.default_rng(0).standard_normal(12) * 3, [0.5, 25.0, -30.0, 1e-3]])
for expr in ["F.leaky_relu(x)", "F.leaky_relu(x, 0.2)", "F.elu(x)", "F.elu(x, 0.5)", "F.softplus(x)", "F.softplus(x, beta=2, threshold=5)",
             "F.gelu(x)", "F.gelu(x, approximate='tanh')", "F.silu(x)", "torch.nn.GELU()(x)", "torch.nn.SiLU()(x)"]:
    x = torch.tensor(x0, requires_grad=True)
    y = eval(expr)
    (gx,) = torch.autograd.grad((y * torch.arange(16.0, dtype=torch.float64)).sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(gx.sum(), x)
    print(expr, y.grad_fn.name(), np.round(y.detach().numpy(), 8).tolist(), np.round(gx.detach().numpy(), 8).tolist(), np.round(gg.numpy(), 6).tolist())
print(torch.nn.LeakyReLU(), torch.nn.ELU(), torch.nn.Softplus(), torch.nn.GELU(), torch.nn.SiLU(), torch.nn.GELU("tanh"), torch.nn.LeakyReLU(0.2, True))
