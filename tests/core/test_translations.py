"""Django's own strings that its Indonesian catalogue lacks are translated by ours."""

import pytest
from django.utils import translation

from mutakhir.decrees.forms import DecreeForm


@pytest.mark.django_db
def test_a_select_without_a_choice_says_so_in_indonesian():
    with translation.override("id"):
        html = str(DecreeForm(district="1901")["update_period"])
    assert "Pilih salah satu" in html and "Select an option" not in html
