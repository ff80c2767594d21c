"""FastAPI-style handlers that proxy an upstream API and return its JSON."""

import requests as rq


# @app.get("/repos/{name}")
async def read_repo(name: str, base: str) -> dict:
    r = rq.get(f"{base}/repos/{name}", headers={"Accept": "application/json"}, timeout=10)
    r.raise_for_status()
    return r.json()


# @app.get("/config"): the upstream serves its JSON as text/plain
async def read_config(base: str) -> dict:
    return rq.get(f"{base}/json/plain").json()
