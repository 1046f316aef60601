"""Kill the process mid-run: matching, ranking and package merges leave no half-written results, and re-run.

Each piece of work runs for real in its own process (kill_driver.py) against its own database (a SQLite
file, or a PostgreSQL database in the PostgreSQL run), stops at a chosen point (inside its write
transaction, or just after it committed) and is killed there with SIGKILL, as a power cut or the OOM
killer would. The test then reads the database from a fresh process and runs the work again.

The killed job's row still says "running" and blocks a new run; its process is gone and its heartbeat has
stopped, so the sweep (`mutakhir jobs sweep`, and `mutakhir worker` when it starts) marks it interrupted, and
the work runs again.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import VILLAGE_IN
from django.conf import settings

DRIVER = Path(__file__).with_name("kill_driver.py")
TIMEOUT = 300  # seconds for one step on a loaded 2-core machine


class Databases:
    """Fresh databases for driver processes, each a copy of one migrated template (regions loaded)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.main = settings.DATABASES["default"]
        self.made: list[str] = []
        self.template = self._url("template")
        if self.is_postgres:
            self._createdb("template")
        run(self.template, "migrate")

    @property
    def is_postgres(self) -> bool:
        return self.main["ENGINE"].endswith("postgresql")

    def _name(self, suffix):
        return f"{self.main['NAME'].removeprefix('test_')}_kill_{suffix}"

    def _url(self, suffix) -> str:
        if not self.is_postgres:
            return f"sqlite:///{self.folder / (suffix + '.sqlite3')}"
        m = self.main
        return f"postgres://{m['USER']}@{m['HOST'] or '127.0.0.1'}:{m['PORT'] or 5432}/{self._name(suffix)}"

    def _pg(self, *command):
        m = self.main
        subprocess.run([*command, "-h", m["HOST"] or "127.0.0.1", "-p", str(m["PORT"] or 5432), "-U", m["USER"]],
                       check=True, capture_output=True)

    def _createdb(self, suffix, template=None):
        self._pg("dropdb", "--if-exists", self._name(suffix))
        self._pg("createdb", *(["-T", self._name(template)] if template else []), self._name(suffix))
        self.made.append(self._name(suffix))

    def new(self) -> str:
        suffix = uuid.uuid4().hex[:8]
        if self.is_postgres:
            self._createdb(suffix, template="template")
        else:
            shutil.copy(self.folder / "template.sqlite3", self.folder / f"{suffix}.sqlite3")
        return self._url(suffix)

    def drop_all(self):
        for name in reversed(self.made):
            self._pg("dropdb", "--if-exists", name)


def env(url: str, work: Path | None = None, kill_at: str = "", extra: dict | None = None) -> dict:
    return {**os.environ, "DATABASE_URL": url, "KILL_AT": kill_at, "WORK_DIR": str(work or ""),
            "DJANGO_SETTINGS_MODULE": "mutakhir.config.settings_test", **(extra or {})}


