#!/usr/bin/env python3
"""One timed program of benchmarks/floor.py, in an interpreter of its own.

    python benchmarks/floor_program.py LEVEL PLAN JOBS CORPUS

Imports only the standard library (and, in the workers, LibCST and asyncfix's
metadata wrapper, from the levels that use them), so that its start-up is
what any Python tool's would be.
"""

from __future__ import annotations

import ast
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

CHUNK = 16  # paths per task, as asyncfix's runner sends them (runner.PATHS_PER_TASK)
SUFFIXES = (".py", ".pyi")


def corpus_files(corpus: Path) -> list[str]:
    """Every .py/.pyi file under `corpus`, as the timed programs walk it."""
    return sorted(
        os.path.join(folder, name)
        for folder, _, names in os.walk(corpus)
        for name in names
        if name.endswith(SUFFIXES)
    )


_plan: dict[str, object] = {}


def _chunk(level: int, paths: list[str]) -> int:
    """One task: the unavoidable work of `level` on `paths`; the files that had `async`."""
    parsed = _plan["ast"]
    rewritten = _plan["libcst"]
    assert isinstance(parsed, frozenset) and isinstance(rewritten, dict)
    hits = 0
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        hits += b"async" in data
        if level >= 4 and path in parsed:
            try:
                ast.parse(data)
            except (SyntaxError, ValueError):
                pass
        if level >= 2 and path in rewritten:
            _libcst(level, rewritten[path])
    return hits


def _libcst(level: int, text_file: str) -> None:
    """Parse and print; from level 3, LibCST's scope analysis too."""
    import libcst  # once per worker, when its first file gets here

    with open(text_file, encoding="utf-8", newline="") as handle:
        text = handle.read()
    try:
        module = libcst.parse_module(text)
    except libcst.ParserSyntaxError:
        return  # asyncfix parses it too, to report it
    if level >= 3:
        # The cheapest way known to run it: asyncfix's own wrapper and
        # providers (LibCST's ScopeProvider, without LibCST's empty walks).
        from asyncfix.fixers import Scopes, Wrapper

        Wrapper(module, unsafe_skip_copy=True).resolve(Scopes)
    module.code  # noqa: B018  (printing is the work)


def _load(plan_file: Path) -> None:
    plan = json.loads(plan_file.read_text())
    _plan["ast"] = frozenset(plan["ast"])
    _plan["libcst"] = plan["libcst"]


def program(level: int, plan_file: Path, jobs: int, corpus: Path) -> int:
    """Walk `corpus` and do `level`'s work on each file, in `jobs` processes."""
    _load(plan_file)
    paths = corpus_files(corpus)
    chunks = [paths[start : start + CHUNK] for start in range(0, len(paths), CHUNK)]
    if jobs <= 1:
        hits = sum(_chunk(level, chunk) for chunk in chunks)
    else:
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_load, initargs=(plan_file,)) as pool:
            hits = sum(pool.map(_chunk, [level] * len(chunks), chunks))
    print(f"{len(paths)} files, {hits} with async")
    return 0


def main(argv: list[str]) -> int:
    level, plan, jobs, corpus = argv
    return program(int(level), Path(plan), int(jobs), Path(corpus))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
