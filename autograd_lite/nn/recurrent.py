"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their one-step cells (mirror ``torch.nn``'s).

Every step is built from ops the engine already differentiates (``linear``, ``sigmoid``,
``tanh``, ``stack``, ``cat``...), in the order of PyTorch's CPU kernels (``ATen/native/RNN.cpp``),
so values, gradients and the recorded graph are PyTorch's. Two of its choices show in the graph:

- a whole layer multiplies every time step's input by ``weight_ih`` in one ``linear`` before
  the loop (``unbind`` then hands out the steps); only ``h @ weight_hhᵀ`` runs per step;
- the gates are cut out of one product with ``unsafe_chunk`` (``UnsafeSplitBackward0``).

PyTorch runs a float32 ``LSTM`` through oneDNN instead (one ``MkldnnRnnLayerBackward0`` node
per layer, its own gate arithmetic): the same math, rounded differently in the last bits.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

from .. import creation
from ..function import Function
from ..ops import matmul
from ..ops._common import _t, overload
from ..ops.shape import Split, cat, stack
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

UnsafeSplit = overload(Split, "UnsafeSplit", "UnsafeSplitBackward0")


class TransposeInPlace(Function):
    """``output.transpose_(0, 1)``, how PyTorch turns a ``batch_first`` result back: recorded as
    ``TransposeBackward1``, and (an in-place op on a fresh tensor) no view of anything."""

    node_name = "TransposeBackward1"

    @staticmethod
    def forward(ctx, a, d0, d1):
        ctx.d = (d0, d1)
        return _t(a._data.swapaxes(d0, d1))

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(*ctx.d), None, None


def _unsafe_chunk(gates: Tensor, chunks: int) -> tuple:
    """The gates side by side in one (batch, chunks * hidden) product, cut apart along dim 1."""
    size = gates.shape[1] // chunks
    return UnsafeSplit.apply(gates, 1, [size] * chunks)


# --- one time step (PyTorch's SimpleCell, LSTMCell and GRUCell in RNN.cpp) ---------------------
# ``x_w`` is the input already multiplied by weight_ih (plus bias_ih), as a whole layer gives it.

def _rnn_step(x_w: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None, relu: bool) -> Tensor:
    pre = F.linear(h, w_hh, b_hh) + x_w
    return F.relu(pre) if relu else F.tanh(pre)


def _lstm_step(x_w: Tensor, state: tuple, w_hh: Tensor, b_hh: Tensor | None,
               w_hr: Tensor | None = None) -> tuple:
    h, c = state
    i, f, g, o = _unsafe_chunk(F.linear(h, w_hh, b_hh) + x_w, 4)
    i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
    c = f * c + i * g
    h = o * c.tanh()
    return (h if w_hr is None else matmul(h, w_hr.t())), c


