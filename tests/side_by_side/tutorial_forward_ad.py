"""PyTorch's "Forward-mode Automatic Differentiation" tutorial (intermediate/forward_ad_usage),
seeded, with its functional API part written with torch.func; run with the library name as
argument."""
import functools
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
fwAD = torch.autograd.forward_ad
nn = torch.nn
from_func = torch.func
torch.manual_seed(0)

primal = torch.randn(10, 10)
tangent = torch.randn(10, 10)


def fn(x, y):
    return x ** 2 + y ** 2


with fwAD.dual_level():
    dual_input = fwAD.make_dual(primal, tangent)
    print(fwAD.unpack_dual(dual_input).tangent is tangent)
    dual_input_alt = fwAD.make_dual(primal, tangent.T)
    print(fwAD.unpack_dual(dual_input_alt).tangent is not tangent)
    plain_tensor = torch.randn(10, 10)
    dual_output = fn(dual_input, plain_tensor)
    jvp = fwAD.unpack_dual(dual_output).tangent
    print(jvp[0])
print(fwAD.unpack_dual(dual_output).tangent is None)

# Usage with Modules
model = nn.Linear(5, 5)
input = torch.randn(16, 5)
params = {name: p for name, p in model.named_parameters()}
tangents = {name: torch.rand_like(p) for name, p in params.items()}
with fwAD.dual_level():
    for name, p in params.items():
        delattr(model, name)
        setattr(model, name, fwAD.make_dual(p, tangents[name]))
    out = model(input)
    jvp = fwAD.unpack_dual(out).tangent
print(jvp[:2].detach())  # (PyTorch's tangent also records history: the parameters require grad)

# Using the functional Module API
model = nn.Linear(5, 5)
dual_params = {}
with fwAD.dual_level():
    for name, p in params.items():
        dual_params[name] = fwAD.make_dual(p, tangents[name])
    out = from_func.functional_call(model, dual_params, input)
    jvp2 = fwAD.unpack_dual(out).tangent
print(torch.allclose(jvp, jvp2))


# Custom autograd Function
class Fn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, foo):
        result = torch.exp(foo)
        # Tensors stored in ctx can be used in the subsequent forward grad computation.
        ctx.result = result
        return result

    @staticmethod
    def jvp(ctx, gI):
        gO = gI * ctx.result
        # If the tensor stored in ctx will not also be used in the backward pass,
        # one can manually free it using ``del``
        del ctx.result
        return gO


fn_apply = Fn.apply
primal = torch.randn(10, 10, dtype=torch.double, requires_grad=True)
tangent = torch.randn(10, 10)
with fwAD.dual_level():
    dual_input = fwAD.make_dual(primal, tangent)
    dual_output = fn_apply(dual_input)
    jvp = fwAD.unpack_dual(dual_output).tangent
print(jvp[0, :4], hasattr(dual_output.grad_fn, "result"))
print(torch.autograd.gradcheck(Fn.apply, (primal[:2, :3].detach().requires_grad_(),), check_forward_ad=True,
                               check_backward_ad=False, check_undefined_grad=False, check_batched_grad=False))

# Functional API
primal0 = torch.randn(10, 10)
tangent0 = torch.randn(10, 10)
primal1 = torch.randn(10, 10)
tangent1 = torch.randn(10, 10)
primal_out, tangent_out = from_func.jvp(fn, (primal0, primal1), (tangent0, tangent1))
print(primal_out[0, :3], tangent_out[0, :3])
primal = torch.randn(10, 10)
tangent = torch.randn(10, 10)
y = torch.randn(10, 10)
new_fn = functools.partial(fn, y=y)
primal_out, tangent_out = from_func.jvp(new_fn, (primal,), (tangent,))
print(tangent_out[1, :3])

# Using the functional API with Modules
model = nn.Linear(5, 5)
input = torch.randn(16, 5)
tangents = tuple([torch.rand_like(p) for p in model.parameters()])
params = dict(model.named_parameters())


def func_params_only(params):
    return from_func.functional_call(model, params, input)


model_output, jvp_out = from_func.jvp(func_params_only, (params,), (dict(zip(params, tangents)),))
print(model_output[0].detach(), jvp_out[0].detach())
