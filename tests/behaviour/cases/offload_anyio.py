"""anyio tasks that call blocking functions: ``anyio.to_thread.run_sync``.

They run the same under either anyio backend (asyncio or trio).
"""

import subprocess
import sys

import anyio

from tests.behaviour.cases.slowlib import crunch

CHILD = "import time; time.sleep(0.2); print('done')"
FAILING_CHILD = "import sys, time; time.sleep(0.2); sys.exit(3)"


async def run_child():
    done = subprocess.run([sys.executable, "-S", "-c", CHILD], capture_output=True, text=True)
    return done.returncode, done.stdout


async def configured(n):
    with anyio.fail_after(5):
        result = crunch(n, scale=3)
    return result["value"]


async def checked_child():
    subprocess.run([sys.executable, "-S", "-c", FAILING_CHILD], check=True)
    return "not reached"
