"""The rewritten urlopen calls give what urllib gave, without stalling the loop.

Same setup as test_requests_behaviour.py: the case functions in
``cases/urllib_cases.py`` run as written and as asyncfix rewrote them (aiohttp),
against the real slow server on 127.0.0.1, each beside a heartbeat.
"""

from __future__ import annotations

import json
import urllib.error
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from .harness import FREE, STALLED, Env, loaded
from .heartbeat import run_with_heartbeat
from .server import DOCUMENT, TEXT


def _failure(exc: BaseException) -> tuple[str, Any]:
    """An escaped exception, named the same for urllib and aiohttp."""
    if isinstance(exc, urllib.error.HTTPError):
        return ("http error", exc.code)
    if isinstance(exc, aiohttp.ClientResponseError):
        return ("http error", exc.status)
    if isinstance(exc, (urllib.error.URLError, aiohttp.ClientConnectionError)):
        return ("connection error", None)
    return (type(exc).__name__, str(exc))


async def _outcome(func: Callable[..., Awaitable[Any]], args: tuple[Any, ...]) -> Any:
    try:
        return await func(*args)
    except Exception as exc:  # an escaped failure is an outcome too
        return _failure(exc)


CASES = [
    pytest.param("page", lambda env: (env.base, "/json"), lambda env: (200, "application/json", len(json.dumps(DOCUMENT))),
                 id="with urlopen: read(), getcode(), headers.get()"),
    pytest.param("page", lambda env: (env.base, "/status/404"), lambda env: ("http error", 404),
                 id="an error status raises (HTTPError / raise_for_status)"),
    pytest.param("page", lambda env: (env.dead, "/x"), lambda env: ("connection error", None),
                 id="nothing listening: a connection error"),
    pytest.param("document", lambda env: (env.base,), lambda env: DOCUMENT,
                 id="json.load(urlopen(url))"),
    pytest.param("motd", lambda env: (env.base,), lambda env: TEXT,
                 id="urlopen(url).read().decode()"),
    pytest.param("followed", lambda env: (env.base,), lambda env: (200, "OK", {"landed": True}),
                 id="redirects followed; status, reason, json.load(r)"),
]


@pytest.mark.parametrize(("function", "args", "expected"), CASES)
def test_urlopen_rewrite_behaves_the_same_and_frees_the_loop(
    env: Env, function: str, args: Any, expected: Any
) -> None:
    versions = loaded("urllib_cases")
    assert versions.result is not None and versions.result.error is None
    assert not versions.result.findings, versions.result.findings
    assert len(versions.result.fixes) == 4, versions.fixed_source
    assert "import aiohttp" in versions.fixed_source

    before, stalled_gap = run_with_heartbeat(_outcome, getattr(versions.original, function), args(env))
    after, free_gap = run_with_heartbeat(_outcome, getattr(versions.fixed, function), args(env))

    assert before == expected(env), "the original no longer does what the case expects"
    assert after == before, f"the rewrite behaves differently:\n{versions.fixed_source}"
    if before != ("connection error", None):  # refused at once: nothing to wait for
        assert stalled_gap >= STALLED, f"the original should stall the loop, worst gap {stalled_gap:.3f}s"
    assert free_gap < FREE, f"the rewrite stalled the loop for {free_gap:.3f}s"
