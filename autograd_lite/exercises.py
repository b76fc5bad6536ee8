"""Checks for the book's exercises: each prints a clear pass, or a hint saying what is wrong.

A check runs the reader's code on cases of its own (other shapes and values than the
chapter's, so a hard-coded answer does not pass), compares with what autograd itself
computes, with finite differences (``gradcheck``) or with known formulas, and prints
one line per verdict, and returns None (so a notebook shows only that line). It never
raises: an exception in the reader's code becomes a hint.

    from autograd_lite.exercises import check_cube
    check_cube(Cube)

Checks work the same with autograd_lite and with PyTorch (the book runs on both):
a check that builds tensors takes the library the reader uses (``torch``), or finds
it from the reader's ``Function`` subclass.
"""
from __future__ import annotations

import math
import sys
from typing import Any, Callable

__all__ = ["check_batch_scale", "check_jacobian_by_rows", "check_which_v", "check_cube", "check_floor_ste", "check_grad_logger",
           "check_nth_derivative", "check_laplacian", "check_dependency_counts", "check_my_exp",
           "check_toy_engine", "check_momentum_step",
           "check_minibatch_backward", "check_freeze",
           "check_stop_gradient", "check_exp_derivatives", "check_wave_residual",
           "check_running_total"]

PASS, FAIL = "✓", "✗"


def _ok(msg: str) -> None:
    print(f"{PASS} {msg}")


def _hint(msg: str) -> None:
    print(f"{FAIL} {msg}")


def _lib_of(cls: type) -> Any:
    """The library whose ``autograd.Function`` the reader's class derives from."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(cls, type) and issubclass(cls, torch.autograd.Function):
        return torch
    import autograd_lite

    return autograd_lite


def _is_tensor(lib: Any, t: Any) -> bool:
    return isinstance(t, lib.Tensor)


def _close(lib: Any, a: Any, b: Any, tol: float = 1e-5) -> bool:
    return _is_tensor(lib, a) and tuple(a.shape) == tuple(b.shape) and bool(lib.allclose(a, b, rtol=tol, atol=tol))


def _fmt(t: Any) -> str:
    return "[" + ", ".join(f"{v:.4g}" for v in t.detach().reshape(-1).tolist()) + "]"


def _run(fn: Callable, *args: Any) -> tuple[Any, str | None]:
    """``fn(*args)``, or the name of the exception it raised."""
    try:
        return fn(*args), None
    except Exception as e:  # noqa: BLE001 (the reader's code: report, never raise)
        return None, type(e).__name__


# ---------------------------------------------------------------- chapter 2
def check_batch_scale(batch_scale: Callable[[int, int], float], torch: Any) -> None:
    """``batch_scale(n_rows, n_total)``: the factor for a mini-batch's mean loss so that the
    accumulated gradient equals the full batch's."""
    torch.manual_seed(3)
    X, Y = torch.randn(10, 3), torch.randn(10, 2)
    model = torch.nn.Linear(3, 2)
    loss_fn = torch.nn.MSELoss()
    loss_fn(model(X), Y).backward()
    full = model.weight.grad.clone()
    for sizes in ((3, 7), (1, 4, 5), (10,)):
        model.zero_grad()
        start = 0
        for n in sizes:
            scale, err = _run(batch_scale, n, 10)
            if err:
                return _hint(f"batch_scale({n}, 10) raised {err}.")
            if not isinstance(scale, (int, float)):
                return _hint(f"batch_scale({n}, 10) returned {type(scale).__name__}: return a number.")
            (loss_fn(model(X[start:start + n]), Y[start:start + n]) * scale).backward()
            start += n
        if not _close(torch, model.weight.grad, full):
            even = 1 / len(sizes)
            if abs(float(batch_scale(sizes[0], 10)) - even) < 1e-9 and len(set(sizes)) > 1:
                return _hint(f"batches of sizes {sizes}: dividing by the number of batches weights a "
                             "small batch's rows more than a big one's; weight each by its share of the rows.")
            return _hint(f"batches of sizes {sizes}: the accumulated gradient differs from the full batch's.")
    return _ok("batch_scale: accumulated gradients equal the full-batch gradient for batches (3, 7), "
               "(1, 4, 5) and (10,).")


