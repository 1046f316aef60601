"""`mutakhir demo` ships a PMT model fitted on its synthetic survey and published, so ranking works at once."""

import pytest
from django.core.management import call_command

from mutakhir.core.management.commands.demo import DEMO_MODEL, publish_demo_model
from mutakhir.ranking.models import PmtModelVersion
from mutakhir.ranking.services import do_rank_registry
from mutakhir.registry.models import Household


@pytest.fixture
def demo_data(tmp_path, regions, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("synth", households=3000, seed=1, out=str(tmp_path / "demo"), region="19.01")
    call_command("registry", "import", str(tmp_path / "demo" / "registry"))
    return tmp_path / "demo"


def test_the_demo_publishes_a_model_that_ranks_its_registry(demo_data):
    version = publish_demo_model(demo_data / "survey" / "households.csv")
    assert (version.name, version.version) == (DEMO_MODEL, 1)
    assert version.content["survey"]["rows_used"] > 100 and version.content["validation"]["regional"]["r2"] > 0.2
    assert publish_demo_model(demo_data / "survey" / "households.csv") == version  # a second `make demo`: no new one
    assert PmtModelVersion.objects.count() == 1
    run = do_rank_registry(version)
    assert run.households == Household.objects.active().count() > 1000
    flags = set(run.results.values_list("flags", flat=True))
    assert not any("missing:" in f for f in flags)  # every variable of the model is one the registry holds
    assert sorted(set(run.results.values_list("desil", flat=True))) == list(range(1, 11))
