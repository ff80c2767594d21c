"""The rewritten httpx calls do what the originals did, without stalling the loop.

Each case is an ``async def`` in ``cases/httpx_client.py`` that uses httpx's
blocking API: ``httpx.get()``/``httpx.post()`` (rewritten to a request on an
``async with httpx.AsyncClient(<client arguments>)``) or an ``httpx.Client``
made in the function (rewritten to an ``httpx.AsyncClient`` whose requests are
awaited).  The original and the rewrite both run against the slow server of
``server.py`` (every answer waits ``DELAY`` s), each beside a heartbeat task.
A case passes when

* asyncfix made the expected number of fixes in that function and reported
  nothing there,
* both versions return the same value, or raise the same exception, and the
  original's outcome is the one the case expects,
* the original stalled the heartbeat for about the server's delay,
* the rewrite never stalled it for more than ``FREE`` seconds.

An ``httpx.HTTPStatusError`` must carry the same message both ways.  The
transport errors are compared by type only: httpx's sync and async transports
word them differently whatever asyncfix does (``ConnectError``: "[Errno 111]
Connection refused" / "All connection attempts failed"; ``ReadTimeout``:
"timed out" / "").

Making an ``httpx.AsyncClient`` blocks the loop itself: its constructor
builds an SSL context from certifi's CA bundle (40-110 ms on a loaded
2-core machine; encode/httpx#3627), and the rewrite of ``httpx.get()`` makes
one per call.  That stall is the price of the rewrite, and README says so;
the check allows exactly it: ``FREE`` plus the slowest of a few client
constructions measured here, now (``verify=False`` skips the bundle, which is
why the client-arguments case never comes near it).  The original's stall,
a whole round trip, stays far above.
"""

from __future__ import annotations

import functools
import time
import types
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from asyncfix import FixResult, fix_source

from .harness import FREE, STALLED, Env, function_lines
from .heartbeat import load_module
from .server import DOCUMENT, TEXT
from .test_offload_behaviour import run_on

CASES = Path(__file__).parent / "cases"
MODULE = "httpx_client"


@dataclass(frozen=True)
class Case:
    """``httpx_client.function(*args(env))`` on ``backend``; the original's outcome is ``expected``."""

    function: str
    args: Callable[[Env], tuple[Any, ...]]
    expected: Callable[[Env], Any]  # a value, or ``("raised", TypeName)``
    fixes: int  # the calls asyncfix rewrites in the function
    slow: bool = True  # the original waits on the server (not so for a refused connection)
    backend: str = "asyncio"


def case(case_id: str, *args: Any, **kwargs: Any) -> Any:
    return pytest.param(Case(*args, **kwargs), id=case_id)


BASE: Callable[[Env], tuple[Any, ...]] = lambda env: (env.base,)
LINES = TEXT.splitlines()

CASE_LIST = [
    case(
        "httpx.get(): status_code, json(), a header",
        "get_json", BASE, lambda env: (200, DOCUMENT, "application/json"), 1,
    ),
    case(
        "httpx.get() on trio",
        "get_json", BASE, lambda env: (200, DOCUMENT, "application/json"), 1, backend="trio",
    ),
    case(
        "httpx.get(f-string): text, headers[...], headers.get(), reason_phrase",
        "text_and_headers", BASE, lambda env: ("ok", "thing-42", "req-7", "OK"), 1,
    ),
    case(
        "httpx.post(json=)",
        "post_json", lambda env: (env.base, "Loop stalls"),
        lambda env: ("POST", "application/json", {"title": "Loop stalls", "labels": ["bug"]}), 1,
    ),
    case(
        "client arguments timeout=, verify=False, cookies= move to AsyncClient(); params= stays",
        "client_arguments", BASE,
        lambda env: ({"q": ["async"]}, {"consent": "yes"}, "/echo?q=async"), 1,
    ),
    case(
        "timeout= on a slow answer raises ReadTimeout",
        "too_slow", BASE, lambda env: ("raised", "ReadTimeout"), 1,
    ),
    case(
        "with httpx.Client(base_url=, headers=) as c: get, then post",
        "with_client", BASE, lambda env: ("libcst", {"stars": 1700}, "mybot/1.0", True), 2,
    ),
    case(
        "c = httpx.Client(); two gets; c.close() -> await c.aclose()",
        "client_closed_by_hand", BASE, lambda env: ("1", {"page": ["2"]}, 404, True), 3,
    ),
    case(
        "raise_for_status() on a 404 raises HTTPStatusError",
        "raise_for_status", BASE, lambda env: ("raised", "HTTPStatusError"), 1,
    ),
    case(
        "connection refused raises ConnectError",
        "refused", lambda env: (env.dead,), lambda env: ("raised", "ConnectError"), 1, slow=False,
    ),
    case(
        "iter_lines(), iter_bytes(), read() after the request",
        "read_after", BASE, lambda env: (LINES, True, TEXT, True), 1,
    ),
]


