"""What the requests behaviour tests share: the cases, both versions of them, outcomes.

A case is an ``async def`` in ``cases/<module>.py``.  Its rewrite is asyncfix's
output, or, when ``ASYNCFIX_BEHAVIOUR_REWRITTEN`` names a folder, the
hand-written file of the same name there (how the harness itself is checked
against a rewrite known to be right).
"""

from __future__ import annotations

import ast
import asyncio
import functools
import os
import types
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import requests

from asyncfix import Finding, FixResult, fix_source

from .heartbeat import load_module, run_with_heartbeat
from .server import DELAY

CASES = Path(__file__).parent / "cases"
HAND_WRITTEN = os.environ.get("ASYNCFIX_BEHAVIOUR_REWRITTEN")

STALLED = DELAY * 0.75  # the original's worst heartbeat gap is at least this
FREE = 0.08  # the rewrite's worst gap stays under this, even on a loaded 2-core CI machine


@dataclass(frozen=True)
class Env:
    """Where the cases send their requests."""

    base: str  # the server, by IP
    local: str  # the same server as http://localhost:<port>
    dead: str  # a port where nothing listens
    upload: Path  # a small text file to upload


class Ctx:
    """The part of a discord.py ``Context`` the commands use."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, message: str) -> None:
        self.sent.append(message)


@dataclass(frozen=True)
class Case:
    """Call ``module.function(*args(env))``; the original's outcome must be ``expected(env)``."""

    module: str  # cases/<module>.py
    function: str
    args: Callable[[Env], tuple[Any, ...]]
    expected: Callable[[Env], Any]


def case(case_id: str, module: str, function: str, args: Any, expected: Any, known_gap: str = "") -> Any:
    """A :class:`Case` as a ``pytest.param`` with an id that reads like a spec.

    ``known_gap`` says why asyncfix gets the case wrong today: the case is then
    a strict xfail, which turns into a failure the day it passes.
    """
    marks = [pytest.mark.xfail(strict=True, reason=known_gap)] if known_gap else []
    return pytest.param(Case(module, function, args, expected), id=case_id, marks=marks)


def failure(exc: BaseException) -> tuple[str, str]:
    """The kind of an exception a function let out, named the same for both libraries."""
    if isinstance(exc, (requests.Timeout, asyncio.TimeoutError)):
        return ("raised", "timeout")
    if isinstance(exc, (requests.HTTPError, aiohttp.ClientResponseError)):
        return ("raised", "http error")
    if isinstance(exc, (requests.ConnectionError, aiohttp.ClientConnectionError)):
        return ("raised", "connection error")
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, aiohttp.ClientPayloadError)):
        return ("raised", "body cut short")
    return ("raised", type(exc).__name__)


async def outcome(func: Callable[..., Awaitable[Any]], args: tuple[Any, ...]) -> Any:
    """What ``func(*args)`` returned or raised, and what it sent through a ``Ctx``."""
    try:
        value = await func(*args)
    except Exception as exc:  # a failure the function did not handle is an outcome too
        value = failure(exc)
    sent = [arg.sent for arg in args if isinstance(arg, Ctx)]
    return (value, *sent) if sent else value


def run(func: Callable[..., Awaitable[Any]], args: tuple[Any, ...]) -> tuple[Any, float]:
    """The outcome of ``func(*args)`` and the heartbeat's worst gap beside it."""
    return run_with_heartbeat(outcome, func, args)


@dataclass(frozen=True)
class Loaded:
    """One case file: its source, asyncfix's result, and both versions as modules."""

    source: str
    result: FixResult | None  # None when the rewrite is hand-written
    fixed_source: str
    original: types.ModuleType
    fixed: types.ModuleType

    def findings(self, function: str) -> list[Finding]:
        """What asyncfix reported, instead of rewriting, inside ``function``."""
        if self.result is None:
            return []
        lines = function_lines(self.source, function)
        return [f for f in self.result.findings if f.line in lines]

    def assert_rewritten(self, case: Case) -> None:
        """asyncfix rewrote the calls of the case's function and reported none of them."""
        if self.result is None:  # hand-written
            return
        assert self.result.error is None, self.result.error
        # open() is reported by design (ASYNC230: the file object blocks on
        # use); the upload cases open the files they send.
        findings = [f for f in self.findings(case.function) if f.code != "ASYNC230"]
        assert not findings, "reported instead of rewritten:\n" + describe(case.module, findings)
        lines = function_lines(self.source, case.function)
        rewritten = [fix for fix in self.result.fixes if fix.line in lines]
        assert rewritten, f"nothing rewritten in {case.function}:\n{self.fixed_source}"


def describe(module: str, findings: list[Finding]) -> str:
    return "\n".join(f"  {module}.py:{f.line}:{f.column} {f.code} {f.message}" for f in findings)


@functools.cache
def loaded(name: str) -> Loaded:
    """``cases/<name>.py`` and its rewrite, each run as a fresh module (made once)."""
    source = (CASES / f"{name}.py").read_text(encoding="utf-8")
    result = None
    if HAND_WRITTEN:
        fixed_source = (Path(HAND_WRITTEN) / f"{name}.py").read_text(encoding="utf-8")
    else:
        result = fix_source(source, filename=f"{name}.py")
        fixed_source = result.source
    original = load_module(source, f"original_{name}")
    fixed = load_module(fixed_source, f"fixed_{name}")
    return Loaded(source, result, fixed_source, original, fixed)


def function_lines(source: str, function: str) -> range:
    """The lines of the top-level ``async def function`` in ``source``, decorators included."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.AsyncFunctionDef) and node.name == function:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return range(first, (node.end_lineno or node.lineno) + 1)
    raise LookupError(f"no async def {function} in the case")
