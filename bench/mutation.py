"""Mutation testing (`make mutation`): mutmut on the code that decides who gets aid, each module on its own tests.

MODULES maps every module under test to its own test files: the one place that says which tests answer
for which code. Each module gets a run folder under var/mutation/ (links to src/ and tests/, and a
pyproject.toml with the module's [tool.mutmut] table), so mutmut mutates that module alone and, per
mutant, runs only those of the module's tests that call the mutated function. One migrated SQLite file is
every test session's starting database (bench/mutation_db.py).

Score = (killed + timeout) / (mutants - equivalent). A mutant no test of the module reaches ("no tests")
counts as a survivor. Equivalent mutants leave the score only through bench/mutation_equivalent.txt
(name, mutated line, why); an entry whose mutated line no longer matches is stale and excludes nothing.

    python bench/mutation.py                      # every module; writes bench/mutation_results.txt
    python bench/mutation.py core/nik.py          # some modules (paths under src/mutakhir/)
    python bench/mutation.py --since HEAD~1       # modules whose code or own tests changed since a commit
    python bench/mutation.py --show core/nik.py   # the surviving mutants' diffs of the last run

A module scoring below its floor in bench/mutation_floor.toml fails the run; a run raises the floors of the
modules it measured to their new scores (the ratchet: commit bench/mutation_floor.toml).
"""

import argparse
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import tomllib
from contextlib import chdir, closing
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "src/mutakhir/"
WORK = ROOT / "var" / "mutation"
RESULTS = ROOT / "bench" / "mutation_results.txt"
FLOOR = ROOT / "bench" / "mutation_floor.toml"
EQUIVALENT = ROOT / "bench" / "mutation_equivalent.txt"
PYTEST_ARGS = ["-p", "mutation_db", "-p", "no:cacheprovider", "-m", "not browser and not spark"]

# Module (under src/mutakhir/) -> its own test files. Browser and Spark tests stay out (PYTEST_ARGS).
MODULES: dict[str, list[str]] = {
    "accounts/scope.py": ["tests/accounts/test_scope_anonymous.py", "tests/accounts/test_role_region.py",
                          "tests/accounts/test_scope_matrix.py"],
    "core/flows.py": ["tests/core/test_flows.py", "tests/complaints/test_flows.py"],
    "targeting/rules/compile.py": ["tests/targeting/test_rules.py", "tests/targeting/test_rule_counts.py",
                                   "tests/targeting/test_unknown_never_selects.py"],
    "targeting/rules/parser.py": ["tests/targeting/test_rules.py"],
    "targeting/quotas.py": ["tests/targeting/test_quota_errors.py", "tests/targeting/test_lists.py"],
    "targeting/sql.py": ["tests/targeting/test_lists.py"],
    "ranking/sql.py": ["tests/ranking/test_sql.py", "tests/ranking/test_sql_categories.py"],
    "ranking/model.py": ["tests/ranking/test_model.py", "tests/ranking/test_areas.py",
                         "tests/ranking/test_upload_faults.py"],
    "decrees/services.py": ["tests/decrees/test_service_checks.py", "tests/decrees/test_approval.py",
                            "tests/decrees/test_decrees.py"],
    "identification/linkage/households.py": ["tests/identification/test_households.py"],
    "core/nik.py": ["tests/core/test_nik.py", "tests/core/test_nik_edges.py", "tests/core/test_nik_kk_warning.py",
                    "tests/core/test_kk.py"],
    "core/kk.py": ["tests/core/test_kk.py", "tests/core/test_nik_edges.py"],
    "core/public.py": ["tests/core/test_public_guard.py", "tests/security/test_public_pages.py",
                       "tests/core/test_public_front.py"],
    "registry/packages/merge.py": ["tests/decrees/test_package.py", "tests/decrees/test_package_scope.py"],
}
# Flows that are tables only (no function body, which is all mutmut mutates; core/flows.py runs them): listed
# with the tests that exercise them, so that the results say they are not mutated rather than leave them out.
TABLES = {
    "registration/flows.py": ["tests/registration/test_flows.py"],
    "complaints/flows.py": ["tests/complaints/test_flows.py"],
    "verification/flows.py": ["tests/verification/test_flows.py"],
}
STATUSES = ("killed", "survived", "timeout", "no tests")


@dataclass
class Score:
    module: str
    statuses: dict[str, str]  # mutant name -> mutmut's status
    equivalent: set[str] = field(default_factory=set)

    def count(self, *statuses: str) -> int:
        return sum(1 for n, s in self.statuses.items() if s in statuses and n not in self.equivalent)

    @property
    def unchecked(self) -> int:
        """Mutants a stopped run never tested: the score then covers the tested ones only."""
        return self.count("not checked")

    @property
    def score(self) -> float:
        counted = len(self.statuses) - len(self.equivalent) - self.unchecked
        return 100.0 if counted == 0 else 100.0 * self.count("killed", "timeout") / counted

    def survivors(self) -> list[str]:
        return sorted((n for n, s in self.statuses.items() if s not in ("killed", "timeout", "not checked")
                       and n not in self.equivalent), key=_natural)

    def row(self) -> str:
        other = len(self.statuses) - len(self.equivalent) - self.count(*STATUSES)
        return (f"{self.module:<38} {len(self.statuses):>7} {self.count('killed'):>6} {self.count('survived'):>8} "
                f"{self.count('timeout'):>7} {self.count('no tests'):>8} {len(self.equivalent):>5} {other:>5} "
                f"{self.score:>6.1f}%" + (f"  partial: {self.unchecked} not tested" if self.unchecked else ""))


