"""A GAN and an autoencoder as course notebooks train them: detach() for the discriminator step,
BCEWithLogitsLoss with ones_like/zeros_like targets, two Adam optimizers with betas, a sigmoid
decoder with BCELoss and MSELoss, random_split and a DataLoader, ReduceLROnPlateau on the
validation loss; seeded, run with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
nn = torch.nn
from importlib import import_module  # noqa: E402

data = import_module(sys.argv[1] + ".utils.data")
torch.manual_seed(0)

# --- GAN on a 2-D Gaussian -------------------------------------------------------------------
G = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
D = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
criterion = nn.BCEWithLogitsLoss()
opt_g = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
for step in range(5):
    real = torch.randn(32, 2) * 0.5 + torch.tensor([2.0, -1.0])
    z = torch.randn(32, 2)
    fake = G(z)
    d_real, d_fake = D(real), D(fake.detach())
    loss_d = criterion(d_real, torch.ones_like(d_real)) + criterion(d_fake, torch.zeros_like(d_fake))
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    d_out = D(fake)
    loss_g = criterion(d_out, torch.ones_like(d_out))
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    print(step, f"{loss_d.item():.5f}", f"{loss_g.item():.5f}", fake.requires_grad, fake.detach().requires_grad,
          G[0].weight.grad is not None, D[0].weight.grad.abs().sum() > 0)
print(opt_g.state_dict()["param_groups"][0]["betas"], len(opt_g.state_dict()["state"]), sorted(opt_d.state[D[0].weight]))

# --- autoencoder --------------------------------------------------------------------------------
images = torch.rand(60, 16)
train, val = data.random_split(data.TensorDataset(images), [48, 12], generator=torch.Generator().manual_seed(1))
print(len(train), len(val), train.indices[:5] if hasattr(train, "indices") else None)
loader = data.DataLoader(train, batch_size=12, shuffle=True, generator=torch.Generator().manual_seed(2))
encoder = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 3))
decoder = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 16), nn.Sigmoid())
params = list(encoder.parameters()) + list(decoder.parameters())
opt = torch.optim.Adam(params, lr=1e-2)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=0)
bce, mse = nn.BCELoss(), nn.MSELoss(reduction="sum")
for epoch in range(4):
    for (xb,) in loader:
        recon = decoder(encoder(xb))
        loss = bce(recon, xb) + 0.01 * mse(recon, xb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        xv = torch.stack([val[i][0] for i in range(len(val))])
        val_loss = bce(decoder(encoder(xv)), xv).item()
    sched.step(val_loss)
    print(epoch, f"{loss.item():.5f}", f"{val_loss:.5f}", opt.param_groups[0]["lr"])
code = encoder(images[:2])
print(code.shape, code.grad_fn.name(), decoder(code).min() >= 0, decoder(code).max() <= 1)
