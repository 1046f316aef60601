"""Verivali models: signals."""
