"""Stacking, tiling, rolling and index helpers course code calls (hstack, tile, roll, meshgrid, ...)."""
from __future__ import annotations
