"""PyTorch's CPU random numbers, bit for bit.

PyTorch's default CPU generator is a 32-bit Mersenne Twister (mt19937) plus a few
transforms that turn its output words into floats, normals, integers and permutations.
This module re-implements both on numpy, so that after ``manual_seed(s)`` the same
sequence of calls returns exactly the numbers ``torch`` returns. References are to
files of the PyTorch 2.13 source tree (``aten/src/ATen/...``).

Two details make "exactly" harder than it looks:

* PyTorch's CPU kernels are compiled with FMA contraction, so ``x * a + b`` is often
  one fused multiply-add (a single rounding). numpy has no fma, so ``_fma32``/``_fma64``
  emulate it exactly with error-free transformations.
* float64 Box-Muller calls the C library's ``log``/``sin``/``cos``. Python's ``math``
  module and numba call the same libm; numpy's own SIMD versions differ in the last bit,
  so they are not used there.

The sequential parts (the twist and tempering, float64 Box-Muller, randperm's swaps) are
numba kernels for large draws (compiled lazily, see ``kernels.py``); small draws run the
very same functions as plain Python, so a first ``randn(2, 2)`` never waits for numba.
Element-wise transforms are vectorised numpy.
"""
from __future__ import annotations

import contextlib
import math
import os
from typing import Any, Iterator

import numpy as np

from . import errors
from .kernels import jit

__all__ = ["manual_seed", "initial_seed", "seed", "get_rng_state", "set_rng_state",
           "uniform", "normal", "randint", "randperm"]

_JIT_MIN = 4096  # draws below this size run the kernels as plain Python (no compile wait)

# ----------------------------------------------------------------------------------------
# The engine: ATen/core/MT19937RNGEngine.h and ATen/CPUGeneratorImpl.cpp
# ----------------------------------------------------------------------------------------


class _Generator:
    seed: int                    # the full 64-bit seed, as initial_seed() reports it
    mt: np.ndarray               # 624 uint32 words of Mersenne Twister state
    pos: int                     # index of the next word to temper; 624 = twist first
    normal_cache: float | None   # second Box-Muller value kept by the scalar normal path


_gen = _Generator()


@jit
def _mt_fill(mt, pos, out):
    """Write the next ``out.size`` mt19937 words into ``out``; return the new position."""
    for i in range(out.size):
        if pos == 624:  # next_state(): regenerate all 624 words in place
            for k in range(624):
                y = (int(mt[k]) & 0x80000000) | (int(mt[(k + 1) % 624]) & 0x7FFFFFFF)
                v = int(mt[(k + 397) % 624]) ^ (y >> 1)
                if y & 1:
                    v ^= 0x9908B0DF
                mt[k] = v
            pos = 0
        y = int(mt[pos])  # tempering
        pos += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        out[i] = y
    return pos


def _random32(n: int) -> np.ndarray:
    """``n`` calls of CPUGeneratorImpl::random(): uint32 words."""
    out = np.empty(n, np.uint32)
    fill = _mt_fill if n >= _JIT_MIN else _mt_fill.py_func
    _gen.pos = int(fill(_gen.mt, _gen.pos, out))
    return out


def _random64(n: int) -> np.ndarray:
    """``n`` calls of CPUGeneratorImpl::random64(): the first word is the high half."""
    w = _random32(2 * n).astype(np.uint64)
    return (w[0::2] << np.uint64(32)) | w[1::2]


def manual_seed(seed: int) -> None:
    """Seed the generator like ``torch.manual_seed``: mt19937 init_with_uint32 uses the
    low 32 bits, initial_seed() keeps all 64, and the cached normal is dropped."""
    seed = int(seed)
    if not -(2**63) <= seed < 2**64:
        raise RuntimeError(f"Overflow when unpacking long long: {seed}")
    seed &= 2**64 - 1
    mt = np.empty(624, np.uint32)
    x = seed & 0xFFFFFFFF
    for j in range(624):
        mt[j] = x
        x = (1812433253 * (x ^ (x >> 30)) + j + 1) & 0xFFFFFFFF
    _gen.seed, _gen.mt, _gen.pos, _gen.normal_cache = seed, mt, 624, None


def initial_seed() -> int:
    """The seed last given to ``manual_seed`` (or ``seed``), like ``torch.initial_seed``."""
    return _gen.seed


def seed() -> int:
    """Seed from the operating system's entropy and return it, like ``torch.seed``."""
    s = int.from_bytes(os.urandom(8), "little")
    manual_seed(s)
    return s


def get_rng_state() -> tuple:
    """An opaque snapshot of the generator (``torch.get_rng_state``'s role)."""
    return (_gen.seed, _gen.mt.copy(), _gen.pos, _gen.normal_cache)


