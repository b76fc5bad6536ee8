"""autograd.profiler.profile: the operations recorded and their counts (times vary, so not
printed); run with the library name as argument."""
import os
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.ones(3, 2, requires_grad=True)
torch.manual_seed(0)
layer = torch.nn.Linear(3, 4)
sys.stdout.flush()
saved_stdout = os.dup(1)
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # PyTorch's profiler backend logs its start and stop on stdout
with torch.autograd.profiler.profile() as prof:
    with torch.autograd.profiler.record_function("my_block"):
        y = (x * 2).sin().matmul(w).relu().sum()
    y.backward()
with torch.autograd.profiler.profile() as prof2:
    loss = torch.nn.functional.cross_entropy(layer(x.detach().log1p().unsqueeze(0)).tanh(), torch.tensor([2]))
    loss.backward()
sys.stdout.flush()
os.dup2(saved_stdout, 1)
rows = {e.key: e.count for e in prof.key_averages()}
for name in ["my_block", "aten::mul", "aten::sin", "aten::relu", "aten::sum", "SumBackward0",
             "ReluBackward0", "SinBackward0", "MulBackward0", "autograd::engine::evaluate_function: SinBackward0"]:
    print(name, rows.get(name))
rows = {e.key: e.count for e in prof2.key_averages()}
for name in ["aten::log1p", "aten::addmm", "aten::tanh", "aten::log_softmax", "aten::_log_softmax_backward_data",
             "AddmmBackward0", "TanhBackward0", "LogSoftmaxBackward0", "NllLossBackward0",
             "torch::autograd::AccumulateGrad", "autograd::engine::evaluate_function: torch::autograd::AccumulateGrad"]:
    print(name, rows.get(name))
table = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=5)
lines = table.splitlines()
print(lines[1].split())
print(len(lines), lines[-1].startswith("Self CPU time total:"))
print("aten::sin" in prof.key_averages().table())
