"""A run over many files: read, fix, write or diff; in order, in parallel."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .engine import fix_bytes, parse_problem
from .files import write_atomically
from .model import FileResult, Settings
from .report import unified_diff
from .rules import select_rules
from .stages import rules_for_bytes


@dataclass(frozen=True)
class Job:
    """One file to process: where it is, how it is named in output, what to do."""

    path: str
    display: str
    write: bool
    diff: bool


def run_file(job: Job, settings: Settings, data: bytes | None = None) -> FileResult:
    """Process one file completely (reading it unless ``data`` is given); never raises."""
    if data is None:
        try:
            data = Path(job.path).read_bytes()
        except OSError as error:
            return FileResult(job.display, error=f"cannot read: {error.strerror or error}")
    try:
        return _fix(job, data, settings)
    except Exception as error:  # one bad file never stops the run
        return FileResult(job.display, error=f"internal error: {type(error).__name__}: {error}")


def run_data(data: bytes, display: str, settings: Settings, *, diff: bool) -> FileResult:
    """Process standard input: the result carries the whole new text.

    Unlike a file in a tree walk, standard input is always checked to parse
    (an editor piping a buffer wants to hear it is broken, as with black),
    even when it cannot hold a target.
    """
    try:
        result = _fix(Job("-", display, write=False, diff=diff), data, settings)
        if result.error is None and not result.changed:
            problem = parse_problem(data)
            if problem is not None:
                return FileResult(display, error=f"cannot parse: {problem}")
        return result
    except Exception as error:
        return FileResult(display, error=f"internal error: {type(error).__name__}: {error}")


def _fix(job: Job, data: bytes, settings: Settings) -> FileResult:
    new, old_text, result = fix_bytes(data, filename=job.display, settings=settings)
    base = FileResult(
        job.display,
        fixes=result.fixes,
        findings=result.findings,
        error=result.error,
        changed=result.changed and result.error is None,
        output=new if job.path == "-" else None,
    )
    if not base.changed:
        return base
    diff = unified_diff(old_text, result.source, job.display) if job.diff else None
    if not job.write:
        return replace(base, diff=diff)
    try:
        write_atomically(Path(job.path), new)
    except OSError as error:
        return replace(base, changed=False, error=f"cannot write: {error.strerror or error}")
    return replace(base, diff=diff, written=True)


def run_all(jobs: Sequence[Job], settings: Settings, workers: int) -> Iterator[FileResult]:
    """Results in the order of ``jobs``, streamed as they are ready.

    Every file is read here and goes through the byte stage here: most stop
    there (undecoded, never sent to a worker).  Only the others go to the
    worker processes, in chunks.
    """
    rules = select_rules(settings)
    early: list[FileResult | None] = []
    survivors: list[tuple[Job, bytes]] = []
    for job in jobs:
        try:
            data = Path(job.path).read_bytes()
        except OSError as error:
            early.append(FileResult(job.display, error=f"cannot read: {error.strerror or error}"))
            continue
        if rules_for_bytes(data, rules):
            early.append(None)
            survivors.append((job, data))
        else:
            early.append(FileResult(job.display))
    done = _run_survivors(survivors, settings, workers)
    for result in early:
        yield result if result is not None else next(done)


def _run_survivors(
    survivors: list[tuple[Job, bytes]], settings: Settings, workers: int
) -> Iterator[FileResult]:
    if workers <= 1 or len(survivors) < 2:
        for job, data in survivors:
            yield run_file(job, settings, data)
        return
    workers = min(workers, len(survivors))
    chunksize = max(1, min(16, len(survivors) // (workers * 4)))
    jobs, blobs = zip(*survivors)
    with ProcessPoolExecutor(workers, mp_context=_context()) as pool:
        yield from pool.map(run_file, jobs, [settings] * len(jobs), blobs, chunksize=chunksize)


def _context() -> multiprocessing.context.BaseContext:
    # fork: the workers start with asyncfix already imported (LibCST is
    # imported by the workers that need it, in parallel).
    if sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def default_jobs() -> int:
    return os.cpu_count() or 1
