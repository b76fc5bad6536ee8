"""autograd_lite: a small autograd engine with PyTorch's API."""
