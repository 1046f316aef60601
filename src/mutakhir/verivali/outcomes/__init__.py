"""Outcome tracking of re-verification: figures per period and region, report exports, district sign-off."""