def _gru_step(x_w: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    xr, xz, xn = _unsafe_chunk(x_w, 3)
    hr, hz, hn = _unsafe_chunk(F.linear(h, w_hh, b_hh), 3)
    r = (hr + xr).sigmoid()
    z = (hz + xz).sigmoid()
    n = (xn + hn * r).tanh()
    return (h - n) * z + n  # (1 - z) n + z h, in the form PyTorch's kernel computes (and rounds)


class RNNBase(Module):
    """What ``RNN``, ``LSTM`` and ``GRU`` share: the parameters of every layer and direction,
    their initialisation, the input checks, and the loop over layers and time steps."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                          stacklevel=3)
        for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int)):
            if not isinstance(value, kind):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        gate_size = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}[mode] * hidden_size
        real_hidden = proj_size or hidden_size
        # (PyTorch's attributes: every parameter's name in order, and the names per layer and direction)
        self._flat_weights_names, self._all_weights = [], []
        for layer in range(num_layers):
            for suffix in ("", "_reverse")[:self._directions]:
                layer_input = input_size if layer == 0 else real_hidden * self._directions
                shapes = {"weight_ih": (gate_size, layer_input), "weight_hh": (gate_size, real_hidden)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                if proj_size:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                names = [f"{kind}_l{layer}{suffix}" for kind in shapes]
                for name, shape in zip(names, shapes.values()):
                    setattr(self, name, Parameter(creation.empty(shape, dtype=dtype, device=device)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters, one list per layer and direction."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def reset_parameters(self) -> None:
        """Every weight and bias from U(-1/√hidden_size, 1/√hidden_size), in registration order (PyTorch's draws)."""
        stdv = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self) -> None:
        """Packs the weights for cuDNN in PyTorch; on the CPU there is nothing to do, there or here."""

    def extra_repr(self) -> str:
        """The sizes, then only the options that differ from their defaults (PyTorch's printed form)."""
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # --- checks (PyTorch's wording) ----------------------------------------------------------
    def _hidden_shape(self, input: Tensor, size: int) -> tuple[int, int, int]:
        batch = input.size(0) if self.batch_first else input.size(1)
        return self.num_layers * self._directions, batch, size

    def _check_input(self, input: Tensor) -> None:
        weight_dtype = self.weight_ih_l0.dtype
        if input.dtype != weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight_dtype}). "
                             f"Convert input: input.to({weight_dtype}), or convert model: model.to({input.dtype})")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.size(-1)}")

    @staticmethod
    def _check_hidden(hx: Tensor, expected: tuple, msg: str = "Expected hidden size {}, got {}") -> None:
        if tuple(hx.shape) != expected:
            raise RuntimeError(msg.format(expected, list(hx.shape)))

    def _batch(self, input: Tensor, hx: Tensor | None, name: str) -> tuple[Tensor, Tensor | None, bool]:
        """An unbatched (seq, features) input gets a batch of one; hx must have as many dimensions."""
        if input.dim() not in (2, 3):
            tail = "D tensor instead" if name == "RNN" else "D instead"
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}{tail}")
        batched = input.dim() == 3
        if not batched:
            input = input.unsqueeze(0 if self.batch_first else 1)
        if hx is not None and hx.dim() != (3 if batched else 2):
            what = "batched 3-D" if batched else "unbatched 2-D"
            raise RuntimeError(f"For {what} input, hx should also be {3 if batched else 2}-D "
                               f"but got {hx.dim()}-D tensor")
        return input, (hx if hx is None or batched else hx.unsqueeze(1)), batched

    def _forward_one_state(self, input: Tensor, hx: Tensor | None, name: str) -> tuple[Tensor, Tensor]:
        """RNN's and GRU's forward: one hidden state per layer and direction, zeros by default."""
        input, hx, batched = self._batch(input, hx, name)
        if hx is None:
            hx = creation.zeros(self._hidden_shape(input, self.hidden_size), dtype=input.dtype)
        self._check_input(input)
        self._check_hidden(hx, self._hidden_shape(input, self.hidden_size))
        output, finals = self._run(input, list(hx.unbind(0)))
        h_n = stack(finals, 0)
        if batched:
            return output, h_n
        return output.squeeze(0 if self.batch_first else 1), h_n.squeeze(1)

    # --- the loop (PyTorch's _rnn_impl: apply_layer_stack over FullLayer / FullBidirectionalLayer) ---
    def _step(self, x_w: Tensor, hidden: Any, p: dict) -> Any:
        """One time step of one layer and direction, from ``p``: its parameters by kind ("weight_hh"...)."""
        raise NotImplementedError

    @staticmethod
    def _output(hidden: Any) -> Tensor:
        return hidden

    def _run(self, input: Tensor, hiddens: list) -> tuple[Tensor, list]:
        """All layers over all time steps: the last layer's outputs and every final hidden state."""
        x = input.transpose(0, 1) if self.batch_first else input
        if x.size(0) == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self._directions):
                k = layer * self._directions + direction
                p = {name.split("_l")[0]: getattr(self, name) for name in self._all_weights[k]}
                steps = F.linear(x, p["weight_ih"], p.get("bias_ih")).unbind(0)
                hidden, out = hiddens[k], []
                for x_w in (reversed(steps) if direction else steps):
                    hidden = self._step(x_w, hidden, p)
                    out.append(self._output(hidden))
                outputs.append(stack(out[::-1] if direction else out, 0))
                finals.append(hidden)
            x = cat(outputs, 2) if self.bidirectional else outputs[0]
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout)
        if not self.batch_first:
            return x, finals
        # (PyTorch's LSTM kernel transposes the result back out of place, RNN's and GRU's in place)
        return (x.transpose(0, 1) if self.mode == "LSTM" else TransposeInPlace.apply(x, 0, 1)), finals


class RNN(RNNBase):
    """An Elman RNN, h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh) per layer (or ReLU)
    (mirrors ``torch.nn.RNN``). Returns (output of every step, final hidden state of every layer).

    >>> rnn = RNN(10, 20, 2); output, h_n = rnn(torch.randn(5, 3, 10))   # (5, 3, 20), (2, 3, 20)
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: Any = None, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, 0, device, dtype, **kwargs)
        self.nonlinearity = nonlinearity

    def _step(self, x_w: Tensor, h: Tensor, p: dict) -> Tensor:
        return _rnn_step(x_w, h, p["weight_hh"], p.get("bias_hh"), relu=self.mode == "RNN_RELU")

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        return self._forward_one_state(input, hx, "RNN")


class GRU(RNNBase):
    """A gated recurrent unit per layer (mirrors ``torch.nn.GRU``): reset gate r, update gate z,
    n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)), h' = (1 - z) ⊙ n + z ⊙ h."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: Any = None, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, 0,
                         device, dtype, **kwargs)

    def _step(self, x_w: Tensor, h: Tensor, p: dict) -> Tensor:
        return _gru_step(x_w, h, p["weight_hh"], p.get("bias_hh"))

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        return self._forward_one_state(input, hx, "GRU")