HEADER = (f"{'module':<38} {'mutants':>7} {'killed':>6} {'survived':>8} {'timeout':>7} {'no tests':>8} "
          f"{'equiv':>5} {'other':>5} {'score':>7}")


def _natural(name: str):
    stem, _, number = name.rpartition("_")
    return (stem, int(number) if number.isdigit() else 0)


def slug(module: str) -> str:
    return module.removesuffix(".py").replace("/", ".")


def run_dir(module: str) -> Path:
    return WORK / slug(module)


def mutmut_table(module: str) -> str:
    """The [tool.mutmut] table of a module's run folder (arrays written as JSON, which TOML reads)."""
    settings = {
        "source_paths": ["src"],
        "only_mutate": [PACKAGE + module],
        "pytest_add_cli_args_test_selection": MODULES[module],
        "pytest_add_cli_args": PYTEST_ARGS,
        "also_copy": ["mutation_db.py"],
        "use_git_change_detection": False,
    }
    return "\n[tool.mutmut]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())


def prepare(module: str) -> Path:
    """A fresh run folder: links to the code and tests, and pyproject.toml plus the module's mutmut table."""
    folder = run_dir(module)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, target in (("src", ROOT / "src"), ("tests", ROOT / "tests"),
                         ("mutation_db.py", ROOT / "bench" / "mutation_db.py")):
        (folder / name).symlink_to(target)
    (folder / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text() + mutmut_table(module))
    return folder


def migrate_template() -> Path:
    """Migrate the SQLite file every test session copies (bench/mutation_db.py)."""
    WORK.mkdir(parents=True, exist_ok=True)
    template = WORK / f"template-{os.getpid()}.sqlite3"  # one per run: two runs at once keep apart
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{template}", PYTHONPATH=str(ROOT / "src"),
               DJANGO_SETTINGS_MODULE="mutakhir.config.settings_test", MUTAKHIR_HOME=str(WORK))
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, check=True, cwd=WORK)
    with closing(sqlite3.connect(template)) as db:  # the whole database in the one file that gets copied
        db.execute("PRAGMA journal_mode=DELETE")
    return template


def run_mutmut(module: str, template: Path, children: int) -> None:
    folder = prepare(module)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["MUTAKHIR_MUTATION_DB"] = str(template)
    log = folder / "mutmut.log"  # mutmut draws a spinner: read it with `tail -c 2000`
    with log.open("w") as out:
        done = subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(children)],
                              cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        sys.exit(f"mutmut failed on {module} (exit {done.returncode}); see {log}")


def diff(module: str, name: str) -> str:
    """`mutmut show`, in this process (a mutmut process per mutant takes seconds on a busy machine)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    with chdir(run_dir(module)):
        return get_diff_for_mutant(name, path=PACKAGE + module)


def mutated_line(module: str, name: str) -> str:
    """The mutant's added line (what the mutation wrote), which pins an equivalence to the code it judged."""
    added = [line[1:].strip() for line in diff(module, name).splitlines()
             if line.startswith("+") and not line.startswith("+++")]
    return " / ".join(added)


def read_equivalent() -> dict[str, tuple[str, str]]:
    """bench/mutation_equivalent.txt: `name | mutated line | why` per line; # starts a comment."""
    entries = {}
    for line in EQUIVALENT.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, added, why = (part.strip() for part in line.split(" | ", 2))
            entries[name] = (added, why)
    return entries


def read_score(module: str, equivalent: dict[str, tuple[str, str]]) -> tuple[Score, list[str]]:
    """The module's statuses from mutmut's .meta file, with its equivalent mutants (and the stale entries)."""
    from mutmut.stats import status_by_exit_code

    meta = run_dir(module) / "mutants" / (PACKAGE + module + ".meta")
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    score = Score(module, {name: status_by_exit_code[code] for name, code in codes.items()})
    prefix = "mutakhir." + slug(module) + "."
    stale = []
    for name, (added, _why) in equivalent.items():
        if not name.startswith(prefix):
            continue
        if name in score.statuses and score.statuses[name] == "survived" and mutated_line(module, name) == added:
            score.equivalent.add(name)
        else:
            stale.append(name)
    return score, stale


def read_floors() -> dict[str, float]:
    return tomllib.loads(FLOOR.read_text()) if FLOOR.exists() else {}


