"""The mutation-testing setup (bench/mutation.py) stays whole: `make test` cannot afford the run itself (over 30 min),
so it checks that every module under mutation testing has its tests, a floor and a recorded score that
meets it, and which modules a change selects for `make mutation-changed` (the CI run)."""

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import mutation  # noqa: E402


def recorded_scores() -> dict[str, float]:
    """Module -> score from the table of bench/mutation_results.txt."""
    scores = {}
    for line in mutation.RESULTS.read_text().splitlines():
        fields = line.split()
        if fields and fields[0] in mutation.MODULES and fields[-1].endswith("%"):
            scores[fields[0]] = float(fields[-1].rstrip("%"))
    return scores


def test_every_module_and_its_own_tests_exist():
    for module, tests in {**mutation.MODULES, **mutation.TABLES}.items():
        assert (ROOT / mutation.PACKAGE / module).is_file(), module
        assert tests, module
        for test in tests:
            assert (ROOT / test).is_file(), (module, test)


def test_the_floor_file_covers_every_module_and_nothing_else():
    floors = tomllib.loads(mutation.FLOOR.read_text())
    assert set(floors) == set(mutation.MODULES)
    assert all(0 <= floor <= 100 for floor in floors.values())


def test_the_recorded_scores_meet_the_floors():
    """A module the results do not measure has no floor to keep (0): the table says "not measured"."""
    floors = tomllib.loads(mutation.FLOOR.read_text())
    scores = recorded_scores()
    assert {m: s for m, s in scores.items() if s < floors[m]} == {}
    assert {m: floors[m] for m in mutation.MODULES if m not in scores and floors[m] > 0} == {}


def test_equivalent_mutants_name_a_module_under_test_and_say_why():
    for name, (added, why) in mutation.read_equivalent().items():
        assert any(name.startswith(f"mutakhir.{mutation.slug(m)}.") for m in mutation.MODULES), name
        assert added and len(why) > 10, name


def test_a_change_selects_the_modules_it_can_move():
    assert mutation.touched({"src/mutakhir/core/kk.py"}) == ["core/kk.py"]
    assert mutation.touched({"tests/core/test_kk.py"}) == ["core/nik.py", "core/kk.py"]
    assert mutation.touched({"README.md", "src/mutakhir/core/views.py"}) == []
    assert mutation.touched({"bench/mutation.py"}) == list(mutation.MODULES)
