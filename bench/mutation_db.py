"""pytest plugin for mutation runs (bench/mutation.py): each test session starts from a migrated SQLite copy.

mutmut runs the tests of every mutant in a fresh pytest session; pytest-django would build the test
database again each time (migrations: ~10 s idle, 40 s on a busy machine), longer than the tests
themselves. bench/mutation.py migrates one template file per run (`MUTAKHIR_MUTATION_DB`); this
fixture, pytest-django's documented override, gives each session a private copy of it, so two mutants
tested at once never share a database.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    from django.db import connections

    folder = Path(tempfile.mkdtemp(prefix="mutation-db-"))
    copy = folder / "test.sqlite3"
    shutil.copyfile(os.environ["MUTAKHIR_MUTATION_DB"], copy)
    connection = connections["default"]
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict["NAME"] = str(copy)
    yield
    with django_db_blocker.unblock():
        connection.close()
    shutil.rmtree(folder, ignore_errors=True)
