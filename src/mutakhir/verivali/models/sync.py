"""Verivali models: sync."""
