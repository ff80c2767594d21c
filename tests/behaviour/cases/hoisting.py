"""Calls inside expressions: chained, in an f-string, as an argument, returned."""

import requests


async def stars(base):
    return requests.get(f"{base}/repos/asyncfix").json()["stars"]


async def status_line(base):
    return f"libcst has {requests.get(base + '/repos/libcst').json()['stars']} stars"


async def text_length(base):
    return len(requests.get(base + "/text").text)
