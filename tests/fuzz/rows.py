"""Which row of DIFFERENCES.md (the list of known bugs) a difference belongs to.

Known bugs are not kept differences: the suite marks them ``xfail(strict=True)`` under
their row, so that fixing one turns its tests into XPASS failures and the marks must
go. Rows ``A1``-``A43``, ``B``, ``C``, ``D`` are those of DIFFERENCES.md; ``N1``...
are differences the fuzzer found that DIFFERENCES.md does not list (see
/work/notes/fuzz_triage.md and ``NEW`` below).
"""
from __future__ import annotations

import re

# New rows (not in DIFFERENCES.md), named here so that reports can say what they are.
NEW = {
    "N1": "floor division and remainder: PyTorch's results require grad (remainder is differentiable, "
          "floor_divide's result carries requires_grad), autograd_lite's do not",
    "N2": "ops on bool/int tensors that PyTorch refuses (sign/abs/softplus/silu/softmax/log_softmax/"
          "matmul/norm/tril on bool or int) run in autograd_lite, or give numpy's dtype (square(bool) is int8)",
    "N3": "signed zeros: results that are -0. in PyTorch are +0. (or the reverse): remainder, elu, "
          "layer_norm, matmul/einsum of zeros, gradients of pow",
    "N4": "layout: strides/contiguity differ (elementwise results of non-contiguous inputs, reductions and "
          "cat/stack made contiguous by PyTorch, sort/flip/clone/grads that PyTorch lays out like the input, "
          "expand/unsqueeze strides)",
    "N5": "unique with NaN: np.unique merges NaNs (equal_nan=True), PyTorch keeps each NaN",
    "N6": "bool arithmetic: `bool - x` and `x - bool` must raise PyTorch's subtraction message",
    "N7": "Python operators with a number on the left (`2 % x`) are missing (__rmod__ etc.)",
    "N8": "gelu/elu/softplus at inf give inf/nan where PyTorch gives the other",
    "N9": "index_select/gather with out-of-range or negative indices is accepted",
    "N10": "T.cat of 1-D empty tensors with any dim (PyTorch's legacy rule skips them)",
    "N11": "T.maximum/T.minimum accept a Python number (PyTorch: TypeError, tensors only)",
    "N12": "integer tensor ** negative integer raises numpy's ValueError",
    "N14": "sort/topk with NaN: PyTorch orders NaN as the largest value, autograd_lite does not",
    "N15": "autograd.grad(create_graph=True) of an input reached through empty tensors: the gradient's "
           "requires_grad differs",
    "N16": "relu's gradient at NaN: PyTorch's threshold_backward passes the gradient (NaN > 0 is tested on the "
           "output), autograd_lite's mask drops it",
    "N17": "einsum with an integer operand: the backward returns a gradient of the wrong shape",
    "N18": "in-place checks missing on the graph-tracked path: result type cast (div_ on a bool tensor) and "
           "overlapping source/destination (x[::2] = x)",
    "N19": "cross_entropy with ignore_index: ignored rows are multiplied by 0, so a NaN/inf logit in an "
           "ignored row makes the loss and the gradient NaN (PyTorch selects the rows)",
    "N20": "sort/topk keep their saved indices after backward: a second backward through them does not raise "
           "'Trying to backward through the graph a second time'",
    "N13": "cat/stack of float32 with float64 gives different float64 values (float32 result promoted "
           "from a higher-precision intermediate)",
}