def set_rng_state(state: tuple) -> None:
    """Restore a snapshot taken by ``get_rng_state``."""
    _gen.seed, mt, _gen.pos, _gen.normal_cache = state
    _gen.mt = np.array(mt, np.uint32)


seed()  # PyTorch 2.13 seeds its default CPU generator nondeterministically at startup


class Generator:
    """A random stream of its own (mirrors ``torch.Generator``): samplers given
    ``generator=g`` draw from it and leave the global stream untouched.

    A fresh generator starts from PyTorch's default seed, 67280421310721.
    """

    device = "cpu"

    def __init__(self, device: str = "cpu") -> None:
        self._state = _state_for(67280421310721)

    def manual_seed(self, seed: int) -> "Generator":
        self._state = _state_for(seed)
        return self

    def initial_seed(self) -> int:
        return self._state[0]

    def seed(self) -> int:
        with self.active():
            return seed()

    def get_state(self) -> tuple:
        return self._state

    def set_state(self, state: tuple) -> "Generator":
        self._state = state
        return self

    @contextlib.contextmanager
    def active(self):
        """Draw from this generator inside the block (its state is swapped in and back out)."""
        outer = get_rng_state()
        set_rng_state(self._state)
        try:
            yield
        finally:
            self._state = get_rng_state()
            set_rng_state(outer)


class _DefaultGenerator(Generator):
    """``torch.default_generator``: the global stream itself (what ``manual_seed`` returns)."""

    def __init__(self) -> None:
        pass

    def manual_seed(self, seed: int) -> "Generator":
        manual_seed(seed)
        return self

    def initial_seed(self) -> int:
        return initial_seed()

    def seed(self) -> int:
        return seed()

    def get_state(self) -> tuple:
        return get_rng_state()

    def set_state(self, state: tuple) -> "Generator":
        set_rng_state(state)
        return self

    def active(self):
        return contextlib.nullcontext()


default_generator = _DefaultGenerator()


def using(generator: Generator | None) -> Iterator[None]:
    """The context in which to draw for a ``generator=`` argument (None: the global stream)."""
    return contextlib.nullcontext() if generator is None else generator.active()


def _state_for(seed_value: int) -> tuple:
    outer = get_rng_state()
    manual_seed(seed_value)
    state = get_rng_state()
    set_rng_state(outer)
    return state

# ----------------------------------------------------------------------------------------
# Exact fused multiply-add (PyTorch's kernels are built with FMA contraction)
# ----------------------------------------------------------------------------------------


