"""The examples in the docstrings of torch.autograd (functional.jacobian/hessian/vjp/jvp/hvp/vhp,
graph.Node.name/register_hook/register_prehook, saved_tensors_hooks, disable_saved_tensors_hooks,
allow_mutation_on_saved_tensors, region_activation_memory_budget, register_multi_grad_hook,
Function and FunctionCtx's mark_dirty/mark_non_differentiable/save_for_backward/save_for_forward/
set_materialize_grads, detect_anomaly, no_grad/enable_grad/set_grad_enabled/inference_mode,
enforce_grad_layout_policy), and the nn docstrings' loss targets made with Tensor.random_ and the
legacy torch.FloatTensor/LongTensor; seeded; run with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
from importlib import import_module  # noqa: E402

functional = import_module(sys.argv[1] + ".autograd.functional")
jacobian, hessian, vjp, jvp, hvp, vhp = (getattr(functional, n) for n in ("jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"))
Function, once_differentiable = torch.autograd.Function, import_module(sys.argv[1] + ".autograd.function").once_differentiable
fwAD = torch.autograd.forward_ad
nn = torch.nn
torch.manual_seed(0)


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__, str(e).split("\n")[0])


# --- torch.autograd.functional ---------------------------------------------------------------
def exp_reducer(x):
    return x.exp().sum(dim=1)


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


def pow_reducer(x):
    return x.pow(3).sum()


def pow_adder_reducer(x, y):
    return (2 * x.pow(2) + 3 * y.pow(2)).sum()


def adder(x, y):
    return 2 * x + 3 * y


def linear_model(x):
    W = torch.tensor([[2.0, -1.0], [0.0, 1.0]])
    b = torch.tensor([1.0, 0.5])
    return x @ W.T + b


inputs = torch.rand(2, 2)
print(jacobian(exp_reducer, inputs), jacobian(exp_reducer, inputs, create_graph=True))
print(jacobian(exp_adder, (torch.rand(2), torch.rand(2))))
print(jacobian(linear_model, torch.randn(4, 2, requires_grad=True), vectorize=True).shape)
print(hessian(pow_reducer, inputs), hessian(pow_reducer, inputs, create_graph=True)[0, 0])
print(hessian(pow_adder_reducer, (torch.rand(2), torch.rand(2))))
inputs = torch.rand(4, 4)
print(vjp(exp_reducer, inputs, torch.ones(4)), vjp(exp_reducer, inputs, torch.ones(4), create_graph=True)[1].grad_fn)
print(vjp(adder, (torch.rand(2), torch.rand(2)), torch.ones(2)))
print(jvp(exp_reducer, inputs, torch.ones(4, 4)), jvp(exp_reducer, inputs, torch.ones(4, 4), create_graph=True)[1])
print(jvp(adder, (torch.rand(2), torch.rand(2)), (torch.ones(2), torch.ones(2))))
inputs = torch.rand(2, 2)
for f in (hvp, vhp):
    print(f(pow_reducer, inputs, torch.ones(2, 2)), f(pow_reducer, inputs, torch.ones(2, 2), create_graph=True)[1])
    print(f(pow_adder_reducer, (torch.rand(2), torch.rand(2)), (torch.zeros(2), torch.ones(2))))

# --- torch.autograd.graph ------------------------------------------------------------------
a = torch.tensor([0., 0., 0.], requires_grad=True)
b = a.clone()
print(isinstance(b.grad_fn, torch.autograd.graph.Node), b.grad_fn.name())
for register, hook in [("register_hook", lambda gI, gO: (gO[0] * 2,)), ("register_prehook", lambda gI: (gI[0] * 2,))]:
    a = torch.tensor([0., 0., 0.], requires_grad=True)
    b = a.clone()
    handle = getattr(b.grad_fn, register)(hook)
    b.sum().backward(retain_graph=True)
    print(register, a.grad)
    handle.remove()
    a.grad = None
    b.sum().backward(retain_graph=True)
    print(register, a.grad)


def pack_hook(x):
    print("Packing", x)
    return x.detach()


def unpack_hook(x):
    print("Unpacking", x)
    return x


a = torch.ones(5, requires_grad=True)
b = torch.ones(5, requires_grad=True) * 2
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = a * b
y.sum().backward()
print(a.grad, b.grad)


def disabled():
    with torch.autograd.graph.disable_saved_tensors_hooks("saved tensors default hooks are disabled"):
        with torch.autograd.graph.save_on_cpu():
            pass


show("disable_saved_tensors_hooks", disabled)


def mutation():
    with torch.autograd.graph.allow_mutation_on_saved_tensors():
        a = torch.ones(2, 3, requires_grad=True)
        b = a.clone()
        out = (b ** 2).sum()
        b.sin_()
        out.sum().backward()
        return a.grad, b


show("allow_mutation_on_saved_tensors", mutation)
show("region_activation_memory_budget", lambda: torch.autograd.graph.region_activation_memory_budget(0.0))
a = torch.rand(2, 3, requires_grad=True)
b = torch.rand(2, 3, requires_grad=True)
c = a * b
d = a * b
torch.autograd.graph.register_multi_grad_hook((a, b, c, d), lambda grads: print([g is not None for g in grads]))
c.sum().backward(retain_graph=True)
c.sum().backward(inputs=(a,), retain_graph=True)


# --- torch.autograd.function -----------------------------------------------------------------
class Exp(Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result


input = torch.randn(3, requires_grad=True)
output = Exp.apply(input)
output.sum().backward()
print(output, input.grad)


class Inplace(Function):
    @staticmethod
    def forward(ctx, x):
        x_npy = x.numpy()
        x_npy += 1
        ctx.mark_dirty(x)
        return x

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        return grad_output


a = torch.tensor(1., requires_grad=True, dtype=torch.double).clone()
b = a * a
print(Inplace.apply(a))
show("mark_dirty", lambda: b.backward())


class Sort(Function):
    @staticmethod
    def forward(ctx, x):
        sorted, idx = x.sort()
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(x, idx)
        return sorted, idx

    @staticmethod
    @once_differentiable
    def backward(ctx, g1, g2):
        x, idx = ctx.saved_tensors
        grad_input = torch.zeros_like(x)
        grad_input.index_add_(0, idx, g1)
        return grad_input


x = torch.tensor([3., 1., 2.], requires_grad=True)
s, idx = Sort.apply(x)
(s * torch.tensor([1., 10., 100.])).sum().backward()
print(s, idx, idx.requires_grad, x.grad)


class Func(Function):
    @staticmethod
    def forward(ctx, x, y, z):
        w = x * z
        out = x * y + y * z + w * y
        ctx.save_for_backward(x, y, w, out)
        ctx.z = z
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        x, y, w, out = ctx.saved_tensors
        z = ctx.z
        return grad_out * (y + y * z), grad_out * (x + z + w), None


a = torch.tensor(1., requires_grad=True, dtype=torch.double)
b = torch.tensor(2., requires_grad=True, dtype=torch.double)
d = Func.apply(a, b, 4)
d.backward()
print(d, a.grad, b.grad)


class FwFunc(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y, z):
        ctx.save_for_backward(x, y)
        ctx.save_for_forward(x, y)
        ctx.z = z
        return x * y * z

    @staticmethod
    def jvp(ctx, x_t, y_t, _):
        x, y = ctx.saved_tensors
        return ctx.z * (y * x_t + x * y_t)

    @staticmethod
    def vjp(ctx, grad_out):
        x, y = ctx.saved_tensors
        return ctx.z * grad_out * y, ctx.z * grad_out * x, None


a = torch.tensor(1., requires_grad=True, dtype=torch.double)
b = torch.tensor(2., requires_grad=True, dtype=torch.double)
with fwAD.dual_level():
    d = FwFunc.apply(fwAD.make_dual(a, torch.tensor(1., dtype=torch.double)), b, 4)
    print(fwAD.unpack_dual(d).tangent)
d.backward()
print(a.grad, b.grad)


class TwoOutputs(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(x)
        return x.clone(), x.clone()

    @staticmethod
    @once_differentiable
    def backward(ctx, g1, g2):
        x, = ctx.saved_tensors
        print("g2 is None:", g2 is None)
        grad_input = torch.zeros_like(x)
        if g1 is not None:
            grad_input += g1
        if g2 is not None:
            grad_input += g2
        return grad_input


a = torch.tensor(1., requires_grad=True)
b, _ = TwoOutputs.apply(a)
b.backward()
print(a.grad)


# --- anomaly mode and grad modes --------------------------------------------------------------
class MyFunc(torch.autograd.Function):
    @staticmethod
    def forward(ctx, inp):
        return inp.clone()

    @staticmethod
    def backward(ctx, gO):
        raise RuntimeError("Some error in backward")


def run_fn(a):
    return MyFunc.apply(a).sum()


show("backward error", lambda: run_fn(torch.rand(10, 10, requires_grad=True)).backward())
with torch.autograd.detect_anomaly():
    show("detect_anomaly", lambda: run_fn(torch.rand(10, 10, requires_grad=True)).backward())

x = torch.tensor([1.], requires_grad=True)
with torch.no_grad():
    with torch.enable_grad():
        y = x * 2
y.backward()
print(y.requires_grad, x.grad)
doubler = torch.enable_grad()(lambda x: x * 2)
with torch.no_grad():
    print(doubler(x).requires_grad)
with torch.no_grad():
    print((x * 2).requires_grad, nn.Parameter(torch.rand(10)).requires_grad)
print(torch.no_grad()(lambda x: x * 3)(x).requires_grad)
with torch.set_grad_enabled(False):
    print((x * 2).requires_grad)
_ = torch.set_grad_enabled(True)
print((x * 2).requires_grad)
_ = torch.set_grad_enabled(False)
print((x * 2).requires_grad)
_ = torch.set_grad_enabled(True)
x = torch.ones(1, 2, 3, requires_grad=True)
with torch.inference_mode():
    y = x * x
print(y.requires_grad)
show("inference _version", lambda: y._version)
print(torch.inference_mode()(lambda x: x * x)(x).requires_grad)
p = torch.empty(2, 3, 4).permute(2, 0, 1).requires_grad_()
with torch.autograd.enforce_grad_layout_policy(False):
    (p * 2).sum().backward()
print(p.grad.stride(), p.stride())

# --- loss docstrings: targets from random_ and the legacy constructors ------------------------
input = torch.randn(3, 5, requires_grad=True)
target = torch.empty(3, dtype=torch.long).random_(5)
output = nn.CrossEntropyLoss()(input, target)
output.backward()
print(target, output, input.grad[0])
target = torch.empty(3).random_(2)
m = nn.Sigmoid()
input = torch.randn(3, requires_grad=True)
output = nn.BCELoss()(m(input), target)
output.backward()
print(target, output, input.grad)
N, C = 5, 4
data = torch.randn(N, 16, 10, 10)
conv = nn.Conv2d(16, C, (3, 3))
target = torch.empty(N, 8, 8, dtype=torch.long).random_(0, C)
output = nn.NLLLoss()(nn.LogSoftmax(dim=1)(conv(data)), target)
output.backward()
print(target[0, 0], f"{output.item():.4f}", conv.bias.grad)
weight = torch.FloatTensor([[1, 2.3, 3], [4, 5.1, 6.3]])
input = torch.LongTensor([[0, 2, 0, 5]])
print(weight, input, isinstance(weight, torch.FloatTensor), input.type(), weight.type(torch.LongTensor))
x = torch.empty(2, 3).uniform_(-1, 1)
y = x.mul(2).requires_grad_()
z = y * 1
z.normal_()
print(x, z.grad_fn.name(), torch.empty(4).random_(), torch.empty(2, dtype=torch.bool).random_())
