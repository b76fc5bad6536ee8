"""nn.MultiheadAttention, F.scaled_dot_product_attention and the Transformer encoder against
PyTorch: parameters after ``manual_seed``, the printed module, outputs, attention weights, the
gradients of every parameter and input, and the shape errors.

Graphs compared: MultiheadAttention with ``need_weights=True`` and no mask, node for node.
With a mask PyTorch adds it inside one ``baddbmm`` (``BaddbmmBackward0``), here by ``+`` after
``bmm``; with ``need_weights=False`` and in ``scaled_dot_product_attention`` PyTorch's CPU runs
a fused flash-attention kernel (``ScaledDotProductFlashAttentionForCpuBackward0``, its softmax
computed block by block): values and gradients only there, to float rounding.

Tolerance (``compare_module``): 1e-13 (float64) or 2e-6 (float32) of each tensor's largest
magnitude; measured worst cases 1.1e-15 and 6.4e-7 (a few float32 epsilons through the
projections, the softmax and PyTorch's blocked flash kernel).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from tests.harness import raises_same, rng
from tests.nn.test_recurrent import LIBS, compare_module

torch = pytest.importorskip("torch")

T, S, B, E, HEADS = 4, 5, 3, 12, 2  # target and source lengths, batch, embedding (head_dim 6), heads: distinct


def arr(*shape, seed=0):
    return rng(seed).standard_normal(shape)


def bool_mask(*shape, seed=3):
    """A random boolean mask whose first row is all True (masked / not attended) or all False."""
    return rng(seed).random(shape) < 0.3


def _mask(lib, m, like):
    """A numpy mask as a tensor: bool stays bool, a float one takes the inputs' dtype."""
    if m is None:
        return None
    return lib.tensor(m) if m.dtype == bool else lib.tensor(m, dtype=like.dtype)


def self_attention(kpm=None, mask=None, **kw):
    """query, key and value one tensor (PyTorch then projects them in one product)."""
    def call(lib, model, x):
        return model(x, x, x, key_padding_mask=_mask(lib, kpm, x), attn_mask=_mask(lib, mask, x), **kw)
    return call


def cross_attention(kpm=None, mask=None, **kw):
    """key and value one tensor, query another (the encoder-decoder case)."""
    def call(lib, model, q, kv):
        return model(q, kv, kv, key_padding_mask=_mask(lib, kpm, q), attn_mask=_mask(lib, mask, q), **kw)
    return call


def separate(kpm=None, mask=None, **kw):
    def call(lib, model, q, k, v):
        return model(q, k, v, key_padding_mask=_mask(lib, kpm, q), attn_mask=_mask(lib, mask, q), **kw)
    return call


MHA = lambda **kw: (lambda nn: nn.MultiheadAttention(E, HEADS, **kw))  # noqa: E731

