"""What can be checked about dependencies without the network (docs/security.md, "Supply chain").

Known vulnerabilities need PyPI's advisory data (`scripts/audit`, run by `make audit` and CI); these tests
check what can be checked offline: every direct dependency is pinned, the environment runs exactly the
pinned versions, the installed distributions' own requirements are consistent (`pip check`), and the audit
runs pip-audit only on real advisory data, never passing on none.
"""

import io
import json
import runpy
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
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


@pytest.fixture
def audit(monkeypatch):
    """Return scripts/audit's namespace with PyPI's answer and pip-audit replaced; calls are recorded."""
    script = runpy.run_path(str(PYPROJECT.parent / "scripts" / "audit"))
    calls = []
    monkeypatch.setattr(script["main"].__globals__["subprocess"], "call", lambda args: calls.append(args) or 0)

    def answer(vulnerabilities=None, error=None):
        def urlopen(url, timeout):
            if error:
                raise error
            return io.BytesIO(json.dumps({"vulnerabilities": vulnerabilities}).encode())
        monkeypatch.setattr(script["main"].__globals__["urllib"].request, "urlopen", urlopen)
    return script, answer, calls


@pytest.mark.parametrize("args, status", [([], 1), (["--if-available"], 0)])
def test_the_audit_refuses_to_pass_on_stripped_advisory_data(audit, monkeypatch, capsys, args, status):
    script, answer, calls = audit
    answer(vulnerabilities=[])
    monkeypatch.setattr(sys, "argv", ["audit", *args])
    assert script["main"]() == status and calls == []
    assert "NOT AUDITED" in capsys.readouterr().out


def test_the_audit_reports_an_unreachable_pypi(audit, monkeypatch, capsys):
    script, answer, calls = audit
    answer(error=OSError("Name or service not known"))
    monkeypatch.setattr(sys, "argv", ["audit"])
    assert script["main"]() == 1 and calls == []
    assert "Name or service not known" in capsys.readouterr().out


def test_the_audit_runs_pip_audit_strictly_when_the_advisories_are_there(audit, monkeypatch):
    script, answer, calls = audit
    answer(vulnerabilities=[{"id": "PYSEC-2021-98"}])
    monkeypatch.setattr(sys, "argv", ["audit", "--if-available"])
    assert script["main"]() == 0
    assert calls[0][0].endswith("pip-audit") and calls[0][1:] == ["--local", "--strict", "--skip-editable"]
