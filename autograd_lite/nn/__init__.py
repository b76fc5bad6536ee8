"""Neural-network building blocks (mirrors ``torch.nn``): Module, Parameter, layers, losses."""
from . import functional, init, utils
from .activation import (CELU, GLU, SELU, Hardsigmoid, Hardswish, Hardtanh, LogSigmoid, Mish, PReLU, ReLU6, Softmin,
                         Softsign, Tanhshrink, Threshold)
from .container import ModuleDict, ParameterDict, ParameterList
from .conv import AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, Conv1d, Conv2d, MaxPool1d, MaxPool2d
from .conv import AdaptiveMaxPool1d, AdaptiveMaxPool2d, ConvTranspose1d, ConvTranspose2d
from .layers import CosineSimilarity, Dropout1d, Dropout2d, Dropout3d, GroupNorm, PairwiseDistance, Unflatten
from .layers import BatchNorm3d, Softmax2d
from .layers import (ELU, GELU, BatchNorm1d, BatchNorm2d, Dropout, LeakyReLU, SiLU, Softplus, Embedding, Flatten, Identity, LayerNorm, Linear, LogSoftmax, ReLU, Sigmoid, Softmax,
                     Tanh)
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .loss import HuberLoss, KLDivLoss, SmoothL1Loss
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
    "CosineSimilarity", "PairwiseDistance", "Unflatten", "Dropout1d", "Dropout2d", "Dropout3d", "GroupNorm", "BatchNorm3d", "Softmax2d",
    "CELU", "GLU", "SELU", "Hardsigmoid", "Hardswish", "Hardtanh", "LogSigmoid", "Mish", "PReLU", "ReLU6", "Softmin",
    "Softsign", "Tanhshrink", "Threshold",
    "HuberLoss", "KLDivLoss", "SmoothL1Loss", "Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d",
    "functional", "init", "utils",
]
