"""benchmarks/robustness.py end to end, on bench.py's tiny generated corpus (the real one takes minutes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "benchmarks" / "robustness.py"


def test_tiny_robustness_run_passes_every_check() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--tiny"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {
        line.split(" | ")[0].lstrip("| "): line.split(" | ")[1]
        for line in done.stdout.splitlines()
        if line.startswith("| ") and not line.startswith("| check") and not line.startswith("| ---")
    }
    assert rows["files rewritten"] == "3 (bot/both.py, bot/fetch.py, bot/sleepy.py)"
    assert rows["crashes (internal errors, tracebacks)"] == "0"
    assert rows["rewritten files that no longer compile"] == "0"
    assert rows["rewritten files a second run would change"] == "0"
    assert rows["files changed without a `fixed` line"] == "0"
    assert rows["files added or removed (temporary files)"] == "0"
    assert rows["files reported `cannot parse`"] == "1 (lib/broken.py)"
    assert rows["exit code"] == "123"
    assert done.stdout.rstrip().endswith("all checks passed")


def test_the_checks_catch_a_broken_run(tmp_path: Path) -> None:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import robustness
    finally:
        sys.path.remove(str(SCRIPT.parent))
    original, copy = tmp_path / "original", tmp_path / "corpus"
    for top in (original, copy):
        (top / "pkg").mkdir(parents=True)
        (top / "pkg/ok.py").write_text("x = 1\n")
        (top / "pkg/bad.py").write_text("def f(:\n")
    (copy / "pkg/ok.py").write_text("x = (\n")  # rewritten, no longer compiles, no `fixed` line
    (copy / "pkg/.ok.py.1.abcdefgh.asyncfix").write_text("")  # a leftover temporary file
    first = robustness.Run(1, "", "corpus/pkg/x.py: internal error: boom\n", 1.0)
    second = robustness.Run(1, "", "would fix corpus/pkg/ok.py\n", 1.0)
    facts = robustness.check(original, copy, first, second)
    assert facts.failed() == [
        "crashes",
        "rewritten files that do not compile",
        "rewritten files a second run would change",
        "files changed without a 'fixed' line",
        "files added (temporary files left behind)",
        "exit code",
    ]
    assert facts.added == ["pkg/.ok.py.1.abcdefgh.asyncfix"]
