"""``torch.autograd.function``: where PyTorch defines ``Function`` and ``once_differentiable``."""
from ..function import BackwardFunction as FunctionCtx
from ..function import Function, once_differentiable

__all__ = ["Function", "FunctionCtx", "once_differentiable"]
