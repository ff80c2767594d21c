"""A real, deliberately slow HTTP server on 127.0.0.1 for the behaviour tests.

It is an ``aiohttp.web`` application running on its own event loop in a daemon
thread, so blocking ``requests`` calls made on the test's event loop are
served all the same (and visibly stall that loop), while aiohttp clients on
the test's loop share nothing with it but a TCP socket.

Every answer (each redirect hop too) waits ``delay`` seconds first: long
enough to tell a blocked event loop from scheduling noise, short enough to
keep a test module at a few seconds.

Endpoints (all answer any method unless noted):

``/json``                 a JSON document, ``application/json``
``/json/plain``           the same JSON served as ``text/plain`` (requests parses it anyway)
``/repos/{name}``         a GitHub-like repo document; 404 with a JSON error unless known
``/text``                 UTF-8 text with a ``charset``
``/bytes``                1 KiB of binary, ``application/octet-stream``
``/headers``              custom response headers (``X-Thing``, ``X-Request-Id``)
``/echo``                 what the server received: method, path, query, headers,
                          cookies, content type, JSON body, form body, raw body
``/redirect/{n}``         302 to ``/redirect/{n-1}``; ``/redirect/0`` answers 200
``/slow``                 answers after ``slow`` seconds (for timeouts)
``/status/{code}``        that status, with a small JSON body (none for 204 and 304)
``/html``                 200 with an HTML error page where JSON was expected
``/auth``                 basic auth ``ada`` / ``lovelace``: 401 without, 200 with
``/login``, ``/me``       POST form ``user``/``password`` sets a session cookie; ``/me``
                          answers 200 with that cookie, 401 without
``/upload``               multipart echo: fields, files (filename, content, type), order
``/probe/drip``           ``?chunks=N&every=S``: headers at once, then one byte every S s
``/probe/set-cookie``     sets a cookie; ``/probe/set-cookie-redirect`` sets it on a 302 to ``/echo``

``Server.raw_url`` is a second listener that gives byte-exact answers (no
Content-Type, repeated headers, a BOM...): ``?status=&header=Name: v&hex=<body>``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from aiohttp import BodyPartReader, web

DELAY = 0.2  # seconds every answer waits
SLOW = 2.0  # seconds /slow waits: far past any timeout the cases use
USER, PASSWORD = "ada", "lovelace"

DELAY_KEY = web.AppKey("delay", float)
SLOW_KEY = web.AppKey("slow", float)

DOCUMENT = {
    "name": "asyncfix",
    "stars": 42,
    "tags": ["async", "codemod"],
    "owner": {"login": "ada"},
}
REPOS = {
    "asyncfix": DOCUMENT,
    "libcst": {"name": "libcst", "stars": 1700, "tags": ["cst"], "owner": {"login": "instagram"}},
}
TEXT = "héllo wörld ✓\n" * 3
BINARY = bytes(range(256)) * 4

T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(data: Any, status: int = 200, content_type: str = "application/json") -> web.Response:
    return web.Response(body=json.dumps(data).encode(), status=status, content_type=content_type)


async def json_doc(request: web.Request) -> web.Response:
    return _json(DOCUMENT)


async def json_plain(request: web.Request) -> web.Response:
    return _json(DOCUMENT, content_type="text/plain")


async def repo(request: web.Request) -> web.Response:
    found = REPOS.get(request.match_info["name"])
    if found is None:
        return _json({"message": "Not Found"}, status=404)
    return _json(found)


async def text(request: web.Request) -> web.Response:
    return web.Response(text=TEXT, charset="utf-8")


async def binary(request: web.Request) -> web.Response:
    return web.Response(body=BINARY, content_type="application/octet-stream")


async def headers(request: web.Request) -> web.Response:
    return web.Response(text="ok", headers={"X-Thing": "thing-42", "X-Request-Id": "req-7"})


async def echo(request: web.Request) -> web.Response:
    raw = await request.read()
    body: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "raw_query": request.query_string,
        "query": {key: request.query.getall(key) for key in request.query},
        "headers": {key: ", ".join(request.headers.getall(key)) for key in request.headers},
        "cookies": dict(request.cookies),
        "content_type": request.headers.get("Content-Type"),
        "json": None,
        "form": None,
        "body": raw.decode("utf-8", "replace"),
    }
    if request.content_type == "application/json" and raw:
        body["json"] = json.loads(raw)
    if request.content_type == "application/x-www-form-urlencoded":
        form = await request.post()
        body["form"] = {key: form.getall(key) for key in form}
    return _json(body)


async def redirect(request: web.Request) -> web.Response:
    hops = int(request.match_info["n"])
    if hops > 0:
        raise web.HTTPFound(f"/redirect/{hops - 1}")
    return _json({"landed": True})


async def slow(request: web.Request) -> web.Response:
    await asyncio.sleep(request.app[SLOW_KEY])
    return _json({"slow": True})


async def status(request: web.Request) -> web.Response:
    code = int(request.match_info["code"])
    if code in (204, 304):
        return web.Response(status=code)
    return _json({"status": code}, status=code)


async def html(request: web.Request) -> web.Response:
    """What a proxy in front of a JSON API answers when the API is down."""
    return web.Response(text="<html><body><h1>502 Bad Gateway</h1></body></html>", content_type="text/html")


async def auth(request: web.Request) -> web.Response:
    expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    if request.headers.get("Authorization") != expected:
        response = _json({"message": "Unauthorized"}, status=401)
        response.headers["WWW-Authenticate"] = 'Basic realm="behaviour"'
        return response
    return _json({"user": USER})


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    if (form.get("user"), form.get("password")) != (USER, PASSWORD):
        return _json({"logged_in": False}, status=403)
    response = _json({"logged_in": True})
    response.set_cookie("session", f"token-of-{USER}", path="/")
    return response


async def me(request: web.Request) -> web.Response:
    if request.cookies.get("session") != f"token-of-{USER}":
        return _json({"user": None}, status=401)
    return _json({"user": USER, "stars": DOCUMENT["stars"]})


async def upload(request: web.Request) -> web.Response:
    fields: dict[str, str] = {}
    files: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        order.append(part.name)
        content = await part.read()
        if part.filename is None:
            fields[part.name] = content.decode()
            continue
        files[part.name] = {
            "filename": part.filename,
            "content": content.decode("utf-8", "replace"),
            "content_type": part.headers.get("Content-Type"),
        }
    return _json({"fields": fields, "files": files, "order": order})


# -- probes: answers that real servers give and the two clients read differently --


async def probe_drip(request: web.Request) -> web.StreamResponse:
    """``?chunks=N&every=S``: the body arrives in N pieces, S seconds apart."""
    chunks = int(request.query.get("chunks", "5"))
    every = float(request.query.get("every", "0.1"))
    response = web.StreamResponse()
    response.content_type = "text/plain"
    response.content_length = chunks
    await response.prepare(request)
    for _ in range(chunks):
        await asyncio.sleep(every)
        await response.write(b"x")
    await response.write_eof()
    return response


async def probe_cut(request: web.Request) -> web.StreamResponse:
    """Headers promising 100 bytes, 5 of them, then the connection drops."""
    response = web.StreamResponse()
    response.content_type = "application/json"
    response.content_length = 100
    await response.prepare(request)
    await response.write(b'{"a":')
    assert request.transport is not None
    request.transport.close()
    return response


async def probe_set_cookie(request: web.Request) -> web.Response:
    response = _json({"set": True})
    response.set_cookie("session", "s3cret", path="/")
    return response


async def probe_set_cookie_redirect(request: web.Request) -> web.Response:
    response = web.HTTPFound("/echo")
    response.set_cookie("session", "s3cret", path="/")
    raise response


async def _raw_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """One byte-exact answer, then close: ``?status=&header=Name: value&hex=<body>``.

    aiohttp.web always adds a Content-Type to a body and never repeats a header
    it set once; real servers do both, and that is where the clients differ.
    """
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        target = head.split(b" ", 2)[1].decode("latin-1")
        query = parse_qs(urlsplit(target).query)
        body = bytes.fromhex(query.get("hex", [""])[0])
        lines = [f"HTTP/1.1 {query.get('status', ['200'])[0]} Whatever"]
        lines += query.get("header", [])
        lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
        writer.write("\r\n".join(lines).encode("latin-1") + body)
        await writer.drain()
    finally:
        writer.close()


@web.middleware
async def slow_down(request: web.Request, handler: Handler) -> web.StreamResponse:
    await asyncio.sleep(request.app[DELAY_KEY])
    return await handler(request)


def make_app(delay: float = DELAY, slow_for: float = SLOW) -> web.Application:
    """The application; ``delay`` before every answer, ``slow_for`` on ``/slow``."""
    app = web.Application(middlewares=[slow_down])
    app[DELAY_KEY] = delay
    app[SLOW_KEY] = slow_for
    app.router.add_route("*", "/json", json_doc)
    app.router.add_route("*", "/json/plain", json_plain)
    app.router.add_route("*", "/repos/{name}", repo)
    app.router.add_route("*", "/text", text)
    app.router.add_route("*", "/bytes", binary)
    app.router.add_route("*", "/headers", headers)
    app.router.add_route("*", "/echo", echo)
    app.router.add_route("*", "/redirect/{n:\\d+}", redirect)
    app.router.add_route("*", "/slow", slow)
    app.router.add_route("*", "/status/{code:\\d+}", status)
    app.router.add_route("*", "/html", html)
    app.router.add_route("*", "/auth", auth)
    app.router.add_route("POST", "/login", login)
    app.router.add_route("*", "/me", me)
    app.router.add_route("POST", "/upload", upload)
    app.router.add_route("*", "/probe/drip", probe_drip)
    app.router.add_route("*", "/probe/set-cookie", probe_set_cookie)
    app.router.add_route("*", "/probe/cut", probe_cut)
    app.router.add_route("*", "/probe/set-cookie-redirect", probe_set_cookie_redirect)
    return app


class Server:
    """``make_app()`` served on an ephemeral port of 127.0.0.1 from a daemon thread."""

    def __init__(self, delay: float = DELAY, slow_for: float = SLOW) -> None:
        self.delay = delay
        self.app = make_app(delay, slow_for)
        self.url = ""  # set by start(): http://127.0.0.1:<port>
        self.raw_url = ""  # the byte-exact answers of _raw_answer
        self._raw: asyncio.Server | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="behaviour-server", daemon=True)
        # handler_cancellation: a client that gave up (a timeout case) must not
        # leave /slow sleeping through the shutdown.
        self._runner = web.AppRunner(self.app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5)

    def start(self) -> str:
        """Listen, serve from the thread, and return the base URL."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._thread.start()
        self._call(self._runner.setup())
        self._call(web.SockSite(self._runner, sock).start())
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._raw = raw = self._call(asyncio.start_server(_raw_answer, "127.0.0.1", 0))
        self.raw_url = f"http://127.0.0.1:{raw.sockets[0].getsockname()[1]}"
        return self.url

    def stop(self) -> None:
        """Close the listener and open connections, then end the thread."""
        if self._raw is not None:
            self._raw.close()
        self._call(self._runner.cleanup())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def _call(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=10)


@contextmanager
def serving(delay: float = DELAY, slow_for: float = SLOW) -> Iterator[Server]:
    """A started :class:`Server`, stopped on exit."""
    server = Server(delay, slow_for)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"
