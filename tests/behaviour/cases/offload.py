"""asyncio handlers that call blocking functions with plain results.

asyncfix offloads each call to a worker thread: ``asyncio.to_thread`` (or
``loop.run_in_executor`` for a project that supports Python 3.8).
"""

import os
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from tests.behaviour.cases.slowlib import crunch

# A child that takes NAP seconds: the blocking work of the process cases
# (-S: no site-packages, so starting it costs little next to the nap).
CHILD = "import time; time.sleep(0.2); print('done')"
FAILING_CHILD = "import sys, time; time.sleep(0.2); print('partial'); sys.exit(3)"


async def run_child():
    done = subprocess.run([sys.executable, "-S", "-c", CHILD], capture_output=True, text=True)
    return done.returncode, done.stdout


async def child_output():
    return subprocess.check_output([sys.executable, "-S", "-c", CHILD], text=True).strip()


async def system_status():
    status = os.system(shlex.join([sys.executable, "-S", "-c", FAILING_CHILD]) + " > " + os.devnull)
    return os.waitstatus_to_exitcode(status)


async def checked_child():
    subprocess.run([sys.executable, "-S", "-c", FAILING_CHILD], check=True, capture_output=True)
    return "not reached"


async def ask_name():
    name = input("name? ")
    return f"hello {name}"


async def configured(n):
    result = crunch(n, scale=2)
    return result["value"]


async def configured_fails():
    return crunch(-1)


async def exists(path):
    return os.path.exists(path), os.path.exists(path + ".missing")


async def size_of(path):
    return os.path.getsize(path)


async def copy_then_remove(source, folder):
    target = os.path.join(folder, "copied.txt")
    shutil.copy(source, target)
    copied = os.path.getsize(target)
    shutil.rmtree(folder)
    return copied, os.path.exists(folder)


async def lookup():
    return socket.gethostbyname("localhost")


async def write_then_read(folder):
    note = Path(folder, "note.txt")
    written = note.write_text("héllo\n", encoding="utf-8")
    return written, Path(note).read_text(encoding="utf-8")
