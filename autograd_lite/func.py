"""``torch.func``: function transforms (``vmap``, ``grad``, ``vjp``, ``jvp``, ``jacrev``,
``jacfwd``, ``hessian``) as thin layers over the engine.

PyTorch implements these with wrapper tensors, one level per transform. Here each is a
short recipe over what the engine already does, with the same results:

- ``vmap(f)(x)`` runs ``f`` once per slice along the mapped dimension and stacks the
  results (so anything ``f`` does works, one sample at a time);
- ``grad(f)(x)`` gives ``x`` a fresh node of its own, runs ``f`` and asks ``autograd.grad``
  for the gradient, recording it (``create_graph=True``) so an enclosing transform can
  differentiate it again; results that depend on nothing outside the transform come
  back detached, as PyTorch's do;
- ``jvp`` is forward mode (``autograd.forward_ad``); ``jacrev``/``jacfwd`` build the
  Jacobian a row (a column) at a time.

A custom ``autograd.Function`` under a transform follows PyTorch's rules: it must define
``setup_context`` (a ``forward`` without ctx), vmap uses its ``vmap`` staticmethod unless
``generate_vmap_rule = True``, and forward mode uses its ``jvp`` staticmethod.
"""
from __future__ import annotations

import functools
from collections import namedtuple
from typing import Any, Callable

import numpy as np

from .autograd import forward_ad
from .engine import grad as autograd_grad
from .function import AccumulateGrad, Function, forward_ad_state, transforms
from .grad_mode import enable_grad
from .ops import stack
from .tensor import Tensor, _make

__all__ = ["vmap", "grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "functional_call"]

VmapInfo = namedtuple("VmapInfo", ["batch_size", "randomness"])


class _Levels:
    """The transforms now open: how many, and how many of them are vmaps running a sample."""

    open = 0
    differentiating = 0  # how many of them differentiate (all but vmap)
    vmaps: list = []  # the randomness option of each open vmap, innermost last


_levels = _Levels()


class _level:
    """``with _level(vmap=...)``: one transform open (custom Functions check their rules while any is)."""

    def __init__(self, randomness: str | None = None) -> None:
        self.randomness = randomness

    def __enter__(self) -> None:
        _levels.open += 1
        transforms.depth += 1
        if self.randomness is not None:
            _levels.vmaps.append(self.randomness)
        else:
            _levels.differentiating += 1

    def __exit__(self, *exc: object) -> None:
        _levels.open -= 1
        transforms.depth -= 1
        if self.randomness is not None:
            _levels.vmaps.pop()
        else:
            _levels.differentiating -= 1


# ---------------------------------------------------------------- pytrees (tuples, lists, dicts of tensors)

def _flatten(tree: Any) -> list:
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in _flatten(item)]
    if isinstance(tree, dict):
        return [leaf for item in tree.values() for leaf in _flatten(item)]
    return [tree]


def _unflatten(tree: Any, leaves: Any) -> Any:
    """``tree`` with its leaves replaced, in order, by those of the iterator ``leaves``."""
    if isinstance(tree, (tuple, list)):
        return type(tree)(_unflatten(item, leaves) for item in tree)
    if isinstance(tree, dict):
        return {k: _unflatten(v, leaves) for k, v in tree.items()}
    return next(leaves)


def _map(fn: Callable, tree: Any) -> Any:
    return _unflatten(tree, iter([fn(leaf) for leaf in _flatten(tree)]))


def _dims_per_leaf(dims: Any, tree: Any) -> list | None:
    """One in_dim/out_dim per leaf of ``tree``: an int or None applies to a whole subtree."""
    if dims is None or isinstance(dims, int):
        return [dims] * len(_flatten(tree))
    if isinstance(dims, (tuple, list)) and isinstance(tree, (tuple, list)) and len(dims) == len(tree):
        per = [_dims_per_leaf(d, t) for d, t in zip(dims, tree)]
        return None if None in per else [d for p in per for d in p]
    if isinstance(dims, dict) and isinstance(tree, dict) and dims.keys() == tree.keys():
        per = [_dims_per_leaf(dims[k], tree[k]) for k in tree]
        return None if None in per else [d for p in per for d in p]
    return None


