"""A (connect, read) timeout tuple and the ReadTimeout it raises."""

import requests


async def quick_or_none(base, path):
    try:
        r = requests.get(base + path, timeout=(1, 0.5))
        return r.text
    except requests.exceptions.ReadTimeout:
        return None
