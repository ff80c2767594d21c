"""The hook as users run it: the real pre-commit, against a throwaway git repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

BEFORE = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"
AFTER = "import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_try_repo_fixes_then_passes(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    _git(project, "config", "user.email", "test@example.com")
    _git(project, "config", "user.name", "test")
    (project / "bot.py").write_text(BEFORE)
    _git(project, "add", "bot.py")
    _git(project, "commit", "-qm", "blocking bot")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    command = [
        sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "asyncfix",
        "--all-files", "--color", "never",
    ]

    first = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert "fixed bot.py (1)" in first.stdout
    assert (project / "bot.py").read_text() == AFTER

    second = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout
    assert (project / "bot.py").read_text() == AFTER
