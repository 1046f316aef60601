"""`synth --registrations N`: an exact number of registrations (the linkage bench's size), checked."""

import csv

import pytest
from django.core.management import CommandError, call_command


def test_it_writes_exactly_the_registrations_asked_for(tmp_path):
    call_command("synth", households=2000, seed=5, registrations=300, out=str(tmp_path))
    with (tmp_path / "registrations" / "households.csv").open(encoding="utf-8") as f:
        assert sum(1 for _ in csv.DictReader(f)) == 300
    with (tmp_path / "truth" / "households.csv").open(encoding="utf-8") as f:
        assert sum(1 for _ in csv.DictReader(f)) == 300


@pytest.mark.parametrize("count", [0, 401])
def test_it_refuses_a_count_out_of_range(tmp_path, count):
    with pytest.raises(CommandError, match="--registrations must be between 1 and a fifth"):
        call_command("synth", households=2000, registrations=count, out=str(tmp_path))
