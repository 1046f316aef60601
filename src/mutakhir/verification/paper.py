"""The blank printable questionnaire (PDF) for field workers without a device, generated from questionnaire.py.

Every household item and member column with its item number and code list, so paper and screen ask the same.
"""

from django.template.loader import render_to_string

from .questionnaire import HOUSEHOLD_ITEMS, MEMBER_ITEMS

MEMBER_ROWS = 10


def _items(items):
    return [(item, item.code_list.choices if item.code_list else ()) for item in items]


def blank_pdf() -> bytes:
    """Return the blank questionnaire: household items, then a member grid and the member code lists."""
    from weasyprint import HTML

    html = render_to_string("verification/paper.html", {
        "household": _items(HOUSEHOLD_ITEMS), "members": _items(MEMBER_ITEMS), "rows": range(1, MEMBER_ROWS + 1)})
    return HTML(string=html).write_pdf()
