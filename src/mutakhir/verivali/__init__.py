"""Verivali: keeping the existing registry true between registrations (civil-registry sync,
administrative signals, selection for re-verification, outcome tracking)."""
