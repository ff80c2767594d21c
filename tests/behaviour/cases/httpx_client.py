"""Handlers that call httpx's blocking API; asyncfix moves them to ``httpx.AsyncClient``."""

import httpx

COOKIES = {"consent": "yes"}


async def get_json(base):
    r = httpx.get(base + "/json")
    return r.status_code, r.json(), r.headers["content-type"]


async def text_and_headers(base):
    r = httpx.get(f"{base}/headers")
    return r.text, r.headers["X-Thing"], r.headers.get("x-request-id"), r.reason_phrase


async def post_json(base, title):
    r = httpx.post(f"{base}/echo", json={"title": title, "labels": ["bug"]})
    sent = r.json()
    return sent["method"], sent["content_type"], sent["json"]


async def client_arguments(base):
    url = base + "/echo"
    r = httpx.get(url, params={"q": "async"}, timeout=5.0, verify=False, cookies=COOKIES)
    sent = r.json()
    return sent["query"], sent["cookies"], str(r.url).removeprefix(base)


async def too_slow(base):
    url = base + "/slow"
    return httpx.get(url, timeout=0.3).json()


async def with_client(base):
    with httpx.Client(base_url=base, headers={"User-Agent": "mybot/1.0"}) as c:
        repo = c.get("/repos/libcst").json()
        r = c.post("/echo", json={"stars": repo["stars"]})
        sent = r.json()
    return repo["name"], sent["json"], sent["headers"]["User-Agent"], c.is_closed


async def client_closed_by_hand(base):
    c = httpx.Client(headers={"X-Bot": "1"})
    r = c.get(base + "/echo", params={"page": 2})
    missing = c.get(base + "/repos/missing")
    c.close()
    return r.json()["headers"]["X-Bot"], r.json()["query"], missing.status_code, c.is_closed


async def raise_for_status(base):
    r = httpx.get(base + "/status/404")
    r.raise_for_status()
    return "not reached"


async def refused(dead):
    return httpx.get(dead + "/ping").status_code


async def read_after(base):
    r = httpx.get(base + "/text")
    lines = list(r.iter_lines())
    chunks = b"".join(r.iter_bytes())
    body = r.read()
    return lines, chunks == body, body.decode("utf-8"), r.is_closed
