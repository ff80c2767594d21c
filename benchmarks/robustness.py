#!/usr/bin/env python3
"""Run asyncfix in place on a copy of the benchmark corpus and check that nothing broke.

    python benchmarks/robustness.py [--corpus-dir DIR] [--tiny] [--keep]

Copies the corpus of benchmarks/bench.py (fetched there on first use into
~/.cache/asyncfix-bench, $ASYNCFIX_BENCH_DIR or --corpus-dir) to a temp dir,
runs `asyncfix --no-cache` on the copy (in place), then `asyncfix --check
--no-cache` on it again, and checks, against the untouched original:

- no crash: no "internal error" line, no traceback, an exit code of 0, 1 or 123;
- every rewritten file compiles (when its original did) and is a fixed point:
  the second run would change no file;
- every other file is byte-identical to the original, and no file was added
  or removed (no temporary file left behind);
- every file reported as "cannot parse" indeed does not compile, none of them
  was touched, and the exit code is 123 exactly when a file was reported.

Prints a Markdown table of those numbers; exits 0 when every check passes, 1
when one fails.  Not part of the test suite (it takes minutes); its smoke test
runs it with --tiny, on bench.py's few generated files.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (the corpus and the command are bench.py's)

ERROR = re.compile(
    r"^(?P<path>.+?): (?P<kind>cannot parse|cannot read|cannot write|internal error)\b"
)
FIXED = re.compile(r"^fixed (?P<path>.+) \(\d+\)$")
WOULD_FIX = re.compile(r"^would fix (?P<path>.+)$")


@dataclass
class Run:
    """One asyncfix command on the copy."""

    code: int
    stdout: str
    stderr: str
    seconds: float

    def matching(self, pattern: re.Pattern[str], kind: str | None = None) -> set[str]:
        """The paths of the stderr lines that match ``pattern`` (of that ``kind``)."""
        found = set()
        for line in self.stderr.splitlines():
            match = pattern.match(line)
            if match and (kind is None or match["kind"] == kind):
                found.add(match["path"])
        return found


@dataclass
class Findings:
    """What the checks found; every list should be empty but ``reported_unparsable``."""

    files: int = 0
    python_files: int = 0
    rewritten: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    not_compiling: list[str] = field(default_factory=list)
    not_fixed_points: list[str] = field(default_factory=list)
    changed_unreported: list[str] = field(default_factory=list)
    reported_unchanged: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reported_unparsable: list[str] = field(default_factory=list)
    unparsable_but_compile: list[str] = field(default_factory=list)
    unparsable_touched: list[str] = field(default_factory=list)
    uncompilable: list[str] = field(default_factory=list)  # .py files Python cannot compile
    exit_code: int = 0
    exit_code_ok: bool = True
    seconds: tuple[float, float] = (0.0, 0.0)

    def failed(self) -> list[str]:
        """The names of the checks that did not pass."""
        checks = {
            "crashes": self.crashes,
            "rewritten files that do not compile": self.not_compiling,
            "rewritten files a second run would change": self.not_fixed_points,
            "files changed without a 'fixed' line": self.changed_unreported,
            "'fixed' files left unchanged": self.reported_unchanged,
            "files added (temporary files left behind)": self.added,
            "files removed": self.removed,
            "'cannot parse' files that compile": self.unparsable_but_compile,
            "'cannot parse' files that were touched": self.unparsable_touched,
        }
        failed = [name for name, paths in checks.items() if paths]
        return failed + ([] if self.exit_code_ok else ["exit code"])


def run(argv: Sequence[str], cwd: Path) -> Run:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    return Run(done.returncode, done.stdout, done.stderr, time.perf_counter() - start)


def compiles(data: bytes, name: str) -> bool:
    """Whether this Python compiles the file (bytes: the PEP 263 cookie applies)."""
    try:
        compile(data, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def all_files(top: Path) -> dict[str, Path]:
    """Every file (and symlink) under ``top`` by its POSIX path relative to it."""
    found = {}
    for folder, _, names in os.walk(top):
        for name in names:
            path = Path(folder, name)
            found[path.relative_to(top).as_posix()] = path
    return found


def check(original: Path, copy: Path, first: Run, second: Run) -> Findings:
    """Compare the copy with the original after ``first`` (in place) and ``second`` (--check)."""
    facts = Findings(seconds=(first.seconds, second.seconds), exit_code=first.code)
    prefix = copy.name + "/"  # the runs name files from the copy's parent

    def relative(paths: set[str]) -> set[str]:
        return {p[len(prefix):] if p.startswith(prefix) else p for p in paths}

    facts.crashes = sorted(relative(first.matching(ERROR, "internal error")))
    facts.crashes += sorted(relative(second.matching(ERROR, "internal error")))
    for run_ in (first, second):
        if "Traceback (most recent call last)" in run_.stderr or run_.code not in (0, 1, 123):
            facts.crashes.append(f"exit {run_.code}: {run_.stderr[-300:]!r}")
    fixed = relative(first.matching(FIXED))
    unparsable = relative(first.matching(ERROR, "cannot parse"))
    errors = relative(first.matching(ERROR))

    before, after = all_files(original), all_files(copy)
    facts.files = len(before)
    facts.added = sorted(set(after) - set(before))
    facts.removed = sorted(set(before) - set(after))
    for name, path in sorted(before.items()):
        if name not in after or path.is_symlink():
            continue
        old, new = path.read_bytes(), after[name].read_bytes()
        if name.endswith(".py"):
            facts.python_files += 1
            if not compiles(old, name):
                facts.uncompilable.append(name)
        if old == new:
            if name in fixed:
                facts.reported_unchanged.append(name)
            continue
        facts.rewritten.append(name)
        if name not in fixed:
            facts.changed_unreported.append(name)
        if name in unparsable:
            facts.unparsable_touched.append(name)
        if compiles(old, name) and not compiles(new, name):
            facts.not_compiling.append(name)
    facts.not_fixed_points = sorted(relative(second.matching(WOULD_FIX)))
    facts.reported_unparsable = sorted(unparsable)
    facts.unparsable_but_compile = [
        name for name in sorted(unparsable) if name in before and compiles(before[name].read_bytes(), name)
    ]
    # 123 exactly when a file could not be read, parsed or written
    facts.exit_code_ok = first.code == 123 if errors else first.code in (0, 1)
    return facts


def report(facts: Findings, label: str) -> str:
    def row(name: str, value: object, expected: str = "") -> str:
        return f"| {name} | {value} | {expected} |"

    def count(paths: list[str]) -> str:
        shown = ", ".join(paths[:3]) + (", ..." if len(paths) > 3 else "")
        return f"{len(paths)}" + (f" ({shown})" if paths else "")

    lines = [
        f"asyncfix in place on a copy of the {label}",
        "",
        "| check | found | expected |",
        "| --- | ---: | ---: |",
        row("files in the corpus", f"{facts.files:,}"),
        row(".py files", f"{facts.python_files:,}"),
        row(f".py files Python {sys.version_info[0]}.{sys.version_info[1]} does not compile",
            count(facts.uncompilable), "reported when they may hold a target"),
        row("... of which reported `cannot parse`",
            count(sorted(set(facts.uncompilable) & set(facts.reported_unparsable)))),
        row("files rewritten", count(facts.rewritten)),
        row("crashes (internal errors, tracebacks)", count(facts.crashes), "0"),
        row("rewritten files that no longer compile", count(facts.not_compiling), "0"),
        row("rewritten files a second run would change", count(facts.not_fixed_points), "0"),
        row("files changed without a `fixed` line", count(facts.changed_unreported), "0"),
        row("`fixed` files left unchanged", count(facts.reported_unchanged), "0"),
        row("files added or removed (temporary files)", count(facts.added + facts.removed), "0"),
        row("files reported `cannot parse`", count(facts.reported_unparsable)),
        row("... of which compile after all", count(facts.unparsable_but_compile), "0"),
        row("... of which were touched", count(facts.unparsable_touched), "0"),
        row("exit code", facts.exit_code, "123" if facts.reported_unparsable else "0 or 1"),
        row("seconds: in place, then --check", f"{facts.seconds[0]:.1f}, {facts.seconds[1]:.1f}"),
    ]
    failed = facts.failed()
    lines += ["", "all checks passed" if not failed else "FAILED: " + "; ".join(failed)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus-dir", type=Path,
        default=Path(os.environ.get("ASYNCFIX_BENCH_DIR") or "~/.cache/asyncfix-bench"),
        help="bench.py's cache folder, holding sdists/ and corpus/",
    )
    parser.add_argument("--tiny", action="store_true", help="bench.py's few generated files")
    parser.add_argument("--keep", action="store_true", help="keep the copy and print where it is")
    args = parser.parse_args(argv)
    asyncfix = bench.find_asyncfix()
    tmp = Path(tempfile.mkdtemp(prefix="asyncfix-robustness-"))
    try:
        if args.tiny:
            original, label = bench.tiny_corpus(tmp / "source")
        else:
            original, label = bench.real_corpus(args.corpus_dir.expanduser().resolve())
        work = tmp / "work"
        work.mkdir()
        copy = work / "corpus"
        print(f"copying {original} to {copy}", file=sys.stderr)
        shutil.copytree(original, copy, symlinks=True)
        print("asyncfix in place ...", file=sys.stderr)
        first = run([*asyncfix, "--no-cache", "corpus"], work)
        print(f"  {first.seconds:.1f} s, exit {first.code}; asyncfix --check ...", file=sys.stderr)
        second = run([*asyncfix, "--check", "--no-cache", "corpus"], work)
        facts = check(original, copy, first, second)
        print(report(facts, label))
    except bench.BenchError as error:
        print(f"robustness.py: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if facts.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
