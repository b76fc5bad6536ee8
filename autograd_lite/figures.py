"""The book's interactive figures: ipywidgets over states recorded from real engine runs.

Every figure is computed up front, in the kernel, by running the engine (with hooks
on the graph's nodes where it replays a backward pass) and drawing each state it
went through. The states sit in a ``Stack`` whose ``selected_index`` is tied to
sliders, buttons and a ``Play`` by ``jslink``: the link runs in the browser, so the
same figure works live in Jupyter, Binder or Colab *and* on the static website
(which renders the widget state stored in the notebook, with no kernel). Where
widgets cannot render at all, the output carries a still picture (the last state)
and a one-line description.

    from autograd_lite.figures import backward_steps
    a = torch.tensor(3.0, requires_grad=True)
    b = a + a
    c = b * b
    backward_steps(c, names={a: "a", b: "b", c: "c"})

Only the public API autograd_lite shares with PyTorch is used (plus
``viz.saved_tensors_of``), so each figure also runs on PyTorch. ipywidgets and
matplotlib are imported when a figure is made, never by the engine.
"""
from __future__ import annotations

import base64
import html
import io
from typing import Any, Callable, Sequence

import numpy as np

from .viz import SVG, _fmt, draw_graph, saved_tensors_of

RUN = "(Run this cell to show the interactive figure.)"
__all__ = ["Figure", "backward_steps", "vjp_explorer", "accumulation_explorer", "training_explorer",
           "expression_graph"]


