"""Neural-network building blocks (mirrors ``torch.nn``): Module, Parameter, layers, losses."""
from . import functional, init, utils
from .conv import AdaptiveAvgPool2d, AvgPool2d, Conv2d, MaxPool2d
from .layers import (ELU, GELU, BatchNorm1d, BatchNorm2d, Dropout, LeakyReLU, SiLU, Softplus, Embedding, Flatten, Identity, LayerNorm, Linear, LogSoftmax, ReLU, Sigmoid, Softmax,
                     Tanh)
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module, ModuleList, Sequential
from .parameter import Buffer, Parameter

__all__ = [
    "Module", "Sequential", "ModuleList", "Parameter", "Buffer",
    "Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "Identity", "Dropout", "LayerNorm", "Embedding", "BatchNorm1d", "BatchNorm2d", "LeakyReLU",
    "ELU", "Softplus", "GELU", "SiLU", "ReLU", "Tanh", "Sigmoid", "Flatten", "Softmax", "LogSoftmax",
    "MSELoss", "L1Loss", "NLLLoss", "CrossEntropyLoss", "BCEWithLogitsLoss", "BCELoss",
    "functional", "init", "utils",
]
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell, RNNBase, RNNCellBase  # noqa: E402
__all__ += ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]
from .attention import MultiheadAttention, multi_head_attention_forward, scaled_dot_product_attention  # noqa: E402
# (built on functional's linear and dropout, so functional cannot import them: they join it here)
functional.multi_head_attention_forward = multi_head_attention_forward
functional.scaled_dot_product_attention = scaled_dot_product_attention
__all__ += ["MultiheadAttention"]
from .transformer import TransformerEncoder, TransformerEncoderLayer  # noqa: E402
__all__ += ["TransformerEncoderLayer", "TransformerEncoder"]
from .layers_more import *  # noqa: E402,F401,F403  (phase 6: more activations, losses, norms)
from .layers_more import __all__ as _more; __all__ += _more  # noqa: E402,E702
