"""Code where the plain requests -> aiohttp mapping would change what happens.

Each function is ordinary requests code; the comment says where aiohttp
differs.  A rewrite must keep the behaviour, or the call must be reported.
"""

import requests


async def connection_error_first(base, path):
    # requests: a read timeout is a Timeout, not a ConnectionError.  aiohttp's
    # sock_read timeout (SocketTimeoutError) is both a TimeoutError and a
    # ClientConnectionError, so the first clause would catch it.
    try:
        r = requests.get(base + path, timeout=0.5)
        return r.status_code
    except requests.exceptions.ConnectionError:
        return "unreachable"
    except requests.exceptions.Timeout:
        return "slow"


async def slow_but_steady(base):
    # requests: timeout=N bounds each wait for the socket, not the download;
    # ClientTimeout(total=N) would give up on a body that keeps coming.
    r = requests.get(f"{base}/probe/drip?chunks=4&every=0.15", timeout=0.3)
    return r.status_code, r.text


async def separate_calls_share_no_cookies(base):
    # requests: every plain call has its own cookies; one shared ClientSession
    # would send the first answer's cookie with the second request.
    requests.get(f"{base}/probe/set-cookie")
    return requests.get(f"{base}/echo").json()["cookies"]


async def login_by_ip(base):
    # requests keeps cookies set by a host named by IP address; aiohttp's
    # default CookieJar drops them (CookieJar(unsafe=True) keeps them).
    with requests.Session() as s:
        s.post(f"{base}/login", data={"user": "ada", "password": "lovelace"})
        r = s.get(f"{base}/me")
        return r.status_code, r.json()


async def falsy_on_error(base, path):
    # requests: bool(response) is response.ok; an aiohttp response is always true.
    r = requests.get(base + path)
    if not r:
        return "failed"
    return "fine"


async def html_instead_of_json(base):
    # requests: the JSONDecodeError of r.json() is a RequestException; aiohttp
    # raises json.JSONDecodeError, which (aiohttp.ClientError, TimeoutError) misses.
    try:
        r = requests.get(f"{base}/html", timeout=5)
        return r.json()
    except requests.RequestException:
        return "bad upstream"


async def status_of_http_error(base, path):
    # requests: exc.response.status_code; aiohttp: exc.status (no .response).
    try:
        r = requests.get(base + path, timeout=5)
        r.raise_for_status()
        return r.json()
    except requests.HTTPError as exc:
        return exc.response.status_code


async def empty_json_body(base):
    # requests: .json() of an empty body raises; aiohttp's .json() returns None.
    r = requests.delete(f"{base}/status/204")
    try:
        return r.json()
    except ValueError:
        return "no content"


async def json_or_fallback_on_a_cut_body(base):
    # requests downloads the body inside get(): a connection dropped halfway
    # raises there, outside the try.  aiohttp downloads it at the first read,
    # which the `except Exception` would then swallow.
    r = requests.get(f"{base}/probe/cut", timeout=5)
    try:
        return r.json()
    except Exception:
        return "fallback"


async def streamed_download(base):
    # aiohttp's iter_chunked() gives what has arrived (1 byte at a time here),
    # requests' iter_content() full chunks: the same body once joined.
    r = requests.get(f"{base}/probe/drip?chunks=5&every=0.05", stream=True, timeout=5)
    body = b""
    for chunk in r.iter_content(chunk_size=2):
        body += chunk
    return body


async def streamed_chunk_sizes(base):
    # The chunks themselves differ: requests [2, 2, 1], aiohttp [1, 1, 1, 1, 1].
    r = requests.get(f"{base}/probe/drip?chunks=5&every=0.05", stream=True, timeout=5)
    sizes = []
    for chunk in r.iter_content(chunk_size=2):
        sizes.append(chunk)
    return [len(chunk) for chunk in sizes]
