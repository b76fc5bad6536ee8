"""The book's figures and exercise checks: built from real engine runs, the same with PyTorch."""
from __future__ import annotations

import pytest

import autograd_lite as al
from autograd_lite import exercises, figures

pytest.importorskip("ipywidgets")


def chapter2(lib):
    a = lib.tensor(3.0, requires_grad=True)
    b = a + a
    c = b * b
    return c, {a: "a", b: "b", c: "c"}


def summary(run):
    name = lambda fn: str(fn.name()).rsplit("::", 1)[-1]  # noqa: E731
    return ([(name(fn), grads, sorted(snap["saved"].values(), key=str), sorted(snap["grad"].values(), key=str))
             for fn, grads, snap in run["events"]],
            sorted((v for v in run["sent"].values()), key=str))


def test_backward_is_recorded_as_pytorch_runs_it():
    torch = pytest.importorskip("torch")
    ours = figures.record_backward(*chapter2(al))
    theirs = figures.record_backward(*chapter2(torch))
    assert summary(ours) == summary(theirs)
    events = summary(ours)[0]
    assert [e[0] for e in events] == ["MulBackward0", "AddBackward0", "AccumulateGrad"]
    assert events[2][1] == ["24"]                       # the buffer summed 12 + 12
    assert events[1][2] == [None, "saved: freed"]      # Add saves nothing; Mul freed b once it ran


def test_retain_graph_keeps_saved_tensors():
    c, names = chapter2(al)
    run = figures.record_backward(c, names, retain_graph=True)
    assert run["after"]["saved"][id(c.grad_fn)] == "saved: b v0, b v0"


