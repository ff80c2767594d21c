"""The blocking calls under other names: ``import ... as``, ``from ... import``."""

from __future__ import annotations

import builtins
import io as inout
import os as operating_system
import os.path as osp
import pathlib as pl
import subprocess as sp
import time as t
import urllib.request as ur
from builtins import input as ask
from builtins import open as builtin_open
from io import open as io_open
from os import path, popen, system, waitpid
from os.path import exists as there
from os.path import isfile
from pathlib import Path as P
from subprocess import Popen, check_output, run
from subprocess import call as call_process
from time import sleep
from time import sleep as nap
from urllib.request import urlopen

import httpx as hx
import requests as rq
from httpx import Client as HttpClient
from requests import get
from requests import post as send_form


async def aliased(name: str, url: str) -> None:
    t.sleep(1)
    sleep(1)
    nap(1)
    osp.exists(name)
    path.isdir(name)
    there(name)
    isfile(name)
    operating_system.path.getsize(name)
    sp.run(["true"])
    run(["true"])
    call_process(["true"])
    check_output(["true"])
    Popen(["true"])
    sp.Popen(["true"])
    system("true")
    popen("true")
    operating_system.system("true")
    waitpid(0, 0)
    builtin_open(name)
    builtins.open(name)
    io_open(name)
    inout.open(name)
    ask()
    builtins.input()
    P(name).exists()
    pl.Path(name).is_file()
    P(name).open()
    ur.urlopen(url)
    urlopen(url)
    rq.get(url)
    get(url)
    send_form(url)
    hx.get(url)


async def aliased_client(url: str) -> None:
    client = HttpClient()
    client.get(url)
    typed: HttpClient = hx.Client()
    typed.post(url)


async def path_alias_bound(name: str) -> None:
    p = P(name)
    p.exists()
    p.open()
    q = pl.Path(name)
    q.read_text()


# -- sync contexts: nothing to report ----------------------------------------------


def sync_aliased(name: str, url: str) -> None:
    t.sleep(1)
    nap(1)
    osp.exists(name)
    there(name)
    run(["true"])
    system("true")
    builtin_open(name)
    ask()
    P(name).exists()
    urlopen(url)
    get(url)
