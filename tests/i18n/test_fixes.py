"""The strings issue 16 found in English, each read in Indonesian (16.10, 16.11)."""

import pytest
from django.utils import translation

from mutakhir.complaints.services import reason_label
from mutakhir.core.jobs import step_note
from mutakhir.ranking.labels import flag_labels, value_label, variable_label
from mutakhir.targeting.models import Entry


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def test_a_score_breakdown_names_variables_codes_and_flags_in_indonesian():
    assert variable_label("household_size") == "jumlah anggota rumah tangga"
    assert variable_label("has_boat") != "has_boat" and variable_label("lighting") != "lighting"
    assert value_label("lighting", 3) == "3 – Listrik non-PLN"
    assert value_label("floor_area_m2", 1.2736399263533031) == "1,27"
    assert flag_labels("missing:household_size;fallback:19") == [
        "data jumlah anggota rumah tangga tidak ada: dipakai rata-rata survei",
        "memakai model wilayah 19 (tidak ada model sendiri)"]


def test_history_reasons_steps_and_list_changes_read_in_indonesian():
    assert reason_label("assigned to budi") == "ditugaskan kepada budi"
    assert reason_label("filed") == "diajukan"
    assert step_note("done") == "selesai"
    assert Entry(change="stayed").get_change_display() == "tetap"


def test_two_masked_numbers_show_the_digits_where_they_differ_and_no_more():
    from mutakhir.registry.display import mask_pair

    assert mask_pair("1901012504240001", "1901012504290001") == ("1901*******40001", "1901*******90001", "")
    assert mask_pair("1901012504240001", "1901999999990001")[2] == "berbeda di lebih dari 3 digit"
    assert mask_pair("1901012504240001", "1901999999990001")[:2] == ("1901********0001", "1901********0001")
    assert mask_pair("1901012504240001", "1901012504240001") == ("1901********0001", "1901********0001", "")


@pytest.mark.django_db
def test_a_ranking_run_is_named_by_its_local_date_without_an_asterisk():
    import datetime as dt

    from mutakhir.ranking.models import RankingRun

    run = RankingRun(pk=7, region_code="", created_at=dt.datetime(2026, 12, 7, 20, 0, tzinfo=dt.UTC))
    assert str(run) == "#7 · semua wilayah · 08-12-2026"  # 03:00 WIB on the 8th


def test_a_required_field_says_wajib_diisi_as_the_app_does_elsewhere():
    from django import forms

    assert str(forms.CharField().error_messages["required"]) == "Kolom ini wajib diisi."


def test_registry_history_reasons_read_in_indonesian():
    from mutakhir.registry.history import reason_label

    assert reason_label("verivali civil sync #1") == "sinkronisasi Dukcapil #1"
    assert reason_label("import 11ad614628a7") == "impor 11ad614628a7"
