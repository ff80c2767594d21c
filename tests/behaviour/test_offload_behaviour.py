"""The offloaded blocking calls return (or raise) what the originals did, without stalling the loop.

Each case is an ``async def`` in ``cases/offload*.py`` that calls a blocking
function with a plain result: a child process, ``input()``, ``os.path``,
``shutil``, ``socket``, ``pathlib``, and ``slowlib.crunch``, which the settings
list under ``blocking-calls`` with ``offload``.  asyncfix rewrites the module
(``asyncio.to_thread``, ``run_in_executor`` for Python 3.8, ``trio``/``anyio``'s
``to_thread.run_sync`` with ``functools.partial`` for keywords); the original
and the rewrite then both run beside a heartbeat task.  A case passes when

* asyncfix made the expected number of fixes in that function and reported
  nothing there,
* both versions return the same value, or raise the same exception with the
  same message, and the original's outcome is the one the case expects,
* the original stalled the heartbeat for about the blocking work (slow cases:
  a child process, ``crunch`` or ``input()`` that holds its thread ``NAP`` s),
* the rewrite never stalled it for more than ``FREE`` seconds.

The quick calls (``os.path.exists``, ``socket.gethostbyname("localhost")``...)
cannot be made slow without faking them, so they only check the outcome and
the free loop.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import types
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest

from asyncfix import BlockingCall, FixResult, Settings, fix_source

from .cases.slowlib import NAP
from .harness import FREE, function_lines
from .heartbeat import BEAT, collector_paused, load_module, run_with_heartbeat

CASES = Path(__file__).parent / "cases"
ROOT = Path(__file__).parents[2]  # the case modules import tests.behaviour.cases.slowlib

STALLED = NAP * 0.75  # the original's worst heartbeat gap is at least this
CRUNCH = BlockingCall(
    "tests.behaviour.cases.slowlib.crunch", "use slowlib's async API", offload=True
)
VARIANTS = {
    "to_thread": Settings(blocking_calls=(CRUNCH,)),
    "executor": Settings(blocking_calls=(CRUNCH,), min_python=(3, 8)),
}


# -- what a case is ----------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Fresh files and folders for one run of a case."""

    root: Path

    def file(self) -> str:
        path = self.root / "data.txt"
        path.write_text("twelve bytes", encoding="utf-8")
        return str(path)

    def missing(self) -> str:
        return str(self.root / "nothing-here.txt")

    def folder(self) -> str:
        path = self.root / "folder"
        path.mkdir()
        return str(path)


@dataclass(frozen=True)
class Case:
    """``module.function(*args(place))`` under ``variant`` settings, on ``backend``."""

    module: str
    function: str
    args: Callable[[Place], tuple[Any, ...]]
    # what the original returns, or ``Raised("TypeName")``
    expected: Any
    fixes: int  # the calls asyncfix rewrites in the function
    slow: bool  # the blocking work holds the loop for about NAP seconds
    variant: str = "to_thread"
    backend: str = "asyncio"
    stdin: str | None = None  # a line a pipe on sys.stdin delivers after NAP s


@dataclass(frozen=True)
class Raised:
    """The expected outcome of a case that raises."""

    kind: str


def case(case_id: str, *args: Any, **kwargs: Any) -> Any:
    return pytest.param(Case(*args, **kwargs), id=case_id)


NO_ARGS: Callable[[Place], tuple[Any, ...]] = lambda place: ()
RUN_CHILD = (0, "done\n")
CHECKED = Raised("CalledProcessError")

