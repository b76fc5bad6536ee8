"""Tests of autograd_lite/autograd/<module>.py, one file per module."""
