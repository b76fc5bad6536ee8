"""Messages worded as PyTorch words them, where the wording is not one op's own.

What lives here: the core's messages (engine, Function, saved tensors, tensor flags and
conversions, in-place and inference-mode checks) as constants; PyTorch's C++ warnings with the
"(Triggered internally at ...)" line they name; and wording that several ops raise, as functions
that fill it in (below). An op's own one-off message stays beside its op, and a rule with one owner
keeps its messages there (``ops/shape.py``'s expand rule, ``ops/linalg.py``'s mm shapes), so a
reader sees the check and its words together. ``warn`` points warnings at the user's line.
"""
import os
import sys
import warnings

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


# --- wording several ops share (each function: the one place its words are written) -------------


def not_implemented_for(kernel: str, type_name: str) -> str:
    """A dtype the CPU kernel has no version of (integer softmax, bool matmul, integer ``rand``)."""
    return f"\"{kernel}\" not implemented for '{type_name}'"


def index_out_of_bounds(index: int, dim: int, size: int) -> str:
    """An index past a dimension's size (indexing, select, gather and friends)."""
    return f"index {index} is out of bounds for dimension {dim} with size {size}"


def negative_dimension(dim: int, sizes: tuple) -> str:
    """A size below zero where a new tensor's shape is made (factories, ``repeat``)."""
    return f"Trying to create tensor with negative dimension {dim}: [{', '.join(map(str, sizes))}]"


def random_from_to(low: int, high: int) -> str:
    """``randint``/``random_`` with an empty range."""
    return f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"


def cannot_cast(result_type: str, out_type: str) -> str:
    """A result whose dtype cannot be written into the tensor given for it (``out=``, BCE's target)."""
    return f"result type {result_type} can't be cast to the desired output type {out_type}"


def no_attribute(obj: object, name: str) -> str:
    """Python's own AttributeError wording, for objects that look attributes up themselves."""
    return f"'{type(obj).__name__}' object has no attribute '{name}'"


def could_not_infer_dtype(what: object) -> str:
    """``torch.tensor(data)`` given something it cannot make a dtype of (an object, a string array)."""
    return f"Could not infer dtype of {what}"


def attribute_exists(name: str) -> str:
    """Registering a submodule, parameter or buffer under a name the module already uses otherwise."""
    return f"attribute '{name}' already exists"


def not_single_element(name: str) -> str:
    """``autograd.functional``'s hessian, vhp and hvp differentiate a scalar function only."""
    return f"The Tensor returned by the function given to {name} should contain a single element"


def dropout_probability(p: float) -> str:
    """``Dropout(p)`` and ``F.dropout(x, p)`` check p alike."""
    return f"dropout probability has to be between 0 and 1, but got {p}"


NO_CUDA = "Torch not compiled with CUDA enabled"


def warn(message: str, category: type = UserWarning) -> None:
    """Warn as PyTorch does, pointing at the user's line (the first frame outside this package)."""
    frame, level = sys._getframe(1), 2  # (stacklevel 2 is warn's caller)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def missing_arguments(name: str, *params: str) -> TypeError:
    """PyTorch's argument parser's TypeError for required arguments left out (its grammar: "1 required
    positional arguments", "2 required positional argument")."""
    plural = "s" if len(params) == 1 else ""
    quoted = ", ".join(f'"{p}"' for p in params)
    return TypeError(f"{name}() missing {len(params)} required positional argument{plural}: {quoted}")


SCALAR_OUTPUTS = "grad can be implicitly created only for scalar outputs"
SHAPE_MISMATCH = "Mismatch in shape: grad_output[{i}] has a shape of {grad} and output[{i}] has a shape of {out}."
NO_GRAD_FN = "element {i} of tensors does not require grad and does not have a grad_fn"
BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward."
)
LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
LEAF_MARKED_DIRTY = "a leaf Variable that requires grad has been used in an in-place operation."
DIRTY_VIEW_OF_MANY_OUTPUTS = (
    "If your Function modifies inplace an input that is a view of another Tensor, your Function cannot return more "
    "than one Tensor. This is not supported by the current autograd engine. You should either make sure the input "
    "is not a view (using .clone() for example) or make your Function only return one Tensor (potentially splitting "
    "it into two Functions: one doing the inplace that returns a single Tensor and a second one that does the other "
    "operations). You can ask on the forum https://discuss.pytorch.org/ if you need help to do this change.")
VIEW_OF_LEAF_INPLACE = "a view of a leaf Variable that requires grad is being used in an in-place operation."
INTERNAL_OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a single memory location. "
    "Please clone() the tensor before performing the operation.")
