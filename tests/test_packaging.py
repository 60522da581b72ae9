"""`pip install .` must give a working app: every package, template, static file and
migration inside the wheel."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_is_declared():
    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "fundtrack").rglob("__init__.py")
    }
    assert found <= declared, f"add to pyproject.toml: {sorted(found - declared)}"
    missing = {name for name in declared - {"fundtrack.templates"}
               if not (ROOT / name.replace(".", "/") / "__init__.py").is_file()}
    assert not missing, f"declared in pyproject.toml but not in the tree: {sorted(missing)}"


def test_wheel_carries_templates_static_files_and_migrations(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    wheel = next(tmp_path.glob("fundtrack-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {f"fundtrack/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
                 for p in (ROOT / "templates").rglob("*.html")}
    static = {f"fundtrack/{p.relative_to(ROOT / 'fundtrack').as_posix()}"
              for p in (ROOT / "fundtrack" / "static").rglob("*") if p.is_file()}
    migrations = {f"fundtrack/{p.relative_to(ROOT / 'fundtrack').as_posix()}"
                  for p in (ROOT / "fundtrack" / "migrations").rglob("*.py")}
    assert templates and static and migrations
    assert templates | static | migrations <= names, sorted(
        (templates | static | migrations) - names
    )