def test_backward_steps_pages():
    c, names = chapter2(al)
    fig = figures.backward_steps(c, names)
    stack = fig.widget.children[1]
    assert len(stack.children) == 5                     # before, three nodes, done
    assert "AccumulateGrad" in stack.children[3].value
    bundle = fig._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Figure: backward() step by step, 5 states. (Run this cell")
    assert "application/vnd.jupyter.widget-view+json" in bundle and "image/svg+xml" in bundle


def test_accumulation_explorer_shows_the_error_without_retain_graph():
    fig = figures.accumulation_explorer(al, passes=3)
    keep_no_retain = fig.widget.children[-1].children[0].children[0]
    last = keep_no_retain.children[3].value
    assert "pass 1: w.grad = 1.5" in last and "Trying to backward through the graph a second time" in last
    keep_retain = fig.widget.children[-1].children[0].children[1]
    assert "pass 3: w.grad = 4.5" in keep_retain.children[3].value
    zero_retain = fig.widget.children[-1].children[1].children[1]
    assert "pass 3: w.grad = 1.5" in zero_retain.children[3].value


def test_vjp_explorer_pages_are_real_backward_passes():
    fig = figures.vjp_explorer(al, lambda x: x[:2] * x[1:], [1.0, 2.0, 3.0], choices=(-1, 0, 1))
    page = fig.widget.children[1].children[0].children[2].value      # v = (-1, 1)
    assert "v = [-1.0, 1.0]" in page and "x.grad equals vᵀJ: True" in page


# ---------------------------------------------------------------- exercise checks
class RightCube(al.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * g


class ForgetsUpstream(RightCube):
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2


def test_checks_pass_right_answers_and_name_the_mistake(capsys):
    exercises.check_cube(RightCube)
    exercises.check_cube(ForgetsUpstream)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("✓") and out[1].startswith("✗") and "grad_output" in out[1]
    exercises.check_batch_scale(lambda n, total: 1 / 2, al)
    assert "share of the rows" in capsys.readouterr().out
    exercises.check_batch_scale(lambda n, total: n / total, al)
    assert capsys.readouterr().out.startswith("✓")


def test_jacobian_check_spots_accumulating_rows(capsys):
    def forgets_to_zero(f, x):
        rows = []
        for e in al.eye(f(x).numel()):
            f(x).backward(e)
            rows.append(x.grad.clone())
        return al.stack(rows)

    exercises.check_jacobian_by_rows(forgets_to_zero, al)
    assert "zero x.grad" in capsys.readouterr().out


def test_grad_logger_check_leaves_the_log_as_it_was(capsys):
    log = [1.0]
    exercises.check_grad_logger(lambda g: log.append(g.abs().max().item()), log, al)
    assert capsys.readouterr().out.startswith("✓") and log == [1.0]
    exercises.check_grad_logger(lambda g: log.append(g.abs().max().item()) or g * 2, log, al)
    assert "changed the gradient" in capsys.readouterr().out


def test_expression_graph_redraws_what_the_reader_types():
    fig = figures.expression_graph(al)
    box, _, out = fig.widget.children
    first = out.value
    box.value = "(a * c).sum()"
    assert out.value != first and "The graph of" in out.value
    box.value = "a +"
    assert "SyntaxError" in out.value


def test_minibatch_check_names_a_missing_scale(capsys):
    def unscaled(model, loss_fn, X, y, batch_size):
        for i in range(0, len(X), batch_size):
            loss_fn(model(X[i:i + batch_size]), y[i:i + batch_size]).backward()

    def scaled(model, loss_fn, X, y, batch_size):
        for i in range(0, len(X), batch_size):
            n = len(X[i:i + batch_size])
            (loss_fn(model(X[i:i + batch_size]), y[i:i + batch_size]) * n / len(X)).backward()

    exercises.check_minibatch_backward(unscaled, al)
    assert "share of the rows" in capsys.readouterr().out
    exercises.check_minibatch_backward(scaled, al)
    assert capsys.readouterr().out.startswith("✓")


def test_freeze_check_names_the_parameter_left_trainable(capsys):
    def freeze(layer):
        for p in layer.parameters():
            p.requires_grad_(False)

    exercises.check_freeze(lambda layer: layer.weight.requires_grad_(False), al)
    assert "bias still requires grad" in capsys.readouterr().out
    exercises.check_freeze(freeze, al)
    assert capsys.readouterr().out.startswith("✓")


def test_stop_gradient_check_spots_the_undetached_answer(capsys):
    exercises.check_stop_gradient(lambda x: 3 * x ** 2, al)
    assert "contributes no gradient" in capsys.readouterr().out
    exercises.check_stop_gradient(lambda x: 2 * x ** 2, al)
    assert capsys.readouterr().out.startswith("✓")


def test_exp_derivatives_check_spots_an_off_by_one(capsys):
    def derivatives(a, x0, orders):
        x = al.tensor(x0, requires_grad=True)
        out, ds = al.exp(a * x), []
        for _ in orders:
            ds.append(out)
            (out,) = al.autograd.grad(out, x, create_graph=True)
        return ds + [out]

    exercises.check_exp_derivatives(lambda a, x0, n: derivatives(a, x0, range(n))[:n], al)
    assert "One order too low" in capsys.readouterr().out
    exercises.check_exp_derivatives(lambda a, x0, n: derivatives(a, x0, range(n))[1:], al)
    assert capsys.readouterr().out.startswith("✓")


def test_wave_check_spots_an_unsquared_speed(capsys):
    def residual(power):
        def wave_residual(net, x, t, c):
            u = net(al.cat([x, t], dim=1))
            ones = al.ones_like(u)
            u_x, u_t = al.autograd.grad(u, [x, t], grad_outputs=ones, create_graph=True)
            u_xx = al.autograd.grad(u_x, x, grad_outputs=ones, create_graph=True)[0]
            u_tt = al.autograd.grad(u_t, t, grad_outputs=ones, create_graph=True)[0]
            return u_tt - c ** power * u_xx
        return wave_residual

    exercises.check_wave_residual(residual(1), al)
    assert "enters squared" in capsys.readouterr().out
    exercises.check_wave_residual(residual(2), al)
    assert capsys.readouterr().out.startswith("✓")


def test_running_total_check_spots_a_doubled_gradient(capsys):
    def retains(w, data):
        total = 0
        for x in data:
            total = total + ((w * x).sum() - 1) ** 2
            total.backward(retain_graph=True)
        return total.item()

    def once_each(w, data):
        total = 0.0
        for x in data:
            loss = ((w * x).sum() - 1) ** 2
            loss.backward()
            total += loss.item()
        return total

    exercises.check_running_total(retains, al)
    assert "exactly once" in capsys.readouterr().out
    exercises.check_running_total(once_each, al)
    assert capsys.readouterr().out.startswith("✓")
