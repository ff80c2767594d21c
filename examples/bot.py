"""A tiny chat bot whose commands freeze every other user while they wait.

Run `asyncfix --diff examples/` to see the fixes, `asyncfix examples/` to apply them.
"""

import asyncio
import os
import random
import subprocess
import time

import requests

API = "https://api.example.com"


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


@bot.command("weather")
async def weather(user: str, city: str) -> str:
    # One HTTP round trip during which the bot answers nobody.
    r = requests.get(f"{API}/weather", params={"q": city}, timeout=5)
    if r.status_code != 200:
        return f"{user}: no weather for {city} today"
    data = r.json()
    return f"{user}: {data['summary']}, {data['temp']} degrees"


@bot.command("joke")
async def joke(user: str) -> str:
    try:
        return requests.get(f"{API}/joke").json()["text"]
    except requests.RequestException:
        return "no jokes today"


@bot.command("avatar")
async def avatar(user: str) -> bytes:
    r = requests.get(f"{API}/avatars/{user}")
    # The response object escapes: asyncfix reports this one instead.
    return cache(r)


def cache(response):
    return response.content


@bot.command("backup")
async def backup(user: str, path: str) -> str:
    # Disk and process work: each call holds the loop until it returns.
    if not os.path.exists(path):
        return f"{user}: nothing to back up at {path}"
    subprocess.run(["tar", "czf", path + ".tgz", path], check=True)
    # The file object blocks on every write: asyncfix reports this one.
    with open(path + ".log", "a") as log:
        log.write(f"{user}\n")
    return f"{user}: backed up {path}"


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
