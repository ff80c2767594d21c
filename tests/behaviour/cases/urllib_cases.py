"""urllib.request.urlopen as scripts and bots use it."""

import json
import urllib.request
from urllib.request import urlopen


async def page(base: str, path: str):
    with urllib.request.urlopen(base + path, timeout=5) as r:
        body = r.read()
        status = r.getcode()
        kind = r.headers.get("Content-Type")
    return status, kind.split(";")[0], len(body)


async def document(base: str):
    return json.load(urlopen(f"{base}/json"))


async def motd(base: str):
    return urlopen(base + "/text").read().decode("utf-8")


async def followed(base: str):
    with urlopen(f"{base}/redirect/2") as r:
        return r.status, r.reason, json.load(r)