class LSTM(RNNBase):
    """A long short-term memory per layer (mirrors ``torch.nn.LSTM``): input, forget, cell and
    output gates; c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c') (times W_hrᵀ with ``proj_size``).
    Returns (output, (h_n, c_n))."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)

    def _step(self, x_w: Tensor, state: tuple, p: dict) -> tuple:
        return _lstm_step(x_w, state, p["weight_hh"], p.get("bias_hh"), p.get("weight_hr"))

    @staticmethod
    def _output(hidden: tuple) -> Tensor:
        return hidden[0]

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
                ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        input, _, batched = self._batch(input, None, "LSTM")
        h_shape = self._hidden_shape(input, self.proj_size or self.hidden_size)
        c_shape = self._hidden_shape(input, self.hidden_size)
        if hx is None:
            hx = (creation.zeros(h_shape, dtype=input.dtype), creation.zeros(c_shape, dtype=input.dtype))
        else:
            dims, want = (hx[0].dim(), hx[1].dim()), 3 if batched else 2
            if dims != (want, want):
                what = "batched 3-D" if batched else "unbatched 2-D"
                raise RuntimeError(f"For {what} input, hx and cx should also be {want}-D but got "
                                   f"({dims[0]}-D, {dims[1]}-D) tensors")
            if not batched:
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        self._check_input(input)
        self._check_hidden(hx[0], h_shape, "Expected hidden[0] size {}, got {}")
        self._check_hidden(hx[1], c_shape, "Expected hidden[1] size {}, got {}")
        output, finals = self._run(input, list(zip(hx[0].unbind(0), hx[1].unbind(0))))
        h_n, c_n = stack([h for h, _ in finals], 0), stack([c for _, c in finals], 0)
        if not batched:
            return output.squeeze(0 if self.batch_first else 1), (h_n.squeeze(1), c_n.squeeze(1))
        return output, (h_n, c_n)


# --- the cells: one step, weights weight_ih / weight_hh / bias_ih / bias_hh ----------------------

class RNNCellBase(Module):
    """What the cells share: their four parameters, U(-1/√hidden_size, 1/√hidden_size), and the checks."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(creation.empty((num_chunks * hidden_size, input_size), dtype=dtype, device=device))
        self.weight_hh = Parameter(creation.empty((num_chunks * hidden_size, hidden_size), dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(creation.empty(num_chunks * hidden_size, dtype=dtype, device=device))
            self.bias_hh = Parameter(creation.empty(num_chunks * hidden_size, dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        """The sizes, then bias and nonlinearity where not the defaults (PyTorch's printed form)."""
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self) -> None:
        """Every weight and bias from U(-1/√hidden_size, 1/√hidden_size), in registration order (PyTorch's draws)."""
        stdv = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _batch(self, input: Tensor, hx: Any, name: str, states: int = 1) -> tuple[Tensor, tuple, bool]:
        """A 1-D input (and hx) gets a batch of one; ``states`` zeros when hx is omitted."""
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        hxs = None if hx is None else tuple(hx) if states > 1 else (hx,)
        for i, h in enumerate(hxs or ()):
            if h.dim() not in (1, 2):
                what = f"hx[{i}]" if states > 1 else "hidden"
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {h.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if hxs is None:
            hxs = (creation.zeros((input.size(0), self.hidden_size), dtype=input.dtype),) * states
        elif not batched:
            hxs = tuple(h.unsqueeze(0) for h in hxs)
        return input, hxs, batched

    def _check_sizes(self, input: Tensor, hxs: tuple) -> None:
        """PyTorch's checks inside the cell kernels (``check_rnn_cell_forward_input/hidden``)."""
        if input.size(1) != self.weight_ih.size(1):
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} "
                               f"expected {self.weight_ih.size(1)}")
        for i, h in enumerate(hxs):
            if input.size(0) != h.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{i} batch size {h.size(0)}")
            if h.size(1) != self.weight_hh.size(1):
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {h.size(1)}, "
                                   f"expected {self.weight_hh.size(1)}")


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or ReLU) (mirrors ``torch.nn.RNNCell``)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        input, (hx,), batched = self._batch(input, hx, "RNNCell")
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        self._check_sizes(input, (hx,))
        h = _rnn_step(F.linear(input, self.weight_ih, self.bias_ih), hx, self.weight_hh, self.bias_hh,
                      relu=self.nonlinearity == "relu")
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One step of an LSTM, returning (h', c') (mirrors ``torch.nn.LSTMCell``)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        input, hx, batched = self._batch(input, hx, "LSTMCell", states=2)
        self._check_sizes(input, hx)
        h, c = _lstm_step(F.linear(input, self.weight_ih, self.bias_ih), hx, self.weight_hh, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One step of a GRU (mirrors ``torch.nn.GRUCell``)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        input, (hx,), batched = self._batch(input, hx, "GRUCell")
        self._check_sizes(input, (hx,))
        h = _gru_step(F.linear(input, self.weight_ih, self.bias_ih), hx, self.weight_hh, self.bias_hh)
        return h if batched else h.squeeze(0)
