"""Basic auth and redirects: status, final URL, history."""

import requests


async def private_data(base):
    anon = requests.get(f"{base}/auth")
    authed = requests.get(f"{base}/auth", auth=("ada", "lovelace"))
    return anon.status_code, anon.ok, authed.status_code, authed.json()


async def follow(base):
    r = requests.get(f"{base}/redirect/2")
    return r.status_code, r.url, len(r.history), r.json()


async def no_follow(base):
    r = requests.get(f"{base}/redirect/2", allow_redirects=False)
    return r.status_code, r.url, len(r.history), r.headers["Location"]
