"""grad_fn._saved_<name> under PyTorch's names (derivatives.yaml) for the ops of the contract;
run with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
F = torch.nn.functional
torch.manual_seed(0)


def A(*shape):
    return torch.randn(*shape, requires_grad=True)


a, b, m1, m2, v = A(2, 3), A(2, 3), A(2, 3), A(3, 4), A(3)
OPS = [
    ("a + b", lambda: a + b, "alpha"), ("add alpha", lambda: torch.add(a, b, alpha=2), "alpha"),
    ("a - b", lambda: a - b, "alpha"), ("a * b", lambda: a * b, "self other"), ("a / b", lambda: a / b, "self other"),
    ("a ** 2", lambda: a ** 2, "self exponent"), ("a ** 2.5", lambda: a.abs() ** 2.5, "exponent"),
    ("a ** b", lambda: a.abs() ** b, "self exponent result"), ("2 ** a", lambda: 2 ** a, "self result"),
    ("abs", lambda: a.abs(), "self"), ("exp", lambda: a.exp(), "result"), ("log", lambda: a.abs().log(), "self"),
    ("sqrt", lambda: a.abs().sqrt(), "result"), ("sin", lambda: a.sin(), "self"), ("cos", lambda: a.cos(), "self"),
    ("tanh", lambda: a.tanh(), "result"), ("sigmoid", lambda: a.sigmoid(), "result"), ("relu", lambda: a.relu(), "result"),
    ("clamp", lambda: a.clamp(-0.5, 0.5), "self min max"), ("clamp min", lambda: a.clamp(min=0.1), "min max"),
    ("maximum", lambda: torch.maximum(a, b), "self other"), ("where", lambda: torch.where(a > 0, a, b), "condition"),
    ("mm", lambda: m1.mm(m2), "self mat2 self_sym_sizes self_sym_strides mat2_sym_sizes mat2_sym_strides"),
    ("matmul", lambda: m1 @ m2, "self mat2"), ("mv", lambda: m1.mv(v), "self vec"), ("dot", lambda: v.dot(v), "self tensor"),
    ("bmm", lambda: A(2, 2, 3).bmm(A(2, 3, 1)), "self mat2"),
    ("linear", lambda: F.linear(m1, m2.t()), "self mat2"),
    ("sum", lambda: a.sum(), "self_sym_sizes"), ("sum dim", lambda: a.sum(1, keepdim=True), "dim keepdim self_sym_sizes"),
    ("mean", lambda: a.mean(), "self_sym_sizes self_sym_numel"),
    ("mean dim", lambda: a.mean(0), "dim keepdim self_sym_sizes self_sym_numel"),
    ("prod", lambda: a.prod(), "self result"), ("prod dim", lambda: a.prod(1), "dim keepdim self result"),
    ("max", lambda: a.max(), "self result"), ("max dim", lambda: a.max(1)[0], "dim keepdim indices self_sym_sizes"),
    ("min dim", lambda: a.min(1, keepdim=True)[0], "dim keepdim indices self_sym_sizes"),
    ("amax", lambda: a.amax(1), "dim keepdim self result"), ("logsumexp", lambda: a.logsumexp(1), "dim keepdim result"),
    ("softmax", lambda: a.softmax(1), "dim result"), ("log_softmax", lambda: a.log_softmax(1), "dim result"),
    ("cat", lambda: torch.cat([a, b], 1), "dim"), ("stack", lambda: torch.stack([a, b]), "dim"),
    ("cumsum", lambda: a.cumsum(1), "dim"), ("view", lambda: a.view(6), "self_sym_sizes"),
    ("reshape", lambda: a.reshape(3, 2), "self_sym_sizes"), ("expand", lambda: v.expand(2, 3), "self_sym_sizes"),
    ("transpose", lambda: a.transpose(0, 1), "dim0 dim1"), ("permute", lambda: a.permute(1, 0), "dims"),
    ("unsqueeze", lambda: a.unsqueeze(1), "dim"), ("flip", lambda: a.flip(0), "dims"),
    ("repeat", lambda: a.repeat(2, 1), "repeats self_sym_sizes"), ("split", lambda: a.split(1)[0], "dim split_size"),
    ("unbind", lambda: a.unbind(0)[0], "dim"), ("a[0]", lambda: a[0], "dim index self_sym_sizes"),
    ("a[:, 2]", lambda: a[:, 2], "dim index"), ("a[:, 1:]", lambda: a[:, 1:], "dim start end step self_sym_sizes"),
    ("a[:, -2:]", lambda: a[:, -2:], "start end"), ("narrow", lambda: a.narrow(1, 0, 2), "dim start end step"),
    ("a[::2]", lambda: a[::2], "start end step"), ("a[mask]", lambda: a[a > 0], "indices self_sym_sizes"),
    ("index_select", lambda: a.index_select(1, torch.tensor([0, 2])), "dim index self_sym_sizes"),
    ("gather", lambda: a.gather(1, torch.tensor([[0], [1]])), "dim index sparse_grad"),
    ("masked_fill", lambda: a.masked_fill(a > 0, 0.0), "mask"), ("tril", lambda: a.tril(1), "diagonal"),
    ("sort", lambda: a.sort(1)[0], "dim indices self_sym_sizes"), ("topk", lambda: a.topk(2, 1)[0], "dim indices"),
    ("gelu", lambda: F.gelu(a, approximate="tanh"), "self approximate"),
    ("leaky_relu", lambda: F.leaky_relu(a, 0.2), "self negative_slope"), ("elu", lambda: F.elu(a), "alpha scale input_scale"),
    ("mse_loss", lambda: F.mse_loss(a, b, reduction="sum"), "self target reduction"),
    ("bce", lambda: F.binary_cross_entropy(a.sigmoid(), torch.ones(2, 3)), "self target weight reduction"),
    ("bce logits", lambda: F.binary_cross_entropy_with_logits(a, torch.ones(2, 3)), "target weight pos_weight reduction"),
    ("cross_entropy", lambda: F.cross_entropy(a, torch.tensor([0, 2])), "reduction total_weight"),
    ("norm", lambda: a.norm(), "self result ord keepdim"), ("std", lambda: a.std(), "self result keepdim"),
    ("var", lambda: a.var(1), "self keepdim"),
]


def fmt(x):
    if isinstance(x, torch.Tensor):
        values = [round(v, 4) if isinstance(v, float) else v for v in x.detach().flatten().tolist()]  # (float rounding)
        return f"tensor{tuple(x.shape)} {x.dtype} {values}"
    if isinstance(x, tuple):
        return "(" + ", ".join(fmt(i) for i in x) + ")"
    return repr(x)


for label, f, names in OPS:
    g = f().grad_fn
    values = []
    for n in names.split():
        try:
            values.append(f"{n}={fmt(getattr(g, '_saved_' + n))}")
        except Exception as e:
            values.append(f"{n}!!{type(e).__name__}")
    print(label, g.name(), *values)
y = a * b
print("raw", type(y.grad_fn._raw_saved_self).__name__, hasattr(y.grad_fn, "_raw_saved_alpha"))
s = a.sum(1)
print("no such field", hasattr(s.grad_fn, "_saved_self"), hasattr(s.grad_fn, "_raw_saved_dim"))
y.sum().backward()
try:
    y.grad_fn._saved_self
except RuntimeError as e:
    print("after backward:", str(e)[:60])