# ---------------------------------------------------------------- chapter 3
def check_jacobian_by_rows(jacobian_by_rows: Callable[[Callable, Any], Any], torch: Any) -> None:
    """``jacobian_by_rows(f, x)``: J built from one ``backward(e_i)`` per output."""
    cases = [(lambda x: x[:2] * x[1:], [1.0, 2.0, 3.0]),
             (lambda x: torch.stack([x.sum(), (x ** 2).sum(), x.prod(), x[0] * 0.0]), [0.5, -1.0, 2.0]),
             (lambda x: x.exp(), [0.1, 0.2])]
    for f, x0 in cases:
        x = torch.tensor(x0, requires_grad=True)
        want = torch.autograd.functional.jacobian(f, torch.tensor(x0))
        got, err = _run(jacobian_by_rows, f, x)
        if err:
            return _hint(f"jacobian_by_rows raised {err} for an input of {len(x0)} numbers; "
                         "use a fresh graph (call f again) for every backward pass, or retain_graph=True.")
        if not _is_tensor(torch, got):
            return _hint("jacobian_by_rows should return a tensor (rows stacked with torch.stack).")
        if tuple(got.shape) != tuple(want.shape):
            return _hint(f"shape {tuple(got.shape)}, expected {tuple(want.shape)}: one row per output, "
                         "one column per input.")
        for i in range(want.shape[0]):
            if not _close(torch, got[i], want[i]):
                hint = (" Looks like rows add up: zero x.grad (or use a fresh x) before each backward."
                        if i > 0 and _close(torch, got[i], want[:i + 1].sum(0)) else "")
                return _hint(f"row {i} is {_fmt(got[i])}, expected {_fmt(want[i])}.{hint}")
    return _ok("jacobian_by_rows matches torch.autograd.functional.jacobian on three functions "
               "(2x3, 4x3 and 2x2 Jacobians).")


def check_which_v(v_single: Any, v_column: Any, v_mean: Any, torch: Any) -> None:
    """The three ``v`` of "Which v?" for ``out = a @ w`` of shape (2, 2)."""
    torch.manual_seed(5)
    a = torch.randn(2, 3, requires_grad=True)
    w = torch.randn(3, 2)
    scalars = {"v_single (out[1, 0])": (v_single, lambda o: o[1, 0]),
               "v_column (out[:, 1].sum())": (v_column, lambda o: o[:, 1].sum()),
               "v_mean (3 * out.mean())": (v_mean, lambda o: 3 * o.mean())}
    for name, (v, scalar) in scalars.items():
        if not _is_tensor(torch, v) or tuple(v.shape) != (2, 2):
            return _hint(f"{name} must be a tensor of out's shape (2, 2).")
        a.grad = None
        scalar(a @ w).backward()
        want = a.grad.clone()
        a.grad = None
        (a @ w).backward(v)
        if not _close(torch, a.grad, want):
            return _hint(f"{name}: backward(v) differs from the gradient of the scalar; v holds the "
                         "weight of each element of out in that scalar.")
    return _ok("all three v give the gradient of their scalar.")


# ---------------------------------------------------------------- chapter 4
def check_cube(Cube: type) -> None:
    """A Function ``Cube`` with forward x**3 and a chain-rule backward."""
    torch = _lib_of(Cube)
    torch.manual_seed(2)
    x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    y, err = _run(Cube.apply, x)
    if err or not _is_tensor(torch, y):
        return _hint("Cube.apply(x) gave no tensor: forward must return x ** 3.")
    if not _close(torch, y.detach(), x.detach() ** 3):
        return _hint("forward's values are not x ** 3.")
    g = torch.randn(2, 3, dtype=torch.float64)
    _, err = _run(lambda: y.backward(g))
    if err:
        return _hint(f"backward raised {err}: save x with ctx.save_for_backward(x) in forward and "
                     "return one gradient.")
    if x.grad is None:
        return _hint("x.grad is None after backward: backward must return the gradient for x.")
    if _close(torch, x.grad, 3 * x.detach() ** 2):
        return _hint("x.grad is 3x² even though the upstream gradient was not 1: multiply by grad_output.")
    if not _close(torch, x.grad, 3 * x.detach() ** 2 * g):
        return _hint("x.grad is not 3x² * grad_output: check the local derivative.")
    ok, err = _run(torch.autograd.gradcheck, Cube.apply, (torch.randn(3, dtype=torch.float64, requires_grad=True),))
    if err or not ok:
        return _hint("gradcheck failed: backward disagrees with finite differences.")
    return _ok("Cube: values x³, gradient 3x² times the upstream gradient, gradcheck passes.")


