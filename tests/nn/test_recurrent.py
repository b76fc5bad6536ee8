"""nn.RNN / LSTM / GRU and their cells against PyTorch: parameters drawn after ``manual_seed``
(names, shapes, values to the bit), the printed module, outputs and final states, the gradients
of every parameter, of the input and of hx, and the errors for wrong shapes.

The recorded graph is compared node for node (``graph_signature``, the whole graph) wherever
PyTorch runs its composite CPU kernels: every cell, RNN and GRU in both dtypes, LSTM in float64.
A float32 LSTM is the exception: PyTorch hands it to oneDNN (one ``MkldnnRnnLayerBackward0``
node per layer, gates computed in its own fused order), so there only values and gradients are
compared, to float32 rounding (see ``compare_model`` for the tolerance and the measured figures).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_lite
from tests.harness import arrays, compare, graph_signature, layout_of, raises_same, rng

torch = pytest.importorskip("torch")

LIBS = (autograd_lite, torch)


def _flat(out) -> list:
    """An RNN's (output, h_n) or (output, (h_n, c_n)), a cell's h or (h, c), attention's
    (output, weights or None): a flat list."""
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [out]


def run(lib, make, call, arrays, dtype, seed=0):
    """Build ``make(lib.nn)`` after ``manual_seed(seed)`` in ``dtype``, run ``call(lib, model, *leaves)``
    on the arrays as leaves that require grad, backpropagate the same random weighting of every output."""
    lib.manual_seed(seed)
    model = make(lib.nn).to(getattr(lib, np.dtype(dtype).name))
    leaves = [lib.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    outs = _flat(call(lib, model, *leaves))
    r = rng(7)
    total = sum((o * lib.tensor(r.standard_normal(tuple(o.shape)).astype(dtype))).sum()
                for o in outs if o is not None and o.requires_grad)
    total.backward()
    return model, outs, leaves


def assert_close(got: np.ndarray, expected: np.ndarray, tol: float, what: str = "") -> None:
    """Every element within ``tol`` times the tensor's largest magnitude: float32 rounding noise
    (a few ulps of the sums inside) passes, a wrong formula or a misplaced weight does not."""
    assert got.shape == expected.shape, what
    scale = float(np.abs(expected[np.isfinite(expected)]).max()) if np.isfinite(expected).any() else 0.0
    np.testing.assert_allclose(got, expected, rtol=0, atol=tol * scale, err_msg=what)


def compare_module(make, call, arrays, dtype=np.float64, graph=True, tol=None):
    """Outputs (values, dtype, shape, flags and, if ``graph``, the whole recorded graph), every
    parameter's gradient and the leaves' in both libraries.

    Tolerance: 1e-13 (float64) or 1e-6 (float32) of each tensor's largest magnitude. Measured
    worst cases over the recurrent tables: 3.3e-7 (float32) for outputs and gradients alike -
    about 3 float32 epsilons, the last-bit differences of float32 matmul (numpy's BLAS against
    PyTorch's gemm; the accumulation order differs) and of float32 tanh carried through the
    steps. The step formulas are PyTorch's own operation for operation (e.g. GRU's
    h' = (h - n) z + n, not the documented (1 - z) n + z h, which PyTorch does not compute bit
    for bit); float64 agrees to 1e-13 with identical graphs.
    """
    (m1, outs1, leaves1), (m2, outs2, leaves2) = (run(lib, make, call, arrays, dtype) for lib in LIBS)
    tol = tol or (1e-13 if dtype == np.float64 else 1e-6)
    assert len(outs1) == len(outs2)
    for o1, o2 in zip(outs1, outs2):
        assert (o1 is None) == (o2 is None)
        if o2 is None:
            continue
        assert str(o1.dtype) == str(o2.dtype) and tuple(o1.shape) == tuple(o2.shape)
        assert_close(o1.detach().numpy(), o2.detach().numpy(), tol)
        assert np.array_equal(np.isnan(o1.detach().numpy()), np.isnan(o2.detach().numpy()))
        assert o1.requires_grad == o2.requires_grad and o1.is_leaf == o2.is_leaf
        if graph:
            assert graph_signature(o1.grad_fn) == graph_signature(o2.grad_fn)
    named1, named2 = dict(m1.named_parameters()), dict(m2.named_parameters())
    assert list(named1) == list(named2)
    for (name, p1), t in zip(list(named1.items()) + list(enumerate(leaves1)),
                             list(named2.values()) + leaves2):
        assert (p1.grad is None) == (t.grad is None), name
        if t.grad is not None:
            assert_close(p1.grad.numpy(), t.grad.numpy(), tol, str(name))
    return outs1, outs2


def compare_model(make, x, hx=None, dtype=np.float64, graph=True):
    """``compare_module`` for a recurrent layer or cell on ``x`` and ``hx`` (None, an array or a pair)."""
    pair = isinstance(hx, tuple)
    arrays = [x] + ([] if hx is None else list(hx) if pair else [hx])

    def call(lib, model, x, *hs):
        return model(x) if not hs else model(x, tuple(hs) if pair else hs[0])
    return compare_module(make, call, arrays, dtype, graph)


L, N, IN, H = 4, 3, 5, 6  # sequence length, batch, input and hidden sizes: all distinct


def arr(*shape, seed=0):
    return rng(seed).standard_normal(shape)


SEQ_CASES = [  # (id, make, input shape, hx shapes or None)
    ("rnn", lambda nn: nn.RNN(IN, H), (L, N, IN), None),
    ("rnn_hx", lambda nn: nn.RNN(IN, H), (L, N, IN), (1, N, H)),
    ("rnn_relu", lambda nn: nn.RNN(IN, H, nonlinearity="relu"), (L, N, IN), (1, N, H)),
    ("rnn_relu_positional", lambda nn: nn.RNN(IN, H, 1, "relu"), (L, N, IN), None),
    ("rnn_no_bias", lambda nn: nn.RNN(IN, H, bias=False), (L, N, IN), (1, N, H)),
    ("rnn_batch_first", lambda nn: nn.RNN(IN, H, batch_first=True), (N, L, IN), (1, N, H)),
    ("rnn_2_layers_bidirectional", lambda nn: nn.RNN(IN, H, num_layers=2, bidirectional=True), (L, N, IN),
     (4, N, H)),
    ("rnn_unbatched", lambda nn: nn.RNN(IN, H, num_layers=2), (L, IN), (2, H)),
    ("rnn_unbatched_batch_first", lambda nn: nn.RNN(IN, H, batch_first=True), (L, IN), None),
    ("gru", lambda nn: nn.GRU(IN, H), (L, N, IN), None),
    ("gru_hx", lambda nn: nn.GRU(IN, H), (L, N, IN), (1, N, H)),
    ("gru_no_bias_batch_first", lambda nn: nn.GRU(IN, H, bias=False, batch_first=True), (N, L, IN), (1, N, H)),
    ("gru_3_layers_bidirectional", lambda nn: nn.GRU(IN, H, 3, bidirectional=True, batch_first=True), (N, L, IN),
     (6, N, H)),
    ("gru_unbatched", lambda nn: nn.GRU(IN, H, bidirectional=True), (L, IN), (2, H)),
    ("lstm", lambda nn: nn.LSTM(IN, H), (L, N, IN), None),
    ("lstm_hx", lambda nn: nn.LSTM(IN, H), (L, N, IN), ((1, N, H), (1, N, H))),
    ("lstm_no_bias", lambda nn: nn.LSTM(IN, H, bias=False), (L, N, IN), ((1, N, H), (1, N, H))),
    ("lstm_2_layers_bidirectional_batch_first", lambda nn: nn.LSTM(IN, H, 2, batch_first=True, bidirectional=True),
     (N, L, IN), ((4, N, H), (4, N, H))),
    ("lstm_unbatched", lambda nn: nn.LSTM(IN, H, 2), (L, IN), ((2, H), (2, H))),
    ("lstm_unbatched_default_hx", lambda nn: nn.LSTM(IN, H, bidirectional=True), (L, IN), None),
    ("lstm_proj", lambda nn: nn.LSTM(IN, H, 2, proj_size=2, bidirectional=True), (L, N, IN),
     ((4, N, 2), (4, N, H))),
]


def _arrays(shape, hx):
    x = arr(*shape)
    if hx is None:
        return x, None
    if isinstance(hx[0], tuple):
        return x, tuple(arr(*s, seed=i + 1) for i, s in enumerate(hx))
    return x, arr(*hx, seed=1)


@pytest.mark.parametrize("case", SEQ_CASES, ids=[c[0] for c in SEQ_CASES])
def test_sequence_float64(case):
    """Values, the whole recorded graph, and every gradient, in float64."""
    _, make, shape, hx = case
    compare_model(make, *_arrays(shape, hx))


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")  # (PyTorch's, once)
@pytest.mark.parametrize("case", SEQ_CASES, ids=[c[0] for c in SEQ_CASES])
def test_sequence_float32(case):
    """float32, the default: the graph too, except a float32 LSTM's (oneDNN's kernel in PyTorch)."""
    name, make, shape, hx = case
    onednn = name.startswith("lstm") and name != "lstm_proj"  # (with projections PyTorch keeps its own kernel)
    compare_model(make, *_arrays(shape, hx), dtype=np.float32, graph=not onednn)


CELL_CASES = [
    ("rnn_cell", lambda nn: nn.RNNCell(IN, H), (N, IN), (N, H)),
    ("rnn_cell_default_hx", lambda nn: nn.RNNCell(IN, H), (N, IN), None),
    ("rnn_cell_relu_no_bias", lambda nn: nn.RNNCell(IN, H, bias=False, nonlinearity="relu"), (N, IN), (N, H)),
    ("rnn_cell_unbatched", lambda nn: nn.RNNCell(IN, H), (IN,), (H,)),
    ("lstm_cell", lambda nn: nn.LSTMCell(IN, H), (N, IN), ((N, H), (N, H))),
    ("lstm_cell_default_hx", lambda nn: nn.LSTMCell(IN, H), (N, IN), None),
    ("lstm_cell_unbatched_no_bias", lambda nn: nn.LSTMCell(IN, H, bias=False), (IN,), ((H,), (H,))),
    ("gru_cell", lambda nn: nn.GRUCell(IN, H), (N, IN), (N, H)),
    ("gru_cell_default_hx", lambda nn: nn.GRUCell(IN, H), (N, IN), None),
    ("gru_cell_unbatched_no_bias", lambda nn: nn.GRUCell(IN, H, bias=False), (IN,), (H,)),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CELL_CASES, ids=[c[0] for c in CELL_CASES])
def test_cells(case, dtype):
    """The cells run PyTorch's composite kernels in both dtypes: values, graph and gradients."""
    _, make, shape, hx = case
    compare_model(make, *_arrays(shape, hx), dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_linear_of_transposed_input(dtype):
    """What a batch_first layer feeds ``F.linear``: a non-contiguous (seq, batch, features) input.
    PyTorch flattens only a contiguous one; this one goes through matmul, then the bias is added."""
    compare(lambda lib, x, w, b: lib.nn.functional.linear(x.transpose(0, 1), w, b),
            *arrays((N, L, IN), (H, IN), (H,), dtype=dtype), depth=4)


def test_cell_loop_matches_layer():
    """Unrolling LSTMCell over time with the layer's weights gives nn.LSTM's output (a check of
    ours against ours; the comparisons with PyTorch above cover each on its own)."""
    autograd_lite.manual_seed(0)
    layer, cell = autograd_lite.nn.LSTM(IN, H), autograd_lite.nn.LSTMCell(IN, H)
    cell.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})
    x = autograd_lite.tensor(arr(L, N, IN).astype(np.float32))
    out, (h_n, c_n) = layer(x)
    h = c = autograd_lite.zeros(N, H)
    for t in range(L):
        h, c = cell(x[t], (h, c))
        np.testing.assert_allclose(h.detach().numpy(), out[t].detach().numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(c.detach().numpy(), c_n[0].detach().numpy(), rtol=1e-6, atol=1e-7)


MODELS = [
    lambda nn: nn.RNN(IN, H),
    lambda nn: nn.RNN(IN, H, 3, "relu", False, True, 0.25, True),
    lambda nn: nn.GRU(IN, H, num_layers=2, bias=False, bidirectional=True),
    lambda nn: nn.LSTM(IN, H, num_layers=2, batch_first=True, dropout=0.5, bidirectional=True),
    lambda nn: nn.LSTM(IN, H, proj_size=3),
    lambda nn: nn.Sequential(nn.LSTM(IN, H), nn.GRU(H, 2)),
    lambda nn: nn.RNNCell(IN, H),
    lambda nn: nn.RNNCell(IN, H, bias=False, nonlinearity="relu"),
    lambda nn: nn.LSTMCell(IN, H),
    lambda nn: nn.GRUCell(IN, H, bias=False),
]


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("make", MODELS)
def test_parameters_and_repr(make, seed):
    """After manual_seed, PyTorch's parameters to the bit (names, order, shapes, values) and its repr."""
    models = []
    for lib in LIBS:
        lib.manual_seed(seed)
        models.append(make(lib.nn))
    ours, theirs = models
    assert repr(ours) == repr(theirs)
    named, expected = dict(ours.named_parameters()), dict(theirs.named_parameters())
    assert list(named) == list(expected)
    for name, p in named.items():
        assert str(p.dtype) == str(expected[name].dtype)
        assert np.array_equal(p.detach().numpy(), expected[name].detach().numpy()), name
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_float64_construction_draws():
    """``dtype=torch.float64`` draws in double precision (other numbers than float32's)."""
    for make in (lambda lib: lib.nn.LSTM(IN, H, dtype=lib.float64),
                 lambda lib: lib.nn.GRUCell(IN, H, dtype=lib.float64)):
        params = []
        for lib in LIBS:
            lib.manual_seed(5)
            params.append([p.detach().numpy() for p in make(lib).parameters()])
        assert all(a.dtype == np.float64 and np.array_equal(a, b) for a, b in zip(*params))


def test_all_weights():
    rows = []
    for lib in LIBS:
        m = lib.nn.GRU(IN, H, 2, bidirectional=True)
        rows.append([[tuple(p.shape) for p in ps] for ps in m.all_weights])
    assert rows[0] == rows[1]


def test_dropout_between_layers():
    """dropout=1 zeroes every layer's output but the last's: deterministic, so comparable (p < 1
    draws its mask from MKL's Bernoulli in PyTorch, not reproduced); eval() turns it off."""
    x = arr(L, N, IN)
    compare_model(lambda nn: nn.GRU(IN, H, 2, dropout=1.0), x)
    compare_model(lambda nn: nn.LSTM(IN, H, 3, dropout=0.5).eval(), x)


def test_dropout_changes_training_output():
    autograd_lite.manual_seed(0)
    m = autograd_lite.nn.RNN(IN, H, 2, dropout=0.5)
    x = autograd_lite.tensor(arr(L, N, IN).astype(np.float32))
    trained = m(x)[0]
    m.eval()
    assert not np.allclose(trained.detach().numpy(), m(x)[0].detach().numpy())


def test_empty_batch():
    """A batch of zero sequences runs (and gives empty outputs) in both."""
    compare_model(lambda nn: nn.LSTM(IN, H, bidirectional=True), np.zeros((L, 0, IN)), graph=True)


def test_dropout_warning():
    """dropout with one layer warns, with PyTorch's text."""
    texts = []
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.LSTM(IN, H, dropout=0.2)
        texts.append([str(x.message) for x in w if issubclass(x.category, UserWarning)])
    assert texts[0] == texts[1] and len(texts[0]) == 1


def _z(lib, *shape, dtype=None):
    return lib.zeros(*shape, dtype=dtype or lib.float32)


ERRORS = [
    ("rnn_1d_input", lambda lib: lib.nn.RNN(IN, H)(_z(lib, IN))),
    ("gru_4d_input", lambda lib: lib.nn.GRU(IN, H)(_z(lib, 1, L, N, IN))),
    ("lstm_4d_input", lambda lib: lib.nn.LSTM(IN, H)(_z(lib, 1, L, N, IN))),
    ("rnn_input_size", lambda lib: lib.nn.RNN(IN, H)(_z(lib, L, N, IN + 1))),
    ("lstm_input_size", lambda lib: lib.nn.LSTM(IN, H)(_z(lib, L, N, IN + 1))),
    ("rnn_hx_size", lambda lib: lib.nn.RNN(IN, H)(_z(lib, L, N, IN), _z(lib, 1, N + 1, H))),
    ("gru_hx_layers", lambda lib: lib.nn.GRU(IN, H, 2)(_z(lib, L, N, IN), _z(lib, 1, N, H))),
    ("rnn_hx_2d_for_batched", lambda lib: lib.nn.RNN(IN, H)(_z(lib, L, N, IN), _z(lib, N, H))),
    ("gru_hx_3d_for_unbatched", lambda lib: lib.nn.GRU(IN, H)(_z(lib, L, IN), _z(lib, 1, 1, H))),
    ("lstm_h_size", lambda lib: lib.nn.LSTM(IN, H)(_z(lib, L, N, IN), (_z(lib, 1, N, H + 1), _z(lib, 1, N, H)))),
    ("lstm_c_size", lambda lib: lib.nn.LSTM(IN, H)(_z(lib, L, N, IN), (_z(lib, 1, N, H), _z(lib, 2, N, H)))),
    ("lstm_hx_dims", lambda lib: lib.nn.LSTM(IN, H)(_z(lib, L, N, IN), (_z(lib, N, H), _z(lib, 1, N, H)))),
    ("lstm_hx_dims_unbatched", lambda lib: lib.nn.LSTM(IN, H)(_z(lib, L, IN), (_z(lib, 1, 1, H), _z(lib, 1, H)))),
    ("lstm_proj_h_size", lambda lib: lib.nn.LSTM(IN, H, proj_size=2)(_z(lib, L, N, IN),
                                                                      (_z(lib, 1, N, H), _z(lib, 1, N, H)))),
    ("rnn_dtype", lambda lib: lib.nn.RNN(IN, H)(_z(lib, L, N, IN, dtype=lib.float64))),
    ("lstm_dtype", lambda lib: lib.nn.LSTM(IN, H).double()(_z(lib, L, N, IN))),
    ("empty_sequence", lambda lib: lib.nn.GRU(IN, H)(_z(lib, 0, N, IN))),
    ("rnn_cell_3d", lambda lib: lib.nn.RNNCell(IN, H)(_z(lib, 1, N, IN))),
    ("gru_cell_hidden_3d", lambda lib: lib.nn.GRUCell(IN, H)(_z(lib, N, IN), _z(lib, 1, N, H))),
    ("lstm_cell_hx1_3d", lambda lib: lib.nn.LSTMCell(IN, H)(_z(lib, N, IN), (_z(lib, N, H), _z(lib, 1, N, H)))),
    ("rnn_cell_input_size", lambda lib: lib.nn.RNNCell(IN, H)(_z(lib, N, IN + 1))),
    ("gru_cell_input_size_with_hx", lambda lib: lib.nn.GRUCell(IN, H)(_z(lib, N, IN + 1), _z(lib, N, H))),
    ("rnn_cell_batch", lambda lib: lib.nn.RNNCell(IN, H)(_z(lib, N, IN), _z(lib, N + 1, H))),
    ("rnn_cell_hidden_size", lambda lib: lib.nn.RNNCell(IN, H)(_z(lib, N, IN), _z(lib, N, H + 1))),
    ("rnn_cell_unbatched_hidden", lambda lib: lib.nn.RNNCell(IN, H)(_z(lib, IN), _z(lib, N, H))),
    ("lstm_cell_c_batch", lambda lib: lib.nn.LSTMCell(IN, H)(_z(lib, N, IN), (_z(lib, N, H), _z(lib, N + 1, H)))),
    ("lstm_cell_c_size", lambda lib: lib.nn.LSTMCell(IN, H)(_z(lib, N, IN), (_z(lib, N, H), _z(lib, N, H + 1)))),
    ("rnn_cell_nonlinearity", lambda lib: lib.nn.RNNCell(IN, H, nonlinearity="gelu")(_z(lib, N, IN))),
    ("gru_cell_dtype", lambda lib: lib.nn.GRUCell(IN, H)(_z(lib, N, IN, dtype=lib.float64))),
    ("rnn_nonlinearity", lambda lib: lib.nn.RNN(IN, H, nonlinearity="gelu")),
    ("rnn_proj_size", lambda lib: lib.nn.RNN(IN, H, proj_size=2)),
    ("gru_proj_size", lambda lib: lib.nn.GRU(IN, H, proj_size=0)),
    ("dropout_range", lambda lib: lib.nn.LSTM(IN, H, dropout=1.5)),
    ("dropout_bool", lambda lib: lib.nn.LSTM(IN, H, dropout=True)),
    ("bias_type", lambda lib: lib.nn.GRU(IN, H, bias=1)),
    ("batch_first_type", lambda lib: lib.nn.GRU(IN, H, batch_first=None)),
    ("input_size_type", lambda lib: lib.nn.RNN(2.0, H)),
    ("input_size_zero", lambda lib: lib.nn.RNN(0, H)),
    ("hidden_size_type", lambda lib: lib.nn.RNN(IN, "6")),
    ("hidden_size_zero", lambda lib: lib.nn.RNN(IN, 0)),
    ("num_layers_zero", lambda lib: lib.nn.LSTM(IN, H, 0)),
    ("proj_size_negative", lambda lib: lib.nn.LSTM(IN, H, proj_size=-1)),
    ("proj_size_too_big", lambda lib: lib.nn.LSTM(IN, H, proj_size=H)),
]


@pytest.mark.parametrize("fn", [e[1] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_errors(fn):
    """PyTorch's exception type and message, word for word."""
    raises_same(fn)


def _train(lib, cell: str) -> tuple[list, str]:
    """Course-style code, unchanged between libraries: an embedding, a 2-layer batch_first
    recurrent layer, the last step's output into a linear classifier, Adam, five steps."""
    nn = lib.nn

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(20, IN)
            self.rnn = getattr(nn, cell)(IN, H, num_layers=2, batch_first=True, bidirectional=True)
            self.fc = nn.Linear(2 * H, 3)

        def forward(self, tokens):
            out, _ = self.rnn(self.embed(tokens))
            return self.fc(out[:, -1, :])

    lib.manual_seed(0)
    model = Classifier()
    opt = lib.optim.Adam(model.parameters(), lr=0.01)
    tokens = lib.tensor(rng(1).integers(0, 20, (N, L)))
    labels = lib.tensor(rng(2).integers(0, 3, N))
    losses = []
    for _ in range(5):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(tokens), labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses + [p.detach().numpy().copy() for p in model.parameters()], str(model)


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
def test_training_loop(cell):
    """Five Adam steps of a small sequence classifier: the same losses, printed model and final weights."""
    (ours, ours_repr), (theirs, theirs_repr) = (_train(lib, cell) for lib in LIBS)
    assert ours_repr == theirs_repr
    np.testing.assert_allclose(ours[:5], theirs[:5], rtol=1e-5)
    for a, b in zip(ours[5:], theirs[5:]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make", [lambda nn: nn.GRU(IN, H, batch_first=True),
                                  lambda nn: nn.LSTM(IN, H, batch_first=True),
                                  lambda nn: nn.RNN(IN, H, batch_first=True, bidirectional=True),
                                  lambda nn: nn.GRU(IN, H)])
def test_output_layout(make):
    """Strides, contiguity and view-ness of output and states: a batch_first result is PyTorch's
    transposed (non-contiguous) tensor, in place for RNN/GRU (no view), a view for LSTM."""
    seen = []
    for lib in LIBS:
        lib.manual_seed(0)
        out, h = make(lib.nn)(lib.zeros(N, L, IN))
        seen.append([(layout_of(t), t._base is not None) for t in [out, *_flat(h)]])
    assert seen[0] == seen[1]


@pytest.mark.parametrize("make", [lambda nn: nn.LSTM(IN, H, 2), lambda nn: nn.GRUCell(IN, H)])
def test_no_grad(make):
    """Under no_grad: PyTorch's values, nothing recorded."""
    outs = []
    for lib in LIBS:
        lib.manual_seed(0)
        model = make(lib.nn)
        with lib.no_grad():
            outs.append(_flat(model(lib.tensor(arr(L, IN).astype(np.float32)))))
    for o1, o2 in zip(*outs):
        assert not o1.requires_grad and o1.grad_fn is None and not o2.requires_grad
        assert_close(o1.numpy(), o2.numpy(), 1e-6)
