"""National desil cut-points: a district ranked alone gets the desil the nation gives its households.

A poor and a rich synthetic district are ranked together (the national run, whose cut-points are published
and signed), then each alone: with the imported cut-points each keeps its national desil mix; without them
each is split into ten equal shares (relative desil). Tampered, unsigned and other-model files are refused.
"""

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from mutakhir.core import signing
from mutakhir.ranking import cutpoints
from mutakhir.ranking.models import RankingResult
from mutakhir.ranking.services import do_publish_model, do_rank

from .data import draw, write

N = 400


def district(path, code: str, prefix: str, seed: int, *, rich: bool) -> str:
    """Write a district's household file: the rich one has larger floors and cars, the poor one neither."""
    cols = draw(N, seed, regions=(code,))
    cols["household_id"] = [f"{prefix}{i:05d}" for i in range(N)]
    cols["region_code"] = [r + "011001" for r in cols.pop("region")]
    cols["floor_area_m2"] = np.round(cols["floor_area_m2"] * (2.5 if rich else 0.5), 1)
    cols["has_car"] = np.full(N, 1 if rich else 0)
    for name in ("weight", "log_consumption_pc"):
        cols.pop(name)
    return write(path, cols)


@pytest.fixture
def national_key(settings, tmp_path_factory, db):
    settings.VAR_DIR = tmp_path_factory.mktemp("var")
    public = signing.create_key(cutpoints.NATIONAL_KEY)
    cutpoints.trust_national_key(public)
    return public


@pytest.fixture
def files(tmp_path):
    poor = district(tmp_path / "poor.csv", "1901", "P", 11, rich=False)
    rich = district(tmp_path / "rich.csv", "1971", "R", 12, rich=True)
    union = tmp_path / "nation.csv"
    lines = Path(poor).read_text().splitlines() + Path(rich).read_text().splitlines()[1:]
    union.write_text("\n".join(lines) + "\n")
    return {"poor": poor, "rich": rich, "nation": str(union)}


@pytest.fixture
def version(db, model):
    return do_publish_model(model.to_dict(), name="pmt")


@pytest.fixture
def national(model, version, files):
    return do_rank(model, files["nation"], region_column="region_code", persons_column="hh_size", pmt_model=version)


def rank(model, path, **kwargs):
    return do_rank(model, path, region_column="region_code", persons_column="hh_size", **kwargs)


def desil_of(run) -> dict[str, int]:
    return dict(RankingResult.objects.filter(run=run).values_list("household_id", "desil"))


def share_low(desil: dict[str, int], prefix: str = "") -> float:
    """Share of the households (of IDs starting with `prefix`) in desil 1-4."""
    mine = [d for hid, d in desil.items() if hid.startswith(prefix)]
    return sum(1 for d in mine if d <= 4) / len(mine)


def test_a_district_ranked_alone_keeps_its_national_desil(national_key, model, version, national, files):
    imported = cutpoints.import_cutpoints(cutpoints.publish(national))
    nation = desil_of(national)
    poor = rank(model, files["poor"], pmt_model=version, cutpoint_set=imported)
    rich = rank(model, files["rich"], pmt_model=version, cutpoint_set=imported)
    assert poor.cutpoints == rich.cutpoints == imported
    alone = desil_of(poor) | desil_of(rich)
    assert alone == nation  # the same scores fall in the same national desil
    assert share_low(nation, "P") > 0.7 and share_low(nation, "R") < 0.1  # the two districts differ nationally
    assert share_low(desil_of(poor)) == pytest.approx(share_low(nation, "P"))
    assert share_low(desil_of(rich)) == pytest.approx(share_low(nation, "R"))


def test_relative_desil_give_each_district_ten_equal_shares(model, version, files):
    for path in (files["poor"], files["rich"]):
        run = rank(model, path, pmt_model=version)
        assert run.cutpoints is None
        counts = Counter(desil_of(run).values())
        assert set(counts) == set(range(1, 11)) and 0.3 < share_low(desil_of(run)) < 0.5


def test_the_thresholds_are_the_top_score_of_each_desil(national_key, national):
    thresholds = cutpoints.run_thresholds(national)
    results = list(RankingResult.objects.filter(run=national))
    for k, top in enumerate(thresholds, 1):
        assert top == max(r.score for r in results if r.desil <= k)
    points = cutpoints.load(cutpoints.publish(national))
    assert points.key_fingerprint == signing.fingerprint(national_key)
    assert all(points.desil(r.score) == r.desil for r in results)


def test_a_tampered_file_is_refused(national_key, national):
    signed = json.loads(cutpoints.publish(national))
    signed["payload"]["national"][3] += 0.5  # desil 4 reaches further: more households in the coverage
    with pytest.raises(cutpoints.CutPointsError, match="changed after the national team signed it"):
        cutpoints.import_cutpoints(json.dumps(signed).encode())


def test_a_file_signed_by_an_untrusted_key_is_refused(national_key, national, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # another "national" key, never trusted here
    signing.create_key(cutpoints.NATIONAL_KEY)
    with pytest.raises(cutpoints.CutPointsError, match="does not trust"):
        cutpoints.import_cutpoints(cutpoints.publish(national))


def test_cut_points_of_another_model_are_refused(national_key, model, version, national, files):
    imported = cutpoints.import_cutpoints(cutpoints.publish(national))
    other = do_publish_model(model.to_dict() | {"target": "other_target"}, name="pmt-other")
    with pytest.raises(cutpoints.CutPointsError, match="belong to model pmt v1"):
        rank(model.__class__.from_dict(other.content), files["poor"], pmt_model=other, cutpoint_set=imported)


def test_cut_points_of_a_model_not_published_here_are_refused(national_key, national):
    signed = json.loads(cutpoints.publish(national))
    signed["payload"]["model"]["sha256"] = "0" * 64
    with pytest.raises(cutpoints.CutPointsError, match="not published here"):
        cutpoints.import_cutpoints(cutpoints.sign_payload(signed["payload"]))


def test_per_region_cut_points_take_the_longest_prefix(national_key, model, version, national, files):
    payload = cutpoints.run_payload(national)
    payload["regions"] = {"19": [9.0] * 9, "1901": [-99.0] * 9}  # 1901: all desil 10; rest of 19: all desil 1
    imported = cutpoints.import_cutpoints(cutpoints.sign_payload(payload))
    assert set(desil_of(rank(model, files["poor"], pmt_model=version, cutpoint_set=imported)).values()) == {10}
    assert set(desil_of(rank(model, files["rich"], pmt_model=version, cutpoint_set=imported)).values()) == {1}


@pytest.mark.parametrize(("change", "message"), [
    ({"national": [7.0, 6.0, *[8.0] * 7]}, "nine ascending numbers"),
    ({"national": [7.0] * 8}, "nine ascending numbers"),
    ({"regions": {"19x": [7.0] * 9}}, "field 'regions'"),
    ({"format": "mutakhir-pmt"}, "field 'format'"),
])
def test_a_signed_but_malformed_file_is_refused(national_key, national, change, message):
    with pytest.raises(cutpoints.CutPointsError, match=message):
        cutpoints.import_cutpoints(cutpoints.sign_payload(cutpoints.run_payload(national) | change))