# ---------------------------------------------------------------- building blocks
class Figure:
    """A widget, plus a still picture and a short text for places that cannot show widgets.

    Jupyter picks the richest output it can render: the live widget where a widget
    manager exists (JupyterLab, the website), else the still picture.
    """

    def __init__(self, widget: Any, still: tuple[str, str], text: str) -> None:
        self.widget, self.still, self.text = widget, still, text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        # the widget's view, written out: ipywidgets 7 (Colab's default) has no _repr_mimebundle_
        view = {"version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}
        return {"application/vnd.jupyter.widget-view+json": view, self.still[0]: self.still[1],
                "text/plain": self.text}

    def __repr__(self) -> str:
        return self.text


def _svg_img(svg: SVG | str, alt: str) -> str:
    """An SVG as an <img>: self-contained (its marker ids cannot clash) and scaled to the column."""
    data = base64.b64encode(str(svg).encode()).decode()
    return (f'<img alt="{html.escape(alt)}" style="max-width:100%;height:auto" '
            f'src="data:image/svg+xml;base64,{data}">')


def _png_img(fig: Any, alt: str) -> tuple[str, str]:
    """A matplotlib figure as an <img> and as base64 PNG; the figure is closed."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=72, metadata={"Software": None})
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode()
    return (f'<img alt="{html.escape(alt)}" style="max-width:100%;height:auto" '
            f'src="data:image/png;base64,{data}">'), data


def _page(caption: str, body: str) -> Any:
    import ipywidgets as w

    return w.HTML(f'<div class="ag-figure" style="max-width:100%;overflow-wrap:anywhere">'
                  f'<p style="margin:0.3em 0">{caption}</p>{body}</div>')


def _stack(pages: list) -> Any:
    """Pages shown one at a time; a ``Tab`` (which also has ``selected_index``) under ipywidgets 7."""
    import ipywidgets as w

    return (w.Stack if hasattr(w, "Stack") else w.Tab)(pages, selected_index=0)


def _stepper(pages: list, label: str, interval: int = 1600) -> tuple[Any, list]:
    """A slider and a play button over ``pages``; returns the stack and the controls."""
    import ipywidgets as w

    stack = _stack(pages)
    n = len(pages)
    play = w.Play(value=0, min=0, max=n - 1, step=1, interval=interval, description="play")
    slider = w.IntSlider(value=0, min=0, max=n - 1, description=label,
                         layout=w.Layout(width="min(100%, 24em)"))
    w.jslink((play, "value"), (slider, "value"))
    w.jslink((slider, "value"), (stack, "selected_index"))
    return stack, [play, slider]


def _nested(build: Callable[[tuple], Any], sizes: Sequence[int], controls: Sequence[Any],
            attr: Sequence[str]) -> Any:
    """Stacks within stacks, one level per control: ``build(indices)`` makes each leaf page.

    Each control's ``attr`` is jslinked to the ``selected_index`` of every stack at its level.
    """
    import ipywidgets as w

    def level(prefix: tuple) -> Any:
        depth = len(prefix)
        if depth == len(sizes):
            return build(prefix)
        stack = _stack([level(prefix + (i,)) for i in range(sizes[depth])])
        w.jslink((controls[depth], attr[depth]), (stack, "selected_index"))
        return stack

    return level(())


# ---------------------------------------------------------------- 1. backward, step by step
def _walk(roots: list) -> list:
    """Every node reachable from ``roots`` along next_functions, breadth-first."""
    seen, order = set(), []
    queue = [r for r in roots if r is not None]
    while queue:
        fn = queue.pop(0)
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        order.append(fn)
        queue += [nxt for nxt, _ in fn.next_functions if nxt is not None]
    return order


def _is_acc(fn: Any) -> bool:
    return hasattr(fn, "variable")


def _saved_text(fn: Any, label_of: Callable[[Any], str | None]) -> str | None:
    saved = saved_tensors_of(fn)
    if saved is None:
        return "saved: freed"
    if not saved:
        return None
    return "saved: " + ", ".join(tag if t is None else f"{label_of(t) or 'tensor'} {tag}" for t, tag in saved)


def record_backward(output: Any, names: dict | None = None, retain_graph: bool = False) -> dict:
    """Run ``output.backward()`` with a pre-hook on every node; return what happened, in order.

    Each event is ``(node, gradients it received, snapshot)``, where the snapshot, taken
    as the node starts, holds every node's saved-tensor text and every leaf's ``.grad``;
    ``sent`` maps a node to the gradients it passed down (from its post-hook).
    """
    names = names or {}
    nodes = _walk([output.grad_fn])
    label_of = lambda t: next((n for k, n in names.items() if k is t), None)  # noqa: E731

    def snapshot() -> dict:
        return {"saved": {id(fn): _saved_text(fn, label_of) for fn in nodes if not _is_acc(fn)},
                "grad": {id(fn): (None if fn.variable.grad is None else _fmt(fn.variable.grad))
                         for fn in nodes if _is_acc(fn)}}

    events: list = []
    sent: dict = {}
    handles = []
    for fn in nodes:
        handles.append(fn.register_prehook(
            lambda grads, fn=fn: events.append((fn, [None if g is None else _fmt(g) for g in grads], snapshot()))))
        if not _is_acc(fn):
            handles.append(fn.register_hook(
                lambda gi, go, fn=fn: sent.__setitem__(id(fn), [None if g is None else _fmt(g) for g in gi])))
    before = snapshot()
    try:
        output.backward(retain_graph=retain_graph)
    finally:
        for h in handles:
            h.remove()
    return {"nodes": nodes, "events": events, "sent": sent, "before": before, "after": snapshot()}


def backward_steps(output: Any, names: dict | None = None, retain_graph: bool = False) -> Figure:
    """A slider over the steps of ``output.backward()``: which node runs, what each edge carries,
    dependency counts, buffers summing, ``.grad`` being written, saved tensors being freed."""
    names = names or {}
    run = record_backward(output, names, retain_graph)
    nodes, events, sent = run["nodes"], run["events"], run["sent"]
    deps = {id(fn): 0 for fn in nodes}
    for fn in nodes:
        for nxt, _ in fn.next_functions:
            if nxt is not None:
                deps[id(nxt)] += 1
    buffers: dict[int, list[str]] = {id(fn): [] for fn in nodes}
    buffers[id(output.grad_fn)].append("1")
    done: set[int] = set()
    snapshots = [e[2] for e in events[1:]] + [run["after"]]

    def frame(state: dict, running: Any, labels: dict, writes: dict) -> SVG:
        notes = {}
        for fn in nodes:
            lines = []
            if not _is_acc(fn) and state["saved"][id(fn)]:
                lines.append(state["saved"][id(fn)])
            if id(fn) in done:
                lines.append("done")
            else:
                lines.append(f"waiting for {deps[id(fn)]} more" if deps[id(fn)] else "ready")
                if buffers[id(fn)]:
                    lines.append("buffer " + " + ".join(buffers[id(fn)]))
            if _is_acc(fn):
                grad = state["grad"][id(fn)]
                lines.append(writes.get(id(fn), "") or f".grad = {grad}")
            notes[fn] = lines
        return draw_graph(output, names=names, values=True, notes=notes, edge_labels=labels,
                          highlight=[running] if running is not None else [])

    frames = [(f"Before <code>backward()</code>: the engine counted each node's incoming edges (waiting for); "
               f"the seed gradient 1 waits in {html.escape(output.grad_fn.name())}'s buffer.",
               frame(run["before"], None, {}, {}))]
    for (fn, received, _), state in zip(events, snapshots):
        total = " + ".join(buffers[id(fn)])
        buffers[id(fn)] = []
        done.add(id(fn))
        name = str(fn.name()).rsplit("::", 1)[-1]
        labels, writes = {}, {}
        if _is_acc(fn):
            leaf = names.get(fn.variable) if any(k is fn.variable for k in names) else "the leaf"
            summed = f"{total} = {received[0]}" if "+" in total else received[0]
            writes[id(fn)] = f"writes .grad = {state['grad'][id(fn)]}"
            caption = (f"<b>AccumulateGrad</b> for {html.escape(str(leaf))} runs: its buffer holds {summed}, "
                       f"which it adds into <code>.grad</code>.")
        else:
            outs = sent.get(id(fn), [])
            for k, ((nxt, _), g) in enumerate(zip(fn.next_functions, outs)):
                if nxt is not None and g is not None:
                    labels[(fn, k)] = g
                    buffers[id(nxt)].append(g)
                if nxt is not None:
                    deps[id(nxt)] -= 1
            freed = (" Its saved tensors are freed (no <code>retain_graph</code>)."
                     if state["saved"][id(fn)] == "saved: freed" else "")
            caption = (f"<b>{html.escape(name)}</b> runs on the gradient {received[0]} from its buffer and "
                       f"sends {', '.join(g for g in outs if g is not None)} down its edges.{freed}")
        frames.append((caption, frame(state, fn, labels, writes)))
    frames.append(("Done: every leaf's <code>.grad</code> is written"
                   + ("; the graph was kept (<code>retain_graph=True</code>)." if retain_graph
                      else "; every saved tensor was freed, so a second <code>backward()</code> would fail."),
                   frame(run["after"], None, {}, {})))
    pages = [_page(f"Step {i} of {len(frames) - 1}. {cap}", _svg_img(svg, "autograd graph, step " + str(i)))
             for i, (cap, svg) in enumerate(frames)]
    import ipywidgets as w

    stack, controls = _stepper(pages, "step")
    widget = w.VBox([w.HBox(controls, layout=w.Layout(flex_flow="row wrap")), stack])
    return Figure(widget, ("image/svg+xml", str(frames[-1][1])),
                  f"Figure: backward() step by step, {len(frames)} states. {RUN}")


# ---------------------------------------------------------------- 2. the vector-Jacobian product
def _matrix_html(rows: list[list[float]], caption: str, row_names: list[str], col_names: list[str],
                 scale: float = 6.0) -> str:
    """A small table with cells shaded blue (negative) to red (positive)."""
    def cell(v: float) -> str:
        a = min(abs(v) / scale, 1.0)
        color = f"rgba(214,96,77,{a:.2f})" if v > 0 else f"rgba(67,147,195,{a:.2f})"
        return (f'<td style="background:{color};padding:0.2em 0.6em;text-align:right;'
                f'border:1px solid #ccc">{v:g}</td>')
    head = "".join(f'<th style="font-weight:normal;padding:0 0.4em">{c}</th>' for c in col_names)
    body = "".join(f'<tr><th style="font-weight:normal;padding:0 0.4em;text-align:right">{r}</th>'
                   + "".join(cell(v) for v in row) + "</tr>" for r, row in zip(row_names, rows))
    return (f'<table style="display:inline-table;border-collapse:collapse;margin:0.3em 0.8em 0.3em 0;'
            f'vertical-align:top"><caption style="caption-side:top;text-align:left">{caption}</caption>'
            f'<tr><th></th>{head}</tr>{body}</table>')


def vjp_explorer(torch: Any, f: Callable, x0: Sequence[float], choices: Sequence[float] = (-2, -1, 0, 1, 2)) -> Figure:
    """Pick ``v`` (one slider per output) and see ``J``, ``vᵀJ`` and what lands in ``x.grad``.

    Every state is a real ``torch.autograd.backward([out], grad_tensors=[v])`` on a fresh leaf.
    """
    import ipywidgets as w

    x = torch.tensor(list(x0), requires_grad=True)
    J = torch.autograd.functional.jacobian(f, x).tolist()
    m, n = len(J), len(x0)
    outs, ins = [f"out[{i}]" for i in range(m)], [f"x[{j}]" for j in range(n)]
    start = [choices.index(1 if i == 0 else 0) for i in range(m)]     # v = (1, 0, ...)
    sliders = [w.SelectionSlider(options=[(f"{c:g}", c) for c in choices], index=start[i],
                                 description=f"v[{i}]", layout=w.Layout(width="min(100%, 20em)"))
               for i in range(m)]
    pages: dict = {}

    def page(idx: tuple) -> Any:
        v = [float(choices[i]) for i in idx]
        x = torch.tensor(list(x0), requires_grad=True)
        out = f(x)
        torch.autograd.backward([out], grad_tensors=[torch.tensor(v)])
        grad = x.grad.tolist()
        vJ = [sum(v[i] * J[i][j] for i in range(m)) for j in range(n)]
        same = all(abs(a - b) < 1e-6 for a, b in zip(grad, vJ))
        body = (_matrix_html([[c] for c in v], "v (weights on outputs)", outs, ["v"])
                + _matrix_html(J, "J (rows: outputs)", outs, ins)
                + _matrix_html([vJ], "vᵀJ", [""], ins)
                + _matrix_html([grad], "x.grad after backward", [""], ins))
        claim = (f"<code>x.grad</code> is {'None' if x.grad is None else 'a tensor of shape ' + str(tuple(x.grad.shape))}"
                 f" whatever <code>v</code> is: <code>grad_tensors</code> weights the <i>outputs</i>; it does not pick"
                 f" which tensors get gradients. x.grad equals vᵀJ: {same}.")
        pages[idx] = _page(f"v = {v}", body + f'<p style="margin:0.3em 0">{claim}</p>')
        return pages[idx]

    stack = _nested(page, [len(choices)] * m, sliders, ["index"] * m)
    # open at the sliders' start values
    node = stack
    for i in start:
        node.selected_index = i
        node = node.children[i]
    widget = w.VBox([w.HBox(sliders, layout=w.Layout(flex_flow="row wrap")), stack])
    return Figure(widget, ("text/html", pages[tuple(start)].value), f"Figure: the vector-Jacobian product for "
                  f"{len(choices) ** m} choices of v. {RUN}")


# ---------------------------------------------------------------- 3. accumulation
def accumulation_explorer(torch: Any, passes: int = 4) -> Figure:
    """Several ``backward()`` calls on one graph ``y = w * x``: with or without zeroing ``.grad``
    between them, with ``retain_graph`` on or off; ``.grad`` after each pass, or the error."""
    import ipywidgets as w

    style = {"button_width": "auto", "description_width": "auto"}
    zero = w.ToggleButtons(options=["keep w.grad", "w.grad.zero_()"], description="between passes:", style=style)
    retain = w.ToggleButtons(options=["retain_graph=False", "retain_graph=True"], description="backward(...):",
                             style=style)
    step = w.IntSlider(value=1, min=1, max=passes, description="passes", layout=w.Layout(width="min(100%, 20em)"))
    play = w.Play(value=1, min=1, max=passes, interval=1400, description="play")
    w.jslink((play, "value"), (step, "value"))

    runs: dict = {}
    for z in range(2):
        for r in range(2):
            wt = torch.tensor(2.0, requires_grad=True)
            x = torch.tensor(1.5)
            y = wt * x
            history, svgs = [], []
            for _ in range(passes):
                if z and wt.grad is not None:
                    wt.grad.zero_()
                try:
                    y.backward(retain_graph=bool(r))
                    history.append(f"{wt.grad.item():g}")
                except RuntimeError as e:
                    history.append("RuntimeError: " + str(e).split(". ")[0] + ".")
                svgs.append(draw_graph(y, names={wt: "w", y: "y"}, values=True, grads=True, show_saved=True))
            runs[z, r] = history, svgs

    def page(idx: tuple) -> Any:
        z, r, k = idx
        history, svgs = runs[z, r]
        rows = "".join(f'<li style="overflow-wrap:anywhere">pass {i + 1}: w.grad = {html.escape(h)}</li>'
                       if not h.startswith("RuntimeError") else
                       f'<li style="color:#b00;overflow-wrap:anywhere">pass {i + 1}: {html.escape(h)}</li>'
                       for i, h in enumerate(history[:k + 1]))
        return _page("<code>y = w * x</code> with w = 2, x = 1.5, built once; "
                     f"<code>y.backward()</code> called {k + 1} time(s).",
                     f'<ul style="margin:0.2em 0">{rows}</ul>' + _svg_img(svgs[k], "graph after the passes"))

    # the pass slider runs 1..passes and is linked to selected_index: page 0 is a never-shown spare
    def page_or_blank(idx: tuple) -> Any:
        return _page("", "") if idx[2] == 0 else page(idx[:2] + (idx[2] - 1,))

    stack = _nested(page_or_blank, [2, 2, passes + 1], [zero, retain, step], ["index", "index", "value"])
    node = stack
    for i in (0, 0, 1):
        node.selected_index = i
        node = node.children[i]
    for sub in stack.children:
        for leaf in sub.children:
            leaf.selected_index = 1
    widget = w.VBox([zero, retain, w.HBox([play, step], layout=w.Layout(flex_flow="row wrap")), stack])
    last = runs[0, 0][1][-1]
    return Figure(widget, ("image/svg+xml", str(last)),
                  f"Figure: gradient accumulation over {passes} backward passes. {RUN}")


# ---------------------------------------------------------------- 4. training
def training_explorer(torch: Any, make_model: Callable, X: Any, y: Any, loss_fn: Callable,
                      optimizers: dict[str, Callable[[Any, float], Any]], lrs: dict[str, Sequence[float]],
                      epochs: Sequence[int] = (1, 5, 15, 40), batch_size: int = 30) -> Figure:
    """Optimizer, learning rate and epoch: the loss curve so far and the decision regions then.

    ``optimizers`` maps a name to ``make(params, lr)``; ``lrs`` maps the same name to the
    learning rates offered. Each (optimizer, lr) is one real training run, drawn at ``epochs``.
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt

    colors = ["tab:blue", "tab:orange", "tab:green"]
    X_np, y_np = X.numpy(), y.numpy()
    xs = np.linspace(-1.2, 1.2, 101, dtype=np.float32)
    gx, gy = np.meshgrid(xs, xs)
    grid = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], axis=1))
    names = list(optimizers)
    n_lr = len(next(iter(lrs.values())))
    opt_buttons = w.ToggleButtons(options=names, description="optimizer",
                                  style={"button_width": "auto", "description_width": "auto"})
    lr_slider = w.SelectionSlider(options=[f"{name} lr no. {i + 1}" for i in range(n_lr)] if n_lr != 3
                                  else ["low", "default", "high"], index=n_lr // 2,
                                  description="learning rate", layout=w.Layout(width="min(100%, 22em)"))
    ep_slider = w.SelectionSlider(options=[str(e) for e in epochs], index=len(epochs) - 1, description="epoch",
                                  layout=w.Layout(width="min(100%, 22em)"))
    stills: dict = {}

    def run(name: str, lr: float) -> list:
        torch.manual_seed(0)
        model = make_model()
        opt = optimizers[name](model.parameters(), lr)
        losses, shots = [], {}
        for epoch in range(1, max(epochs) + 1):
            perm = torch.randperm(len(X))
            for i in range(0, len(X), batch_size):
                idx = perm[i:i + batch_size]
                loss = loss_fn(model(X[idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
            with torch.no_grad():
                losses.append(loss_fn(model(X), y).item())
                if epoch in epochs:
                    logits = model(grid)
                    acc = (model(X).argmax(dim=1) == y).float().mean().item()
                    shots[epoch] = (logits.argmax(dim=1).numpy().reshape(gx.shape), acc)
        return [(e, losses[:e], *shots[e]) for e in epochs]

    def page(idx: tuple) -> Any:
        name = names[idx[0]]
        lr = lrs[name][idx[1]]
        return _stack([draw(name, lr, *shot) for shot in results[name, lr]])

    def draw(name: str, lr: float, epoch: int, losses: list, regions: Any, acc: float) -> Any:
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.4), gridspec_kw={"width_ratios": [1.4, 1]})
        ax1.plot(range(1, len(losses) + 1), losses, color="tab:purple", marker="o" if len(losses) < 6 else None)
        ax1.axhline(np.log(3), color="gray", linestyle=":")
        ax1.text(max(epochs), np.log(3), "ln 3 (guessing)", ha="right", va="bottom", color="gray", fontsize=9)
        ax1.set_xlim(0.5, max(epochs) + 0.5)
        ax1.set_ylim(0, 1.6)
        ax1.set_xlabel("epoch")
        ax1.set_ylabel("loss on all points")
        ax1.set_title(f"{name}, lr = {lr:g}: loss {losses[-1]:.3f}", fontsize=10)
        ax2.contourf(gx, gy, regions, levels=[-0.5, 0.5, 1.5, 2.5], colors=colors, alpha=0.3)
        for k in range(3):
            ax2.scatter(X_np[y_np == k, 0], X_np[y_np == k, 1], s=4, c=colors[k])
        ax2.set_title(f"epoch {epoch}: accuracy {acc:.2f}", fontsize=10)
        ax2.set_aspect("equal")
        ax2.set_xticks([])
        ax2.set_yticks([])
        fig.tight_layout()
        img, data = _png_img(fig, f"loss curve and decision regions, {name}, lr {lr:g}, epoch {epoch}")
        stills[name, lr, epoch] = data
        return w.HTML(img)

    results = {(name, lr): run(name, lr) for name in names for lr in lrs[name]}

    def leaf(idx: tuple) -> Any:
        inner = page(idx)
        w.jslink((ep_slider, "index"), (inner, "selected_index"))
        inner.selected_index = ep_slider.index
        return inner

    stack = _nested(leaf, [len(names), n_lr], [opt_buttons, lr_slider], ["index", "index"])
    stack.selected_index = 0
    for sub in stack.children:
        sub.selected_index = lr_slider.index
    widget = w.VBox([opt_buttons, w.HBox([lr_slider, ep_slider], layout=w.Layout(flex_flow="row wrap")), stack])
    first = names[0]
    still = stills[first, lrs[first][lr_slider.index], epochs[-1]]
    return Figure(widget, ("image/png", still),
                  f"Figure: training with {len(names)} optimizers x {n_lr} learning rates x "
                  f"{len(epochs)} epochs. {RUN}")


# ---------------------------------------------------------------- 5. type an expression, see its graph
def expression_graph(torch: Any, expression: str = "(a * b + a).exp().sum()",
                     leaves: dict[str, Any] | None = None) -> Figure:
    """A text box: type an expression in ``a``, ``b``, ``c`` (tensors that require grad) and
    ``torch``, press Enter, see its graph. Needs a kernel; the stored output shows ``expression``."""
    import ipywidgets as w

    leaves = leaves or {"a": torch.tensor([1.0, 2.0], requires_grad=True),
                        "b": torch.tensor([3.0, 4.0], requires_grad=True),
                        "c": torch.tensor(0.5)}
    box = w.Text(value=expression, description="expression", continuous_update=False,
                 layout=w.Layout(width="min(100%, 32em)"))
    out = w.HTML()

    def show(text: str) -> None:
        try:
            result = eval(text, {"torch": torch, "__builtins__": {}}, dict(leaves))  # noqa: S307 (reader's own input)
            names = {t: k for k, t in leaves.items()}
            if hasattr(result, "grad_fn"):
                names[result] = "result"
                svg = draw_graph(result, names=names, values=True)
                out.value = _page(f"The graph of <code>{html.escape(text)}</code>:", _svg_img(svg, "graph")).value
            else:
                out.value = f"<p>{html.escape(text)} is not a tensor: {html.escape(repr(result))}</p>"
        except Exception as e:  # noqa: BLE001 (shown to the reader)
            out.value = f'<p style="color:#b00">{type(e).__name__}: {html.escape(str(e))}</p>'

    box.observe(lambda change: show(change["new"]), names="value")
    show(expression)
    note = w.HTML("<p style='margin:0.2em 0'><small>a, b and c are tensors (a and b require grad); "
                  "edit the expression and press Enter. Typing needs a running kernel "
                  "(JupyterLab, Binder, Colab); this page shows a stored example.</small></p>")
    widget = w.VBox([box, note, out])
    still = draw_graph(eval(expression, {"torch": torch, "__builtins__": {}}, dict(leaves)),  # noqa: S307
                       names={t: k for k, t in leaves.items()}, values=True)
    return Figure(widget, ("image/svg+xml", str(still)), f"Figure: the graph of {expression}. {RUN}")
