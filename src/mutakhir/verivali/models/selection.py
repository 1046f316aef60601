"""Verivali models: selection."""