PARTIAL_OVERLAP = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory "
    "location. Please clone() the tensor before performing the operation.")
EXPANDED_WRITE = (
    "Use of {op} on expanded tensors is deprecated. Please clone() the tensor before performing this operation. "
    "This also applies to advanced indexing e.g. tensor[{what}] = {value} (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:{line}.)")
MODIFIED_INPLACE = (
    "one of the variables needed for gradient computation has been modified by an inplace operation: "
    "[{type} {shape}]{output} is at version {version}; expected version {expected} instead. Hint: enable "
    "anomaly detection to find the operation that failed to compute its gradient, with "
    "torch.autograd.set_detect_anomaly(True, check_nan=False)."
)
CUSTOM_VIEW_INPLACE = (
    "Output {i} of {name} is a view and {what}. This view was created inside a custom Function (or because an "
    "input was returned as-is) and the autograd logic to handle view+inplace would override the custom backward "
    "associated with the custom Function, leading to incorrect gradients. This behavior is forbidden. You can fix "
    "this by cloning the output of the custom Function.")
INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
    "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use it "
    "in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`.")
INFERENCE_INPLACE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal "
    "tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.")
INFERENCE_REQUIRES_GRAD = "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."
ONCE_DIFFERENTIABLE = "trying to differentiate twice a function that was marked with @once_differentiable"
INT_REQUIRES_GRAD_CREATE = "Only Tensors of floating point and complex dtype can require gradients"
INT_REQUIRES_GRAD_SET = "only Tensors of floating point and complex dtype can require gradients"
INT_REQUIRES_GRAD_ = "only Tensors of floating point dtype can require gradients"
NON_LEAF_REQUIRES_GRAD = (
    "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a "
    "subgraph that doesn't require differentiation use var_no_grad = var.detach()."
)
NON_LEAF_REQUIRES_GRAD_TRUE = "you can only change requires_grad flags of leaf variables."
WRONG_GRAD_COUNT = "function {name} returned an incorrect number of gradients (expected {expected}, got {got})"
GRAD_FOR_NON_TENSOR = (
    "function {name} returned a gradient different than None at position {position}, but the corresponding "
    "forward input was not a Variable"
)
WRONG_GRAD_SHAPE = "Function {name} returned an invalid gradient at index {i} - got {got} but expected shape compatible with {expected}"
UNUSED_INPUT = (
    "The differentiated Tensor at index {i} appears to not have been used in the graph. Set allow_unused=True "
    "if this is the desired behavior."
)
NOT_IMPLEMENTED_DERIVATIVE = "the derivative for '{name}' is not implemented."
NUMPY_REQUIRES_GRAD = "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
ITEM_NUMEL = "a Tensor with {n} elements cannot be converted to Scalar"
SCALAR_CONVERSION = "only one element tensors can be converted to Python scalars"
SCALAR_REQUIRES_GRAD = ("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                        "Consider using tensor.detach() first. (Triggered internally at "
                        "/__w/pytorch/pytorch/torch/csrc/autograd/generated/python_variable_methods.cpp:822.)")
DUPLICATE_PARAMETERS = ("optimizer contains a parameter group with duplicate parameters; in future, this will cause an "
                        "error; see github.com/pytorch/pytorch/issues/40967 for more information")
ANOMALY_ENABLED = ("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                   "enabled for debugging.")
INPUT_NO_GRAD = "One of the differentiated Tensors does not require grad"
BACKWARD_CREATE_GRAPH = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient "
    "which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid this. If you "
    "have to use this function, make sure to reset the .grad fields of your parameters to None after use to break "
    "the cycle and avoid the leak. (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)"
)
T_0D = ("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases. (Triggered internally "
        "at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4321.)")
MT_0D = ("Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases. (Triggered internally "
         "at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4373.)")
T_NOT_2D = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will throw an "
    "error in a future release. Consider `x.mT` to transpose batches of matrices or `x.permute(*torch.arange(x.ndim "
    "- 1, -1, -1))` to reverse the dimensions of a tensor. (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4314.)"
)
DOF = ("{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor (input "
       "numel divided by output numel). (Triggered internally at "
       "/__w/pytorch/pytorch/aten/src/ATen/native/ReduceOps.cpp:1861.)")
SAVED_TENSORS_TAKEN = (
    "saved_tensors can only be accessed once when clear_saved_tensors_on_access=True is set on the "
    "autograd.Function. Either access saved_tensors only once, or set clear_saved_tensors_on_access=False.")
