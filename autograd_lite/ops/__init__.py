"""Every operation, one file per family; each op attaches itself to Tensor where it is defined.

Each op is a ``Function`` (see ``function.py``): ``forward`` computes with numpy on
``x._data``; ``backward`` is PyTorch's derivative formula (``derivatives.yaml``) written
with autograd_lite operations, so it can itself be differentiated (``create_graph=True``).
When an input was broadcast, ``backward`` may return a gradient of the broadcast shape:
the engine sums it back to the input's shape.

- ``arithmetic.py``   add, sub, mul (``Mul``, the book's example), div, pow
- ``unary.py``        exp (``Exp``), log, sqrt, trigonometry, abs, clamp, sign, floor
- ``activations.py``  tanh, sigmoid, relu, softmax, log_softmax
- ``comparison.py``   eq/lt/..., logical ops, isnan/isclose, ``where``, masked_fill
- ``reductions.py``   sum, mean, var/std, prod, max/min, norm, cumsum/cumprod, sort/topk, arg*
- ``shape.py``        views (view, expand, permute, ...), cat/stack/split, clone, ``to``
- ``indexing.py``     ``x[...]``, gather/scatter, index_select, unique
- ``linalg.py``       mm, addmm, mv, dot, bmm, matmul, einsum
- ``inplace.py``      ``add_`` and friends, ``x[i] = v``, fill_/copy_/zero_
- ``losses.py``, ``normalization.py``, ``convolution.py``   what ``nn.functional`` exposes
- ``saved.py``        PyTorch's names for what each node saves (``grad_fn._saved_dim`` ...)

The package's order is its dependency order: each file imports only files listed above it
in ``_ORDER`` below and the core (``tensor``, ``function``, ``dtypes``, ``errors``, ``views``).
"""
from .comparison import (
    allclose, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, eq, equal, ge, greater, greater_equal, gt, isclose, isfinite, isinf, isnan, le, less,
    less_equal, logical_and, logical_not, logical_or, logical_xor, lt, masked_fill, MaskedFill, MaskedFillTensor,
    ne, not_equal, Where, where)
from .arithmetic import (
    _save_operands, Add, add, Div, div, divide, DivMode, DivScalar, floor_divide, Maximum, maximum, Minimum, minimum,
    Mul, mul, MulScalar, multiply, Neg, neg, negative, Pow, pow, PowScalarBase, PowTensor, Reciprocal, reciprocal,
    remainder, Rsub, rsub, square, Sub, sub, subtract, true_divide)
from .unary import (
    Abs, abs, absolute, Atan, atan, Clamp, clamp, clamp_max, clamp_min, clip, Cos, cos, Cosh, cosh, Erf, erf, Exp,
    exp, Expm1, expm1, Floor, floor, Log, log, Log1p, log1p, rsqrt, Sgn, sgn, Sign, sign, Sin, sin, Sinh, sinh, Sqrt,
    sqrt, Tan, tan)
from .unary import Log10, log10, Log2, log2
from .activations import (
    Elu, elu, Gelu, gelu, leaky_relu, LeakyRelu, LeakyReluBackward, log_softmax, LogSoftmax, LogSoftmaxBackwardOp,
    Relu, relu, Sigmoid, sigmoid, sigmoid_backward, SigmoidBackwardOp, Silu, silu, Softmax, softmax,
    SoftmaxBackwardOp, Softplus, softplus, Tanh, tanh, tanh_backward, TanhBackwardOp, ThresholdBackward)
from .shape import (
    broadcast_to, Cat, cat, chunk, Clone, clone, concat, concatenate, contiguous, Expand, expand, expand_as,
    flatten, Flip, flip, IndexBackward, is_floating_point, is_tensor, moveaxis, movedim, narrow, numel, Permute, permute,
    Repeat, repeat,
    reshape, reshape_as, Select, select, Slice, split, Squeeze, squeeze, SqueezeDim, SqueezeDims, SqueezeInPlace,
    Stack, stack, swapaxes, swapdims, T, t, to, to_dtype, ToCopy, Transpose, transpose, Tril, tril, Triu, triu,
    Unbind, unbind, unflatten, UnsafeView, Unsqueeze, unsqueeze, View, view, view_as)
from .indexing import (
    embedding, EmbeddingLookup, Gather, gather, getitem, Index, index_add, index_select, IndexAdd, IndexPut,
    IndexSelect,
    nonzero, Scatter, scatter, ScatterAdd, ScatterValue, Unique, unique)
from .reductions import (
    all, Amax, amax, Amin, amin, any, argmax, argmin, argsort, count_nonzero, Cumprod, cumprod, Cumsum, cumsum,
    Logsumexp, logsumexp, max, MaxAll, MaxDim, Mean, mean, MeanDim, min, MinAll, MinDim, Nansum, nansum, Norm, norm, Prod, prod,
    ProdDim, Sort, sort, Std, std, Sum, sum, sum_to_size, SumDim, Topk, topk, Var, var)
from .reductions import histc, Histogram, histogram
from .linalg import (
    Addmm, addmm, Bmm, bmm, Diagonal, Dot, dot, einsum, inner, matmul, Mm, mm, Mv, mv, outer)
from .inplace import (
    add_, AsStrided, clamp_, Copy, copy_, CopySlices, div_, exp_, Fill, fill_, FillTensor, masked_fill_, mul_, neg_,
    normal_, pow_, random_, relu_, scatter_, setitem, sub_, uniform_, Zero, zero_)
from .inplace import as_strided, bernoulli, bernoulli_, Bernoulli
from .linalg import diag, DiagEmbed, diagonal, DiagonalCopy, trace, Trace
from .inplace import index_add_
from .inplace import (
    abs_, absolute_, atan_, clamp_max_, clamp_min_, clip_, cos_, cosh_, erf_, expm1_, floor_, log10_, log1p_, log2_,
    log_, negative_, reciprocal_, rsqrt_, sigmoid_, sign_, sin_, sinh_, sqrt_, square_, tan_, tanh_)
from .losses import (
    binary_cross_entropy, binary_cross_entropy_with_logits, BinaryCrossEntropy, BinaryCrossEntropyWithLogits,
    cross_entropy, l1_loss, mse_loss, MseLoss, nll_loss, NllLoss)
from .normalization import (
    batch_norm, layer_norm, NativeBatchNorm, NativeLayerNorm)
from .convolution import (
    adaptive_avg_pool2d, AdaptiveAvgPool, avg_pool2d, AvgPool, conv2d, Convolution, max_pool2d, MaxPool)
from . import saved  # noqa: E402,F401  (registers the nodes' _saved_* names)

_ORDER = ("_common", "comparison", "arithmetic", "activations", "shape", "indexing", "unary", "reductions", "linalg",
          "inplace", "losses", "normalization", "convolution", "saved", "pointwise_more", "shape_more")
from .pointwise_more import *  # noqa: E402,F401,F403  (rounding, inverse trigonometry, lerp, addcmul, ...: see its __all__)
from .shape_more import *  # noqa: E402,F401,F403  (hstack, tile, roll, meshgrid, tensor_split, ...: see its __all__)
_ORDER += ("activations_more", "losses_more", "normalization_more")  # (appended: the families added in phase 6)