# ---------------------------------------------------------------- vmap

def vmap(func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable:
    """``vmap(f)(x)``: ``f`` applied to each slice of ``x`` along ``in_dims``, results stacked
    along ``out_dims`` (also ``torch.vmap``)."""
    name = getattr(func, "__name__", repr(func))

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        where = f"vmap({name}, in_dims={in_dims}, ...)(<inputs>)"
        if not isinstance(in_dims, (int, tuple)) and in_dims is not None:
            raise ValueError(f"{where}: expected `in_dims` to be int or a (potentially nested) tuple matching "
                             f"the structure of inputs, got: {type(in_dims)}.")
        dims = _dims_per_leaf(in_dims if not isinstance(in_dims, int) else (in_dims,) * len(args), args)
        if dims is None:
            raise ValueError(f"{where}: in_dims is not compatible with the structure of `inputs`.")
        leaves = _flatten(args)
        sizes = []
        for leaf, d in zip(leaves, dims):
            if d is None:
                continue
            if not isinstance(leaf, Tensor):
                raise ValueError(f"{where}: Got in_dim={d} for an input but the input is of type {type(leaf)}. "
                                 "We cannot vmap over non-Tensor arguments, please use None as the respective in_dim")
            n = leaf.dim()
            if not -n <= d < n:
                raise ValueError(f"{where}: Got in_dim={d} for some input, but that input is a Tensor of "
                                 f"dimensionality {n} so expected in_dim to satisfy -{n} <= in_dim < {n}.")
            sizes.append(leaf.shape[d])
        if not sizes:
            raise ValueError(f"{where}: at least one input must be a Tensor mapped over (with a non-None in_dim).")
        if len(set(sizes)) > 1:
            raise ValueError("vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sizes} for the mapped dimension")
        results = []
        for b in range(sizes[0]):
            sample = [leaf.select(d, b) if d is not None else leaf for leaf, d in zip(leaves, dims)]
            with _level(randomness):
                results.append(func(*_unflatten(args, iter(sample)), **kwargs))
        return _stack(results, out_dims, name)

    return wrapped


def _stack(results: list, out_dims: Any, name: str) -> Any:
    """The per-sample outputs stacked along their out_dims (None: the output is the same for all)."""
    first = results[0]
    dims = _dims_per_leaf(out_dims, first)
    if dims is None:
        raise ValueError(f"vmap({name}, ...): out_dims is not compatible with the structure of `outputs`.")
    columns = list(zip(*[_flatten(r) for r in results]))
    stacked = []
    for column, d in zip(columns, dims):
        if d is None:
            stacked.append(column[0])
            continue
        if not isinstance(column[0], Tensor):
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(column[0])}. "
                             "Did you mean to set out_dims= to None for output?")
        stacked.append(stack(column, d))
    return _unflatten(first, iter(stacked))


def _apply_custom(cls: type, args: tuple, kwargs: dict) -> Any:
    """A custom Function called while a transform or forward-AD level is open (see ``Function.apply``)."""
    if _levels.open and cls.setup_context is Function.setup_context:
        raise RuntimeError("In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, jacrev, "
                           "...), it must override the setup_context staticmethod. For more details, please see "
                           "https://pytorch.org/docs/main/notes/extending.func.html")
    if _levels.vmaps and not cls.generate_vmap_rule:
        if cls.vmap is Function.vmap:
            raise RuntimeError(f"You tried to vmap over {cls.__name__}, but it does not have vmap support. Please "
                               "override and implement the vmap staticmethod or set generate_vmap_rule=True. For "
                               "more details, please see https://pytorch.org/docs/main/notes/extending.func.html")
        return _vmap_rule(cls, args, kwargs)
    if forward_ad.has_tangent(args):
        return forward_ad.apply_with_jvp(cls, args, kwargs)
    return cls._apply(*args, **kwargs)