CASE_LIST = [
    # asyncio: asyncio.to_thread(func, *args, **kwargs)
    case("asyncio: subprocess.run(capture_output=, text=)", "offload", "run_child", NO_ARGS,
         RUN_CHILD, 1, True),
    case("asyncio: subprocess.check_output() inside an expression", "offload", "child_output",
         NO_ARGS, "done", 1, True),
    case("asyncio: os.system() exit status", "offload", "system_status", NO_ARGS, 3, 1, True),
    case("asyncio: subprocess.run(check=True) raises CalledProcessError", "offload",
         "checked_child", NO_ARGS, CHECKED, 1, True),
    case("asyncio: input() from a pipe", "offload", "ask_name", NO_ARGS, "hello ada", 1, True,
         stdin="ada\n"),
    case("asyncio: configured blocking call with a keyword", "offload", "configured",
         lambda place: (4,), 32, 1, True),
    case("asyncio: configured blocking call raises ValueError", "offload", "configured_fails",
         NO_ARGS, Raised("ValueError"), 1, False),
    case("asyncio: os.path.exists() twice in a tuple", "offload", "exists",
         lambda place: (place.file(),), (True, False), 2, False),
    case("asyncio: os.path.getsize() of a missing file raises FileNotFoundError", "offload",
         "size_of", lambda place: (place.missing(),), Raised("FileNotFoundError"), 1, False),
    case("asyncio: shutil.copy() then shutil.rmtree()", "offload", "copy_then_remove",
         lambda place: (place.file(), place.folder()), (12, False), 4, False),
    case("asyncio: socket.gethostbyname('localhost')", "offload", "lookup", NO_ARGS,
         "127.0.0.1", 1, False),
    case("asyncio: Path.write_text() and Path(p).read_text(encoding=)", "offload",
         "write_then_read", lambda place: (place.folder(),), (6, "héllo\n"), 2, False),
    # Python 3.8: loop.run_in_executor(None, func, *args), partial for keywords
    case("3.8: subprocess.run() with keywords via functools.partial", "offload", "run_child",
         NO_ARGS, RUN_CHILD, 1, True, variant="executor"),
    case("3.8: configured blocking call with a keyword", "offload", "configured",
         lambda place: (4,), 32, 1, True, variant="executor"),
    case("3.8: os.path.getsize() of a missing file raises FileNotFoundError", "offload",
         "size_of", lambda place: (place.missing(),), Raised("FileNotFoundError"), 1, False,
         variant="executor"),
    case("3.8: Path.read_text(encoding=) via functools.partial", "offload", "write_then_read",
         lambda place: (place.folder(),), (6, "héllo\n"), 2, False, variant="executor"),
    # trio: trio.to_thread.run_sync(func, *args), partial for keywords
    case("trio: subprocess.run() with keywords via functools.partial", "offload_trio",
         "run_child", NO_ARGS, RUN_CHILD, 1, True, backend="trio"),
    case("trio: configured blocking call, positional", "offload_trio", "configured",
         lambda place: (5,), 25, 1, True, backend="trio"),
    case("trio: subprocess.run(check=True) raises CalledProcessError", "offload_trio",
         "checked_child", NO_ARGS, CHECKED, 1, True, backend="trio"),
    case("trio: input() inside a cancel scope", "offload_trio", "ask_name", NO_ARGS,
         "hello ada", 1, True, backend="trio", stdin="ada\n"),
    # anyio: anyio.to_thread.run_sync, on both of its backends
    *(
        case(f"anyio on {backend}: {what}", "offload_anyio", function, args, expected, 1, True,
             backend=backend)
        for backend in ("asyncio", "trio")
        for what, function, args, expected in (
            ("subprocess.run() via functools.partial", "run_child", NO_ARGS, RUN_CHILD),
            ("configured call with a keyword inside fail_after", "configured",
             lambda place: (2,), 12),
            ("subprocess.run(check=True) raises CalledProcessError", "checked_child",
             NO_ARGS, CHECKED),
        )
    ),
]


# -- both versions of a case module -------------------------------------------


@dataclass(frozen=True)
class Loaded:
    source: str
    result: FixResult
    original: types.ModuleType
    fixed: types.ModuleType

    def assert_rewritten(self, case: Case) -> None:
        """asyncfix made the case's fixes in its function and reported nothing there."""
        assert self.result.error is None, self.result.error
        lines = function_lines(self.source, case.function)
        findings = [f for f in self.result.findings if f.line in lines]
        assert not findings, f"reported instead of rewritten: {findings}"
        fixes = [f for f in self.result.fixes if f.line in lines]
        assert len(fixes) == case.fixes, (
            f"{len(fixes)} fixes in {case.function}, expected {case.fixes}:\n{self.result.source}"
        )


@functools.cache
def loaded(module: str, variant: str) -> Loaded:
    source = (CASES / f"{module}.py").read_text(encoding="utf-8")
    result = fix_source(source, filename=f"{module}.py", settings=VARIANTS[variant])
    original = load_module(source, f"original_{module}_{variant}")
    fixed = load_module(result.source, f"fixed_{module}_{variant}")
    return Loaded(source, result, original, fixed)


