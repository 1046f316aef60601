"""The row-level issue report: every error and warning of an import, streamed to a CSV file (formula-safe)."""

from dataclasses import dataclass
from pathlib import Path

from mutakhir.core.spreadsheets import CsvWriter

ERROR, WARNING = "error", "warning"
REPORT_COLUMNS = ("severity", "file", "row", "column", "code", "value", "message")


class DatasetError(Exception):
    """A dataset that cannot be read at all (not a folder or zip, no households file...)."""


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem: `row` counts the header as row 1 (as a spreadsheet shows it); 0 for the whole file."""

    severity: str
    file: str
    row: int
    column: str
    code: str
    message: str
    value: str = ""

    def __str__(self):
        where = self.file + (f", row {self.row}" if self.row else "") + (f", {self.column}" if self.column else "")
        shown = f" ({self.value!r})" if self.value else ""
        return f"{self.severity}: {where}: {self.message}{shown}"

    def as_row(self):
        return (self.severity, self.file, self.row or "", self.column, self.code, self.value, self.message)


class IssueLog:
    """Count issues, keep the first few in memory and stream all of them to a CSV file when given one.

    The file is created on the first issue only, so a clean import leaves nothing behind.
    """

    def __init__(self, path: str | Path | None = None, keep: int = 50):
        self.path = Path(path) if path else None
        self.keep = keep
        self.first: list[Issue] = []
        self.errors = 0
        self.warnings = 0
        self.fatal = 0  # file-level errors: nothing can be imported
        self.rejected_rows: dict[str, int] = {}  # file name -> rows with at least one error
        self._last = None
        self._file = None
        self._writer = None

    def add(self, issue: Issue, fatal: bool = False) -> None:
        """Record an issue; header errors (row 0 or 1) and `fatal` ones reject the whole dataset."""
        if issue.severity == ERROR:
            self.errors += 1
            self.fatal += fatal or issue.row <= 1
            if issue.row > 1 and (issue.file, issue.row) != self._last:
                self._last = (issue.file, issue.row)
                self.rejected_rows[issue.file] = self.rejected_rows.get(issue.file, 0) + 1
        else:
            self.warnings += 1
        if len(self.first) < self.keep:
            self.first.append(issue)
        if self.path is not None:
            if self._writer is None:
                self._file = self.path.open("w", encoding="utf-8", newline="")
                self._writer = CsvWriter(self._file)
                self._writer.writerow(REPORT_COLUMNS)
            self._writer.writerow(issue.as_row())

    def error(self, file, row, column, code, message, value="", *, fatal=False) -> None:
        self.add(Issue(ERROR, file, row, column, code, str(message), _shown(value)), fatal)

    def warning(self, file, row, column, code, message, value="") -> None:
        self.add(Issue(WARNING, file, row, column, code, str(message), _shown(value)))

    def summary(self, limit: int = 20) -> str:
        return "\n".join(str(i) for i in self.first[:limit])

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = self._writer = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _shown(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
