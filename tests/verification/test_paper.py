"""The blank printable questionnaire: every item and every code of questionnaire.py, one click from the work list."""

import io
import re

from django.urls import reverse
from pypdf import PdfReader

from mutakhir.verification.questionnaire import HOUSEHOLD_ITEMS, MEMBER_ITEMS


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_blank_questionnaire_has_every_item_and_code_list(client, psm):
    client.force_login(psm)
    url = reverse("verification:paper")
    assert url in client.get(reverse("verification:index")).text
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages))
    for item in HOUSEHOLD_ITEMS + MEMBER_ITEMS:
        assert flat(str(item.label)) in text, item.name
        assert flat(item.item_no) in text
        for code, label in item.code_list.choices if item.code_list else ():
            assert flat(f"{code}. {label}") in text, (item.name, code)
