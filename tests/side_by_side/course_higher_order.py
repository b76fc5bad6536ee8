"""Autograd as research code uses it: a WGAN-GP gradient penalty, a MAML inner step through
F.linear with create_graph, a physics-informed loss with first and second input derivatives,
Hessian-vector products two ways, and torch.func per-sample gradients; run with the library name
as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)

# --- gradient penalty -----------------------------------------------------------------------
critic = nn.Sequential(nn.Linear(3, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
real, fake = torch.randn(8, 3, dtype=torch.float64), torch.randn(8, 3, dtype=torch.float64)
critic = critic.double()
alpha = torch.rand(8, 1, dtype=torch.float64)
interpolates = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
d_interpolates = critic(interpolates)
gradients = torch.autograd.grad(outputs=d_interpolates, inputs=interpolates,
                                grad_outputs=torch.ones_like(d_interpolates),
                                create_graph=True, retain_graph=True, only_inputs=True)[0]
penalty = ((gradients.norm(2, dim=1) - 1) ** 2).mean()
loss = critic(fake).mean() - critic(real).mean() + 10 * penalty
loss.backward()
print(f"{penalty.item():.10f}", gradients.grad_fn.name(), [f"{p.grad.abs().sum().item():.10f}" for p in critic.parameters()])

# --- MAML: one inner step, differentiated through ---------------------------------------------
w = torch.randn(4, 2, dtype=torch.float64, requires_grad=True)
b = torch.zeros(4, dtype=torch.float64, requires_grad=True)
xs, ys = torch.randn(5, 2, dtype=torch.float64), torch.randn(5, 4, dtype=torch.float64)
xq, yq = torch.randn(5, 2, dtype=torch.float64), torch.randn(5, 4, dtype=torch.float64)
inner = F.mse_loss(F.linear(xs, w, b), ys)
gw, gb = torch.autograd.grad(inner, (w, b), create_graph=True)
w2, b2 = w - 0.1 * gw, b - 0.1 * gb
outer = F.mse_loss(F.linear(xq, w2, b2), yq)
outer.backward()
print(f"{outer.item():.10f}", f"{w.grad.sum().item():.12f}", b.grad, w2.grad_fn.name(), w2.is_leaf)

# --- physics-informed: u'' + u = 0 at collocation points ----------------------------------------
net = nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1)).double()
t = torch.linspace(0, 1, 6, dtype=torch.float64).reshape(-1, 1).requires_grad_(True)
u = net(t)
du = torch.autograd.grad(u, t, torch.ones_like(u), create_graph=True)[0]
d2u = torch.autograd.grad(du, t, torch.ones_like(du), create_graph=True)[0]
residual = (d2u + u).pow(2).mean() + (u[0] - 1).pow(2).sum() + (du[0]).pow(2).sum()
residual.backward()
print(f"{residual.item():.10f}", d2u.grad_fn.name(), f"{net[0].weight.grad.norm().item():.10f}", t.grad is not None)

# --- Hessian-vector products ------------------------------------------------------------------
x = torch.randn(3, dtype=torch.float64, requires_grad=True)
v = torch.randn(3, dtype=torch.float64)
f = lambda z: (z.sin() * z.pow(3)).sum()
g, = torch.autograd.grad(f(x), x, create_graph=True)
hvp1, = torch.autograd.grad(g, x, v)
_, hvp2 = torch.autograd.functional.hvp(f, x.detach(), v)
print(torch.allclose(hvp1, hvp2), hvp1, torch.autograd.functional.hessian(f, x.detach()).diagonal())

# --- per-sample gradients with torch.func ---------------------------------------------------------
from importlib import import_module  # noqa: E402

func = import_module(sys.argv[1] + ".func")
model = nn.Linear(3, 2).double()
params = {k: v.detach() for k, v in model.named_parameters()}
def loss_one(p, xi, yi):
    out = func.functional_call(model, p, (xi.unsqueeze(0),))
    return F.cross_entropy(out, yi.unsqueeze(0))
X, Y = torch.randn(4, 3, dtype=torch.float64), torch.tensor([0, 1, 1, 0])
per_sample = func.vmap(func.grad(loss_one), in_dims=(None, 0, 0))(params, X, Y)
print({k: tuple(v.shape) for k, v in per_sample.items()}, per_sample["bias"])
