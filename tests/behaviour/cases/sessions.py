"""requests.Session used as a context manager: shared headers, a login cookie."""

import requests


async def whoami(base):
    with requests.Session() as s:
        s.headers.update({"Authorization": "Bearer t0ken", "User-Agent": "mybot/1.0"})
        me = s.get(f"{base}/echo", params={"who": "me"}).json()
        r = s.post(f"{base}/echo", json={"ping": 1})
        sent = r.json()
    return me["headers"]["Authorization"], me["query"], sent["json"], sent["headers"]["User-Agent"]


async def login_then_profile(base):
    with requests.Session() as s:
        s.post(f"{base}/login", data={"user": "ada", "password": "lovelace"})
        r = s.get(f"{base}/me")
        return r.status_code, r.json()
