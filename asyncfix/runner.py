"""A run over many files: read, fix, write or diff; in order, in parallel."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .cache import Cache, Cached, digest
from .engine import DecodeError, decode, fix_bytes, parse_problem
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
    return _fix_with_output(job, data, settings)[0]


def _fix_with_output(job: Job, data: bytes, settings: Settings) -> tuple[FileResult, bytes]:
    """The result, and the new bytes (``data`` itself when nothing changed)."""
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
        return base, data
    diff = unified_diff(old_text, result.source, job.display) if job.diff else None
    if not job.write:
        return replace(base, diff=diff), new
    try:
        write_atomically(Path(job.path), new)
    except OSError as error:
        return replace(base, changed=False, error=f"cannot write: {error.strerror or error}"), data
    return replace(base, diff=diff, written=True), new


def run_all(
    jobs: Sequence[Job], settings: Settings, workers: int, cache: Cache | None = None
) -> Iterator[FileResult]:
    """Results in the order of ``jobs``, streamed as they are ready.

    Every file is read here.  A file the cache knows (same bytes, same
    settings) is replayed from it; the others go through the byte stage here,
    where most stop (undecoded, never sent to a worker).  Only the rest go to
    the worker processes, in chunks.  What they come to is stored in
    ``cache`` (saving it is the caller's job).
    """
    rules = select_rules(settings)
    early: list[FileResult | None] = []
    survivors: list[tuple[Job, bytes]] = []
    hashes: list[str] = []  # the survivors' content hashes, for storing their results
    for job in jobs:
        try:
            data = Path(job.path).read_bytes()
        except OSError as error:
            early.append(FileResult(job.display, error=f"cannot read: {error.strerror or error}"))
            continue
        # Hashing (~1 GB/s) is cheaper than the byte stage: look up first.
        content = digest(data) if cache is not None else ""
        known = cache.get(job.path, content) if cache is not None else None
        replayed = _replay(job, data, known) if known is not None else None
        if replayed is not None:
            early.append(replayed)
        elif rules_for_bytes(data, rules):
            early.append(None)
            survivors.append((job, data))
            hashes.append(content)
        else:
            early.append(FileResult(job.display))
            if cache is not None:
                cache.put(job.path, content, Cached())
    done = _run_survivors(survivors, settings, workers, keep_output=cache is not None)
    index = 0
    for result in early:
        if result is None:
            result, new = next(done)
            if cache is not None:
                _store(cache, survivors[index][0].path, hashes[index], result, new)
            index += 1
        yield result


def _replay(job: Job, data: bytes, cached: Cached) -> FileResult | None:
    """What ``job`` came to last time; None when it must be fixed for real.

    A file that would change is replayed for ``--check`` and ``--diff`` only:
    the cache never writes a file, the fixers do.
    """
    if cached.output is None:
        return FileResult(job.display, findings=cached.findings)
    if job.write:
        return None
    diff = None
    if job.diff:
        try:
            diff = unified_diff(decode(data)[0], decode(cached.output)[0], job.display)
        except DecodeError:
            return None
    return FileResult(
        job.display, fixes=cached.fixes, findings=cached.findings, changed=True, diff=diff
    )


def _store(cache: Cache, path: str, content: str, result: FileResult, new: bytes | None) -> None:
    """Remember a result that the same bytes would give again; never an error or a write."""
    if result.error is not None or result.written:
        return
    if not result.changed:
        cache.put(path, content, Cached(result.findings))
    elif new is not None:
        cache.put(path, content, Cached(result.findings, result.fixes, new))


def _run_file_keeping_output(
    job: Job, settings: Settings, data: bytes, keep_output: bool
) -> tuple[FileResult, bytes | None]:
    """:func:`run_file` in a worker, with the new bytes of a file that would change."""
    try:
        result, new = _fix_with_output(job, data, settings)
    except Exception as error:  # one bad file never stops the run
        failed = FileResult(job.display, error=f"internal error: {type(error).__name__}: {error}")
        return failed, None
    return result, new if keep_output and result.changed and not result.written else None


def _run_survivors(
    survivors: list[tuple[Job, bytes]], settings: Settings, workers: int, *, keep_output: bool
) -> Iterator[tuple[FileResult, bytes | None]]:
    if workers <= 1 or len(survivors) < 2:
        for job, data in survivors:
            yield _run_file_keeping_output(job, settings, data, keep_output)
        return
    workers = min(workers, len(survivors))
    chunksize = max(1, min(16, len(survivors) // (workers * 4)))
    jobs, blobs = zip(*survivors)
    count = len(jobs)
    with ProcessPoolExecutor(workers, mp_context=_context()) as pool:
        yield from pool.map(
            _run_file_keeping_output, jobs, [settings] * count, blobs, [keep_output] * count,
            chunksize=chunksize,
        )


def _context() -> multiprocessing.context.BaseContext:
    # fork: the workers start with asyncfix already imported (LibCST is
    # imported by the workers that need it, in parallel).
    if sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def default_jobs() -> int:
    return os.cpu_count() or 1
