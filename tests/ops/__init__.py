"""Tests of autograd_lite/ops/<family>.py, one file per family."""
