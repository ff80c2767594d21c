"""A run over many files: read, fix, write or diff; in order, in parallel."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
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


# Files per task sent to a worker: those it reads itself (most stop at the
# byte stage), and those the main process read and let through (the costly ones).
PATHS_PER_TASK = 16
SURVIVORS_PER_TASK = 4


def run_all(
    jobs: Sequence[Job],
    settings: Settings,
    workers: int,
    cache: Cache | None = None,
    *,
    tune_gc: bool = False,
) -> Iterator[FileResult]:
    """Results in the order of ``jobs``, streamed as they are ready.

    With a cache, every file is read here: one the cache knows (same bytes,
    same settings) is replayed from it; the others go through the byte stage
    here, where most stop undecoded.  Without one (``--no-cache``), the
    worker processes read the files and run every stage themselves, so that
    the main process only hands out paths.  Tasks go to the workers as they
    are made, in small chunks; what they come to is stored in ``cache``
    (saving it is the caller's job).

    The worker processes tune their garbage collector (``_freeze_imports``);
    ``tune_gc``: so does this process when it runs files itself (only when
    it is asyncfix's own: never a caller's, a test runner's included).
    """
    parallel = workers > 1 and len(jobs) > 1
    read_here = cache is not None or not parallel
    rules = select_rules(settings)
    tasks = _Tasks(
        settings,
        workers if parallel else 1,
        per_task=SURVIVORS_PER_TASK if read_here else PATHS_PER_TASK,
        keep_output=cache is not None,
        tune_gc=tune_gc,
    )
    slots: list[FileResult | tuple[int, int]] = []  # a result, or (task, position in it)
    hashes: dict[tuple[int, int], str] = {}  # content hashes of the files sent, for the cache
    try:  # a pool started by the first chunk is shut down whatever happens
        for job in jobs:
            if not read_here:
                slots.append(tasks.add(job, None))
                continue
            try:
                data = Path(job.path).read_bytes()
            except OSError as error:
                slots.append(FileResult(job.display, error=f"cannot read: {error.strerror or error}"))
                continue
            # Hashing (~1 GB/s) is cheaper than the byte stage: look up first.
            content = digest(data) if cache is not None else ""
            known = cache.get(job.path, content) if cache is not None else None
            replayed = _replay(job, data, known) if known is not None else None
            if replayed is not None:
                slots.append(replayed)
            elif rules_for_bytes(data, rules):
                sent = tasks.add(job, data)
                hashes[sent] = content
                slots.append(sent)
            else:
                slots.append(FileResult(job.display))
                if cache is not None:
                    cache.put(job.path, content, Cached())
        tasks.flush()
        for slot in slots:
            if isinstance(slot, FileResult):
                yield slot
                continue
            result, new = tasks.result(slot)
            if cache is not None and slot in hashes:
                _store(cache, tasks.job(slot).path, hashes[slot], result, new)
            yield result
    finally:
        tasks.close()


class _Tasks:
    """Files handed to worker processes in chunks, started as soon as a chunk is full.

    With one worker the chunks run here, when their results are asked for.
    The pool starts with the first chunk: a run where every file is replayed
    from the cache or stops at the byte stage forks nothing.
    """

    def __init__(
        self, settings: Settings, workers: int, *, per_task: int, keep_output: bool, tune_gc: bool
    ) -> None:
        self._settings = settings
        self._tune_gc = tune_gc
        self._workers = workers
        self._keep_output = keep_output
        self._pool: ProcessPoolExecutor | None = None
        self._chunks: list[list[tuple[Job, bytes | None]]] = []
        self._futures: dict[int, Future[list[tuple[FileResult, bytes | None]]]] = {}
        self._done: dict[int, list[tuple[FileResult, bytes | None]]] = {}
        self._open: list[tuple[Job, bytes | None]] | None = None
        self._per_task = per_task

    def add(self, job: Job, data: bytes | None) -> tuple[int, int]:
        if self._open is None:
            self._open = []
            self._chunks.append(self._open)
        self._open.append((job, data))
        slot = (len(self._chunks) - 1, len(self._open) - 1)
        if len(self._open) >= self._per_task:
            self.flush()
        return slot

    def flush(self) -> None:
        """Send the chunk being filled to a worker."""
        if self._open is None:
            return
        number = len(self._chunks) - 1
        self._open = None
        if self._workers > 1:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self._workers, mp_context=_context())
            self._futures[number] = self._pool.submit(
                _run_chunk, self._chunks[number], self._settings, self._keep_output, True
            )

    def job(self, slot: tuple[int, int]) -> Job:
        return self._chunks[slot[0]][slot[1]][0]

    def result(self, slot: tuple[int, int]) -> tuple[FileResult, bytes | None]:
        number, position = slot
        results = self._done.get(number)
        if results is None:
            future = self._futures.pop(number, None)
            if future is not None:
                results = future.result()
            else:
                results = _run_chunk(
                    self._chunks[number], self._settings, self._keep_output, self._tune_gc
                )
            self._done = {number: results}  # chunks are asked for in order: keep one
            self._chunks[number] = [(job, None) for job, _ in self._chunks[number]]  # free the bytes
        return results[position]

    def close(self) -> None:
        if self._pool is not None:
            for future in self._futures.values():
                future.cancel()
            self._pool.shutdown(wait=True, cancel_futures=True)


def _run_chunk(
    chunk: list[tuple[Job, bytes | None]], settings: Settings, keep_output: bool, tune_gc: bool
) -> list[tuple[FileResult, bytes | None]]:
    """Each file of a chunk, read here unless its bytes came with it."""
    results: list[tuple[FileResult, bytes | None]] = []
    for job, data in chunk:
        if tune_gc:
            _freeze_imports()
        if data is None:
            try:
                data = Path(job.path).read_bytes()
            except OSError as error:
                message = f"cannot read: {error.strerror or error}"
                results.append((FileResult(job.display, error=message), None))
                continue
        results.append(_run_file_keeping_output(job, settings, data, keep_output))
    return results


_modules_frozen = 0  # len(sys.modules) at the last gc.freeze()
YOUNG_OBJECTS = 20_000  # the collector's first threshold here (Python's is 700)


def _freeze_imports() -> None:
    """Keep what is imported out of the garbage collector's sight, from now on.

    Parsing a module makes objects by the hundred thousand, and the
    collector, every 700 new ones, and now and then through everything that
    lives, LibCST's modules included, looks for cycles that are rarely
    there.  Frozen, what is imported is skipped, and a higher first
    threshold makes the passes rarer: on the corpus of benchmarks/ (one
    process) the collector's time goes from 2.2 s to 0.3 s.  Called before
    each file, so LibCST, imported by the first file that gets that far, is
    frozen before the next.
    """
    global _modules_frozen
    if len(sys.modules) != _modules_frozen:
        gc.collect()  # garbage now would never be collected once frozen (~15 ms)
        young, older, oldest = gc.get_threshold()
        gc.set_threshold(max(young, YOUNG_OBJECTS), older, oldest)
        gc.freeze()
        _modules_frozen = len(sys.modules)


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


def _context() -> multiprocessing.context.BaseContext:
    # fork: the workers start with asyncfix already imported (LibCST is
    # imported by the workers that need it, in parallel).
    if sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def default_jobs() -> int:
    return os.cpu_count() or 1
