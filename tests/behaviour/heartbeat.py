"""Run a coroutine beside a heartbeat task and measure how long the loop stalled."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import types
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

BEAT = 0.005  # seconds between heartbeats when the loop is free


def load_module(source: str, name: str) -> types.ModuleType:
    """Execute ``source`` as a fresh module (nothing is written to disk)."""
    module = types.ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


async def _beside_heartbeat(work: Awaitable[T]) -> tuple[T, float]:
    loop = asyncio.get_running_loop()
    gaps: list[float] = []
    stop = asyncio.Event()

    async def heartbeat() -> None:
        last = loop.time()
        while not stop.is_set():
            await asyncio.sleep(BEAT)
            now = loop.time()
            gaps.append(now - last)
            last = now

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(BEAT * 2)  # let the heartbeat start
    try:
        result = await work
    finally:
        stop.set()
        await beat
    return result, max(gaps)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while a heartbeat is timed.

    A full collection in a test worker that holds the fixtures' trees takes
    0.1-0.15 s, longer than ``FREE``: the heartbeat would blame the code under
    test for the collector's pause.  Collect first, then pause it.
    """
    if not gc.isenabled():  # paused already, by an outer caller that timed its own setup
        yield
        return
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def run_with_heartbeat(func: Callable[..., Awaitable[T]], *args: Any) -> tuple[T, float]:
    """``func(*args)`` on a new event loop: its result and the heartbeat's worst gap."""
    with collector_paused():
        return asyncio.run(_beside_heartbeat(func(*args)))
