"""The `synth` management command: bad input gives clear CommandErrors; no database needed."""

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.parametrize("count", [0, -3])
def test_it_refuses_a_non_positive_count(tmp_path, count):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("synth", households=count, out=str(tmp_path))


def test_it_refuses_an_unwritable_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CommandError, match="cannot write"):
        call_command("synth", households=10, out=str(blocker / "sub"))


@pytest.mark.parametrize("region", ["99.99", "abc", "19"])
def test_it_refuses_an_unknown_region(tmp_path, region):
    with pytest.raises(CommandError, match="region"):
        call_command("synth", households=10, out=str(tmp_path), region=region)


def test_it_writes_a_small_district(tmp_path, capsys):
    call_command("synth", households=60, seed=3, out=str(tmp_path), region="19.01.02")
    assert (tmp_path / "registry" / "households.csv").exists()
    assert (tmp_path / "civil" / "members.csv").read_text(encoding="utf-8").count("\n") > 60
