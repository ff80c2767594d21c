"""ASYNC210 and ASYNC212: blocking HTTP calls, in async and in sync functions."""

from __future__ import annotations

import urllib.request
from typing import Optional, Union

import httpx
import requests
import urllib3


async def module_functions(url: str) -> None:
    urllib.request.urlopen(url)
    urllib3.request("GET", url)
    requests.get(url)
    requests.post(url, data={"a": "1"})
    requests.delete(url)
    requests.patch(url)
    requests.put(url)
    requests.head(url)
    requests.connect(url)
    requests.options(url)
    requests.trace(url)
    requests.request("GET", url)
    httpx.get(url)
    httpx.post(url, data={"a": "1"})
    httpx.delete(url)
    httpx.patch(url)
    httpx.put(url)
    httpx.head(url)
    httpx.connect(url)
    httpx.options(url)
    httpx.trace(url)
    httpx.request("GET", url)


async def response_used(url: str) -> str:
    response = requests.get(url, timeout=5)
    reply = httpx.get(url)
    with urllib.request.urlopen(url) as page:
        return response.text + reply.text + page.read().decode()


async def client_made_here(url: str) -> None:
    client = httpx.Client()
    client.get(url)
    client.post(url)
    client.put(url)
    client.patch(url)
    client.delete(url)
    client.head(url)
    client.options(url)
    client.request("GET", url)
    client.send(client.build_request("GET", url))
    client.stream("GET", url)
    client.close()


async def client_in_with(url: str) -> None:
    with httpx.Client() as client:
        client.get(url)


async def client_annotated_assignment(url: str, make: object) -> None:
    client: httpx.Client = httpx.Client(timeout=5)
    client.get(url)


async def client_passed_in(client: httpx.Client, url: str) -> None:
    client.get(url)
    client.post(url)
    client.close()


async def optional_client(client: Optional[httpx.Client], url: str) -> None:
    if client is not None:
        client.get(url)


async def union_client(client: Union[httpx.Client, None], url: str) -> None:
    if client is not None:
        client.head(url)


async def pep604_client(client: httpx.Client | None, url: str) -> None:
    if client is not None:
        client.options(url)


class Api:
    async def fetch(self, url: str) -> None:
        requests.get(url)
        httpx.get(url)
        urllib.request.urlopen(url)


# -- sync contexts: nothing to report ----------------------------------------------

urllib.request.urlopen("https://example.com")


def sync_module_functions(url: str) -> None:
    urllib.request.urlopen(url)
    urllib3.request("GET", url)
    requests.get(url)
    requests.connect(url)
    httpx.get(url)
    httpx.trace(url)


def sync_client(client: httpx.Client, url: str) -> None:
    client.get(url)
    other = httpx.Client()
    other.post(url)
    other.close()


class SyncApi:
    def fetch(self, url: str) -> None:
        requests.post(url)
        httpx.post(url)
