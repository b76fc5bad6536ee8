"""autograd_lite/nn/upsampling.py against PyTorch: the resizing layers' reprs and outputs
(F.interpolate itself: tests/ops/test_upsampling.py)."""
import pytest

torch = pytest.importorskip("torch")
from harness import same  # noqa: E402


def test_upsample_layers_match_torch():
    def run(lib):
        nn = lib.nn
        ms = [nn.Upsample(scale_factor=2), nn.Upsample(size=(4, 4), mode="bilinear"), nn.Upsample(scale_factor=(2, 3)),
              nn.UpsamplingNearest2d(scale_factor=2), nn.UpsamplingBilinear2d(size=5),
              nn.Upsample(scale_factor=1.5, mode="bilinear", align_corners=False)]
        x = lib.arange(24.0).view(1, 2, 3, 4).requires_grad_()
        outs = [m(x) for m in ms]
        sum((o * o).sum() for o in outs).backward()
        return [repr(m) for m in ms] + outs + [o.grad_fn.name() for o in outs] + [x.grad]

    same(run)
