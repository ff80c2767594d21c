"""ASYNC250 and ASYNC251: ``input()`` and ``time.sleep()``."""

import time
from time import sleep


async def ask() -> str:
    return input("name? ")


async def ask_twice() -> str:
    first = input()
    second = input("again: ")
    return first + second


async def pause(delay: float) -> None:
    time.sleep(delay)
    time.sleep(0)
    sleep(delay)


class Prompt:
    async def run(self) -> str:
        time.sleep(1)
        return input("> ")


# -- sync contexts: nothing to report ----------------------------------------------

time.sleep(0)


def sync_pause(delay: float) -> str:
    time.sleep(delay)
    sleep(delay)
    return input()


class SyncPrompt:
    def run(self) -> str:
        time.sleep(1)
        return input("> ")
