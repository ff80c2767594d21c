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


def _tiny_run(script: Path, runs: int) -> str:
    """``script --tiny --runs N``: what it prints, once it has exited 0."""
    done = subprocess.run(
        [sys.executable, str(script), "--tiny", "--runs", str(runs)],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(not _ruff_installed(), reason="ruff is not installed: the benchmark compares against it")
def test_tiny_benchmark_prints_the_table() -> None:
    out = _tiny_run(BENCH, runs=2)
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


FLOOR = REPO / "benchmarks" / "floor.py"


@pytest.mark.skipif(not _ruff_installed(), reason="ruff is not installed: the floor compares against it")
def test_tiny_floor_prints_each_program_against_ruff() -> None:
    out = _tiny_run(FLOOR, runs=1)
    assert "| program | does | runs | median s | min s | max s | x ruff |" in out
    numbers = r"\| 1 \| \d+\.\d+ \| \d+\.\d+ \| \d+\.\d+ \| \d+\.\d+x \|$"
    for name, does in [
        ("ruff", "ruff check --isolated --select ASYNC --no-cache -q"),
        ("floor 1: read", "walk, read every file, look for `async`"),
        ("floor 2: \\+ LibCST", "and LibCST parse \\+ print what asyncfix gives LibCST"),
        ("floor 3: \\+ scopes", "and LibCST's scope analysis of it"),
        ("floor 4: \\+ ast", "and `ast.parse` the files asyncfix's byte stage lets through"),
        ("asyncfix", "asyncfix --check -q --no-cache"),
    ]:
        assert re.search(rf"^\| {name} \| {does} {numbers}", out, re.MULTILINE), (name, out)
    assert re.search(r"^\| ruff \| .* \| 1\.00x \|$", out, re.MULTILINE), out
    # the tiny corpus: sleepy, fetch, both, nested and broken pass the byte stage;
    # nested (sync code only) stops at the ast stage
    assert "5 files reach the `ast` stage and 4 reach LibCST" in out
    verdict = r"^- floor with {}: \d+\.\d+ s = \d+\.\d+x ruff's \d+\.\d+ s: (no Python|the pipeline)"
    assert re.search(verdict.format("a perfect, free detection"), out, re.MULTILINE), out
    assert re.search(verdict.format("it and LibCST's scope analysis"), out, re.MULTILINE), out
    assert re.search(verdict.format("the stdlib `ast` detection"), out, re.MULTILINE), out