def write_floors(floors: dict[str, float]) -> None:
    lines = ["# Lowest mutation score (%) each module may fall to; bench/mutation.py raises them (commit the file).\n"]
    lines += [f'"{module}" = {floors[module]:.1f}\n' for module in MODULES]
    FLOOR.write_text("".join(lines))


def touched(paths: set[str]) -> list[str]:
    """The modules a change to `paths` (repository-relative) can move: their code, their own tests, the driver."""
    if {"bench/mutation.py", "bench/mutation_db.py"} & paths:
        return list(MODULES)
    return [m for m, tests in MODULES.items() if PACKAGE + m in paths or paths & set(tests)]


def changed_modules(since: str) -> list[str]:
    """Modules whose code or own tests differ from commit `since` (committed or not)."""
    names = subprocess.run(["git", "diff", "--name-only", since, "--"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    return touched(set(names))


def report(scores: list[Score], stale: list[str]) -> str:
    lines = [HEADER, "-" * len(HEADER)] + [s.row() for s in scores]
    lines += [f"{module:<38} {'-':>7}  not measured" for module in MODULES if module not in {s.module for s in scores}]
    lines += [f"{module:<38} {'-':>7}  not mutated: tables only, no function body; exercised by {', '.join(tests)}"
              for module, tests in TABLES.items()]
    lines.append(f"\n{len(scores)} modules, {sum(len(s.statuses) for s in scores)} mutants")
    if stale:
        lines.append("\nStale entries of bench/mutation_equivalent.txt (excluded nothing): " + ", ".join(stale))
    for s in scores:
        if s.survivors():
            lines.append(f"\nSurvivors of {s.module} ({len(s.survivors())}; `python bench/mutation.py --show "
                         f"{s.module}` prints their diffs):")
            lines += [f"  {name}: {s.statuses[name]}  {mutated_line(s.module, name)}" for name in s.survivors()]
    return "\n".join(lines) + "\n"


def write_results(measured: list[tuple[Score, list[str]]], how: str) -> None:
    scores = [score for score, _stale in measured]
    text = report(scores, [name for _score, stale in measured for name in stale])
    load = os.getloadavg()[0]
    RESULTS.write_text(f"# python bench/mutation.py: mutmut, each module on its own tests ({how}; load {load:.1f} "
                       f"on {os.cpu_count()} cores)\n\n{text}")


def ratchet(scores: list[Score]) -> None:
    """Raise the floors of the measured modules to their scores (rounded down to the 0.1 the file keeps)."""
    floors = read_floors()
    floors.update({s.module: max(math.floor(s.score * 10) / 10, floors.get(s.module, 0.0))
                   for s in scores if not s.unchecked})
    write_floors({m: floors.get(m, 0.0) for m in MODULES})


def check_floors(scores: list[Score]) -> list[str]:
    floors = read_floors()
    return [f"{s.module}: {s.score:.1f}% is below its floor {floors[s.module]:.1f}%"
            for s in scores if s.score + 1e-9 < floors.get(s.module, 0.0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="paths under src/mutakhir/ (default: every module)")
    parser.add_argument("--since", help="only the modules whose code or own tests changed since this commit")
    parser.add_argument("--show", action="store_true", help="print the surviving mutants' diffs of the last run")
    parser.add_argument("--report", action="store_true",
                        help="write bench/mutation_results.txt from the last run of each module, running nothing")
    parser.add_argument("--children", type=int, default=2, help="mutants tested at once")
    args = parser.parse_args()
    unknown = set(args.modules) - set(MODULES)
    if unknown:
        sys.exit(f"not in MODULES: {', '.join(sorted(unknown))}")
    modules = changed_modules(args.since) if args.since else (args.modules or list(MODULES))
    equivalent = read_equivalent()
    if args.show:
        for module in modules:
            for name in read_score(module, equivalent)[0].survivors():
                print(diff(module, name))
        return
    if args.report:
        measured = [read_score(m, equivalent) for m in MODULES if (run_dir(m) / "mutants").is_dir()]
        write_results(measured, "assembled from each module's last run")
        ratchet([score for score, _stale in measured])
        return
    if not modules:
        print(f"No module under mutation testing changed since {args.since}.")
        return
    started = time.monotonic()
    template = migrate_template()
    measured = []
    try:
        for module in modules:
            begun = time.monotonic()
            run_mutmut(module, template, args.children)
            measured.append(read_score(module, equivalent))
            print(f"{measured[-1][0].row()}  ({time.monotonic() - begun:.0f} s)", flush=True)
    finally:
        template.unlink(missing_ok=True)
    if modules == list(MODULES):
        write_results(measured, f"one run, {(time.monotonic() - started) / 60:.0f} min")
    scores = [score for score, _stale in measured]
    print(report(scores, [name for _score, stale in measured for name in stale]))
    failures = check_floors(scores)
    ratchet(scores)
    if failures:
        sys.exit("Mutation score fell:\n" + "\n".join(failures))


if __name__ == "__main__":
    main()
