"""Blocking calls asyncfix knows and ruff (ASYNC2xx) does not: FINDS_MORE in the test."""

from __future__ import annotations

import codecs
import os
import shutil
import socket
from pathlib import Path, PosixPath

import httpx
import urllib3


async def copies(src: str, dst: str) -> None:
    shutil.copy(src, dst)
    shutil.copytree(src, dst)
    shutil.move(src, dst)
    shutil.rmtree(dst)
    shutil.disk_usage(src)


async def lookups(host: str) -> None:
    socket.gethostbyname(host)
    socket.getaddrinfo(host, 80)
    socket.create_connection((host, 80))


async def files(name: str, fd: int) -> None:
    codecs.open(name)
    os.fdopen(fd)
    PosixPath(name).open()


async def path_class_methods() -> None:
    Path.cwd()
    Path.home()


async def http(url: str) -> None:
    httpx.stream("GET", url)
    httpx.Client().get(url)
    pool = urllib3.PoolManager()
    pool.request("GET", url)


# -- sync contexts: nothing to report ----------------------------------------------


def sync_beyond(src: str, dst: str, host: str, fd: int) -> None:
    shutil.copy(src, dst)
    socket.gethostbyname(host)
    codecs.open(src)
    os.fdopen(fd)
    Path.cwd()