# (row, pattern) over "kind|line|ours|theirs|detail" (with "|earlier lines" appended for
# patterns marked "P:"); the first match wins, so the specific rows come before the broad
# B/C/D ones.
RULES: list[tuple[str, str]] = [
    ("A23", r"P:assignment destination is read-only.*\|.*repeat\("),
    ("A23", r"P:^value\|[^|]*\w_\(.*\|.*repeat\("),
    ("A23", r"P:a view of a leaf Variable.*\|.*repeat\("),
    ("A12", r"^(grad|flags|value|error).*prod\(.*create_graph|^error\|.*grad.*does not require grad.*prod"),
    ("A1", r"AxisError: axis -?\d+ is out of bounds for array of dimension 0"),
    ("A2", r"^error\|[^|]*mean\(.*tuple index out of range"),
    ("A3", r"narrow\(0, -1|narrow\(-?\d+, -1"),
    ("A4", r"^no-error\|[^|]*narrow\("),
    ("A5", r"^shape\|[^|]*cumsum\("),
    ("A8", r"ZeroDivisionError: division by zero"),
    ("A9", r"ZeroDivisionError: float division by zero"),
    ("A26", r"ZeroDivisionError: integer division or modulo by zero|^value\|[^|]*(split|chunk)\(|"
            r"^error\|[^|]*(split|chunk)\(.*tuple index out of range|split_with_sizes expects"),
    ("A27", r"arrays used as indices must be of integer \(or boolean\) type"),
    ("A33", r"label_smoothing"),
    ("A32", r"ignore_index is not supported for floating point target"),
    ("A34", r"0D or 1D target tensor expected"),
    ("A37", r"^(flags|warning|grad)\|[^|]*\.mT\b|Tensor.mT is deprecated"),
    ("A36", r"^(no-error|error-type|error-message)\|[^|]*(transpose|permute|repeat)\("),
    ("A24", r"copyto\(\) argument 1 must be a numpy.ndarray"),
    ("A24", r"P:view size is not compatible.*\|.*F\.silu\("),
    ("A23", r"repeat\("),
    ("A19", r"Output \d+ of (Unbind|Split|SplitWithSizes)"),
    ("A20", r"A view was created in no_grad mode"),
    ("A21", r"a view of a leaf Variable that requires grad"),
    ("A18", r"^no-error\|.*doesn't match the broadcast shape"),
    ("A17", r"Index put requires the source and destination dtypes match"),
    ("A14", r"mat1 and mat2 must have the same dtype"),
    ("A13", r"to have the same dtype|must have the same dtype|expected scalar type"),
    ("A15", r"^dtype\|[^|]*(@|\b(matmul|bmm|einsum|mm)\b)"),
    ("A16", r"^dtype\|[^|]*T\.(cat|stack)\("),
    ("A30", r"^dtype\|[^|]*F\.(mse_loss|l1_loss|binary_cross_entropy_with_logits)"),
    ("A7", r"^grad\|.*(std|var)\b.*nan"),
    ("A7", r"P:^grad\|[^|]*\|[^|]*nan.*\|.*\b(std|var)\("),
    ("A6", r"^(value|warning)\|[^|]*\b(std|var)\(.*degrees of freedom|^value\|[^|]*\b(std|var)\("),
    ("A10", r"^grad\|[^|]*(\*\*|pow)"),
    ("A10", r"P:^grad\|.*\|.*(pow\(|\*\*)"),
    ("A11", r"P:^value\|[^|]*autograd\.grad.*\|.*(pow\(|\*\*)"),
    ("A7", r"P:^(grad|value)\|[^|]*\|[^|]*nan.*\|.*\b(std|var)\("),
    ("N19", r"P:^(value|grad)\|.*ignore_index"),
    ("A22", r"P:^flags\|[^|]*\w_\(.*\|.*\.(split|chunk|unbind)\("),
    ("N20", r"^no-error\|.*Trying to backward through the graph a second time"),
    ("N18", r"^value\|(\w+)\.\w+_\([^|]*\|[^|]*\|[^|]*\|\1 \("),
    ("A29", r"^value\|[^|]*relu"),
    ("A28", r"^(value|error|no-error)\|[^|]*\.(reshape|view)\("),
    ("A31", r"RuntimeError: ZeroDivisionError"),
    ("A35", r"index \d+ is out of bounds for dimension"),
    ("A38", r"matrix_norm: dim must be a 2-tuple"),
    ("A39", r"[Ii]nference tensor"),
    ("A40", r"hook '.*' has changed the"),
    ("A41", r"^error\|.*'float' object is not iterable"),
    ("A42", r"Expected dtype int64 for index"),
    ("A43", r"prod\(\) received an invalid combination|^no-error\|.*can't be cast to the desired output type Long"),
    ("A25", r"shape '\[-1, 0\]' is invalid"),
    ("N14", r"^value\|[^|]*(topk|sort)\(.*\|.*nan"),
    ("N15", r"^flags\|[^|]*autograd\.grad"),
    ("N16", r"P:^value\|[^|]*autograd\.grad.*\|.*relu"),
    ("N17", r"EinsumBackward0 returned an invalid gradient"),
    ("N18", r"^flags\|[^|]*\] = |refer to a single memory location|^no-error\|.*can't be cast to the desired output type"),
    ("N2", r"Boolean inputs not supported|does not support bool input|^dtype\|[^|]*(pow|\*\*).*int8|"
           r"not implemented for 'Bool'"),
    ("N10", r"^error\|[^|]*T\.cat\(.*Dimension out of range"),
    ("N11", r"(maximum|minimum)\(\): argument 'other'"),
    ("N12", r"Integers to negative integer powers"),
    ("N13", r"^value\|[^|]*T\.(cat|stack)\("),
    ("N1", r"^flags\|[^|]*(//|%|floor_divide|remainder)"),
    ("N2", r"not implemented for '(Bool|Long)'|Expected a floating point or complex tensor|"
           r"ufunc '\w+' did not contain a loop|^dtype\|[^|]*(square|sign)\(|input tensor must have at least 2|"
           r"The numpy boolean negative"),
    ("N6", r"Subtraction, the `-` operator, with a bool tensor"),
    ("N7", r"^error\|.*unsupported operand type\(s\)"),
    ("N9", r"^no-error\|[^|]*(index_select|gather)\(|index out of range in self"),
    ("N5", r"^shape\|[^|]*unique\("),
    ("N8", r"^value\|[^|]*F\.(gelu|elu|softplus|silu)\(.*\binf\b"),
    ("N3", r"sign of zero"),
    ("N4", r"^layout\|"),
    ("B", r"assignment destination is read-only|expected Variable or None"),
    ("C", r"^warning\|"),
    ("D", r"^grad_fn\|"),
    ("B", r"^(error-type|error-message)\|"),
]


def row_of(d, lines: list[str]) -> str:
    """The DIFFERENCES.md row (or new row) that difference ``d`` is an instance of."""
    text = "|".join((d.kind, lines[d.line], d.ours, d.theirs, d.detail))
    program = text + "|" + "; ".join(lines[:d.line])
    for row, pattern in RULES:
        if pattern.startswith("P:") and re.search(pattern[2:], program, re.S):
            return row
        if re.search(pattern, text, re.S):
            return row
    return "unclassified"
