"""The commands a district's operator runs (`make demo` makes the district with `synth`, the national team fits and
scores with `pmt`) speak Indonesian when the interface does (issue 16.11: "350 created", `pmt fit` output)."""

from io import StringIO

from django.core.management import call_command
from django.utils import translation

from mutakhir.registry.exchange.columns import HOUSEHOLDS, MEMBERS

from .crawl import english_in

COLUMNS = frozenset(c.name for c in HOUSEHOLDS + MEMBERS) | {"log_consumption_pc", "household_id"}


def _said(*args) -> str:
    out = StringIO()
    with translation.override("id"):
        call_command(*args, stdout=out)
    return out.getvalue()


def test_synth_and_pmt_speak_indonesian(tmp_path):
    data = tmp_path / "demo"
    said = _said("synth", "--households", "400", "--seed", "2", "--out", str(data))
    survey, model, scores = data / "survey" / "households.csv", tmp_path / "model.json", tmp_path / "scores.csv"
    said += _said("pmt", "fit", "--data", str(survey), "--target", "log_consumption_pc", "--weight", "weight",
                  "--categorical", "floor_material,wall_material", "--log", "floor_area_m2", "--region-column",
                  "region", "--ignore", "region_code", "--folds", "2", "--out", str(model))
    said += _said("pmt", "score", "--model", str(model), "--data", str(data / "registry" / "households.csv"),
                  "--region-column", "region_code", "--out", str(scores))
    assert "rumah tangga" in said and model.exists() and scores.exists()
    assert not english_in(said, identifiers=False, allowed=COLUMNS), said
