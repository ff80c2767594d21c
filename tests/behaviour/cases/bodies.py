"""Request arguments, checked by what the server says it received."""

import requests


async def create_issue(base, title):
    r = requests.post(f"{base}/echo", json={"title": title, "labels": ["bug"]})
    echoed = r.json()
    return r.status_code, echoed["method"], echoed["content_type"], echoed["json"]


async def submit_form(base):
    r = requests.post(f"{base}/echo", data={"user": "ada", "remember": "yes"})
    return r.json()["form"], r.json()["content_type"]


async def search(base, q):
    r = requests.get(
        f"{base}/echo",
        params={"q": q, "page": 2},
        headers={"X-Api-Key": "k-123"},
        cookies={"consent": "yes"},
    )
    e = r.json()
    return e["query"], e["headers"]["X-Api-Key"], e["cookies"]


async def update_then_delete(base):
    updated = requests.put(f"{base}/echo", json={"stars": 43})
    gone = requests.request("DELETE", f"{base}/echo", params={"id": "7"})
    return updated.json()["method"], updated.json()["json"], gone.json()["method"], gone.json()["query"]
