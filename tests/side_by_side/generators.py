"""Independent generators (torch.Generator) and data loading, printed; see tests/test_side_by_side.py."""
import sys
torch = __import__(sys.argv[1])
from importlib import import_module
data = import_module(sys.argv[1] + ".utils.data")
g = torch.Generator(); print(g.initial_seed(), torch.rand(2, generator=g))
torch.manual_seed(0)
g2 = torch.Generator().manual_seed(42)
print(torch.randn(3, generator=g2), torch.rand(2), torch.randint(0, 10, (3,), generator=g2), torch.randperm(5, generator=g2))
print(torch.empty(3).uniform_(generator=g2), torch.empty(3).normal_(generator=g2), torch.rand(2))
ds = data.TensorDataset(torch.arange(10.))
a, b = data.random_split(ds, [0.7, 0.3], generator=torch.Generator().manual_seed(42))
print(list(a.indices), list(b.indices))
dl = data.DataLoader(ds, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(1))
print([x[0].tolist() for x in dl], [x[0].tolist() for x in dl])
dl = data.DataLoader(ds, batch_size=4, shuffle=True)
print([x[0].tolist() for x in dl], torch.rand(1))
print(torch.default_generator.initial_seed(), torch.manual_seed(5) is torch.default_generator, torch.initial_seed())
