"""Recurrent and attention layers as PyTorch's docs and courses use them: the docs' examples of
nn.RNN / LSTM / GRU / their cells / MultiheadAttention / TransformerEncoder, a character-level
LSTM language model trained a few steps with hidden state carried (detached) between batches,
and a GRU + attention classifier; run with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
nn = torch.nn
F = torch.nn.functional


def show(name, t):
    print(name, tuple(t.shape), t.dtype, t.requires_grad, f"{t.abs().sum().item():.5g}")


torch.manual_seed(0)
# --- the docs' examples -----------------------------------------------------------------------
rnn = nn.RNN(10, 20, 2)
output, hn = rnn(torch.randn(5, 3, 10), torch.randn(2, 3, 20))
show("RNN output", output), show("RNN h_n", hn)
lstm = nn.LSTM(10, 20, 2)
output, (hn, cn) = lstm(torch.randn(5, 3, 10), (torch.randn(2, 3, 20), torch.randn(2, 3, 20)))
show("LSTM output", output), show("LSTM h_n", hn), show("LSTM c_n", cn)
gru = nn.GRU(10, 20, 2)
output, hn = gru(torch.randn(5, 3, 10), torch.randn(2, 3, 20))
show("GRU output", output), show("GRU h_n", hn)
cell = nn.LSTMCell(10, 20)
inputs, hx, cx = torch.randn(2, 3, 10), torch.randn(3, 20), torch.randn(3, 20)
outs = []
for i in range(inputs.size()[0]):
    hx, cx = cell(inputs[i], (hx, cx))
    outs.append(hx)
show("LSTMCell stacked", torch.stack(outs, dim=0))
rnn_cell = nn.RNNCell(10, 20, nonlinearity="relu")
show("RNNCell", rnn_cell(torch.randn(6, 3, 10)[0]))
gru_cell = nn.GRUCell(10, 20)
show("GRUCell", gru_cell(torch.randn(10)))
mha = nn.MultiheadAttention(16, 4)
q = torch.randn(5, 2, 16)
attn_output, attn_weights = mha(q, q, q)
show("MHA output", attn_output), show("MHA weights", attn_weights)
layer = nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32, batch_first=True)
encoder = nn.TransformerEncoder(layer, num_layers=2).eval()
show("TransformerEncoder", encoder(torch.rand(3, 7, 16)))
print(rnn, lstm, gru, cell, mha, sep="\n")
print([n for n, _ in nn.LSTM(4, 3, bidirectional=True).named_parameters()])
for bad in (lambda: nn.LSTM(10, 20)(torch.randn(5, 3, 11)),
            lambda: nn.GRU(10, 20)(torch.randn(5, 3, 10), torch.randn(2, 3, 20)),
            lambda: nn.RNN(10, 20, nonlinearity="sigmoid"),
            lambda: nn.MultiheadAttention(16, 3)):
    try:
        bad()
    except Exception as e:  # noqa: BLE001 (printed, as a learner sees it)
        print(type(e).__name__, e)

# --- a character-level LSTM language model ---------------------------------------------------
text = "the quick brown fox jumps over the lazy dog " * 6
chars = sorted(set(text))
data = torch.tensor([chars.index(c) for c in text])


class CharLSTM(nn.Module):
    def __init__(self, vocab, hidden=24):
        super().__init__()
        self.embed = nn.Embedding(vocab, 12)
        self.lstm = nn.LSTM(12, hidden, num_layers=2, batch_first=True, dropout=0.0)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


torch.manual_seed(42)
model = CharLSTM(len(chars))
opt = torch.optim.Adam(model.parameters(), lr=0.01)
state, seq = None, 20
for step in range(8):
    start = (step * seq) % (len(data) - seq - 1)
    x, y = data[start:start + seq].unsqueeze(0), data[start + 1:start + seq + 1].unsqueeze(0)
    logits, state = model(x, state)
    state = tuple(s.detach() for s in state)  # truncated backpropagation through time
    loss = F.cross_entropy(logits.view(-1, len(chars)), y.view(-1))
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    print(step, f"{loss.item():.4f}")
with torch.no_grad():
    logits, _ = model(data[:10].unsqueeze(0))
    print("greedy:", "".join(chars[i] for i in logits.argmax(-1)[0].tolist()))


# --- a bidirectional GRU with attention pooling ------------------------------------------------
class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(6, 8, batch_first=True, bidirectional=True)
        self.attn = nn.MultiheadAttention(16, 2, batch_first=True)
        self.out = nn.Linear(16, 3)

    def forward(self, x, pad):
        h, _ = self.gru(x)
        h, w = self.attn(h, h, h, key_padding_mask=pad)
        return self.out(h.mean(1)), w


torch.manual_seed(7)
clf = Classifier()
x, labels = torch.randn(4, 5, 6), torch.tensor([0, 2, 1, 2])
pad = torch.tensor([[False] * 5, [False] * 3 + [True] * 2, [False] * 4 + [True], [False] * 5])
sgd = torch.optim.SGD(clf.parameters(), lr=0.1, momentum=0.9)
for step in range(5):
    logits, weights = clf(x, pad)
    loss = F.cross_entropy(logits, labels)
    sgd.zero_grad()
    loss.backward()
    sgd.step()
    print(step, f"{loss.item():.4f}", tuple(weights.shape), f"{weights[1, 0, 3:].sum().item():.4f}")
print(clf)
