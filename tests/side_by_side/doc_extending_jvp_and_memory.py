"""The rest of PyTorch's "Extending PyTorch" note (docs/source/notes/extending, autograd
parts): set_materialize_grads, boxed_grads_call, clear_saved_tensors_on_access, and the
forward-mode ``jvp`` staticmethod used with forward_ad dual tensors; run with the library
name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
Function = torch.autograd.Function
fwAD = torch.autograd.forward_ad
torch.manual_seed(0)


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__, str(e))


class MulConstant(Function):
    @staticmethod
    def forward(tensor, constant):
        return tensor * constant

    @staticmethod
    def setup_context(ctx, inputs, output):
        tensor, constant = inputs
        ctx.set_materialize_grads(False)
        ctx.constant = constant

    @staticmethod
    def backward(ctx, grad_output):
        # Here we must handle None grad_output tensor. In this case we
        # can skip unnecessary computations and just return None.
        if grad_output is None:
            return None, None

        # We return as many input gradients as there were arguments.
        # Gradients of non-Tensor arguments to forward must be None.
        return grad_output * ctx.constant, None


x = torch.randn(3, requires_grad=True)
MulConstant.apply(x, 4.0).sum().backward()
print("set_materialize_grads(False)", x.grad)


SEEN = set()


class QKVProjection(Function):
    """Projects input x into Q, K, V: q = x @ w_q, k = x @ w_k, v = x @ w_v."""
    boxed_grads_call = True

    @staticmethod
    def forward(ctx, x, w_q, w_k, w_v):
        ctx.save_for_backward(x, w_q, w_k, w_v)
        return x.mm(w_q), x.mm(w_k), x.mm(w_v)

    @staticmethod
    def backward(ctx, grads):
        SEEN.add((type(grads).__name__, len(grads)))
        x, w_q, w_k, w_v = ctx.saved_tensors
        grad_x = torch.zeros_like(x)
        grad_weights = []

        # Process each grad independently and free it immediately.
        # Without boxed_grads_call, all three grads would stay alive
        # until backward returns, tripling peak grad memory.
        for i, w in enumerate((w_q, w_k, w_v)):
            grad_out = grads[i]
            grads[i] = None      # Release reference in the caller's list
            grad_x += grad_out.mm(w.t())
            grad_weights.append(x.t().mm(grad_out))
            del grad_out         # grad_out can now be freed by the runtime

        return grad_x, *grad_weights


x = torch.randn(4, 3, dtype=torch.double, requires_grad=True)
ws = [torch.randn(3, 2, dtype=torch.double, requires_grad=True) for _ in range(3)]
q, k, v = QKVProjection.apply(x, *ws)
(q * k + v).sum().backward()
print("boxed_grads_call", x.grad, ws[2].grad, sep="\n")
print(torch.autograd.gradcheck(QKVProjection.apply, (x, *ws)), "grads given as", SEEN)


class TwoMatmuls(Function):
    clear_saved_tensors_on_access = True

    @staticmethod
    def forward(ctx, x, weight1, weight2):
        inter = x.mm(weight1)
        ctx.save_for_backward(x, weight1, inter, weight2)
        return inter.mm(weight2)

    @staticmethod
    def backward(ctx, grad_output):
        x, weight1, inter, weight2 = ctx.saved_tensors

        # Compute gradients for second matmul
        grad_weight2 = inter.t().mm(grad_output)
        grad_inter = grad_output.mm(weight2.t())

        # Free inter and weight2, no longer needed
        del inter, weight2

        # Compute gradients for first matmul
        grad_weight1 = x.t().mm(grad_inter)
        grad_x = grad_inter.mm(weight1.t())

        return grad_x, grad_weight1, grad_weight2


w1 = torch.randn(3, 5, dtype=torch.double, requires_grad=True)
w2 = torch.randn(5, 2, dtype=torch.double, requires_grad=True)
x.grad = None
out = TwoMatmuls.apply(x, w1, w2)
out.sum().backward(retain_graph=True)
print("clear_saved_tensors_on_access", x.grad, w2.grad, sep="\n")
show("saved again", lambda: out.grad_fn.saved_tensors)
show("backward again", lambda: out.sum().backward())


# Forward mode AD: the jvp staticmethod, called right after forward, with one tangent per input
class MySquare(Function):
    @staticmethod
    def forward(x, scale):
        return x * x * scale

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, scale = inputs
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        ctx.scale = scale

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * 2 * x * ctx.scale, None

    @staticmethod
    def jvp(ctx, x_t, scale_t):
        print("jvp got", x_t, scale_t)
        x, = ctx.saved_tensors
        return x_t * 2 * x * ctx.scale


class SinCos(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        return x.sin(), x.cos()

    @staticmethod
    def backward(ctx, gs, gc):
        x, = ctx.saved_tensors
        return gs * x.cos() - gc * x.sin()

    @staticmethod
    def jvp(ctx, x_t):
        x, = ctx.saved_tensors
        return x_t * x.cos(), -x_t * x.sin()


class NoJvp(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2


primal = torch.tensor([1.0, 2.0, 3.0])
tangent = torch.tensor([1.0, 0.5, 0.0])
with fwAD.dual_level():
    d = fwAD.make_dual(primal, tangent)
    y = MySquare.apply(d, 3.0)
    show("jvp staticmethod", lambda: fwAD.unpack_dual(y))
    show("then a builtin op", lambda: fwAD.unpack_dual(y.exp()).tangent)
    s, c = SinCos.apply(d)
    show("two outputs", lambda: (fwAD.unpack_dual(s).tangent, fwAD.unpack_dual(c).tangent))
    show("no dual input", lambda: fwAD.unpack_dual(MySquare.apply(primal, 3.0)).tangent)
    show("no jvp", lambda: NoJvp.apply(d))
    r = torch.tensor([1.0, -1.0, 2.0], requires_grad=True)
    dr = fwAD.make_dual(r, tangent)
    z = MySquare.apply(dr, 2.0)
    show("with backward too", lambda: (fwAD.unpack_dual(z).tangent, z.grad_fn.name()))
    z.sum().backward()
    show("grad", lambda: r.grad)
