"""The examples of PyTorch's "Extending torch.func with autograd.Function" note
(docs/source/notes/extending.func), with vmap/grad/jvp/jacrev around them; run with the
library name as argument."""
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
torch.manual_seed(0)


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__, str(e))


def to_numpy(tensor):
    return tensor.cpu().numpy()


# Example 1: autograd.Function calls into another system
class NumpySort(torch.autograd.Function):
    # Note that forward does not take ctx
    @staticmethod
    def forward(x, dim):
        device = x.device
        x = to_numpy(x)
        ind = np.argsort(x, axis=dim)
        ind_inv = np.argsort(ind, axis=dim)
        result = np.take_along_axis(x, ind, axis=dim)
        # Any intermediates to be saved in backward must be returned as
        # outputs.
        return (
            # The desired output
            torch.tensor(result, device=device),
            # intermediate to save for backward
            torch.tensor(ind, device=device),
            # intermediate to save for backward
            torch.tensor(ind_inv, device=device),
        )

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, dim = inputs
        _, ind, ind_inv = output
        ctx.mark_non_differentiable(ind, ind_inv)
        ctx.save_for_backward(ind, ind_inv)
        ctx.dim = dim

    @staticmethod
    def backward(ctx, grad_output, _0, _1):
        ind, ind_inv = ctx.saved_tensors
        return NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim), None

    # The signature of the vmap staticmethod is:
    # vmap(info, in_dims: Tuple[Optional[int]], *args)
    # where *args is the same as the arguments to `forward`.
    @staticmethod
    def vmap(info, in_dims, x, dim):
        x_bdim, _ = in_dims
        x = x.movedim(x_bdim, 0)
        # Handle negative dims correctly
        dim = dim if dim >= 0 else dim + x.dim() - 1
        return NumpySort.apply(x, dim + 1), (0, 0, 0)


class NumpyTake(torch.autograd.Function):
    @staticmethod
    def forward(x, ind, ind_inv, dim):
        device = x.device
        x = to_numpy(x)
        ind = to_numpy(ind)
        return torch.tensor(np.take_along_axis(x, ind, dim), device=device)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, ind, ind_inv, dim = inputs
        ctx.save_for_backward(ind, ind_inv)
        ctx.dim = dim

    @staticmethod
    def backward(ctx, grad_output):
        ind, ind_inv = ctx.saved_tensors
        result = NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim)
        return result, None, None, None

    @staticmethod
    def vmap(info, in_dims, x, ind, ind_inv, dim):
        x_bdim, ind_bdim, ind_inv_bdim, _ = in_dims

        # Handle negative dims by wrapping them to be positive
        logical_dim = x.dim() if x_bdim is None else x_bdim - 1
        dim = dim if dim >= 0 else dim + logical_dim

        def maybe_expand_bdim_at_front(x, x_bdim):
            if x_bdim is None:
                return x.expand(info.batch_size, *x.shape)
            return x.movedim(x_bdim, 0)

        x = maybe_expand_bdim_at_front(x, x_bdim)
        ind = maybe_expand_bdim_at_front(ind, ind_bdim)
        ind_inv = maybe_expand_bdim_at_front(ind_inv, ind_inv_bdim)
        return NumpyTake.apply(x, ind, ind_inv, dim + 1), 0


def numpy_sort(x, dim=-1):
    result, _, _ = NumpySort.apply(x, dim)
    return result


x = torch.randn(2, 3)
grad_x = torch.func.grad(lambda x: numpy_sort(x).sum())(x)
print("Example 1 sanity check", torch.allclose(grad_x, torch.ones_like(x)), grad_x)
result = torch.vmap(numpy_sort)(x)
print("vmap staticmethod", torch.allclose(result, numpy_sort(result, 1)), result)
show("vmap in_dims=1", lambda: torch.vmap(numpy_sort, in_dims=1)(x))
show("vmap out_dims=1", lambda: torch.vmap(numpy_sort, out_dims=1)(x))
show("grad of vmap", lambda: torch.func.grad(lambda x: (torch.vmap(numpy_sort)(x) * torch.arange(3.0)).sum())(x))
show("jacrev", lambda: torch.func.jacrev(numpy_sort)(torch.tensor([3.0, 1.0, 2.0])))


# Example 2: autograd.Function specifies custom gradient rules
class MyCube(torch.autograd.Function):
    @staticmethod
    def forward(x):
        result = x ** 3
        dx = 3 * x ** 2
        return result, dx

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        result = grad_output * dx + grad_dx * 6 * x
        return result


def my_cube(x):
    result, _ = MyCube.apply(x)
    return result


x = torch.randn([])
ggx = torch.func.grad(torch.func.grad(my_cube))(x)
print("Example 2 sanity check", torch.allclose(ggx, 6 * x), ggx)
show("vmap without a rule", lambda: torch.vmap(my_cube)(torch.randn(3)))


class MyCubeVmap(torch.autograd.Function):
    # Set generate_vmap_rule to True to ask PyTorch to automatically generate
    # a vmap rule.
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        result = x ** 3
        dx = 3 * x ** 2
        return result, dx

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        result = grad_output * dx + grad_dx * 6 * x
        return result


def my_cube_vmap(x):
    result, dx = MyCubeVmap.apply(x)
    return result


x = torch.randn(3)
result = torch.vmap(my_cube_vmap)(x)
print("generate_vmap_rule", torch.allclose(result, x ** 3), result)
show("vmap(grad)", lambda: torch.vmap(torch.func.grad(my_cube_vmap))(x))
show("grad(grad) under vmap", lambda: torch.vmap(torch.func.grad(torch.func.grad(my_cube_vmap)))(x))
show("jacrev", lambda: torch.func.jacrev(my_cube_vmap)(x))
show("hessian", lambda: torch.func.hessian(lambda x: x.sin().sum())(x) + 0.0)  # (+ 0.0: the zeros' signs differ)
show("jacfwd", lambda: torch.func.jacfwd(torch.sin)(x))


class LinearCtx(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2


show("ctx-style forward under grad", lambda: torch.func.grad(lambda x: LinearCtx.apply(x).sum())(x))


# torch.func.jvp: a custom Function needs a jvp staticmethod
class MyExp(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x.exp()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)
        ctx.save_for_forward(output)
        ctx.result = output

    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result

    @staticmethod
    def jvp(ctx, x_t):
        result, = ctx.saved_tensors
        return x_t * result


x = torch.tensor([0.0, 1.0, 2.0])
show("func.jvp", lambda: torch.func.jvp(MyExp.apply, (x,), (torch.tensor([1.0, 0.5, 0.0]),)))
show("func.jvp no rule", lambda: torch.func.jvp(my_cube, (x,), (torch.ones(3),)))
show("func.jvp builtin", lambda: torch.func.jvp(lambda x: x.sin() * x, (x,), (torch.ones(3),)))
show("func.vjp", lambda: (lambda out, fn: (out, fn(torch.ones(3))))(*torch.func.vjp(MyExp.apply, x)))