def _vmap_rule(cls: type, args: tuple, kwargs: dict) -> Any:
    """Run the Function's vmap staticmethod on this sample as a batch of one (its tensors batched at dim 0)."""
    in_dims = tuple(0 if isinstance(a, Tensor) else None for a in args)
    batched = [a.unsqueeze(0) if isinstance(a, Tensor) else a for a in args]
    randomness = _levels.vmaps.pop()  # the rule runs outside this vmap level
    try:
        out, out_dims = cls.vmap(VmapInfo(1, randomness), in_dims, *batched, **kwargs)
    finally:
        _levels.vmaps.append(randomness)
    dims = _dims_per_leaf(out_dims, out)
    return _unflatten(out, iter([o if d is None else o.select(d, 0) for o, d in zip(_flatten(out), dims)]))


transforms.apply_custom = _apply_custom


# ---------------------------------------------------------------- reverse mode: grad, vjp, jacrev

def _fresh(x: Any) -> Any:
    """``x`` as an input of this transform: a node of its own, still connected to x's history."""
    if not isinstance(x, Tensor):
        return x
    return x.clone() if x.requires_grad else _detached(x).requires_grad_()


def _detached(t: Tensor) -> Tensor:
    """``t.detach()`` that keeps a forward-AD tangent (an enclosing jvp/jacfwd still needs it)."""
    tangent = forward_ad.unpack_dual(t).tangent
    out = t.detach()
    if tangent is not None:
        forward_ad.attach(out, tangent)
    return out


def _reaches_outside(t: Tensor, own: list) -> bool:
    """Whether ``t``'s history leads to a leaf that requires grad other than this transform's inputs."""
    own_ids = {id(x) for x in own}
    seen, stack = set(), [t.grad_fn] if t.grad_fn is not None else []
    while stack:
        node = stack.pop()
        if type(node) is AccumulateGrad:
            if id(node.variable) not in own_ids:
                return True
            continue
        for nxt, _ in node.next_functions:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def _released(t: Any, own: list) -> Any:
    """A result that depends on nothing but this transform's inputs comes back detached."""
    if not isinstance(t, Tensor) or t.grad_fn is None or _reaches_outside(t, own):
        return t
    return _detached(t)


def _vjp(outputs: list, inputs: list, cotangents: list) -> list:
    """sum_k cotangent_k · d output_k / d input; zeros where an input is unused. Recorded
    (``create_graph``) when something may differentiate it again: an enclosing transform, an
    open forward-AD level, or a tensor from outside the transform that requires grad."""
    pairs = [(o, v) for o, v in zip(outputs, cotangents) if o.requires_grad]
    if not pairs:
        return [_make(np.zeros_like(x._data)) for x in inputs]
    record = (_levels.differentiating > 1 or bool(forward_ad_state.levels)
              or any(_reaches_outside(o, inputs) for o, _ in pairs))
    return list(autograd_grad([o for o, _ in pairs], inputs, [v for _, v in pairs], retain_graph=True,
                              create_graph=record, materialize_grads=True))


def _argnums(argnums: Any, args: tuple, where: str) -> tuple:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for n in nums:
        if not isinstance(n, int) or not -len(args) <= n < len(args):
            raise RuntimeError(f"{where}: Got argnums={argnums} but only {len(args)} positional inputs")
    return tuple(n % len(args) for n in nums)


def _call_on_fresh(func: Callable, args: tuple, kwargs: dict, nums: tuple) -> tuple[list, Any]:
    """``func(*args)`` with the differentiated arguments (``nums``) replaced by fresh leaves of
    this level: the arguments as called, and the output."""
    args = list(args)
    for n in nums:
        args[n] = _map(_fresh, args[n])
    return args, func(*args, **kwargs)


