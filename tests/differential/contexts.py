"""The same blocking calls in every kind of place inside (and outside) ``async def``."""

import os
import subprocess
import time
from typing import Any, Callable


def decorate(value: Any) -> Callable[[Any], Any]:
    return lambda func: func


# -- statements -----------------------------------------------------------------------


async def in_if(flag: bool, name: str) -> None:
    if os.path.exists(name):
        time.sleep(1)
    elif flag:
        subprocess.run(["true"])
    else:
        input()


async def in_loops(names: list) -> None:
    for name in names:
        os.path.isfile(name)
    else:
        time.sleep(0)
    while os.path.exists("lock"):
        time.sleep(0.1)
    async for _ in agen():
        os.system("true")


async def agen() -> Any:
    yield time.sleep(0)


async def in_try(name: str) -> None:
    try:
        open(name)
    except OSError:
        time.sleep(1)
    else:
        os.path.getsize(name)
    finally:
        os.waitpid(0, 0)


async def in_with(name: str, lock: Any) -> None:
    with open(name) as file:
        time.sleep(0)
        file.read()
    async with lock:
        subprocess.check_call(["true"])


async def in_expressions(name: str) -> Any:
    size = os.path.getsize(name) if os.path.exists(name) else 0
    both = os.path.isdir(name) and os.path.islink(name)
    text = f"{os.path.getmtime(name)}"
    found = (match := os.path.realpath(name))
    result = [size, both, text, found, match]
    return result, time.sleep(0)


async def returns(name: str) -> bool:
    return os.path.exists(name)


# -- comprehensions and lambdas ----------------------------------------------------------


async def in_comprehensions(names: list) -> None:
    [os.path.exists(name) for name in names]
    {os.path.getsize(name) for name in names}
    {name: os.path.isdir(name) for name in names}
    list(os.path.isfile(name) for name in names)
    [os.path.exists(name) for name in os.listdir(".") if os.path.isfile(name)]
    [[os.path.exists(name) for name in row] for row in names]
    [name for name in subprocess.check_output(["ls"]).split()]


async def with_lambda(names: list) -> None:
    # a lambda's body runs when it is called, not here
    sorted(names, key=lambda name: os.path.getmtime(name))
    delayed = lambda: time.sleep(1)
    delayed()


# -- functions and classes nested in async def ---------------------------------------


async def nested_sync_def(name: str) -> Callable[[], bool]:
    def helper() -> bool:
        time.sleep(1)
        return os.path.exists(name)

    return helper


async def nested_async_def(name: str) -> None:
    async def inner() -> None:
        time.sleep(1)
        os.path.exists(name)

    await inner()


def sync_outside_async_inside(name: str) -> Any:
    async def inner() -> None:
        time.sleep(1)
        open(name)

    return inner


async def decorators_and_defaults(name: str) -> None:
    @decorate(time.sleep(0))
    def helper(flag: bool = os.path.exists(name), *, size: int = os.path.getsize(name)) -> None:
        time.sleep(1)

    @decorate(os.path.isfile(name))
    class Inner:
        pass

    helper()
    print(Inner)


async def class_body_in_async_def(name: str) -> Any:
    class Config:
        path = os.path.abspath(name)
        time.sleep(0)

        def method(self) -> None:
            time.sleep(1)

        async def amethod(self) -> None:
            time.sleep(1)

    return Config


class Service:
    async def handle(self, name: str) -> None:
        time.sleep(1)
        os.path.exists(name)

    @staticmethod
    async def static(name: str) -> None:
        time.sleep(1)

    @classmethod
    async def create(cls, name: str) -> None:
        subprocess.run(["true"])

    def sync_method(self) -> None:
        time.sleep(1)

    class Inner:
        async def deep(self) -> None:
            time.sleep(1)


# -- sync contexts: nothing to report ----------------------------------------------

time.sleep(0)
CHECK = [os.path.exists(name) for name in ("a", "b")]
DELAY = lambda: time.sleep(1)


def sync_function(name: str) -> None:
    time.sleep(1)
    os.path.exists(name)
    subprocess.run(["true"])
    [os.path.isfile(name) for _ in range(3)]


class SyncClass:
    value = os.path.exists("x")
    time.sleep(0)

    def method(self) -> None:
        time.sleep(1)
        open("x")