def check_floor_ste(FloorSTE: type) -> None:
    """A straight-through floor: forward floor(x), backward passes the gradient unchanged."""
    torch = _lib_of(FloorSTE)
    v = torch.tensor([0.2, 1.7, -2.5, 3.0], requires_grad=True)
    y, err = _run(FloorSTE.apply, 1.5 * v)
    if err or not _is_tensor(torch, y):
        return _hint("FloorSTE.apply(x) gave no tensor: forward must return torch.floor(x).")
    if not _close(torch, y.detach(), torch.floor(1.5 * v.detach())):
        return _hint("forward's values are not torch.floor(x).")
    g = torch.tensor([1.0, -2.0, 0.5, 3.0])
    _, err = _run(lambda: y.backward(g))
    if err or v.grad is None:
        return _hint("backward must return the upstream gradient (grad_output) for x.")
    if _close(torch, v.grad, torch.zeros(4)):
        return _hint("v.grad is all zeros: that is the true derivative of floor; pass grad_output through.")
    if not _close(torch, v.grad, 1.5 * g):
        return _hint("v.grad should be 1.5 * upstream gradient (floor acts as the identity backward).")
    return _ok("FloorSTE: floor forward, identity backward.")


# ---------------------------------------------------------------- chapter 5
def check_stop_gradient(grad_by_hand: Callable[[Any], Any], torch: Any) -> None:
    """``grad_by_hand(x)``: the gradient of ``(x * x.detach() * x).sum()``, derived by hand."""
    for x0 in ([1.0, 2.0, 3.0], [-0.5, 0.25, 4.0, 1.5]):
        x = torch.tensor(x0, requires_grad=True)
        (x * x.detach() * x).sum().backward()
        got, err = _run(grad_by_hand, torch.tensor(x0))
        if err:
            return _hint(f"grad_by_hand raised {err}: return a formula in x, such as a power of x.")
        if not _is_tensor(torch, got) or tuple(got.shape) != tuple(x.shape):
            return _hint("grad_by_hand(x) should return a tensor of x's shape.")
        if _close(torch, got, x.grad):
            continue
        if _close(torch, got, 3 * torch.tensor(x0) ** 2):
            return _hint("3 x² is the gradient of (x ** 3).sum(): the detached factor is a constant "
                         "and contributes no gradient of its own.")
        return _hint(f"at x = {x0}: got {_fmt(got)}, autograd gives {_fmt(x.grad)}. Treat x.detach() as a "
                     "constant c and differentiate c x².")
    return _ok("grad_by_hand matches autograd for x * x.detach() * x at two inputs.")



def check_grad_logger(hook: Callable[[Any], Any], log: list, torch: Any) -> None:
    """``hook(grad)`` appends the largest absolute entry of ``grad`` to ``log``, changing nothing."""
    w = torch.tensor([0.5, -4.0], requires_grad=True)
    start = len(log)
    handle = w.register_hook(hook)
    try:
        for s in (1.0, 3.0):
            _, err = _run(lambda s=s: ((w * s) ** 2).sum().backward())
            if err:
                return _hint(f"a backward pass raised {err} inside the hook.")
    finally:
        handle.remove()
        new = log[start:]
        del log[start:]                      # leave the reader's log as it was
    if len(new) != 2:
        return _hint(f"two backward passes appended {len(new)} entries to log: append one number per call.")
    if any(not isinstance(v, (int, float)) for v in new):
        return _hint("append a Python number (.item()), not a tensor.")
    if [round(v, 6) for v in new] != [8.0, 72.0]:
        return _hint(f"logged {new}; the gradients were 2 s² w, so their largest absolute entries are 8 and 72.")
    if w.grad is None or not _close(torch, w.grad, torch.tensor([10.0, -80.0])):
        return _hint("the hook changed the gradient: return None (or the gradient itself).")
    return _ok("the hook logs the largest absolute gradient entry and leaves .grad unchanged.")


