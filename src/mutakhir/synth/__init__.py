"""Synthetic population generator for a district: civil registry, stale registry, registrations, survey.

A plain package (not a Django app, no database): `generate(households, seed, out, region)` writes
the exchange-format datasets described in `generate.py`. Deterministic given the seed.
"""

from .area import SynthError
from .generate import generate

__all__ = ["SynthError", "generate"]