@pytest.fixture(scope="module", autouse=True)
def importable_cases() -> Iterator[None]:
    """``tests.behaviour.cases.slowlib`` imports however pytest was started."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(ROOT))
        yield


# -- running one version ------------------------------------------------------


def failure(exc: BaseException) -> tuple[Any, ...]:
    """An exception as something two runs can be compared by."""
    return ("raised", type(exc).__name__, str(exc), getattr(exc, "stdout", None))


async def outcome(func: Callable[..., Awaitable[Any]], args: tuple[Any, ...]) -> Any:
    try:
        return ("returned", await func(*args))
    except Exception as exc:  # the failure is the outcome being compared
        return failure(exc)


async def _beside_anyio_heartbeat(work: Callable[[], Awaitable[Any]]) -> tuple[Any, float]:
    """``heartbeat.run_with_heartbeat`` for trio: the same beat, in a task group."""
    gaps: list[float] = []
    stop = anyio.Event()

    async def heartbeat() -> None:
        last = anyio.current_time()
        while not stop.is_set():
            await anyio.sleep(BEAT)
            now = anyio.current_time()
            gaps.append(now - last)
            last = now

    # Stopped by an event, not by cancelling the group: the installed anyio
    # passes a reason to trio's CancelScope.cancel(), which trio 0.22 rejects.
    async with anyio.create_task_group() as group:
        group.start_soon(heartbeat)
        await anyio.sleep(BEAT * 2)  # let the heartbeat start
        try:
            result = await work()  # outcome() catches, so nothing reaches the group
        finally:
            stop.set()
    return result, max(gaps)


def run_on(backend: str, func: Callable[..., Awaitable[Any]], *args: Any) -> tuple[Any, float]:
    """``func(*args)`` on a new asyncio or trio loop: its result and the heartbeat's worst gap."""
    if backend == "asyncio":
        return run_with_heartbeat(func, *args)
    with collector_paused():
        return anyio.run(_beside_anyio_heartbeat, functools.partial(func, *args), backend=backend)


def run(case: Case, func: Callable[..., Awaitable[Any]], args: tuple[Any, ...]) -> tuple[Any, float]:
    """The outcome of ``func(*args)`` on the case's backend and the heartbeat's worst gap."""
    return run_on(case.backend, outcome, func, args)


def stdin_after(line: str, monkeypatch: pytest.MonkeyPatch) -> threading.Thread:
    """``sys.stdin`` becomes a pipe; ``line`` arrives on it NAP seconds from now."""
    read_end, write_end = os.pipe()
    monkeypatch.setattr(sys, "stdin", open(read_end, encoding="utf-8"))  # noqa: SIM115

    def typist() -> None:
        threading.Event().wait(NAP)
        os.write(write_end, line.encode())
        os.close(write_end)

    thread = threading.Thread(target=typist, daemon=True)
    thread.start()
    return thread


def run_version(
    case: Case, func: Callable[..., Awaitable[Any]], place: Place, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, float]:
    args = case.args(place)
    if case.stdin is None:
        return run(case, func, args)
    with collector_paused():  # before the typist's clock starts: collecting takes a while
        typist = stdin_after(case.stdin, monkeypatch)
        try:
            return run(case, func, args)
        finally:
            typist.join(timeout=5)
            sys.stdin.close()


@functools.cache
def anyio_threads_on_trio() -> str | None:
    """Why the installed anyio cannot run a worker thread under trio (None: it can).

    anyio 4.x calls ``trio.to_thread.run_sync(abandon_on_cancel=...)``, which
    trio added in 0.23: with an older trio every anyio offload fails there,
    rewritten or not, so those cases are skipped with the reason.
    """

    async def probe() -> None:
        await anyio.to_thread.run_sync(int)

    try:
        anyio.run(probe, backend="trio")
    except Exception as exc:  # the incompatibility is the answer
        return f"anyio.to_thread.run_sync fails on this trio: {type(exc).__name__}: {exc}"
    return None


def expected_outcome(expected: Any, before: Any) -> bool:
    if isinstance(expected, Raised):
        return before[:2] == ("raised", expected.kind)
    return before == ("returned", expected)


@pytest.mark.parametrize("case", CASE_LIST)
def test_offloaded_call_behaves_the_same_and_frees_the_loop(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = loaded(case.module, case.variant)
    versions.assert_rewritten(case)
    if case.module == "offload_anyio" and case.backend == "trio" and anyio_threads_on_trio():
        pytest.skip(anyio_threads_on_trio() or "")
    (tmp_path / "original").mkdir()
    (tmp_path / "fixed").mkdir()

    before, stalled_gap = run_version(
        case, getattr(versions.original, case.function), Place(tmp_path / "original"), monkeypatch
    )
    after, free_gap = run_version(
        case, getattr(versions.fixed, case.function), Place(tmp_path / "fixed"), monkeypatch
    )

    # The two runs use folders with different names; error messages name them.
    after = _same_place(after, tmp_path)
    before = _same_place(before, tmp_path)
    assert expected_outcome(case.expected, before), f"the original no longer does that: {before}"
    assert after == before, f"the rewrite behaves differently:\n{versions.result.source}"
    if case.slow:
        assert stalled_gap >= STALLED, f"the original should stall the loop, worst {stalled_gap:.3f}s"
    assert free_gap < FREE, (
        f"the rewrite stalled the loop for {free_gap:.3f}s:\n{versions.result.source}"
    )


def _same_place(result: Any, tmp_path: Path) -> Any:
    """``result`` with the per-version folder names made the same."""
    if result[0] != "raised":
        return result
    message = result[2].replace(str(tmp_path / "original"), "<tmp>")
    message = message.replace(str(tmp_path / "fixed"), "<tmp>")
    return (*result[:2], message, *result[3:])