# ---------------------------------------------------------------- chapter 6
def check_nth_derivative(nth_derivative: Callable[[Callable, Any, int], Any], torch: Any) -> None:
    """``nth_derivative(f, x, n)`` for a scalar x, by n calls of autograd.grad with create_graph."""
    cases = [(lambda v: torch.exp(3 * v), 0.2, lambda n, x: 3 ** n * math.exp(3 * x)),
             (lambda v: torch.sin(v), 1.1, lambda n, x: math.sin(x + n * math.pi / 2)),
             (lambda v: v ** 4, -0.7, lambda n, x: [4 * x ** 3, 12 * x ** 2, 24 * x, 24.0, 0.0][n - 1])]
    for f, x0, formula in cases:
        for n in range(1, 6):
            x = torch.tensor(x0, requires_grad=True)
            d, err = _run(nth_derivative, f, x, n)
            if err:
                return _hint(f"order {n} raised {err}: every grad call but the last needs create_graph=True.")
            if not _is_tensor(torch, d):
                return _hint(f"order {n}: return a tensor (the derivative), not {type(d).__name__}.")
            if abs(d.item() - formula(n, x0)) > 1e-3 * max(1.0, abs(formula(n, x0))):
                return _hint(f"order {n} at x = {x0}: got {d.item():.5g}, expected {formula(n, x0):.5g}.")
    return _ok("nth_derivative: orders 1 to 5 of exp(3x), sin(x) and x⁴ match their formulas.")


def check_exp_derivatives(exp_derivatives: Callable[[float, float, int], list], torch: Any) -> None:
    """``exp_derivatives(a, x0, n)``: the derivatives of orders 1 to n of e^(a x) at x0, with autograd."""
    for a, x0 in ((2.0, 0.5), (-1.5, 0.3), (0.5, -1.0)):
        got, err = _run(exp_derivatives, a, x0, 5)
        if err:
            return _hint(f"exp_derivatives({a}, {x0}, 5) raised {err}: x must require grad, and every grad "
                         "call but the last needs create_graph=True.")
        if not isinstance(got, (list, tuple)) or len(got) != 5:
            return _hint(f"exp_derivatives({a}, {x0}, 5) should return a list of 5 derivatives (orders 1 to 5).")
        for k, d in enumerate(got, start=1):
            value = d.item() if _is_tensor(torch, d) else d
            want = a ** k * math.exp(a * x0)
            if not isinstance(value, (int, float)):
                return _hint(f"order {k}: return tensors or numbers, not {type(value).__name__}.")
            if abs(value - want) > 1e-4 * max(1.0, abs(want)):
                shifted = abs(value - want / a) < 1e-4 * max(1.0, abs(want))
                hint = (" One order too low: the list starts with the first derivative, not f itself."
                        if shifted else "")
                return _hint(f"order {k} for a = {a}, x0 = {x0}: got {value:.5g}, "
                             f"expected a^{k} e^(a x0) = {want:.5g}.{hint}")
    return _ok("exp_derivatives: orders 1 to 5 of e^(ax) match a^n e^(ax) for a = 2, -1.5 and 0.5.")


def check_laplacian(laplacian: Callable[[Callable, Any], Any], torch: Any) -> None:
    """``laplacian(f, p)``: the sum of the second derivatives of f in each coordinate of p."""
    cases = [(lambda p: p[0] ** 2 * p[1] + torch.sin(p[1]), [1.0, 2.0], lambda p: 2 * p[1] - math.sin(p[1])),
             (lambda p: (p ** 3).sum(), [0.5, -1.0, 2.0], lambda p: sum(6 * v for v in p)),
             (lambda p: p[0] * p[1] * p[2], [1.0, 2.0, 3.0], lambda p: 0.0)]
    for f, p0, formula in cases:
        p = torch.tensor(p0, requires_grad=True)
        got, err = _run(laplacian, f, p)
        if err:
            return _hint(f"laplacian raised {err} for {len(p0)} coordinates: the first grad needs "
                         "create_graph=True, and later ones retain_graph=True.")
        value = got.item() if _is_tensor(torch, got) else got
        if not isinstance(value, (int, float)) or abs(value - formula(p0)) > 1e-4 * max(1.0, abs(formula(p0))):
            return _hint(f"at p = {p0}: got {value}, expected {formula(p0):.5g} (sum of the diagonal of the "
                         "Hessian; the mixed derivatives do not count).")
    return _ok("laplacian matches the formula on three functions of 2 and 3 variables.")


