"""The value types shared by the engine, the fixers and the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EventLoop = Literal["auto", "asyncio", "trio", "anyio"]
EVENT_LOOPS: tuple[EventLoop, ...] = ("auto", "asyncio", "trio", "anyio")


@dataclass(frozen=True)
class Settings:
    """What to fix and how; everything that can change the output of one file.

    ``select`` and ``ignore`` hold rule codes or code prefixes (``ASYNC251``,
    ``ASYNC2``, ``ASYNC``, ``ALL``); a rule runs when it matches ``select`` and
    does not match ``ignore``.  ``event_loop`` picks the library the rewritten
    code awaits: ``auto`` follows the module's own imports.
    """

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    event_loop: EventLoop = "auto"
    # ``blocking-calls`` from the config: more calls to find (ASYNC200).
    blocking_calls: tuple[BlockingCall, ...] = ()
    # The oldest Python the project supports (``requires-python``): before
    # 3.9 there is no ``asyncio.to_thread``, so offloads use run_in_executor.
    min_python: tuple[int, int] = (3, 9)


@dataclass(frozen=True)
class BlockingCall:
    """A call the user's config names as blocking (``blocking-calls``)."""

    name: str  # qualified name: ``mylib.fetch``
    message: str  # what to use instead: ``use mylib.afetch``
    offload: bool = False  # a plain result: may become ``await asyncio.to_thread(...)``


@dataclass(frozen=True)
class Fix:
    """One call that was rewritten."""

    line: int
    column: int
    code: str
    message: str
    # Where the call ends (1-based, exclusive column as ruff's JSON has it);
    # 0 when unknown.
    end_line: int = 0
    end_column: int = 0


@dataclass(frozen=True)
class Finding:
    """One blocking call that was found and *not* rewritten, with the reason."""

    line: int
    column: int
    code: str
    message: str
    end_line: int = 0
    end_column: int = 0


@dataclass(frozen=True)
class FixResult:
    """What :func:`asyncfix.fix_source` made of one module.

    ``source`` is the new text (the input itself when nothing changed, or when
    ``error`` is set: a module that cannot be parsed is never touched).
    """

    source: str
    fixes: tuple[Fix, ...] = ()
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    changed: bool = field(default=False)


@dataclass(frozen=True)
class FileResult:
    """What happened to one file of a run.

    ``diff`` is set when a diff was asked for and the file would change;
    ``output`` is the whole new text of standard input.
    """

    path: str
    fixes: tuple[Fix, ...] = ()
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    changed: bool = False
    written: bool = False
    diff: str | None = None
    output: bytes | None = None