def grad_and_value(func: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """``(gradient, value)`` of a function returning a scalar (``(value, aux)`` with has_aux)."""

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums(argnums, args, "grad_and_value(f)(*args)")
        with _level(), enable_grad():
            args, out = _call_on_fresh(func, args, kwargs, nums)
            aux = None
            if has_aux:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError("grad_and_value(f)(*args): output of function f should be a tuple: "
                                       "(output, aux) if has_aux is True")
                out, aux = out
            if not isinstance(out, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor "
                                   f"with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?")
            inputs = [x for n in nums for x in _flatten(args[n]) if isinstance(x, Tensor)]
            grads = iter(_vjp([out], inputs, [_make(np.ones_like(out._data))]))
            result = tuple(_map(lambda x: next(grads) if isinstance(x, Tensor) else None, args[n]) for n in nums)
        release = functools.partial(_released, own=inputs)
        result = _map(release, result if not isinstance(argnums, int) else result[0])
        value = release(out) if not has_aux else (release(out), _map(release, aux))
        return result, value

    return wrapped


def grad(func: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """``grad(f)(x)``: the gradient of the scalar ``f(x)`` with respect to ``x`` (``argnums``)."""
    with_value = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g, value = with_value(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapped


def vjp(func: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """``(f(*primals), vjp_fn)``: ``vjp_fn(v)`` gives vᵀJ, one entry per primal."""
    with _level(), enable_grad():
        inputs = [_map(_fresh, p) for p in primals]
        out = func(*inputs)
    aux = None
    if has_aux:
        out, aux = out
    leaves = [x for p in inputs for x in _flatten(p) if isinstance(x, Tensor)]
    release = functools.partial(_released, own=leaves)

    def vjp_fn(*cotangents: Any) -> tuple:
        with _level(), enable_grad():
            vs = _flatten(cotangents[0] if len(cotangents) == 1 else cotangents)
            grads = iter(_vjp(_flatten(out), leaves, vs))
            result = tuple(_map(lambda x: next(grads) if isinstance(x, Tensor) else None, p) for p in inputs)
        return _map(release, result)

    result = _map(release, out)
    return (result, vjp_fn, _map(release, aux)) if has_aux else (result, vjp_fn)


def jacrev(func: Callable, argnums: Any = 0, *, has_aux: bool = False, chunk_size: int | None = None) -> Callable:
    """The Jacobian of ``func`` by reverse mode, one row (one output element) at a time:
    for an output of shape S and an input of shape T, a tensor of shape S + T."""

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums(argnums, args, "jacrev(f)(*args)")
        with _level(), enable_grad():
            args, out = _call_on_fresh(func, args, kwargs, nums)
            aux = None
            if has_aux:
                out, aux = out
            inputs = [args[n] for n in nums]

            def jacobian_of(o: Tensor) -> Any:
                rows = []
                for k in range(o.numel()):
                    v = np.zeros(o._data.size, o._data.dtype)
                    v[k] = 1
                    rows.append(_vjp([o], inputs, [_make(v.reshape(o._data.shape))]))
                cols = [stack([r[i] for r in rows], 0).reshape(*o.shape, *x.shape) if rows
                        else _make(np.zeros(tuple(o.shape) + tuple(x.shape), x._data.dtype))
                        for i, x in enumerate(inputs)]
                return cols[0] if isinstance(argnums, int) else tuple(cols)

            jac = _map(jacobian_of, out)
        release = functools.partial(_released, own=inputs)
        jac = _map(release, jac)
        return (jac, _map(release, aux)) if has_aux else jac

    return wrapped


# ---------------------------------------------------------------- forward mode: jvp, jacfwd, hessian

def jvp(func: Callable, primals: tuple, tangents: tuple, *, strict: bool = False, has_aux: bool = False) -> tuple:
    """``(f(*primals), J·tangents)`` by forward mode (``autograd.forward_ad``)."""
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to "
                           "call f(*primals).")
    if not isinstance(tangents, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected tangents to be a tuple. E.g. it should be valid to "
                           "call f(*primals).")
    with _level(), forward_ad.dual_level():
        duals = [forward_ad.make_dual(p, t) for p, t in zip(_flatten(primals), _flatten(tangents))]
        out = func(*_unflatten(primals, iter(duals)))
        aux = None
        if has_aux:
            out, aux = out

        def split(o: Any) -> tuple:
            primal, tangent = forward_ad.unpack_dual(o)
            return primal, tangent if tangent is not None else _make(np.zeros_like(o._data))

        pairs = [split(o) for o in _flatten(out)]
    primal_out = _unflatten(out, iter([p for p, _ in pairs]))
    tangent_out = _unflatten(out, iter([t for _, t in pairs]))
    return (primal_out, tangent_out, aux) if has_aux else (primal_out, tangent_out)


def jacfwd(func: Callable, argnums: Any = 0, has_aux: bool = False, *, randomness: str = "error") -> Callable:
    """The Jacobian of ``func`` by forward mode, one column (one input element) at a time.

    Forward-mode levels do not nest here: inside another forward-mode transform (``jacfwd(jacfwd(f))``)
    the same Jacobian comes from reverse mode, which the enclosing level's tangents flow through."""

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if forward_ad_state.levels:
            return jacrev(func, argnums)(*args, **kwargs)
        nums = _argnums(argnums, args, "jacfwd(f)(*args)")
        jacs = []
        for n in nums:
            x = args[n]
            columns = []
            for k in range(x.numel()):
                basis = np.zeros(x._data.size, x._data.dtype)
                basis[k] = 1

                def along(*primals: Any) -> Any:
                    full = list(args)
                    full[n] = primals[0]
                    return func(*full, **kwargs)

                columns.append(jvp(along, (x,), (_make(basis.reshape(x._data.shape)),))[1])
    
            def assemble(i: int) -> Tensor:
                cols = [_flatten(c)[i] for c in columns]
                o = cols[0]
                return stack(cols, -1).reshape(*o.shape, *x.shape)

            out_leaves = len(_flatten(columns[0]))
            jacs.append(_unflatten(columns[0], iter([assemble(i) for i in range(out_leaves)])))
        if isinstance(argnums, int):
            return jacs[0]
        if isinstance(jacs[0], Tensor):
            return tuple(jacs)
        return type(jacs[0])(tuple(j[i] for j in jacs) for i in range(len(jacs[0])))

    return wrapped


def hessian(func: Callable, argnums: Any = 0) -> Callable:
    """The Hessian of a scalar function: ``jacfwd(jacrev(func))``, as PyTorch computes it."""
    return jacfwd(jacrev(func, argnums), argnums)


def functional_call(module: Any, parameters_and_buffers: dict, args: Any = None, kwargs: dict | None = None, *,
                    tie_weights: bool = True, strict: bool = False) -> Any:
    """Call ``module`` with some parameters/buffers replaced by the given tensors (by dotted name)."""
    dicts = parameters_and_buffers if isinstance(parameters_and_buffers, (tuple, list)) else (parameters_and_buffers,)
    swapped = []
    try:
        for d in dicts:
            for name, value in d.items():
                owner_name, _, attr = name.rpartition(".")
                owner = module.get_submodule(owner_name) if owner_name else module
                table = owner._parameters if attr in owner._parameters else owner._buffers
                swapped.append((table, attr, table[attr]))
                table[attr] = value
        args = () if args is None else args if isinstance(args, tuple) else (args,)
        return module(*args, **(kwargs or {}))
    finally:
        for table, attr, old in reversed(swapped):
            table[attr] = old