def check_wave_residual(wave_residual: Callable[[Any, Any, Any, float], Any], torch: Any) -> None:
    """``wave_residual(net, x, t, c)``: u_tt - c² u_xx at the points, differentiable in net's weights."""
    torch.manual_seed(6)
    net = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    x, t = torch.rand(10, 1, requires_grad=True), torch.rand(10, 1, requires_grad=True)
    u = net(torch.cat([x, t], dim=1))
    ones = torch.ones_like(u)
    u_x, u_t = torch.autograd.grad(u, [x, t], grad_outputs=ones, create_graph=True)
    u_xx = torch.autograd.grad(u_x, x, grad_outputs=ones, retain_graph=True)[0]
    u_tt = torch.autograd.grad(u_t, t, grad_outputs=ones)[0]
    c = 0.7
    got, err = _run(wave_residual, net, x, t, c)
    if err:
        return _hint(f"wave_residual raised {err}: every grad call needs create_graph=True, the first ones "
                     "to be differentiated again, the second ones for the loss to reach the weights.")
    if not _is_tensor(torch, got) or tuple(got.shape) != (10, 1):
        return _hint("wave_residual should return a tensor of shape (N, 1), one residual per point.")
    if not _close(torch, got.detach(), u_tt - c ** 2 * u_xx, 1e-4):
        if _close(torch, got.detach(), u_tt - c * u_xx, 1e-4):
            return _hint("the wave speed enters squared: u_tt - c ** 2 * u_xx.")
        return _hint("the residual differs from u_tt - c² u_xx: u_tt is the t-derivative of u_t, "
                     "u_xx the x-derivative of u_x.")
    if got.grad_fn is None:
        return _hint("the residual has no grad_fn: the second derivatives also need create_graph=True, "
                     "or the loss cannot reach the weights.")
    net.zero_grad()
    (got ** 2).mean().backward()
    if net[0].weight.grad is None:
        return _hint("the PDE loss gives the first layer no gradient: use create_graph=True on every grad call.")
    return _ok("wave_residual equals u_tt - c² u_xx at 10 points, and its loss reaches the weights.")


# ---------------------------------------------------------------- chapter 7
def check_running_total(running_total: Callable[[Any, list], float], torch: Any) -> None:
    """``running_total(w, data)``: backward each loss ((w * x).sum() - 1) ** 2 once, return their sum."""
    data = [torch.tensor([1.0, 0.0]), torch.tensor([0.0, 3.0]), torch.tensor([0.5, 0.5])]
    losses = [((torch.tensor([2.0, 2.0]) * x).sum() - 1) ** 2 for x in data]
    want = torch.zeros(2)
    for x in data:
        want = want + 2 * ((torch.tensor([2.0, 2.0]) * x).sum() - 1) * x
    w = torch.tensor([2.0, 2.0], requires_grad=True)
    total, err = _run(running_total, w, data)
    if err:
        return _hint(f"running_total raised {err}: call backward() on each sample's loss, not on the total.")
    if w.grad is None or not _close(torch, w.grad, want):
        return _hint(f"w.grad is {_fmt(w.grad) if w.grad is not None else None}, expected {_fmt(want)}: "
                     "each loss must be backpropagated exactly once.")
    if _is_tensor(torch, total) or not isinstance(total, (int, float)):
        return _hint("return the total as a plain number (loss.item()), so it keeps no graph alive.")
    if abs(total - sum(loss.item() for loss in losses)) > 1e-4:
        return _hint(f"the total is {total}, expected {sum(loss.item() for loss in losses):.4g}.")
    return _ok("running_total: w.grad is the sum of each loss's gradient, and the total is a plain number.")


