#!/usr/bin/env python3
"""What any Python build of asyncfix's pipeline must spend on the corpus, against ruff.

    python benchmarks/floor.py [--corpus-dir DIR] [--runs N] [--jobs N] [--tiny]

Issue 5 asks for a cold `asyncfix --check` in at most ruff's wall time, with
a pipeline of three stages: the raw bytes, then the stdlib `ast`, then LibCST
for the files that have something to fix.  This script times programs that do
only the part of each stage no implementation can skip, and none of
asyncfix's own logic, side by side with ruff and asyncfix (alternating runs
after one untimed warm-up each, the median of --runs):

1. read: walk the corpus, read every .py/.pyi file, look for b"async";
2. + LibCST: the same, and import LibCST, parse and print back what asyncfix
   hands LibCST for each file its `ast` stage lets through (the skeleton of
   asyncfix/skeleton.py, else the file): no metadata, no fixer, no output.
   This is a pipeline whose detection is perfect and free;
3. + scopes: the same, and LibCST's scope analysis of those texts, which
   the rules need to resolve names (`import time as t`, a local `time`);
4. + ast: the same, and `ast.parse` each file that asyncfix's byte stage
   lets through: the detection the issue prescribes, without its analysis.

Each program (benchmarks/floor_program.py, which imports only the stdlib) is
a fresh interpreter with --jobs worker processes (fork, chunks of 16 paths,
as asyncfix hands them out).  Which files pass each stage is
worked out beforehand, untimed, by asyncfix's own stages: the programs only
get the lists.  When a program's median is above ruff's, no Python build
that does that much can meet the target on this machine.

--tiny uses bench.py's generated corpus instead (the smoke test).  Needs the
stdlib, asyncfix, LibCST and ruff; exits 2 if ruff is missing, 1 if a run fails.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402  (the corpus, the timing and the tables are bench.py's)
from floor_program import corpus_files  # noqa: E402

PROGRAM = Path(__file__).resolve().parent / "floor_program.py"

if TYPE_CHECKING:
    from asyncfix.stages import Found



@dataclass(frozen=True)
class Level:
    number: int
    name: str
    does: str


LEVELS = (
    Level(1, "read", "walk, read every file, look for `async`"),
    Level(2, "+ LibCST", "and LibCST parse + print what asyncfix gives LibCST"),
    Level(3, "+ scopes", "and LibCST's scope analysis of it"),
    Level(4, "+ ast", "and `ast.parse` the files asyncfix's byte stage lets through"),
)


# ------------------------------------------------------------ the plan (untimed)


def make_plan(corpus: Path, workdir: Path) -> Path:
    """Which files reach each stage, by asyncfix's own stages; the LibCST inputs saved."""
    from asyncfix.engine import DecodeError, decode
    from asyncfix.model import Settings
    from asyncfix.rules import select_rules
    from asyncfix.stages import find, rules_for_bytes

    rules = select_rules(Settings())
    parsed: list[str] = []
    rewritten: dict[str, str] = {}
    texts = workdir / "libcst-inputs"
    texts.mkdir()
    for path in corpus_files(corpus):
        data = Path(path).read_bytes()
        passed = rules_for_bytes(data, rules)
        if not passed:
            continue
        parsed.append(path)
        try:
            source, _ = decode(data)
            found = find(source, passed)
        except (DecodeError, SyntaxError, ValueError):
            continue
        if not found.rules:
            continue
        target = texts / f"{len(rewritten)}.py"
        with open(target, "w", encoding="utf-8", newline="") as handle:
            handle.write(libcst_input(source, found))
        rewritten[path] = str(target)
    plan = workdir / "plan.json"
    plan.write_text(json.dumps({"ast": parsed, "libcst": rewritten}))
    return plan


def libcst_input(source: str, found: Found) -> str:
    """What asyncfix/transform.py gives LibCST: the skeleton of the text up to its last statement."""
    from asyncfix import skeleton
    from asyncfix.transform import _blank_end

    head, _ = _blank_end(source)
    try:
        if skeleton.applies(head, found.rules):
            outline = skeleton.make(head, found.rules, found)
            if outline is not None:
                return outline.text
    except Exception:  # asyncfix then runs the whole module too
        pass
    return head


# ------------------------------------------------------------------- the runs


def level_tool(level: Level, plan: Path, jobs: int) -> bench.Tool:
    # the corpus comes last (bench.measure appends it)
    argv = [sys.executable, str(PROGRAM), str(level.number), str(plan), str(jobs)]
    return bench.Tool(f"floor {level.number}: {level.name}", argv, level.does, frozenset({0}))


