"""The downloadable .xlsx template for bulk registration: the exchange format's columns, code lists as drop-downs."""

from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from mutakhir.core.spreadsheets import Spreadsheet
from mutakhir.registry import codes

from .exchange_adapter import HOUSEHOLDS, MEMBERS

TEMPLATE_ROWS = 5000  # rows covered by the drop-downs
EXAMPLES = {
    "households": {"household_id": "H1", "region_code": "1901011001", "address": "Jl. Melati No. 3", "rt": "002",
                   "rw": "001", "floor_material": 8},
    "members": {"record_id": "H1-1", "household_id": "H1", "nik": "1901010105800001", "kk": "1901011503200003",
                "name": "Budi Santoso", "sex": 1, "birth_date": "1980-05-01", "relation": 1},
}


def build_template() -> bytes:
    """Return the template workbook: sheets households, members, and a `codes` sheet feeding the drop-downs."""
    workbook = Spreadsheet(streamed=False)
    code_sheet = workbook.sheet("codes")
    code_sheet.append([_("column"), _("code"), _("label")])
    ranges, row = {}, 2
    for code_list in codes.HOUSEHOLD_CODE_LISTS + codes.MEMBER_CODE_LISTS:
        first = row
        for code, _label, _en in code_list.codes:
            code_sheet.append([code_list.field, code, str(dict(code_list.choices)[code])])
            row += 1
        ranges[code_list.field] = f"{quote_sheetname('codes')}!$B${first}:$B${row - 1}"
    for table, columns in (("households", HOUSEHOLDS), ("members", MEMBERS)):
        sheet = workbook.sheet(table)
        names = [c.name for c in columns if not c.name.startswith("end")]
        sheet.append(names)
        sheet.append([EXAMPLES[table].get(n) for n in names])
        for i, name in enumerate(names, start=1):
            letter = get_column_letter(i)
            sheet[f"{letter}1"].font = Font(bold=True)
            sheet.column_dimensions[letter].width = max(12, len(name) + 2)
            kind = next(c.kind for c in columns if c.name == name)
            if kind == "code":
                rule = DataValidation(type="list", formula1=ranges[name], allow_blank=True, showErrorMessage=True,
                                      error=_("Choose a code from the list."))
            elif kind == "flag":
                rule = DataValidation(type="list", formula1='"0,1"', allow_blank=True, showErrorMessage=True,
                                      error=_("Must be 0 or 1."))
            else:
                continue
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
        for i, name in enumerate(names, start=1):
            if name in ("nik", "kk", "region_code", "rt", "rw", "birth_date"):
                for cells in sheet.iter_rows(min_row=2, max_row=TEMPLATE_ROWS, min_col=i, max_col=i):
                    cells[0].number_format = "@"  # text: keep leading zeros and 16 digits
        sheet.freeze_panes = "A2"
    workbook.book.move_sheet("codes", offset=2)
    return workbook.to_bytes()