# ---------------------------------------------------------------- chapter 8
def check_dependency_counts(dependency_counts: Callable[[Any], dict], torch: Any) -> None:
    """``dependency_counts(root)``: for each node reachable from ``root``, the edges leading into it."""
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([0.5, 3.0], requires_grad=True)
    h = (a * b).tanh()
    out = (h * h + a.exp() + a * 2).sum()
    want: dict = {}
    seen, stack = {out.grad_fn}, [out.grad_fn]
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is not None:
                want[nxt] = want.get(nxt, 0) + 1
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
    got, err = _run(dependency_counts, out.grad_fn)
    if err:
        return _hint(f"dependency_counts raised {err}; skip the None entries of next_functions.")
    if not isinstance(got, dict):
        return _hint("dependency_counts should return a dict {node: count}.")
    for node, n in want.items():
        m = got.get(node, 0)
        if m != n:
            name = str(node.name()).rsplit("::", 1)[-1]
            extra = " (count every edge, not only the first that reaches a node)" if m < n else ""
            return _hint(f"{name} has {n} incoming edges, got {m}{extra}.")
    if got.get(out.grad_fn, 0) != 0:
        return _hint("the root has no incoming edge: its count is 0.")
    return _ok(f"dependency_counts: all {len(want)} nodes of a graph with a tensor used three times are right.")


def check_my_exp(MyExp: type) -> None:
    """``MyExp``: e^x saving its output, differentiable twice (create_graph=True)."""
    torch = _lib_of(MyExp)
    x = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    y, err = _run(MyExp.apply, x)
    if err or not _is_tensor(torch, y) or not _close(torch, y.detach(), x.detach().exp()):
        return _hint("MyExp.apply(x) must return x.exp().")
    grads, err = _run(lambda: torch.autograd.grad(y.sum(), x, create_graph=True))
    if err:
        return _hint(f"the first derivative raised {err}: backward must return one gradient, grad * out.")
    d1 = grads[0]
    if not _close(torch, d1.detach(), x.detach().exp()):
        return _hint("the first derivative is not e^x: backward should return grad * out.")
    if d1.grad_fn is None:
        return _hint("the first derivative has no grad_fn: compute backward with tensor operations on the "
                     "saved output (grad * out), not with .detach() or numpy.")
    grads, err = _run(lambda: torch.autograd.grad(d1.sum(), x))
    if err or not _close(torch, grads[0], x.detach().exp()):
        return _hint("the second derivative is not e^x.")
    return _ok("MyExp: values, first and second derivatives all equal e^x.")


def check_toy_engine(Value: type, backward: Callable[[Any], None]) -> None:
    """The toy ``Value`` with ``sin()`` and ``** n``: gradients against finite differences."""
    def f(a: Any, b: Any) -> Any:
        return (a.sin() ** 3) * b + a ** 2 + (b ** 2).sin()

    def f_num(a: float, b: float) -> float:
        return math.sin(a) ** 3 * b + a ** 2 + math.sin(b ** 2)

    for a0, b0 in ((0.7, -1.2), (-0.3, 2.0)):
        a, b = Value(a0), Value(b0)
        out, err = _run(f, a, b)
        if err:
            return _hint(f"computing f raised {err}: sin() and ** must each return a new Value.")
        if not isinstance(out, Value) or abs(out.data - f_num(a0, b0)) > 1e-9:
            return _hint("f's value is wrong: check the forward of sin and **.")
        _, err = _run(backward, out)
        if err:
            return _hint(f"backward raised {err}: each backward_fn returns one gradient per parent.")
        h = 1e-6
        da = (f_num(a0 + h, b0) - f_num(a0 - h, b0)) / (2 * h)
        db = (f_num(a0, b0 + h) - f_num(a0, b0 - h)) / (2 * h)
        if abs(a.grad - da) > 1e-5 or abs(b.grad - db) > 1e-5:
            return _hint(f"at a = {a0}, b = {b0}: grads ({a.grad:.6f}, {b.grad:.6f}), finite differences "
                         f"({da:.6f}, {db:.6f}). d/dx sin x = cos x, d/dx x^n = n x^(n-1).")
    return _ok("Value.sin and Value.__pow__: values and gradients match finite differences at two points.")


