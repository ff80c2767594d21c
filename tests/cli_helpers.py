"""What the CLI, config and file tests share: sources and an in-process runner.

Their modules also set ``pytestmark = pytest.mark.usefixtures("in_tmp")`` (conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import click.testing

from asyncfix.cli import main

BEFORE = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"
AFTER = "import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n"
# A call that cannot take `await`: reported, never rewritten.
UNFIXABLE = (
    "import time\n\n\nasync def handler():\n    return list(time.sleep(1) for _ in range(3))\n"
)


def run(
    *args: str, input: bytes | None = None, env: dict[str, str] | None = None
) -> click.testing.Result:
    """The command in-process, in the current directory, colour settings cleared."""
    environment: dict[str, str | None] = {"NO_COLOR": None, "FORCE_COLOR": None, **(env or {})}
    return click.testing.CliRunner().invoke(
        main,
        list(args),
        input=input,
        env=environment,
        catch_exceptions=False,
        prog_name="asyncfix",
    )


def write(path: str, data: str | bytes = BEFORE) -> Path:
    """Create ``path`` (and its folders) with ``data``, bytes for bytes."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data.encode() if isinstance(data, str) else data)
    return target