def _two_sum(a, b):
    """s + e == a + b exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _round_to_odd(s, err):
    """Given s = RN(x) and err = x - s, return x rounded to odd (the bracketing float64
    whose last mantissa bit is 1) so that a second rounding is still correct."""
    even = np.frexp(s)[0] * 2.0**53 % 2 == 0
    return np.where((err != 0) & even, np.nextafter(s, np.copysign(np.inf, err)), s)


def _fma32(a, b, c):
    """float32 a*b + c with one rounding. The product is exact in float64 and the float64
    sum s rounds correctly to float32 unless it landed exactly on a float32 midpoint (low
    29 mantissa bits 0x10000000) without being exact; those rare sums are nudged one
    float64 step towards the exact value first."""
    p = np.asarray(a, np.float64) * np.asarray(b, np.float64)
    c = np.asarray(c, np.float64)
    if p.shape != c.shape:
        p, c = np.broadcast_arrays(p, c)
    s = np.asarray(p + c)  # 0-d inputs give a numpy scalar: keep an array to index into
    tie = (s.view(np.int64) & 0x1FFFFFFF) == 0x10000000
    if tie.any():
        s[tie] = _round_to_odd(*_two_sum(p[tie], c[tie]))
    return s.astype(np.float32)


def _fma64(a, b, c):
    """float64 a*b + c with one rounding (Boldo & Melquiond's emulated FMA)."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    split = 134217729.0 * a, 134217729.0 * b  # Veltkamp splitting, 2**27 + 1
    ah, bh = split[0] - (split[0] - a), split[1] - (split[1] - b)
    p = a * b
    p_err = ((ah * bh - p) + ah * (b - bh) + (a - ah) * bh) + (a - ah) * (b - bh)
    th, tl = _two_sum(c, p)
    low, low_err = _two_sum(tl, p_err)
    return th + _round_to_odd(low, low_err)


def _scale_shift(x, scale, shift):
    """fma(x, scale, shift) in x's precision. With scale == 1 the product is exact, so
    plain arithmetic already rounds once (the common rand()/randn() case, and fast)."""
    if scale == 1:
        return x + x.dtype.type(shift)
    return (_fma32 if x.dtype == np.float32 else _fma64)(x, scale, shift)


# ----------------------------------------------------------------------------------------
# Uniform: ATen/core/TransformationHelper.h uniform_real, cpu/DistributionTemplates.h
# ----------------------------------------------------------------------------------------


def _unit_uniform(n: int, np_dtype) -> np.ndarray:
    """uniform_real_distribution(0, 1): float32 takes 24 bits of random(), float64 takes
    53 bits of random64(), times 2**-digits."""
    if np.dtype(np_dtype) == np.float32:
        return (_random32(n) & 0xFFFFFF).astype(np.float32) * np.float32(2.0**-24)
    return (_random64(n) & np.uint64(2**53 - 1)).astype(np.float64) * 2.0**-53


def in_memory_order(values: np.ndarray, like: np.ndarray) -> np.ndarray:
    """``values`` (drawn one after the other, in C order of ``like``'s shape) placed where PyTorch's
    serial CPU kernels put them when they fill a tensor laid out like ``like``: in memory order."""
    values = values.reshape(like.shape)
    if like.ndim < 2 or like.flags.c_contiguous:
        return values
    out = np.empty_like(like, dtype=values.dtype)  # (numpy keeps a dense layout's order)
    in_memory = out.transpose(sorted(range(out.ndim), key=lambda d: -out.strides[d]))
    in_memory[...] = values.reshape(in_memory.shape)
    return out


def bernoulli(p: Any, like: np.ndarray, float_draws: bool = False) -> np.ndarray:
    """Bernoulli draws, True with probability ``p`` (a number, or an array broadcasting to ``like``),
    for an output laid out like ``like``, as PyTorch's serial CPU kernel draws them: one uniform
    per element in memory order, a double (53 bits of random64()) or with ``float_draws`` (a
    float32 probability tensor) a float (24 bits of random()), True below ``p``. (PyTorch's
    builds for Intel CPUs draw ``bernoulli_(p)`` through MKL instead.)"""
    u = _unit_uniform(like.size, np.float32 if float_draws else np.float64)
    return in_memory_order(u, like) < p


def _float_type(np_dtype):
    if np.dtype(np_dtype) not in (np.float32, np.float64):
        raise TypeError(f"only float32 and float64 are supported, got {np.dtype(np_dtype)}")
    return np.dtype(np_dtype).type


def uniform(shape: tuple, np_dtype: np.dtype = np.float32, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """``torch.rand(*shape)`` / ``tensor.uniform_(low, high)``: x * (high - low) + low
    (one fma, in the tensor's precision); a value rounded up to ``high`` becomes ``low``."""
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low} > to={high}")
    t = _float_type(np_dtype)
    lo, hi = t(low), t(high)
    x = _scale_shift(_unit_uniform(math.prod(shape), np_dtype), hi - lo, lo)
    return np.where(x == hi, lo, x).astype(np_dtype).reshape(shape)


# ----------------------------------------------------------------------------------------
# Normal: cpu/DistributionTemplates.h normal_kernel
#   numel >= 16: normal_fill -- fill with uniforms, Box-Muller over blocks of 16 pairing
#                element j with j + 8, and if numel % 16 != 0, draw 16 fresh uniforms for
#                the last 16 elements and redo that (overlapping) block.
#   numel < 16:  one at::normal_distribution<double> per element (core/DistributionsHelper.h)
# ----------------------------------------------------------------------------------------


def _log256_ps(x):
    """log256_ps from cpu/avx_mathfun.h (Cephes logf), float32, with GCC's FMAs."""
    f32 = np.float32
    bits = np.maximum(x, f32(1.17549435e-38)).view(np.uint32)
    e = ((bits >> 23).astype(np.int32) - 0x7F).astype(f32) + f32(1)
    x = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(f32)  # mantissa in [0.5, 1)
    small = x < f32(0.707106781186547524)
    e = e - small.astype(f32)
    x = (x - f32(1)) + np.where(small, x, f32(0))
    z = x * x
    y = np.full_like(x, f32(7.0376836292e-2))
    for p in (-1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
              -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1):
        y = _fma32(y, x, f32(p))
    y = _fma32(y * x, z, e * f32(-2.12194440e-4))
    y = _fma32(-z, f32(0.5), y)
    return _fma32(e, f32(0.693359375), x + y)


def _sincos256_ps(x):
    """sincos256_ps from cpu/avx_mathfun.h (Cephes sinf/cosf) for x >= 0, float32."""
    f32 = np.float32
    j = (x * f32(1.27323954473516)).astype(np.int32)  # octant: x * 4/pi, truncated
    j = (j + 1) & ~1
    y = j.astype(f32)
    for dp in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        x = _fma32(y, f32(dp), x)  # extended-precision x - j * pi/4
    z = x * x
    c = _fma32(_fma32(f32(2.443315711809948e-5), z, f32(-1.388731625493765e-3)), z,
               f32(4.166664568298827e-2))
    c = _fma32(c * z, z, -(z * f32(0.5))) + f32(1)
    s = _fma32(_fma32(f32(-1.9515295891e-4), z, f32(8.3321608736e-3)), z, f32(-1.6666654611e-1))
    s = _fma32(s * z, x, x)
    swap = (j & 2) != 0  # pick the polynomial by octant, then fix the signs
    sin, cos = np.where(swap, c, s), np.where(swap, s, c)
    sin_sign = ((j & 4) << 29).astype(np.uint32)
    cos_sign = ((~(j - 2) & 4) << 29).astype(np.uint32)
    return (sin.view(np.uint32) ^ sin_sign).view(f32), (cos.view(np.uint32) ^ cos_sign).view(f32)


def _box_muller32(u, mean, std):
    """NormalFill16<float> (the AVX2 kernel PyTorch dispatches to on x86), vectorised over
    every block of 16 uniforms in ``u``. PyTorch builds without AVX2 (e.g. ARM) use libm's
    logf/sinf/cosf here instead, and their float32 randn differs from this."""
    f32 = np.float32
    u = u.reshape(-1, 16)
    radius = np.sqrt(f32(-2) * _log256_ps(f32(1) - u[:, :8]))
    sin, cos = _sincos256_ps(f32(2.0 * math.pi) * u[:, 8:])
    out = np.concatenate([radius * cos, radius * sin], axis=1).ravel()
    return _scale_shift(out, f32(std), f32(mean))


@jit
def _box_muller64(u):
    """NormalFill16<double> in place, before the final fma with std and mean."""
    for b in range(0, u.size, 16):
        for j in range(b, b + 8):
            radius = math.sqrt(-2.0 * math.log(1.0 - u[j]))
            theta = 2.0 * math.pi * u[j + 8]
            u[j], u[j + 8] = radius * math.cos(theta), radius * math.sin(theta)


def _normal_fill(n, np_dtype, mean, std):
    u = _unit_uniform(n, np_dtype)
    if n % 16:
        u = np.concatenate([u[: n - n % 16], _unit_uniform(16, np_dtype)])
    if np.dtype(np_dtype) == np.float32:
        out = _box_muller32(u, mean, std)
    else:
        (_box_muller64 if n >= _JIT_MIN else _box_muller64.py_func)(u)
        out = _scale_shift(u, std, mean)
    if n % 16:  # the last block was computed on fresh uniforms and overwrites the tail
        out = np.concatenate([out[: n - 16], out[-16:]])
    return out


def _normal_scalar(n, mean, std):
    """at::normal_distribution<double>: Box-Muller on two random64() uniforms; the sine
    half is cached in the generator and returned by the next call."""
    out = np.empty(n)
    for i in range(n):
        if _gen.normal_cache is not None:
            out[i], _gen.normal_cache = _gen.normal_cache, None
            continue
        u1, u2 = _unit_uniform(2, np.float64)
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        out[i], _gen.normal_cache = r * math.cos(theta), r * math.sin(theta)
    return _scale_shift(out, std, mean)  # transformation::normal, in double


def normal(shape: tuple, np_dtype: np.dtype = np.float32, mean: float = 0.0, std: float = 1.0,
           contiguous: bool = True) -> np.ndarray:
    """``torch.randn(*shape)`` / ``tensor.normal_(mean, std)``, in memory order: a
    non-contiguous tensor of 16+ elements takes PyTorch's per-element path."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    _float_type(np_dtype)
    n = math.prod(shape)
    out = _normal_fill(n, np_dtype, mean, std) if n >= 16 and contiguous else _normal_scalar(n, mean, std)
    return out.astype(np_dtype).reshape(shape)


# ----------------------------------------------------------------------------------------
# Integers: core/DistributionsHelper.h uniform_int_from_to_distribution, and
# native/TensorFactories.cpp randperm_cpu
# ----------------------------------------------------------------------------------------


def randint(low: int, high: int, shape: tuple, np_dtype: np.dtype = np.int64) -> np.ndarray:
    """``torch.randint(low, high, shape)``: low + word % (high - low), with random() words
    for ranges below 2**28 and random64() words from 2**28 on."""
    n, span = math.prod(shape), int(high) - int(low)
    if span <= 0:
        raise RuntimeError(errors.random_from_to(low, high))
    words = _random64(n) if span >= 2**28 else _random32(n).astype(np.uint64)
    out = (words % np.uint64(span)).astype(np.int64) + np.int64(low)
    return out.astype(np_dtype).reshape(shape)


def random_words(from_: int, to: int | None, shape: tuple, np_dtype: np.dtype) -> np.ndarray:
    """``tensor.random_(from_, to)``: ``randint`` over [from_, to); ``to=None`` runs to the
    largest value the dtype holds exactly (2**digits for floats, the maximum for integers)."""
    if to is None:
        dt = np.dtype(np_dtype)
        top = 1 if dt == np.bool_ else 2 ** (np.finfo(dt).nmant + 1) if dt.kind == "f" else int(np.iinfo(dt).max)
        to = top + 1
    return randint(from_, to, shape, np_dtype)


def full_range(shape: tuple, np_dtype: np.dtype) -> np.ndarray:
    """``tensor.random_()``: float32 random() % (2**24 + 1), float64 random64() % (2**53 + 1),
    int64 random64() % 2**63, other integers random() % (max + 1), bool random() & 1
    (ATen's uniform_int)."""
    dt, n = np.dtype(np_dtype), math.prod(shape)
    if dt == np.bool_:
        return (_random32(n) & 1).astype(dt).reshape(shape)
    wide = dt in (np.float64, np.int64)
    words = _random64(n) if wide else _random32(n).astype(np.uint64)
    span = 2 ** (np.finfo(dt).nmant + 1) + 1 if dt.kind == "f" else int(np.iinfo(dt).max) + 1
    return (words % np.uint64(span)).astype(dt).reshape(shape)


@jit
def _shuffle(perm, words):
    """randperm_cpu for n < 2**32 / 20: swap slot i with slot i + words[i] % (n - i)."""
    n = perm.size
    for i in range(n - 1):
        z = i + int(words[i]) % (n - i)
        perm[i], perm[z] = perm[z], perm[i]


@jit
def _shuffle_inside_out(perm, words):
    """randperm_cpu for huge n: inside-out Fisher-Yates on random64() words."""
    for i in range(perm.size):
        z = int(words[i] % np.uint64(i + 1))
        perm[i] = perm[z]
        perm[z] = i


def randperm(n: int) -> np.ndarray:
    """``torch.randperm(n)`` (int64)."""
    perm = np.arange(n, dtype=np.int64)
    if n < 0xFFFFFFFF // 20:
        words = _random32(max(n - 1, 0))
        (_shuffle if n >= _JIT_MIN else _shuffle.py_func)(perm, words)
    else:
        _shuffle_inside_out(perm, _random64(n))
    return perm


# ----------------------------------------------------------------------------------------
# Multinomial: native/Distributions.cpp (Gumbel trick) and cpu/MultinomialKernel.cpp
# ----------------------------------------------------------------------------------------


def _unit_uniform64(n: int) -> np.ndarray:
    """``n`` draws of uniform_real_distribution<double>(0, 1): 53 random bits of random64()."""
    return (_random64(n) & np.uint64((1 << 53) - 1)).astype(np.float64) * 2.0 ** -53


def exponential(shape: tuple, np_dtype: np.dtype = np.float32) -> np.ndarray:
    """``empty(shape).exponential_()``: -log1p(-u) in double, rounded to the tensor's dtype."""
    return (-np.log1p(-_unit_uniform64(math.prod(shape)))).astype(np_dtype).reshape(shape)


def multinomial(probs: np.ndarray, n_sample: int, replacement: bool) -> np.ndarray:
    """Category indices drawn from the rows of ``probs`` (weights, not necessarily normalised).

    Without replacement (or for one sample) PyTorch takes the ``n_sample`` largest of
    ``p / q`` with ``q ~ Exp(1)`` (the Gumbel-max trick); with replacement it searches each
    row's normalised running sum for a uniform draw."""
    rows = probs.reshape(-1, probs.shape[-1])
    if not replacement or n_sample == 1:
        ratio = rows / exponential(rows.shape, rows.dtype)
        out = np.argsort(-ratio, axis=-1, kind="stable")[:, :n_sample]
    else:
        out = np.empty((rows.shape[0], n_sample), np.int64)
        for i, row in enumerate(rows):
            cum = np.cumsum(row, dtype=row.dtype)
            cum = cum / cum[-1]
            cum[-1] = 1
            out[i] = np.searchsorted(cum.astype(np.float64), _unit_uniform64(n_sample), side="left")
    return out.reshape(probs.shape[:-1] + (n_sample,))
