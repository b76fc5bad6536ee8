"""pytest loads this first, which puts tests/ on the path: every test imports ``harness``."""
