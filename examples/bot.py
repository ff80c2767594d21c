"""A tiny chat bot whose commands freeze every other user while they wait.

Run `asyncfix --diff examples/` to see the fixes, `asyncfix examples/` to apply them.
"""

import asyncio
import random
import time


class Bot:
    def __init__(self) -> None:
        self.commands = {}

    def command(self, name):
        def register(func):
            self.commands[name] = func
            return func

        return register


bot = Bot()


@bot.command("remind")
async def remind(user: str, minutes: float) -> str:
    # Blocks the whole bot for `minutes`: nobody else gets an answer meanwhile.
    time.sleep(minutes * 60)
    return f"{user}, time is up!"


@bot.command("roll")
async def roll(user: str) -> str:
    for _ in range(3):
        time.sleep(0.5)  # suspense, paid for by every other user
    return f"{user} rolled {random.randint(1, 6)}"


@bot.command("countdown")
async def countdown(user: str, start: int) -> list:
    # A generator expression: an await here would make it an async generator,
    # so asyncfix reports this one instead of rewriting it.
    return list(time.sleep(1) or n for n in range(start, 0, -1))


def warm_up() -> None:
    time.sleep(0.1)  # plain def: blocking is fine here, left alone


async def main() -> None:
    warm_up()
    print(await asyncio.gather(remind("ada", 0.001), roll("bob")))


if __name__ == "__main__":
    asyncio.run(main())
