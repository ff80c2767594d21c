"""Shared pytest setup."""

from pathlib import Path

import pytest

# The fixture inputs and expected outputs are data, not tests: never collect
# or import them, whatever their names.
collect_ignore_glob = ["fixtures/*"]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test in its own empty directory (the CLI, config and file tests)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path.resolve()