# ---------------------------------------------------------------- chapter 9
def check_momentum_step(momentum_step: Callable[[list, list, float, float], None], torch: Any) -> None:
    """``momentum_step(params, velocity, lr, momentum)``: SGD with momentum by hand, in place."""
    def model() -> Any:
        torch.manual_seed(4)
        return torch.nn.Sequential(torch.nn.Linear(2, 5), torch.nn.Tanh(), torch.nn.Linear(5, 1))

    torch.manual_seed(0)
    X, Y = torch.randn(16, 2), torch.randn(16, 1)
    mine, ref = model(), model()
    opt = torch.optim.SGD(ref.parameters(), lr=0.05, momentum=0.8)
    params = list(mine.parameters())
    velocity: list = [None] * len(params)
    for step in range(6):
        for m in (mine, ref):
            m.zero_grad()
            ((m(X) - Y) ** 2).mean().backward()
        _, err = _run(momentum_step, params, velocity, 0.05, 0.8)
        if err:
            return _hint(f"step {step} raised {err}: update the parameters under torch.no_grad().")
        opt.step()
        for p, q in zip(params, ref.parameters()):
            if not torch.allclose(p.detach(), q.detach(), atol=1e-6):
                if step == 0:
                    return _hint("the first step differs from optim.SGD: the first velocity is the gradient "
                                 "itself (a copy of it).")
                return _hint(f"step {step} differs from optim.SGD: v <- momentum * v + grad, "
                             "then p <- p - lr * v.")
    return _ok("momentum_step matches torch.optim.SGD(lr=0.05, momentum=0.8) for 6 steps.")


def check_minibatch_backward(minibatch_backward: Callable[[Any, Any, Any, Any, int], None], torch: Any) -> None:
    """``minibatch_backward(model, loss_fn, X, y, batch_size)``: one scaled ``backward()`` per
    mini-batch, so that ``.grad`` ends up holding the full-batch gradient."""
    torch.manual_seed(1)
    X, y = torch.randn(40, 2), torch.randint(0, 3, (40,))
    model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3))
    loss_fn = torch.nn.CrossEntropyLoss()
    loss_fn(model(X), y).backward()
    full = [p.grad.clone() for p in model.parameters()]
    for batch_size in (10, 8, 15, 40):
        model.zero_grad()
        _, err = _run(minibatch_backward, model, loss_fn, X, y, batch_size)
        if err:
            return _hint(f"batch_size={batch_size} raised {err}.")
        grads = [p.grad for p in model.parameters()]
        if any(g is None for g in grads):
            return _hint(f"batch_size={batch_size}: a parameter has no .grad; call backward() on each batch's loss.")
        if all(_close(torch, g, f) for g, f in zip(grads, full)):
            continue
        n_batches = -(-40 // batch_size)
        if all(_close(torch, g, f * n_batches) for g, f in zip(grads, full)):
            return _hint(f"batch_size={batch_size}: the gradient is {n_batches} times the full one; "
                         "scale each batch's mean loss by its share of the rows.")
        return _hint(f"batch_size={batch_size} (40 rows): the accumulated .grad differs from the full-batch "
                     "gradient; weight each batch's mean loss by len(batch) / len(X).")
    return _ok("minibatch_backward: accumulated .grad equals the full-batch gradient for batches of "
               "10, 8, 15 (uneven) and 40 rows.")


def check_freeze(freeze: Callable[[Any], None], torch: Any) -> None:
    """``freeze(layer)``: the layer's parameters stop requiring grad, so training leaves them alone."""
    torch.manual_seed(2)
    model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3))
    X, y = torch.randn(12, 2), torch.randint(0, 3, (12,))
    before = [p.detach().clone() for p in model.parameters()]
    _, err = _run(freeze, model[0])
    if err:
        return _hint(f"freeze(layer) raised {err}: call requires_grad_(False) on each of its parameters.")
    for name, p in model[0].named_parameters():
        if p.requires_grad:
            return _hint(f"the layer's {name} still requires grad: freeze every parameter of the layer.")
    if not all(p.requires_grad for p in model[2].parameters()):
        return _hint("freeze(layer) also froze another layer: change only the layer it is given.")
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
    params = list(model.parameters())
    if any(p.grad is not None for p in params[:2]):
        return _hint("a frozen parameter got a .grad: freeze before the forward pass, in place, with requires_grad_(False).")
    if not all(torch.equal(p, b) for p, b in zip(params[:2], before[:2])):
        return _hint("the frozen layer changed during training.")
    if torch.equal(params[2], before[2]):
        return _hint("the next layer did not learn: its parameters must still require grad.")
    return _ok("freeze: the layer's weight and bias have no .grad and stay unchanged through 3 Adam steps; "
               "the next layer still learns.")

