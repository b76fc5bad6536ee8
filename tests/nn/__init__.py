"""Tests of autograd_lite/nn/<module>.py, one file per module."""
