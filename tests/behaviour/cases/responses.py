"""Reading a response: bytes, headers, text, ok, reason."""

import requests


async def download(base):
    r = requests.get(f"{base}/bytes")
    data = r.content
    return len(data), data[:4], r.headers["Content-Type"]


async def header_info(base):
    r = requests.get(f"{base}/headers")
    return r.headers["X-Thing"], r.headers.get("x-request-id"), r.headers.get("X-Missing", "none"), r.ok, r.reason


async def first_line(base):
    r = requests.get(f"{base}/text")
    return r.text.splitlines()[0], r.status_code
