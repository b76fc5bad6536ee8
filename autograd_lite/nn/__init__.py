"""Neural-network building blocks (mirrors ``torch.nn``): Module, Parameter, layers, losses."""
from . import functional, init, utils
from .container import ModuleDict, ParameterDict, ParameterList
from .conv import AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, Conv1d, Conv2d, MaxPool1d, MaxPool2d
from .conv import AdaptiveMaxPool1d, AdaptiveMaxPool2d, ConvTranspose1d, ConvTranspose2d
from .layers import Dropout1d, Dropout2d, Dropout3d, Unflatten
from .layers import BatchNorm3d, Softmax2d
from .layers import (ELU, GELU, BatchNorm1d, BatchNorm2d, Dropout, LeakyReLU, SiLU, Softplus, Embedding, Flatten, Identity, LayerNorm, Linear, LogSoftmax, ReLU, Sigmoid, Softmax,
                     Tanh)
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module, ModuleList, Sequential
from .padding import (ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
                      ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d)
from .parameter import Buffer, Parameter
from .upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

__all__ = [
    "Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "Parameter", "Buffer",
    "Linear", "Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "Identity", "Dropout", "LayerNorm", "Embedding", "BatchNorm1d", "BatchNorm2d", "LeakyReLU",
    "ELU", "Softplus", "GELU", "SiLU", "ReLU", "Tanh", "Sigmoid", "Flatten", "Softmax", "LogSoftmax",
    "MSELoss", "L1Loss", "NLLLoss", "CrossEntropyLoss", "BCEWithLogitsLoss", "BCELoss",
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
    "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
    "Unflatten", "Dropout1d", "Dropout2d", "Dropout3d", "BatchNorm3d", "Softmax2d", "Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d",
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
