"""What can be checked about dependencies without the network (docs/security.md, "Supply chain").

Known vulnerabilities cannot be checked here (pip-audit needs PyPI's or OSV's vulnerability data); these
tests check what can: every direct dependency is pinned, the environment runs exactly the pinned versions,
and the installed distributions' own requirements are consistent (`pip check`).
"""

import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def requirements() -> list[Requirement]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    extras = project.get("optional-dependencies", {}).values()
    return [Requirement(line) for line in [*project["dependencies"], *(r for group in extras for r in group)]]


def test_every_direct_dependency_is_pinned_to_one_version():
    loose = [str(r) for r in requirements() if len(r.specifier) != 1 or next(iter(r.specifier)).operator != "=="]
    assert requirements() and loose == []


def test_the_environment_runs_the_pinned_versions():
    wrong = {r.name: (str(r.specifier), version(r.name)) for r in requirements()
             if not r.specifier.contains(version(r.name), prereleases=True)}
    assert wrong == {}


def test_the_installed_distributions_requirements_are_consistent():
    done = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
