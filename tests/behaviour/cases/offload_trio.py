"""trio tasks that call blocking functions: ``trio.to_thread.run_sync``.

trio's ``run_sync`` takes no keyword arguments for the function, so a call
with keywords is handed over as a ``functools.partial``.
"""

import subprocess
import sys

import trio

from tests.behaviour.cases.slowlib import crunch

CHILD = "import time; time.sleep(0.2); print('done')"
FAILING_CHILD = "import sys, time; time.sleep(0.2); sys.exit(3)"


async def run_child():
    done = subprocess.run([sys.executable, "-S", "-c", CHILD], capture_output=True, text=True)
    return done.returncode, done.stdout


async def configured(n):
    return crunch(n)["value"]


async def checked_child():
    subprocess.run([sys.executable, "-S", "-c", FAILING_CHILD], check=True)
    return "not reached"


async def ask_name():
    with trio.move_on_after(5):
        return "hello " + input("name? ")
