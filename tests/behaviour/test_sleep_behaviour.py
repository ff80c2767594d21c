"""The rewritten time.sleep no longer stalls the loop, and returns the same."""

from __future__ import annotations

import textwrap

import pytest

from asyncfix import fix_source

from .heartbeat import load_module, run_with_heartbeat

# Long enough to tell a stall from scheduling noise, short enough for CI.
NAP = 0.25
STALLED = 0.2  # the original's heartbeat gap is at least this
FREE = 0.08  # the fixed version's worst gap stays under this

HANDLERS = textwrap.dedent(
    f"""\
    import time
    from time import sleep as nap

    async def remind(user):
        time.sleep({NAP})
        return f"{{user}}, time is up"

    async def polls(n):
        seen = []
        for i in range(n):
            nap({NAP} / n)
            seen.append(i)
        return seen
    """
)


@pytest.fixture(scope="module")
def modules():
    result = fix_source(HANDLERS, filename="handlers.py")
    assert len(result.fixes) == 2, result
    assert "import asyncio" in result.source
    return load_module(HANDLERS, "original"), load_module(result.source, "fixed")


@pytest.mark.parametrize(
    "name, args, expected",
    [
        pytest.param("remind", ("ada",), "ada, time is up", id="one long sleep"),
        pytest.param("polls", (5,), [0, 1, 2, 3, 4], id="sleeps in a loop, aliased import"),
    ],
)
def test_fixed_sleep_frees_the_loop_and_returns_the_same(modules, name, args, expected):
    original, fixed = modules
    before, stalled_gap = run_with_heartbeat(getattr(original, name), *args)
    after, free_gap = run_with_heartbeat(getattr(fixed, name), *args)
    assert before == after == expected
    assert stalled_gap >= STALLED, "the original should stall the heartbeat"
    assert free_gap < FREE, f"the fixed code stalled the loop for {free_gap:.3f}s"


def test_trio_module_gets_trio_sleep_and_runs_under_trio():
    trio = pytest.importorskip("trio")
    source = textwrap.dedent(
        f"""\
        import time
        import trio

        async def job():
            time.sleep({NAP})
            return "done"
        """
    )
    fixed = fix_source(source).source
    assert f"await trio.sleep({NAP})" in fixed
    module = load_module(fixed, "fixed_trio")

    async def measure():
        gaps = []
        async with trio.open_nursery() as nursery:

            async def heartbeat():
                last = trio.current_time()
                while True:
                    await trio.sleep(0.005)
                    now = trio.current_time()
                    gaps.append(now - last)
                    last = now

            nursery.start_soon(heartbeat)
            await trio.sleep(0.01)
            result = await module.job()
            nursery.cancel_scope.cancel()
        return result, max(gaps)

    result, worst = trio.run(measure)
    assert result == "done"
    assert worst < FREE
