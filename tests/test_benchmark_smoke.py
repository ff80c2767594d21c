"""The benchmark script end to end, on its tiny generated corpus (the real one takes minutes)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks" / "bench.py"

# a tool's row: name, command, runs, then median, min and max seconds
NUMBERS = r"\| \d+ \| \d+\.\d+ \| \d+\.\d+ \| \d+\.\d+ \| \d+ MiB \|"


def _ruff_installed() -> bool:
    """The places bench.py looks: next to this Python, on PATH, `python -m ruff`."""
    sibling = Path(sys.executable).parent / "ruff"
    return (
        (sibling.is_file() and os.access(sibling, os.X_OK))
        or shutil.which("ruff") is not None
        or importlib.util.find_spec("ruff") is not None
    )


@pytest.mark.skipif(not _ruff_installed(), reason="ruff is not installed: the benchmark compares against it")
def test_tiny_benchmark_prints_the_table() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--tiny", "--runs", "2"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )

    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "| date | machine | Python | asyncfix | ruff | corpus |" in out
    assert "| tool | command | runs | median s | min s | max s |" in out
    assert re.search(r"^\| ruff \| `ruff check [^`]*` " + NUMBERS, out, re.MULTILINE), out
    assert re.search(r"^\| asyncfix \| `asyncfix --check -q[^`]*` " + NUMBERS, out, re.MULTILINE), out
    assert re.search(r"^\| asyncfix / ruff \| .*\| \d+\.\d+x \|", out, re.MULTILINE), out
    # cold runs bypass the cache; warm runs have one of their own, primed first
    assert "`asyncfix --check -q --no-cache`" in out
    assert re.search(
        r"^\| asyncfix, warm \| `asyncfix --check -q \(cache primed\)` " + NUMBERS, out, re.MULTILINE
    ), out
    warm = r"^warm run \(cache primed, 2 runs\): median \d+\.\d+ s, \d+\.\d+x the cold run"
    assert re.search(warm, out, re.MULTILINE), out
    # the generated corpus has three files to fix (sleep, requests, both)
    assert "3 files would change" in out
