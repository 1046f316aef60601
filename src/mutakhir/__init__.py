"""Mutakhir: the self-updating mechanism (MPM) of Indonesia's unified social-welfare database."""

__version__ = "0.1.0"
