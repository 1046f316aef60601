"""The checks of an ODK/Kobo import that span the whole file, answered by a light first pass.

The import checks and applies submissions a chunk at a time, so what needs the whole file is collected
before anything is written: per row, its instance ID, prelist entry, verifier and registry household, and
the NIKs it lists. These small keys go to a temporary SQLite database, not to memory (a 200,000-row export
lists about a million NIKs), which then answers which rows repeat the instance ID of an earlier row, which
households two verifiers sent, and which NIKs two households of the file list. A row so flagged is never
applied, whichever chunk it falls in.
"""

import sqlite3
import tempfile
from collections import defaultdict
from pathlib import Path

from django.utils.translation import gettext as _

SCHEMA = """
CREATE TABLE submission (row INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, entry INTEGER, username TEXT NOT NULL,
                         household INTEGER);
CREATE TABLE listed (row INTEGER NOT NULL, nik TEXT NOT NULL, entry INTEGER);
"""
REPEATED = """SELECT row FROM (SELECT row, row_number() OVER (PARTITION BY instance_id ORDER BY row) AS n
                               FROM submission WHERE instance_id != '') WHERE n > 1"""
DISAGREEING = """SELECT row FROM submission WHERE entry IN (
                     SELECT entry FROM submission WHERE entry IS NOT NULL GROUP BY entry
                     HAVING count(DISTINCT username) > 1)"""
TWICE = """SELECT row, nik FROM listed WHERE nik IN (
               SELECT nik FROM listed GROUP BY nik HAVING count(DISTINCT entry) > 1) ORDER BY row, nik"""


class FileChecks:
    """Collect the keys of every row (`add`), then (`finish`) flag the rows that clash across the file."""

    def __init__(self):
        self.folder = tempfile.TemporaryDirectory(prefix="mutakhir-odk-")
        self.db = sqlite3.connect(Path(self.folder.name) / "keys.sqlite3")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.executescript(SCHEMA)
        self.repeated: set[int] = set()
        self.disagreeing: set[int] = set()
        self.twice: dict[int, list[str]] = {}
        self.households: set[int] = set()  # the registry households the file speaks for
        self.started = None  # when the second pass began to write

    def add(self, rows) -> None:
        """Record rows of (row, instance ID, entry pk, username, registry household pk, listed NIKs)."""
        rows = list(rows)
        self.db.executemany("INSERT INTO submission VALUES (?, ?, ?, ?, ?)", [r[:5] for r in rows])
        self.db.executemany("INSERT INTO listed VALUES (?, ?, ?)",
                            [(row, nik, entry) for row, _i, entry, _u, _h, niks in rows for nik in niks])

    def finish(self) -> None:
        self.db.execute("CREATE INDEX listed_nik ON listed (nik)")
        self.repeated = {row for (row,) in self.db.execute(REPEATED)}
        self.disagreeing = {row for (row,) in self.db.execute(DISAGREEING)}
        twice = defaultdict(list)
        for row, nik in self.db.execute(TWICE):
            twice[row].append(nik)
        self.twice = dict(twice)
        self.households = {h for (h,) in self.db.execute("SELECT DISTINCT household FROM submission "
                                                          "WHERE household IS NOT NULL")}

    def issues(self, row: int) -> list[tuple[str, str]]:
        """Return the (code, message) of each whole-file check that row fails, but for repeated instance IDs."""
        out = []
        if row in self.disagreeing:
            out.append(("disagreement", _("Two verifiers sent different submissions for this household.")))
        out += [("member_twice", _("A member (NIK %(nik)s…) is listed in two households.") % {"nik": nik[:4]})
                for nik in self.twice.get(row, ())]
        return out

    def close(self) -> None:
        self.db.close()
        self.folder.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
