"""autograd_lite: a small, readable autograd engine with PyTorch's API.

``import autograd_lite as torch`` runs the PyTorch code in the book and prints what
PyTorch prints. Where the pieces live:

The core (knows nothing of the ops):

- ``tensor.py``     the Tensor and its autograd fields
- ``function.py``   graph nodes and ``Function`` (the one mechanism every op uses)
- ``engine.py``     ``backward()``: walking the graph
- ``grad_mode.py``  ``no_grad`` and friends
- ``views.py``      views and version counters; ``hooks.py`` hook handles
- ``layout.py``     strides: how PyTorch lays out every new result (and a leaf's ``.grad``)
- ``dtypes.py``     dtypes and PyTorch's type promotion; ``errors.py`` the messages

On top of it, pointing one way (core -> ops -> nn, optim):

- ``ops/``          every operation, one file per family, forward and backward side by side
- ``kernels.py``    the numba kernels; ``random.py`` PyTorch's random numbers
- ``nn/``, ``optim.py``  layers, losses and optimizers
- ``func.py``       ``torch.func`` transforms (vmap, grad, jacrev, jvp, ...) over the engine
"""
from . import dtypes as _dtypes
from .creation import (Generator, arange, as_tensor, default_generator, empty, empty_like, eye, from_numpy, full,
                       full_like, get_rng_state, initial_seed, linspace, manual_seed, multinomial, normal, ones,
                       ones_like, rand, rand_like, randint, randint_like, randn, randn_like, randperm, seed,
                       set_rng_state, tensor, zeros, zeros_like)
from .dtypes import device, get_default_dtype, set_default_dtype
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled
from .ops import (abs, absolute, addmm, all, allclose, amax, amin, any, argmax, argmin, argsort, bmm, broadcast_to,
                  cat, chunk, clamp, clamp_max, clamp_min, clip, clone, concat, concatenate, cos, count_nonzero, div,
                  divide, dot, eq, equal, exp, flatten, flip, floor, floor_divide, gather, ge, greater, greater_equal, gt,
                  index_add, index_select, inner, is_floating_point, is_tensor, isclose, isfinite, isinf, isnan, le, less, less_equal,
                  log, log_softmax, logical_and, masked_fill, logical_not, logical_or, logical_xor, lt, matmul, max, maximum,
                  mean, min, minimum, mm, mul, multiply, mv, narrow, ne, neg, negative, nonzero, norm, not_equal, numel,
                  outer, permute, pow, prod, reciprocal, relu, remainder, reshape, rsqrt, rsub, scatter, select, sigmoid,
                  sgn, sign, sin, softmax, split, sqrt, square, squeeze, stack, sub, subtract, sum, swapaxes, swapdims,
                  t, tanh, transpose, true_divide, unbind, unflatten, unique, unsqueeze, where)
from .ops import bitwise_and, bitwise_not, bitwise_or, bitwise_xor
from .ops import (add, atan, cosh, cumprod, cumsum, einsum, erf, expm1, log1p, logsumexp, sinh, sort, std, tan,
                  topk, tril, triu, var)
from .ops import (abs_, atan_, clamp_, clamp_max_, clamp_min_, clip_, cos_, cosh_, erf_, exp_, expm1_, floor_, log10,
                  log10_, log1p_, log2, log2_, log_, neg_, negative_, reciprocal_, relu_, rsqrt_, sigmoid_, sin_, sinh_, sqrt_,
                  square_, tan_, tanh_)
from .ops import histc, histogram, moveaxis, movedim
from .ops import as_strided, bernoulli, diag, diagonal, nansum, trace
from .out import supports_out as _supports_out

# PyTorch's out= keyword on the functions tutorials call it with (torch.add(a, b, out=c), ...)
(add, sub, subtract, mul, multiply, div, divide, true_divide, pow, neg, abs, exp, log, sqrt, sin, cos, tanh,
 sigmoid, clamp, maximum, minimum, matmul, mm, bmm, mv, dot, cat, stack) = map(_supports_out, (
    add, sub, subtract, mul, multiply, div, divide, true_divide, pow, neg, abs, exp, log, sqrt, sin, cos, tanh,
    sigmoid, clamp, maximum, minimum, matmul, mm, bmm, mv, dot, cat, stack))
from .layout import contiguous_format, memory_format, preserve_format
from .printing import set_printoptions
from .tensor import Size, Tensor
from .legacy import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor,
                     LongTensor, ShortTensor)

float32 = float = _dtypes.float32
float64 = double = _dtypes.float64
float16 = half = _dtypes.float16
int64 = long = _dtypes.int64
int32 = int = _dtypes.int32
int16 = short = _dtypes.int16
int8 = _dtypes.int8
uint8 = _dtypes.uint8
bool = _dtypes.bool_
dtype = _dtypes.dtype

from . import accelerator, autograd, backends, cuda, func, nn, optim, utils  # noqa: E402
from . import schedulers as _schedulers  # noqa: E402,F401  (fills optim.lr_scheduler)
from . import swa_utils as _swa_utils  # noqa: E402,F401  (fills optim.swa_utils)
from .func import vmap  # noqa: E402
from .dtypes import get_default_device, set_default_device  # noqa: E402
from .serialization import load, save  # noqa: E402
from .autograd import Function  # noqa: E402
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled  # noqa: E402

__version__ = "0.1.0"
from .ops.pointwise_more import *  # noqa: E402,F401,F403  (round, ceil, acos, atan2, lerp, addcmul, xlogy, ...)
from .ops.shape_more import *  # noqa: E402,F401,F403  (hstack, vstack, tile, roll, meshgrid, diff, cross, ...)
from .ops.activations_more import celu, hardshrink, prelu, selu, threshold  # noqa: E402  (torch.selu ...)
from .ops.losses_more import cosine_similarity, pairwise_distance  # noqa: E402  (torch.cosine_similarity ...)
from .ops.normalization_more import group_norm, instance_norm, rms_norm  # noqa: E402  (torch.group_norm ...)
