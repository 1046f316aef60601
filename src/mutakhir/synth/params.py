"""Dates and shares of the synthetic district, as data in one place (error rates live in errors.py)."""

import numpy as np

# The civil-registry extract and the registrations describe the district on REF_DATE; the registry
# snapshot is the district as it was on SNAPSHOT_DATE (about 2.5 years earlier).
REF_DATE = np.datetime64("2025-03-31", "D")
SNAPSHOT_DATE = np.datetime64("2022-09-30", "D")
PERIOD_START = np.datetime64("2025-04-01", "D")  # registrations are dated inside the update period
PERIOD_DAYS = 91

REGISTRY_SHARE = 0.40  # poorest share of (snapshot) households in the registry
REGISTRY_NOISE_SD = 0.15  # noise on log consumption when choosing them (targeting was imperfect)
REGISTRATION_SHARE = 0.07  # registrations of one update period, as a share of all households
# Of the registrations: households in the registry, poor ones missed by it (bottom 50% by welfare),
# and better-off ones.
REGISTRATION_MIX = (0.60, 0.28, 0.12)
REGISTRATION_KINDS = (("aktif", 0.50), ("pasif", 0.35), ("musdes", 0.15))
SURVEY_SHARE = 0.06  # SUSENAS-like sample, stratified by sub-district

# Ethnic groups of households: names, and a small welfare shift.
ETHNIC = ("malay", "chinese", "javanese", "batak", "other")
ETHNIC_P = (0.55, 0.22, 0.12, 0.04, 0.07)
ETHNIC_SHIFT = (-0.05, 0.35, -0.10, 0.0, 0.05)

# Household types: single, couple, nuclear, single parent, three generations (head's parents),
# two families (a married child with spouse and children, on their own KK).
TYPE_P = (0.07, 0.10, 0.55, 0.08, 0.10, 0.10)

# Events between the snapshot and REF_DATE (per household, where applicable).
EVENT_RATES = {
    "dead_parent": 0.12,  # three-generation households: a parent of the head died
    "dead_husband": 0.25,  # female heads aged 50+ without spouse: the husband (then head) died
    "moved_out": 0.08,  # heads aged 45-75: an adult child left the district
    "moved_in": 0.50,  # household help and "other" members: arrived from outside the district
    "split": 0.10,  # young couples: they lived in the parents' household at the snapshot
    "address": 0.08,  # the household moved (another village, another address)
    "housing": 0.12,  # one or two housing fields differ (mostly an upgrade since)
    "assets": 0.15,  # one asset differs
    "member_details": 0.04,  # one adult's work status differs
    "twins": 0.02,  # a child born the same day as the previous child
    "newborn_unregistered": 0.5,  # babies under 120 days not yet in the civil registry
}
