"""The long description of each rule, for ``asyncfix --explain CODE``.

Plain Markdown, as ``ruff rule`` prints it: what the rule finds, why it
blocks, what asyncfix does about it, and an example before and after.  The
one-line summaries live in ``rules.CODES``; a test checks that every code
there has a text here.
"""

from __future__ import annotations

from .rules import CODES

TEXTS: dict[str, str] = {
    "ASYNC200": '''\
## What it finds

Blocking calls that flake8-async has no code of its own for: `shutil` copies,
moves and deletions (`shutil.copy`, `copy2`, `copyfile`, `copytree`, `move`,
`rmtree`, `make_archive`, `disk_usage`, ...) and socket lookups
(`socket.gethostbyname`, `getaddrinfo`, `getfqdn`, `create_connection`, ...),
plus the calls your configuration lists:

```toml
[tool.asyncfix]
# report only, with your advice
blocking-calls = {"mylib.fetch" = "use mylib.afetch"}
# or: a plain result, safe to offload to a worker thread
blocking-calls = {"mylib.fetch" = {message = "use mylib.afetch", offload = true}}
```

## Why it blocks

Copying a tree or resolving a host name waits on the disk or the network. While
it waits, the event loop runs nothing else: every other task stalls.

## What asyncfix does

A call whose result is a plain value (`shutil.rmtree`, `shutil.copy`,
`socket.gethostbyname`, a configured call with `offload = true`) runs in a
worker thread: `await asyncio.to_thread(func, *args, **kwargs)`
(`trio.to_thread.run_sync` / `anyio.to_thread.run_sync` in trio and anyio
modules, with `functools.partial` for keyword arguments;
`loop.run_in_executor` when `requires-python` allows Python before 3.9).
`socket.create_connection` (the socket blocks again on every send) and
configured calls without `offload = true` are reported, with the message.

## Example

```python
import shutil


async def clean(path):
    shutil.rmtree(path)
```

becomes

```python
import shutil
import asyncio


async def clean(path):
    await asyncio.to_thread(shutil.rmtree, path)
```
''',
    "ASYNC210": '''\
## What it finds

Blocking HTTP calls: `requests.get/post/put/patch/delete/head/options/request`
(and the methods of a `requests.Session()` the function creates),
`httpx.get/post/.../request/stream`, `urllib.request.urlopen` and
`urllib3.request`.

## Why it blocks

The call waits for the whole HTTP round trip (connecting, sending, the server's
answer, the body). The event loop runs nothing else meanwhile.

## What asyncfix does

- requests: the calls of one function share one
  `async with aiohttp.ClientSession(trust_env=True) as session:` block, each call
  becomes `async with session.get(...) as resp:` around the statements that use
  the response, with its uses (`r.status_code` -> `r.status`, `r.json()` ->
  `await r.json(content_type=None)`, ...), its arguments and the
  `except requests.X` handlers around it mapped. Anything without a faithful
  aiohttp form is reported with the reason (the README has the full table).
- httpx: `httpx.get(url)` -> `async with httpx.AsyncClient() as client:` and
  `resp = await client.get(url)`; the response is the same class, already read.
- `urllib.request.urlopen`: `with urlopen(url) as r:` and `urlopen(url).read()` /
  `json.load(urlopen(url))` become an
  `aiohttp.ClientSession(trust_env=True, raise_for_status=True)` block with
  `await r.read()`, when the URL is surely a string (not a `Request`: a literal,
  an f-string, a parameter annotated `str`) and the response is only read, its
  status, reason and headers looked at; `data=` and other uses are reported.
- `urllib3.request(...)` reads the whole body before it returns, so it is
  offloaded: `await asyncio.to_thread(urllib3.request, "GET", url)`; with
  `preload_content=` it is reported (the body would be read later, on the loop).

## Example

```python
import httpx


async def status(url):
    resp = httpx.get(url)
    return resp.status_code
```

becomes

```python
import httpx


async def status(url):
    async with httpx.AsyncClient() as client:
        resp = await client.get(url)
    return resp.status_code
```
''',
    "ASYNC212": '''\
## What it finds

Request methods (`get`, `post`, ..., `request`, `send`, `stream`) called on a
blocking HTTP client the function holds: an `httpx.Client`, or a urllib3
`PoolManager` / `HTTPConnectionPool` (`request`, `urlopen`, ...).

## Why it blocks

Each request waits for the network while the event loop runs nothing else.

## What asyncfix does

An `httpx.Client` the function makes itself (`with httpx.Client() as c:` or
`c = httpx.Client()`) becomes an `httpx.AsyncClient`, when every use of it is a
request method (then awaited), `close()` (then `await c.aclose()`) or a plain
attribute. A client passed in (a parameter, an attribute) and urllib3 pools are
reported: their type is someone else's to change.

## Example

```python
import httpx


async def fetch(url):
    with httpx.Client() as c:
        return c.get(url).text
```

becomes

```python
import httpx


async def fetch(url):
    async with httpx.AsyncClient() as c:
        return (await c.get(url)).text
```
''',
    "ASYNC220": '''\
## What it finds

Starting a subprocess with blocking APIs: `subprocess.Popen`, `os.popen`, and
`os.spawn*` with a mode other than `os.P_WAIT`.

## Why it blocks

Starting the process is quick, but the object it returns is used with blocking
calls (`p.wait()`, `p.communicate()`, reading `p.stdout`): each stalls the
event loop until the child answers or exits.

## What asyncfix does

Reported, never rewritten: the process object's uses cannot be made
asynchronous one by one. Use `asyncio.create_subprocess_exec()`
(`trio.run_process()`, `anyio.open_process()`).

## Example

```python
import subprocess


async def version():
    p = subprocess.Popen(["git", "--version"], stdout=subprocess.PIPE)
    out, _ = p.communicate()
    return out
```

fixed by hand:

```python
import asyncio


async def version():
    p = await asyncio.create_subprocess_exec("git", "--version", stdout=asyncio.subprocess.PIPE)
    out, _ = await p.communicate()
    return out
```
''',
    "ASYNC221": '''\
## What it finds

Running a process to completion: `subprocess.run`, `call`, `check_call`,
`check_output`, `getoutput`, `getstatusoutput`, `os.system`,
`os.posix_spawn`, `os.posix_spawnp` and `os.spawn*(os.P_WAIT, ...)`.

## Why it blocks

The call returns when the child process exits: for as long as it runs, the
event loop runs nothing else.

## What asyncfix does

The `subprocess` functions and `os.system` return a plain result (a
`CompletedProcess`, an exit status, the output), so they run in a worker
thread: `await asyncio.to_thread(subprocess.run, cmd, check=True)`
(`trio.to_thread.run_sync` / `anyio.to_thread.run_sync` with
`functools.partial` for keyword arguments in trio and anyio modules;
`loop.run_in_executor` when `requires-python` allows Python before 3.9).
`os.posix_spawn*` and `os.spawn*(os.P_WAIT, ...)` are reported: use
`asyncio.create_subprocess_exec()` (`trio.run_process()`,
`anyio.run_process()`).

## Example

```python
import subprocess


async def build(cmd):
    subprocess.run(cmd, check=True)
```

becomes

```python
import subprocess
import asyncio


async def build(cmd):
    await asyncio.to_thread(subprocess.run, cmd, check=True)
```
''',
    "ASYNC222": '''\
## What it finds

Waiting for a child process: `os.wait`, `os.wait3`, `os.wait4`, `os.waitid`,
`os.waitpid`.

## Why it blocks

The call returns when a child exits; the event loop waits with it.

## What asyncfix does

Reported, never rewritten. Offloading the wait to a thread is not safe: a
thread reaping children can race the event loop's own child watcher and steal
the exit status of a process asyncio started. Start the process with
`asyncio.create_subprocess_exec()` and await its `wait()`.

## Example

```python
import os


async def reap(pid):
    os.waitpid(pid, 0)
```

fixed by hand:

```python
import asyncio


async def run(*cmd):
    process = await asyncio.create_subprocess_exec(*cmd)
    await process.wait()
```
''',
    "ASYNC230": '''\
## What it finds

Opening a file with blocking APIs: `open`, `io.open`, `io.open_code`,
`codecs.open` and `pathlib.Path(...).open()`.

## Why it blocks

Opening, and then every read and write on the file object, waits on the disk
(or on a network file system) while the event loop runs nothing else.

## What asyncfix does

Reported, never rewritten: the file object blocks again wherever it is used,
so offloading the `open` alone would not help. Use `anyio.open_file()` /
`trio.open_file()`, or read or write the whole file in a worker thread
(`await asyncio.to_thread(Path(p).read_text)`).

## Example

```python
async def load(path):
    with open(path) as f:
        return f.read()
```

fixed by hand:

```python
import asyncio
from pathlib import Path


async def load(path):
    return await asyncio.to_thread(Path(path).read_text)
```
''',
    "ASYNC231": '''\
## What it finds

`os.fdopen`: a file object made from a file descriptor.

## Why it blocks

Every read and write on the file object waits on the file while the event loop
runs nothing else.

## What asyncfix does

Reported, never rewritten. Wrap the file object with `anyio.wrap_file()` (or
`trio.wrap_file()`) so that its methods are awaited and run in a worker thread.

## Example

```python
import os


async def dump(fd, data):
    with os.fdopen(fd, "w") as f:
        f.write(data)
```

fixed by hand:

```python
import os

import anyio


async def dump(fd, data):
    async with anyio.wrap_file(os.fdopen(fd, "w")) as f:
        await f.write(data)
```
''',
    "ASYNC240": '''\
## What it finds

`os.path` functions that touch the file system (`exists`, `isfile`, `isdir`,
`getsize`, `getmtime`, `realpath`, ...) and `pathlib.Path` methods that do
(`exists()`, `read_text()`, `write_bytes()`, `stat()`, `mkdir()`, `glob()`,
...), on `Path(...)` directly, on a name bound once to a `Path(...)`, or on a
parameter annotated `Path`.

## Why it blocks

Each call is a system call on the file system; on a slow disk or a network
file system it stalls the event loop.

## What asyncfix does

A call with a plain result runs in a worker thread:
`await asyncio.to_thread(os.path.exists, p)`,
`await asyncio.to_thread(Path(p).read_text)` (`trio.to_thread.run_sync` /
`anyio.to_thread.run_sync` in trio and anyio modules, with `functools.partial`
for keyword arguments; `loop.run_in_executor` when `requires-python` allows
Python before 3.9). The iterator methods (`glob`, `rglob`, `iterdir`, `walk`)
are reported: the iterator touches the file system again as it is consumed.

## Example

```python
import os.path
from pathlib import Path


async def load(p):
    if os.path.exists(p):
        return Path(p).read_text()
```

becomes

```python
import os.path
from pathlib import Path
import asyncio


async def load(p):
    if await asyncio.to_thread(os.path.exists, p):
        return await asyncio.to_thread(Path(p).read_text)
```
''',
    "ASYNC250": '''\
## What it finds

`input()`.

## Why it blocks

`input()` waits for a line on standard input, for as long as the user takes;
the event loop runs nothing else meanwhile.

## What asyncfix does

The call runs in a worker thread: `await asyncio.to_thread(input, prompt)`
(`trio.to_thread.run_sync` / `anyio.to_thread.run_sync` in trio and anyio
modules; `loop.run_in_executor` when `requires-python` allows Python before
3.9).

## Example

```python
async def ask():
    return input("name? ")
```

becomes

```python
import asyncio

async def ask():
    return await asyncio.to_thread(input, "name? ")
```
''',
    "ASYNC251": '''\
## What it finds

`time.sleep()`, however it was imported (`import time as t`,
`from time import sleep as nap`).

## Why it blocks

`time.sleep(x)` stops the whole thread for `x` seconds, and with it the event
loop: every other task waits.

## What asyncfix does

`time.sleep(x)` becomes `await asyncio.sleep(x)` (`await trio.sleep(x)` /
`await anyio.sleep(x)` in trio and anyio modules; `--event-loop` picks one).
A call that cannot take an `await` (in a generator expression, a default
value, a decorator) or with other arguments than the seconds is reported
with the reason.

## Example

```python
import time


async def remind(user, minutes):
    time.sleep(minutes * 60)
```

becomes

```python
import asyncio


async def remind(user, minutes):
    await asyncio.sleep(minutes * 60)
```
''',
}


def explain(code: str) -> str:
    """The text for ``code`` (a key of ``rules.CODES``): a title line, then ``TEXTS[code]``.

    Raises KeyError for an unknown code.
    """
    rule = CODES[code]
    return f"# {rule.name} ({rule.code})\n\n{TEXTS[code]}"