CASES = [  # (id, make, call, arrays, graph compared)
    ("self", MHA(), self_attention(), [arr(T, B, E)], True),
    ("self_per_head_weights", MHA(), self_attention(average_attn_weights=False), [arr(T, B, E)], True),
    ("self_batch_first", MHA(batch_first=True), self_attention(), [arr(B, T, E)], True),
    ("self_unbatched", MHA(), self_attention(), [arr(T, E)], True),
    ("self_no_bias", MHA(bias=False), self_attention(), [arr(T, B, E)], True),
    ("cross", MHA(), cross_attention(), [arr(T, B, E), arr(S, B, E, seed=1)], True),
    ("cross_batch_first", MHA(batch_first=True), cross_attention(), [arr(B, T, E), arr(B, S, E, seed=1)], True),
    ("separate", MHA(), separate(), [arr(T, B, E), arr(S, B, E, seed=1), arr(S, B, E, seed=2)], True),
    ("kdim_vdim", MHA(kdim=3, vdim=5), separate(), [arr(T, B, E), arr(S, B, 3, seed=1), arr(S, B, 5, seed=2)],
     True),
    ("bias_kv_zero_attn", MHA(add_bias_kv=True, add_zero_attn=True), cross_attention(),
     [arr(T, B, E), arr(S, B, E, seed=1)], True),
    ("key_padding_mask", MHA(), cross_attention(kpm=bool_mask(B, S)), [arr(T, B, E), arr(S, B, E, seed=1)], False),
    ("attn_mask_2d_bool", MHA(), cross_attention(mask=bool_mask(T, S)), [arr(T, B, E), arr(S, B, E, seed=1)],
     False),
    ("attn_mask_3d_float", MHA(), cross_attention(mask=arr(B * HEADS, T, S, seed=4)),
     [arr(T, B, E), arr(S, B, E, seed=1)], False),
    ("both_masks_bias_kv", MHA(add_bias_kv=True), cross_attention(kpm=bool_mask(B, S), mask=bool_mask(T, S, seed=5)),
     [arr(T, B, E), arr(S, B, E, seed=1)], False),
    ("causal", MHA(), self_attention(mask=np.triu(np.ones((T, T), bool), 1), is_causal=True), [arr(T, B, E)], False),
    ("no_weights", MHA(), self_attention(need_weights=False), [arr(T, B, E)], False),
    ("no_weights_masks", MHA(batch_first=True), cross_attention(kpm=bool_mask(B, S), mask=arr(T, S, seed=6),
                                                                need_weights=False),
     [arr(B, T, E), arr(B, S, E, seed=1)], False),
    ("no_weights_causal", MHA(), self_attention(mask=np.triu(np.ones((T, T), bool), 1), is_causal=True,
                                                need_weights=False), [arr(T, B, E)], False),
    ("unbatched_masks", MHA(), cross_attention(kpm=bool_mask(S), mask=bool_mask(HEADS, T, S)),
     [arr(T, E), arr(S, E, seed=1)], False),
    ("eval_dropout", lambda nn: nn.MultiheadAttention(E, HEADS, dropout=0.5).eval(), self_attention(),
     [arr(T, B, E)], True),
]


@pytest.mark.filterwarnings("ignore:Support for mismatched key_padding_mask")  # (no_weights_masks: both warn)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_multihead_attention(case, dtype):
    _, make, call, arrays, graph = case
    compare_module(make, call, arrays, dtype, graph=graph and dtype == np.float64,
                   tol=None if dtype == np.float64 else 2e-6)


def test_fully_masked_query_gives_nan_weights():
    """A key_padding_mask hiding every key of a sequence: softmax of only -inf, NaN in both
    (``scaled_dot_product_attention`` instead gives zeros, below)."""
    kpm = np.zeros((B, S), bool)
    kpm[1] = True
    compare_module(MHA(), cross_attention(kpm=kpm), [arr(T, B, E), arr(S, B, E, seed=1)], graph=False)


def test_fast_path_values():
    """eval() + no_grad + batch_first self-attention: PyTorch's fused fast path; the same values."""
    outs = []
    for lib in LIBS:
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(E, HEADS, batch_first=True).eval()
        x = lib.tensor(arr(B, T, E).astype(np.float32))
        with lib.no_grad():
            outs.append([t.numpy() for t in m(x, x, x)])
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


MODELS = [MHA(), MHA(bias=False, batch_first=True), MHA(kdim=3, vdim=5), MHA(add_bias_kv=True, dropout=0.1),
          lambda nn: nn.MultiheadAttention(E, 4, add_bias_kv=True)]


@pytest.mark.parametrize("make", MODELS)
def test_parameters_and_repr(make):
    """PyTorch's draws (Xavier-uniform projections, zero biases, Linear's out_proj weight,
    Xavier-normal bias_k/v), names and repr."""
    models = []
    for lib in LIBS:
        lib.manual_seed(2)
        models.append(make(lib.nn))
    ours, theirs = models
    assert repr(ours) == repr(theirs)
    named, expected = dict(ours.named_parameters()), dict(theirs.named_parameters())
    assert list(named) == list(expected)
    for name, p in named.items():
        assert np.array_equal(p.detach().numpy(), expected[name].detach().numpy()), name
    assert list(ours.state_dict()) == list(theirs.state_dict())


