"""``torch.autograd``: backward, grad, Function, gradient checks and functional helpers."""
from ..engine import backward, grad
from ..function import Function, once_differentiable
from ..function import BackwardFunction as FunctionCtx
from ..grad_mode import enable_grad, enforce_grad_layout_policy, inference_mode, no_grad, set_grad_enabled
from . import anomaly_mode, forward_ad, function, functional, graph, profiler
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .variable import Variable

__all__ = ["backward", "grad", "Function", "FunctionCtx", "once_differentiable", "no_grad", "enable_grad",
           "set_grad_enabled", "inference_mode", "enforce_grad_layout_policy", "detect_anomaly", "set_detect_anomaly", "gradcheck",
           "gradgradcheck", "GradcheckError", "functional", "Variable"]