def report(
    facts: bench.CorpusFacts,
    plan: Path,
    jobs: int,
    tools: Sequence[bench.Tool],
    results: dict[str, list[bench.Measurement]],
    load: str,
    versions: dict[str, str],
) -> str:
    """A Markdown table: each program's median wall time and its ratio to ruff's."""
    ruff = tools[0]
    ruff_median = statistics.median(r.wall for r in results[ruff.name])
    counts = json.loads(plan.read_text())
    lines = [
        bench.row(["date", "machine", "Python", "asyncfix", "ruff", "corpus"]),
        bench.row(["---"] * 6),
        bench.row([
            datetime.date.today().isoformat(), bench.machine(),
            platform.python_version(), versions["asyncfix"], versions["ruff"],
            f"{facts.label}: {facts.files:,} .py files, {facts.lines:,} lines",
        ]),
        "",
        bench.row(["program", "does", "runs", "median s", "min s", "max s", "x ruff"]),
        bench.row(["---", "---", "---:", "---:", "---:", "---:", "---:"]),
    ]
    for tool in tools:
        walls = [r.wall for r in results[tool.name]]
        median = statistics.median(walls)
        lines.append(bench.row([
            tool.name, tool.shown, str(len(walls)), bench.secs(median), bench.secs(min(walls)),
            bench.secs(max(walls)), f"{median / ruff_median:.2f}x",
        ]))
    lines += [
        "",
        (
            f"{len(counts['ast']):,} files reach the `ast` stage and {len(counts['libcst']):,} "
            f"reach LibCST (asyncfix's own stages, untimed); each program runs {jobs} worker "
            f"processes; runs alternate after one untimed warm-up each; load average before "
            f"the runs: {load}."
        ),
        "",
        verdict("with a perfect, free detection", results[tools[2].name], ruff_median),
        verdict("with it and LibCST's scope analysis", results[tools[3].name], ruff_median),
        verdict("with the stdlib `ast` detection", results[tools[4].name], ruff_median),
    ]
    return "\n".join(lines)


def verdict(what: str, results: list[bench.Measurement], ruff_median: float) -> str:
    """Whether the floor of a pipeline leaves room to meet "at most ruff's time"."""
    median = statistics.median(r.wall for r in results)
    if median > ruff_median:
        says = "no Python build that does this much can run a cold check in ruff's time here"
    else:
        says = "the pipeline itself leaves room"
    return f"- floor {what}: {median:.3f} s = {median / ruff_median:.2f}x ruff's {ruff_median:.3f} s: {says}"


def floor(args: argparse.Namespace, root: Path, ruff: list[str]) -> str:
    corpus, label = bench.tiny_corpus(root) if args.tiny else bench.real_corpus(root)
    asyncfix = bench.find_asyncfix()
    ruff_tool, asyncfix_tool, _ = bench.make_tools(ruff, asyncfix)
    versions = {"asyncfix": bench.version_of(asyncfix), "ruff": bench.version_of(ruff)}
    facts = bench.corpus_facts(corpus, label)
    print(f"corpus: {facts.files:,} .py files, {facts.lines:,} lines in {corpus}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="asyncfix-floor-") as workdir:
        return _timed(args, corpus, Path(workdir), facts, versions, ruff_tool, asyncfix_tool)


def _timed(
    args: argparse.Namespace,
    corpus: Path,
    workdir: Path,
    facts: bench.CorpusFacts,
    versions: dict[str, str],
    ruff_tool: bench.Tool,
    asyncfix_tool: bench.Tool,
) -> str:
    plan = make_plan(corpus, workdir)
    tools = [ruff_tool, *(level_tool(level, plan, args.jobs) for level in LEVELS), asyncfix_tool]
    use_gnu_time = bench.gnu_time_works()
    load = " ".join(f"{n:.2f}" for n in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print("warm-up (untimed): each program once", file=sys.stderr)
    for tool in tools:
        bench.measure(tool, corpus, corpus.parent, use_gnu_time)
    results = bench.alternate(tools, corpus, corpus.parent, args.runs, use_gnu_time)
    return report(facts, plan, args.jobs, tools, results, load, versions)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus-dir", type=Path,
        default=Path(os.environ.get("ASYNCFIX_BENCH_DIR") or "~/.cache/asyncfix-bench"),
        help="bench.py's cache folder (default: $ASYNCFIX_BENCH_DIR or ~/.cache/asyncfix-bench)",
    )
    parser.add_argument("--runs", type=int, help="timed runs per program (default: 5; --tiny: 1)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0))
                        if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
                        help="worker processes per program (default: the CPUs, as asyncfix)")
    parser.add_argument("--tiny", action="store_true", help="bench.py's generated corpus (smoke test)")
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = 1 if args.tiny else 5
    if args.runs < 1 or args.jobs < 1:
        parser.error("--runs and --jobs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    ruff = bench.find_ruff()
    if ruff is None:
        print("floor.py: ruff not found; install it with `pip install ruff`", file=sys.stderr)
        return 2
    try:
        if args.tiny:
            with tempfile.TemporaryDirectory(prefix="asyncfix-floor-tiny-") as tmp:
                print(floor(args, Path(tmp), ruff))
        else:
            root = args.corpus_dir.expanduser().resolve()
            root.mkdir(parents=True, exist_ok=True)
            print(floor(args, root, ruff))
    except bench.BenchError as error:
        print(f"floor.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
