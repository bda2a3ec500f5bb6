"""The wheel carries templates, static files, courses, translations and migrations, and the
installed package finds them without the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("localleaders-*.whl"))


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "localleaders/_data/templates/base.html",
        "localleaders/_data/static/css/app.css",
        "localleaders/_data/static/js/vendor/htmx.min.js",
        "localleaders/_data/courses/program.yaml",
        "localleaders/migrations/env.py",
        "localleaders/migrations/versions/0001_initial.py",
        "localleaders/locales/be/LC_MESSAGES/messages.po",
    ):
        assert expected in names


def test_installed_package_works_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "LOCALLEADERS_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
    }
    env.pop("LOCALLEADERS_COURSES_DIR", None)
    script = (
        "import localleaders, localleaders.resources as r;"
        "print(localleaders.__file__); print(r.data_dir('templates'))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert shown.count(str(site)) == 2
    for command in (["db", "upgrade"], ["courses", "sync"]):
        subprocess.run(
            [sys.executable, "-m", "localleaders", *command],
            cwd=tmp_path,
            env=env,
            check=True,
            capture_output=True,
        )
