"""The official Open Badges 2.0 validator, for tests: ``validate_assertion(url)``.

The validator lives in a virtual environment of its own, .venv-openbadges (``make test`` makes
it), because its pinned dependencies clash with the app's; this runs
tests/openbadges/validate.py there in a subprocess. The URL and every document it points to
(BadgeClass, Issuer, images) must be served on 127.0.0.1 or localhost: the validator is kept
off every other host.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV = ".venv-openbadges"
SCRIPT = ROOT / "tests" / "openbadges" / "validate.py"


def validate_assertion(url: str, recipient: str | None = None) -> dict[str, Any]:
    """The validator's JSON report on the hosted Assertion at url: ``["report"]["valid"]``,
    ``["report"]["errorCount"]`` and ``["report"]["messages"]``, plus the ``graph`` of the
    documents it read. With recipient (an email address) it also checks the assertion is for
    that address."""
    python = ROOT / VENV / "bin" / "python"
    if not python.exists():
        message = f"The Open Badges validator is not installed ({VENV}): run `make test`."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    command = [str(python), str(SCRIPT), url]
    if recipient is not None:
        command += ["--recipient", recipient]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(
            f"The validator gave no report (exit {done.returncode}):\n{done.stderr}"
        ) from None
    return report