@dataclass(frozen=True)
class Loaded:
    source: str
    result: FixResult
    original: types.ModuleType
    fixed: types.ModuleType


@functools.cache
def loaded() -> Loaded:
    source = (CASES / f"{MODULE}.py").read_text(encoding="utf-8")
    result = fix_source(source, filename=f"{MODULE}.py")
    original = load_module(source, f"original_{MODULE}")
    fixed = load_module(result.source, f"fixed_{MODULE}")
    return Loaded(source, result, original, fixed)


@pytest.fixture(scope="module", autouse=True)
def ssl_ready() -> Iterator[None]:
    """Make one client before the cases: the process's first SSL set-up is not theirs.

    The first SSL context of a process costs a few tenths of a second more
    than the next ones (OpenSSL start-up, lazy imports); it would land on
    whichever case runs first.  Each later client still pays its own CA-bundle
    load, which the cases do measure.
    """
    httpx.Client().close()
    yield


def outcome_of(exc: Exception) -> tuple[Any, ...]:
    if isinstance(exc, httpx.HTTPStatusError):
        return ("raised", type(exc).__name__, str(exc), exc.response.status_code)
    return ("raised", type(exc).__name__)  # see the module docstring


async def outcome(func: Callable[..., Awaitable[Any]], args: tuple[Any, ...]) -> Any:
    try:
        return await func(*args)
    except Exception as exc:  # the failure is the outcome being compared
        return outcome_of(exc)


@pytest.fixture(scope="module")
def client_cost() -> float:
    """The slowest of five ``httpx.AsyncClient()`` constructions on this machine, now."""
    costs = []
    for _ in range(5):
        started = time.perf_counter()
        httpx.AsyncClient()
        costs.append(time.perf_counter() - started)
    return max(costs)


@pytest.mark.parametrize("case", CASE_LIST)
def test_rewritten_httpx_behaves_the_same_and_frees_the_loop(
    env: Env, case: Case, client_cost: float
) -> None:
    versions = loaded()
    assert versions.result.error is None, versions.result.error
    lines = function_lines(versions.source, case.function)
    findings = [f for f in versions.result.findings if f.line in lines]
    assert not findings, f"reported instead of rewritten: {findings}"
    fixes = [f for f in versions.result.fixes if f.line in lines]
    assert len(fixes) == case.fixes, f"{fixes}\n{versions.result.source}"

    args = case.args(env)
    before, stalled_gap = run_on(case.backend, outcome, getattr(versions.original, case.function), args)
    after, free_gap = run_on(case.backend, outcome, getattr(versions.fixed, case.function), args)

    expected = case.expected(env)
    if isinstance(expected, tuple) and expected[:1] == ("raised",):
        assert before[:2] == expected, f"the original no longer does that: {before}"
    else:
        assert before == expected, f"the original no longer does that: {before}"
    assert after == before, f"the rewrite behaves differently:\n{versions.result.source}"
    if case.slow:
        assert stalled_gap >= STALLED, f"the original should stall the loop, worst {stalled_gap:.3f}s"
    assert free_gap < FREE + client_cost, (
        f"the rewrite stalled the loop for {free_gap:.3f}s (a client costs {client_cost:.3f}s):\n"
        f"{versions.result.source}"
    )
