"""autograd_lite/autograd/anomaly_mode.py against PyTorch: anomaly mode names the node that returned NaN."""
import warnings

import pytest

torch = pytest.importorskip("torch")
import autograd_lite as al  # noqa: E402
from harness import same  # noqa: E402


def _nan_backward(lib):
    lib.autograd.set_detect_anomaly(True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(RuntimeError) as e:
                (lib.tensor([0.0], requires_grad=True).sqrt() * 0).sum().backward()
        first_line = str(caught[0].message).splitlines()[0]
        return str(e.value), first_line, lib.is_anomaly_enabled()
    finally:
        lib.autograd.set_detect_anomaly(False)


def test_anomaly_detection_names_the_node_that_returned_nan():
    same(_nan_backward)
    assert not al.is_anomaly_enabled()
    with al.autograd.detect_anomaly():
        assert al.is_anomaly_enabled()
    assert not al.is_anomaly_enabled()