def run(url: str, step: str, *args, work: Path | None = None, extra: dict | None = None) -> str:
    done = subprocess.run([sys.executable, DRIVER, step, *map(str, args)], env=env(url, work, extra=extra),
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout


def run_and_kill(url: str, step: str, *args, kill_at: str) -> None:
    """Start the step, wait until it reaches `kill_at`, and SIGKILL it there."""
    proc = subprocess.Popen([sys.executable, DRIVER, step, *map(str, args)], env=env(url, kill_at=kill_at),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    try:
        for line in proc.stdout:
            seen.append(line)
            if line.strip() == "KILL-POINT":
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.wait(timeout=TIMEOUT)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL, "never reached the kill point:\n" + "".join(seen)[-3000:]


def state(url: str) -> dict:
    return json.loads(run(url, "inspect").strip().splitlines()[-1])


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def assert_interrupted(url: str) -> None:
    """The killed job is interrupted, with the reason in Indonesian first, and no longer running."""
    swept = state(url)
    assert "running" not in swept["jobs"] and "interrupted" in swept["jobs"]
    assert any(e.startswith("Terhenti: proses yang menjalankan tugas ini berhenti") for e in swept["job_errors"])


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    dbs = Databases(tmp_path_factory.mktemp("kill"))
    yield dbs
    if dbs.is_postgres:
        dbs.drop_all()


MATCH_POINTS = {"inside": "bulk_create:MemberLink", "committed": "after:mutakhir.identification.services:store_results"}


@pytest.mark.parametrize("point", MATCH_POINTS)
def test_a_killed_match_run_leaves_no_half_written_results_and_runs_again(point, databases):
    url = databases.new()
    run(url, "setup-match")
    registrations = sum(state(url)["registrations"].values())
    run_and_kill(url, "match", kill_at=MATCH_POINTS[point])
    after_kill = state(url)
    [killed] = after_kill["match_runs"]
    assert killed["state"] == "running" and after_kill["latest_match_runs"] == []  # never offered as a finished run
    if point == "inside":  # the results, links and status changes went down together
        assert (killed["results"], killed["links"]) == (0, 0)
        assert after_kill["registrations"] == {"submitted": registrations}
    else:  # committed as a whole: every registration has its result
        assert killed["results"] == registrations and killed["links"] > 0
    assert "sedang berjalan" in last_json(run(url, "match"))["refused"]  # the dead run blocks a new one
    # The process that claimed it is gone from this host: the sweep knows at once, although the job beat less
    # than the stale time ago (before issue 17.11 it kept blocking new runs for JOB_STALE_SECONDS).
    assert run(url, "sweep", extra={"STALE_SECONDS": "3600"}).startswith("1 tugas")
    assert_interrupted(url)
    run(url, "match")
    again = state(url)
    rerun = again["match_runs"][-1]
    assert rerun["state"] == "done" and again["latest_match_runs"] == [rerun["id"]]
    assert rerun["results"] == registrations and rerun["links"] > 0
    if point == "committed":
        assert rerun["links"] == killed["links"]  # the same complete answer
    assert again["registrations"] == {"in_identification": registrations}


RANK_POINTS = {"inside": "bulk_create:RankingResult", "committed": "after:mutakhir.ranking.services:do_record_ranking"}


@pytest.mark.parametrize("point", RANK_POINTS)
def test_a_killed_ranking_run_leaves_no_partial_ranking_and_runs_again(point, databases, tmp_path):
    url = databases.new()
    run(url, "setup-rank", work=tmp_path)
    households = len(state(url)["households"])
    run_and_kill(url, "rank", kill_at=RANK_POINTS[point])
    after_kill = state(url)
    assert after_kill["jobs"] == ["running"]
    if point == "inside":
        assert after_kill["ranking_runs"] == [] and after_kill["ranking_results"] == 0
    else:  # the run and all its results committed together; only the job's "done" is missing
        [killed] = after_kill["ranking_runs"]
        assert killed["results"] == killed["households"] == households
    # A restarted worker sweeps at start: the killed job has not beaten for over MUTAKHIR_JOB_STALE_SECONDS.
    time.sleep(1.5)
    run(url, "worker", extra={"MUTAKHIR_JOB_STALE_SECONDS": "1"})
    assert_interrupted(url)
    run(url, "rank")
    rerun = state(url)["ranking_runs"][-1]
    assert rerun["state"] == "done" and rerun["results"] == rerun["households"] == households


@pytest.fixture
def package(make_household, make_user, tmp_path, district_key):
    """A district package and the national registry it merges into, as files (made in the test database)."""
    from decrees.test_package import Rollback, district_work
    from django.db import transaction

    from mutakhir.registry.exchange.exporter import export_dataset

    national = {name: make_household(VILLAGE_IN, members=n) for name, n in
                (("verified", 3), ("split", 2), ("moved", 2), ("merged", 1), ("target", 2), ("refused", 1))}
    export_dataset(tmp_path / "national.zip")
    with pytest.raises(Rollback), transaction.atomic():
        district_work(national, make_user, tmp_path)
        raise Rollback
    (tmp_path / "district.pub").write_text(district_key)
    return tmp_path / "national.zip", tmp_path / "package.zip"


def test_a_killed_package_merge_leaves_the_registry_as_it_was_and_merges_again(databases, package):
    national, path = package
    url = databases.new()
    run(url, "setup-package", national, national.with_name("district.pub"))
    before = state(url)
    run_and_kill(url, "merge", path, kill_at="after:mutakhir.registry.packages.merge:import_dataset")
    after_kill = state(url)
    assert after_kill["households"] == before["households"] and after_kill["members"] == before["members"]
    assert after_kill["package_imports"] == 0 and after_kill["import_batches"] == before["import_batches"]
    run(url, "merge", path)
    merged = state(url)
    assert merged["package_imports"] == 1 and merged["households"] != before["households"]
    assert merged["import_batches"] == [*before["import_batches"], "done"]