SDPA_CASES = [  # (id, shapes of q, k, v, keyword arguments built from lib and q)
    ("plain", [(B, HEADS, T, 6), (B, HEADS, S, 6), (B, HEADS, S, 7)], lambda lib, q: {}),
    ("3d", [(B, T, 6), (B, S, 6), (B, S, 6)], lambda lib, q: {}),
    ("scale", [(B, HEADS, T, 6), (B, HEADS, S, 6), (B, HEADS, S, 6)], lambda lib, q: {"scale": 0.3}),
    ("causal", [(B, HEADS, T, 6), (B, HEADS, T, 6), (B, HEADS, T, 6)], lambda lib, q: {"is_causal": True}),
    ("bool_mask", [(B, HEADS, T, 6), (B, HEADS, S, 6), (B, HEADS, S, 6)],
     lambda lib, q: {"attn_mask": lib.tensor(~bool_mask(T, S))}),
    ("float_mask", [(B, HEADS, T, 6), (B, HEADS, S, 6), (B, HEADS, S, 6)],
     lambda lib, q: {"attn_mask": lib.tensor(arr(B, 1, T, S, seed=9), dtype=q.dtype)}),
    ("fully_masked_row", [(B, HEADS, T, 6), (B, HEADS, S, 6), (B, HEADS, S, 6)],
     lambda lib, q: {"attn_mask": lib.tensor(np.arange(T)[:, None] + np.zeros((1, S), int) > 0)}),
    ("gqa", [(B, 4, T, 6), (B, 2, S, 6), (B, 2, S, 6)], lambda lib, q: {"enable_gqa": True}),
    ("causal_and_mask", [(B, HEADS, T, 6), (B, HEADS, T, 6), (B, HEADS, T, 6)],
     lambda lib, q: {"attn_mask": lib.tensor(~bool_mask(T, T)), "is_causal": True}),
    ("float32_mask_float64_query", [(B, HEADS, T, 6), (B, HEADS, S, 6), (B, HEADS, S, 6)],
     lambda lib, q: {"attn_mask": lib.tensor(arr(T, S, seed=9), dtype=lib.float32)}),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", SDPA_CASES, ids=[c[0] for c in SDPA_CASES])
def test_scaled_dot_product_attention(case, dtype):
    """Values and gradients of q, k, v (the graph is PyTorch's fused kernel: not compared)."""
    _, shapes, kwargs = case

    def call(lib, model, q, k, v):
        return lib.nn.functional.scaled_dot_product_attention(q, k, v, **kwargs(lib, q))
    arrays = [arr(*s, seed=i) for i, s in enumerate(shapes)]
    compare_module(lambda nn: nn.Identity(), call, arrays, dtype, graph=False,
                   tol=None if dtype == np.float64 else 2e-6)


def _z(lib, *shape, dtype=None):
    return lib.zeros(*shape, dtype=dtype)


def _sdpa(lib, *args, **kwargs):
    return lib.nn.functional.scaled_dot_product_attention(*args, **kwargs)


ERRORS = [
    ("embed_dim_zero", lambda lib: lib.nn.MultiheadAttention(0, 2)),
    ("not_divisible", lambda lib: lib.nn.MultiheadAttention(E, 5)),
    ("query_4d", lambda lib: lib.nn.MultiheadAttention(E, 2)(*(_z(lib, 1, T, B, E),) * 3)),
    ("key_2d_for_batched", lambda lib: lib.nn.MultiheadAttention(E, 2)(_z(lib, T, B, E), _z(lib, S, E),
                                                                        _z(lib, S, E))),
    ("key_3d_for_unbatched", lambda lib: lib.nn.MultiheadAttention(E, 2)(_z(lib, T, E), _z(lib, S, B, E),
                                                                          _z(lib, S, B, E))),
    ("embed_dim", lambda lib: lib.nn.MultiheadAttention(E, 2)(*(_z(lib, T, B, E + 2),) * 3)),
    ("key_value_shapes", lambda lib: lib.nn.MultiheadAttention(E, 2)(_z(lib, T, B, E), _z(lib, S, B, E),
                                                                      _z(lib, S + 1, B, E))),
    ("kpm_dims", lambda lib: lib.nn.MultiheadAttention(E, 2)(*(_z(lib, T, B, E),) * 3,
                                                             key_padding_mask=_z(lib, B, T, 1, dtype=lib.bool))),
    ("kpm_size", lambda lib: lib.nn.MultiheadAttention(E, 2)(*(_z(lib, T, B, E),) * 3,
                                                             key_padding_mask=_z(lib, B, T + 1, dtype=lib.bool))),
    ("mask_2d_size", lambda lib: lib.nn.MultiheadAttention(E, 2)(*(_z(lib, T, B, E),) * 3,
                                                                 attn_mask=_z(lib, T, T + 1, dtype=lib.bool))),
    ("mask_3d_size", lambda lib: lib.nn.MultiheadAttention(E, 2)(*(_z(lib, T, B, E),) * 3,
                                                                 attn_mask=_z(lib, B, T, T))),
    ("mask_4d", lambda lib: lib.nn.MultiheadAttention(E, 2)(*(_z(lib, T, B, E),) * 3,
                                                            attn_mask=_z(lib, 1, B, T, T))),
    ("mask_int", lambda lib: lib.nn.MultiheadAttention(E, 2)(*(_z(lib, T, B, E),) * 3,
                                                             attn_mask=_z(lib, T, T, dtype=lib.int64))),
    ("causal_without_mask", lambda lib: lib.nn.MultiheadAttention(E, 2)(*(_z(lib, T, B, E),) * 3, is_causal=True)),
    ("sdpa_dtypes", lambda lib: _sdpa(lib, _z(lib, 1, 2, 3, 4, dtype=lib.float64), _z(lib, 1, 2, 3, 4),
                                      _z(lib, 1, 2, 3, 4, dtype=lib.float64))),
    ("sdpa_1d", lambda lib: _sdpa(lib, _z(lib, 4), _z(lib, 4), _z(lib, 4))),
    ("sdpa_int_mask", lambda lib: _sdpa(lib, *(_z(lib, 1, 2, 3, 4),) * 3, attn_mask=_z(lib, 3, 3, dtype=lib.int32))),
    ("sdpa_float64_mask", lambda lib: _sdpa(lib, *(_z(lib, 1, 2, 3, 4),) * 3,
                                            attn_mask=_z(lib, 3, 3, dtype=lib.float64))),
    ("sdpa_gqa_heads", lambda lib: _sdpa(lib, _z(lib, 1, 3, 3, 4), *(_z(lib, 1, 2, 3, 4),) * 2, enable_gqa=True)),
    ("sdpa_feature_sizes", lambda lib: _sdpa(lib, _z(lib, 1, 2, 3, 4), _z(lib, 1, 2, 3, 5), _z(lib, 1, 2, 3, 4))),
    ("sdpa_heads_without_gqa", lambda lib: _sdpa(lib, _z(lib, 1, 4, 3, 4), *(_z(lib, 1, 2, 3, 4),) * 2)),
]


@pytest.mark.parametrize("fn", [e[1] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_errors(fn):
    """PyTorch's exception type and message, word for word."""
    raises_same(fn)


def test_mismatched_mask_types_warn():
    """A bool key_padding_mask beside a float attn_mask: PyTorch's deprecation warning, in both."""
    texts = []
    for lib in LIBS:
        m = lib.nn.MultiheadAttention(E, 2)
        x = lib.zeros(T, B, E)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m(x, x, x, key_padding_mask=lib.zeros(B, T, dtype=lib.bool), attn_mask=lib.zeros(T, T))
        texts.append(sorted({str(x.message) for x in w}))
    assert texts[0] == texts[1] and texts[0]


# --- TransformerEncoderLayer / TransformerEncoder ------------------------------------------------
# (Graphs not compared: the attention inside runs with need_weights=False, PyTorch's fused kernel.)

def _causal(lib, size):
    return lib.full((size, size), float("-inf")).triu(1)


def encoder_call(mask=None, kpm=None, causal_mask=False, **kw):
    def call(lib, model, x):
        src_mask = _causal(lib, x.shape[1 if model_batch_first(model) else 0]).to(x.dtype) if causal_mask else \
            _mask(lib, mask, x)
        return model(x, src_mask, src_key_padding_mask=_mask(lib, kpm, x), **kw)
    return call


def model_batch_first(model) -> bool:
    layer = model.layers[0] if hasattr(model, "layers") else model
    return layer.self_attn.batch_first


LAYER = lambda **kw: (lambda nn: nn.TransformerEncoderLayer(E, HEADS, dim_feedforward=10, dropout=0.0, **kw))  # noqa: E731
ENCODER_CASES = [  # (id, make, call, input shape)
    ("post_norm", LAYER(), encoder_call(), (T, B, E)),
    ("norm_first_gelu", LAYER(norm_first=True, activation="gelu"), encoder_call(), (T, B, E)),
    ("callable_activation_batch_first", LAYER(activation=lambda x: x.tanh(), batch_first=True), encoder_call(),
     (B, T, E)),
    ("no_bias_unbatched", LAYER(bias=False), encoder_call(), (T, E)),
    ("masks", LAYER(), encoder_call(mask=bool_mask(T, T), kpm=bool_mask(B, T, seed=8)), (T, B, E)),
    ("eval_default_dropout", lambda nn: nn.TransformerEncoderLayer(E, HEADS, 10).eval(), encoder_call(), (T, B, E)),
    ("encoder_with_norm", lambda nn: nn.TransformerEncoder(LAYER()(nn), 2, nn.LayerNorm(E), enable_nested_tensor=False),
     encoder_call(), (T, B, E)),
    ("encoder_causal_detected", lambda nn: nn.TransformerEncoder(LAYER(batch_first=True)(nn), 2),
     encoder_call(causal_mask=True), (B, T, E)),
    ("encoder_causal_and_padding", lambda nn: nn.TransformerEncoder(LAYER()(nn), 2, enable_nested_tensor=False),
     encoder_call(causal_mask=True, kpm=bool_mask(B, T, seed=8), is_causal=True), (T, B, E)),
]


@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
@pytest.mark.filterwarnings("ignore:Support for mismatched src_key_padding_mask")  # (both warn: bool beside float)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", ENCODER_CASES, ids=[c[0] for c in ENCODER_CASES])
def test_transformer_encoder(case, dtype):
    """Outputs and every gradient (parameters, input) after the same seed."""
    _, make, call, shape = case
    compare_module(make, call, [arr(*shape)], dtype, graph=False, tol=None if dtype == np.float64 else 4e-6)


@pytest.mark.parametrize("make", [LAYER(), LAYER(norm_first=True, bias=False, activation="gelu"),
                                  lambda nn: nn.TransformerEncoder(nn.TransformerEncoderLayer(E, HEADS), 3,
                                                                   nn.LayerNorm(E))])
def test_transformer_parameters_and_repr(make):
    """PyTorch's draws in its order (attention, linear1, linear2; layer norms), names, repr;
    an encoder's layers are copies of the one given."""
    models = []
    for lib in LIBS:
        lib.manual_seed(4)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            models.append(make(lib.nn))
    ours, theirs = models
    assert repr(ours) == repr(theirs)
    named, expected = dict(ours.named_parameters()), dict(theirs.named_parameters())
    assert list(named) == list(expected)
    for name, p in named.items():
        assert np.array_equal(p.detach().numpy(), expected[name].detach().numpy()), name


@pytest.mark.parametrize("kw", [{}, {"batch_first": True}, {"batch_first": True, "norm_first": True},
                                {"batch_first": True, "bias": False}, {"batch_first": True, "activation": abs}])
def test_encoder_nested_tensor_warning(kw):
    """PyTorch warns at construction why it cannot use nested tensors (or does not): the same text."""
    texts = []
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(E, HEADS, **kw), 2)
        texts.append([str(x.message) for x in w])
    assert texts[0] == texts[1]


def test_activation_error():
    raises_same(lambda lib: lib.nn.TransformerEncoderLayer(E, HEADS, activation="tanh"))
