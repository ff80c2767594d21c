"""Where requests 2.x and aiohttp 3.x do different things with the same exchange.

No asyncfix here: each test sends the same request with both libraries to the
real server and pins what each one does.  These are the facts the requests
fixer's mapping rests on (and the reasons some shapes are reported rather than
rewritten); if a new release of either library changes one, the test says so.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from importlib.metadata import version
from typing import Any
from urllib.parse import urlencode

import aiohttp
import aiohttp.abc
import pytest
import requests

from .server import Server, serving


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with pytest.MonkeyPatch.context() as patch:
        for name in ("NO_PROXY", "no_proxy"):
            patch.setenv(name, "127.0.0.1,localhost")
        with serving(delay=0.0, slow_for=1.0) as running:
            yield running


def aio(
    work: Callable[[aiohttp.ClientSession], Awaitable[Any]],
    jar: Callable[[], aiohttp.abc.AbstractCookieJar] | None = None,
    **session: Any,
) -> Any:
    """``work(session)`` on a fresh loop and ClientSession (a jar needs the loop first)."""

    async def main() -> Any:
        if jar is not None:
            session["cookie_jar"] = jar()
        async with aiohttp.ClientSession(**session) as client:
            return await work(client)

    return asyncio.run(main())


def raw(server: Server, body: bytes, *headers: str, status: int = 200) -> str:
    """The URL of a byte-exact answer."""
    query = [("hex", body.hex()), ("status", str(status)), *(("header", h) for h in headers)]
    return f"{server.raw_url}/?{urlencode(query)}"


def mro(exc: BaseException) -> set[type]:
    return set(type(exc).__mro__)


# -- reading the body --


def test_text_without_charset_is_latin1_in_requests_utf8_in_aiohttp(server: Server) -> None:
    url = raw(server, "café".encode(), "Content-Type: text/plain")

    async def text(session: aiohttp.ClientSession) -> str:
        async with session.get(url) as r:
            return await r.text()

    assert requests.get(url).text == "cafÃ©"
    assert aio(text) == "café"


def test_undecodable_text_is_replaced_by_requests_and_raises_in_aiohttp(server: Server) -> None:
    url = raw(server, b"ab\xffcd", "Content-Type: text/plain; charset=utf-8")

    async def text(session: aiohttp.ClientSession, **kwargs: Any) -> str:
        async with session.get(url) as r:
            return await r.text(**kwargs)

    assert requests.get(url).text == "ab\ufffdcd"
    with pytest.raises(UnicodeDecodeError):
        aio(text)
    assert aio(lambda s: text(s, errors="replace")) == "ab\ufffdcd"


def test_json_of_an_empty_body_raises_in_requests_is_none_in_aiohttp(server: Server) -> None:
    url = raw(server, b"", "Content-Type: application/json")

    async def parse(session: aiohttp.ClientSession) -> Any:
        async with session.get(url) as r:
            return await r.json(content_type=None)

    with pytest.raises(requests.JSONDecodeError):
        requests.get(url).json()
    assert aio(parse) is None


def test_invalid_json_is_a_request_exception_but_no_client_error(server: Server) -> None:
    url = raw(server, b"<html>502</html>", "Content-Type: text/html")

    async def parse(session: aiohttp.ClientSession) -> Any:
        async with session.get(url) as r:
            return await r.json(content_type=None)

    with pytest.raises(requests.RequestException) as in_requests:
        requests.get(url).json()
    assert isinstance(in_requests.value, ValueError)
    with pytest.raises(json.JSONDecodeError) as in_aiohttp:
        aio(parse)
    assert not isinstance(in_aiohttp.value, aiohttp.ClientError)


def test_json_with_another_content_type_needs_content_type_none(server: Server) -> None:
    async def parse(session: aiohttp.ClientSession, **kwargs: Any) -> Any:
        async with session.get(server.url + "/json/plain") as r:
            return await r.json(**kwargs)

    assert requests.get(server.url + "/json/plain").json()["name"] == "asyncfix"
    with pytest.raises(aiohttp.ContentTypeError):
        aio(parse)
    assert aio(lambda s: parse(s, content_type=None))["name"] == "asyncfix"


def test_utf8_json_served_as_text_plain_without_charset(server: Server) -> None:
    url = raw(server, '{"a": "café"}'.encode(), "Content-Type: text/plain")

    async def parse(session: aiohttp.ClientSession) -> Any:
        async with session.get(url) as r:
            return await r.json(content_type=None)

    assert requests.get(url).json() == {"a": "cafÃ©"}  # decoded as ISO-8859-1 first
    assert aio(parse) == {"a": "café"}


# -- the response object --


def test_repeated_header_is_joined_by_requests_first_value_in_aiohttp(server: Server) -> None:
    url = raw(server, b"", "X-Multi: a", "X-Multi: b")

    async def header(session: aiohttp.ClientSession) -> tuple[str, list[str]]:
        async with session.get(url) as r:
            return r.headers["X-Multi"], r.headers.getall("X-Multi")

    assert requests.get(url).headers["X-Multi"] == "a, b"
    assert aio(header) == ("a", ["a", "b"])


def test_a_failed_response_is_false_in_requests_true_in_aiohttp(server: Server) -> None:
    async def truth(session: aiohttp.ClientSession) -> bool:
        async with session.get(server.url + "/status/404") as r:
            return bool(r)

    assert not requests.get(server.url + "/status/404")
    assert aio(truth) is True


def test_history_is_a_list_in_requests_a_tuple_in_aiohttp(server: Server) -> None:
    async def history(session: aiohttp.ClientSession) -> Any:
        async with session.get(server.url + "/json") as r:
            return r.history

    assert requests.get(server.url + "/json").history == []
    assert aio(history) == ()


def test_redirect_limit_is_30_in_requests_10_in_aiohttp(server: Server) -> None:
    async def hops(session: aiohttp.ClientSession) -> int:
        async with session.get(server.url + "/redirect/15") as r:
            return len(r.history)

    assert len(requests.get(server.url + "/redirect/15").history) == 15
    with pytest.raises(aiohttp.TooManyRedirects) as too_many:
        aio(hops)
    # and so an `except requests.HTTPError` mapped to ClientResponseError catches it
    assert isinstance(too_many.value, aiohttp.ClientResponseError)
    assert not issubclass(requests.TooManyRedirects, requests.HTTPError)


def test_raise_for_status_messages_and_status_attributes_differ(server: Server) -> None:
    url = server.url + "/status/404"

    async def error(session: aiohttp.ClientSession) -> aiohttp.ClientResponseError:
        async with session.get(url) as r:
            try:
                r.raise_for_status()
            except aiohttp.ClientResponseError as exc:
                return exc
        raise AssertionError("no error")

    with pytest.raises(requests.HTTPError) as in_requests:
        requests.get(url).raise_for_status()
    assert str(in_requests.value) == f"404 Client Error: Not Found for url: {url}"
    assert in_requests.value.response is not None and in_requests.value.response.status_code == 404
    in_aiohttp = aio(error)
    assert str(in_aiohttp) == f"404, message='Not Found', url='{url}'"
    assert in_aiohttp.status == 404 and not hasattr(in_aiohttp, "response")


def test_final_url_strings_are_quoted_differently(server: Server) -> None:
    url = server.url + "/echo"
    params = {"q": "a b", "path": "/x?y"}

    async def final(session: aiohttp.ClientSession) -> tuple[str, dict[str, Any]]:
        async with session.get(url, params=params) as r:
            return str(r.url), (await r.json())["query"]

    r = requests.get(url, params=params)
    assert r.url == url + "?q=a+b&path=%2Fx%3Fy"
    assert aio(final) == (url + "?q=a+b&path=/x?y", r.json()["query"])  # same values on the server


# -- timeouts and connection failures --

SLOW_HEADERS = "/slow"  # no status line for 1 s
STALLED_BODY = "/probe/drip?chunks=5&every=0.2"  # headers at once, then 0.2 s between bytes
STEADY_BODY = "/probe/drip?chunks=4&every=0.1"  # 0.4 s in all, never 0.2 s without a byte


def requests_error(url: str, timeout: Any) -> BaseException | int:
    try:
        return requests.get(url, timeout=timeout).status_code
    except requests.RequestException as exc:
        return exc


def aiohttp_error(url: str, timeout: aiohttp.ClientTimeout) -> BaseException | int:
    async def fetch(session: aiohttp.ClientSession) -> int:
        async with session.get(url, timeout=timeout) as r:
            await r.read()
            return r.status

    try:
        return aio(fetch)  # type: ignore[no-any-return]
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        return exc


def test_read_timeout_before_the_headers(server: Server) -> None:
    url = server.url + SLOW_HEADERS
    in_requests = requests_error(url, 0.1)
    assert isinstance(in_requests, requests.ReadTimeout)
    assert not isinstance(in_requests, requests.ConnectionError)
    per_read = aiohttp_error(url, aiohttp.ClientTimeout(sock_connect=0.1, sock_read=0.1))
    assert isinstance(per_read, aiohttp.SocketTimeoutError)
    # both a timeout and a connection error: the first matching except clause wins
    assert isinstance(per_read, asyncio.TimeoutError) and isinstance(per_read, aiohttp.ClientConnectionError)
    total = aiohttp_error(url, aiohttp.ClientTimeout(total=0.1))
    assert type(total) is asyncio.TimeoutError and not isinstance(total, aiohttp.ClientError)


def test_read_timeout_in_the_middle_of_the_body(server: Server) -> None:
    url = server.url + STALLED_BODY
    in_requests = requests_error(url, (1, 0.1))
    # requests wraps urllib3's ReadTimeoutError raised while streaming as a ConnectionError
    assert type(in_requests) is requests.ConnectionError
    assert not isinstance(in_requests, requests.Timeout)
    per_read = aiohttp_error(url, aiohttp.ClientTimeout(sock_connect=1, sock_read=0.1))
    assert isinstance(per_read, aiohttp.SocketTimeoutError)


def test_timeout_bounds_each_read_in_requests_a_total_in_client_timeout(server: Server) -> None:
    url = server.url + STEADY_BODY
    assert requests_error(url, 0.2) == 200
    assert aiohttp_error(url, aiohttp.ClientTimeout(sock_connect=0.2, sock_read=0.2)) == 200
    assert isinstance(aiohttp_error(url, aiohttp.ClientTimeout(total=0.2)), asyncio.TimeoutError)


@pytest.fixture()
def full_listener() -> Iterator[str]:
    """A port whose accept queue is full: the kernel drops new SYNs, connect() hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(listener.getsockname())
        fillers.append(filler)
    time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_connect_timeout(full_listener: str) -> None:
    in_requests = requests_error(full_listener, (0.1, 1))
    assert isinstance(in_requests, requests.ConnectTimeout)
    assert isinstance(in_requests, requests.ConnectionError) and isinstance(in_requests, requests.Timeout)
    per_connect = aiohttp_error(full_listener, aiohttp.ClientTimeout(sock_connect=0.1, sock_read=1))
    assert isinstance(per_connect, aiohttp.ConnectionTimeoutError)
    assert isinstance(per_connect, aiohttp.ClientConnectionError) and isinstance(per_connect, asyncio.TimeoutError)
    total = aiohttp_error(full_listener, aiohttp.ClientTimeout(total=0.1))
    assert type(total) is asyncio.TimeoutError and not isinstance(total, aiohttp.ClientConnectionError)


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    assert type(requests_error(url, 1)) is requests.ConnectionError
    assert isinstance(aiohttp_error(url, aiohttp.ClientTimeout(sock_connect=1)), aiohttp.ClientConnectorError)


def test_no_timeout_waits_forever_in_requests_five_minutes_in_aiohttp() -> None:
    """requests sends with ``timeout=None`` unless told; a ClientSession has a default."""

    async def default(session: aiohttp.ClientSession) -> aiohttp.ClientTimeout:
        return session.timeout

    assert aio(default) == aiohttp.ClientTimeout(total=300, sock_connect=30)
    assert aiohttp.ClientTimeout() == aiohttp.ClientTimeout(total=None, sock_connect=None, sock_read=None)


# -- cookies, environment --


def test_cookies_from_an_ip_address_are_dropped_by_aiohttp(server: Server) -> None:
    async def login(session: aiohttp.ClientSession) -> dict[str, str]:
        async with session.get(server.url + "/probe/set-cookie") as r:
            await r.read()
        async with session.get(server.url + "/echo") as r:
            return (await r.json())["cookies"]  # type: ignore[no-any-return]

    with requests.Session() as session:
        session.get(server.url + "/probe/set-cookie")
        assert session.get(server.url + "/echo").json()["cookies"] == {"session": "s3cret"}
    assert aio(login) == {}
    assert aio(login, lambda: aiohttp.CookieJar(unsafe=True)) == {"session": "s3cret"}


def test_plain_calls_keep_no_cookies_a_shared_client_session_does(server: Server) -> None:
    local = server.url.replace("127.0.0.1", "localhost")

    async def two_calls(session: aiohttp.ClientSession) -> dict[str, str]:
        async with session.get(local + "/probe/set-cookie") as r:
            await r.read()
        async with session.get(local + "/echo") as r:
            return (await r.json())["cookies"]  # type: ignore[no-any-return]

    requests.get(local + "/probe/set-cookie")
    assert requests.get(local + "/echo").json()["cookies"] == {}
    assert aio(two_calls) == {"session": "s3cret"}
    # a jar that keeps nothing also loses the cookie a plain call carries across its redirects
    assert requests.get(local + "/probe/set-cookie-redirect").json()["cookies"] == {"session": "s3cret"}

    async def redirected(session: aiohttp.ClientSession) -> dict[str, str]:
        async with session.get(local + "/probe/set-cookie-redirect") as r:
            return (await r.json())["cookies"]  # type: ignore[no-any-return]

    assert aio(redirected, aiohttp.DummyCookieJar) == {}


def test_netrc_and_proxy_variables_need_trust_env(server: Server, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login ada password lovelace\n")
    monkeypatch.setenv("NETRC", str(netrc))

    async def status(session: aiohttp.ClientSession) -> int:
        async with session.get(server.url + "/auth") as r:
            return r.status

    assert requests.get(server.url + "/auth").status_code == 200
    assert aio(status) == 401
    assert aio(status, trust_env=True) == 200


# -- what is sent --


def echo_both(server: Server, method: str, **kwargs: Any) -> tuple[Any, Any]:
    url = server.url + "/echo"

    def in_requests() -> Any:
        try:
            return requests.request(method, url, **kwargs).json()
        except Exception as exc:
            return type(exc)

    async def in_aiohttp(session: aiohttp.ClientSession) -> Any:
        try:
            async with session.request(method, url, **kwargs) as r:
                return await r.json()
        except Exception as exc:
            return type(exc)

    return in_requests(), aio(in_aiohttp)


def test_params_with_none_or_bool_values(server: Server) -> None:
    sent, failed = echo_both(server, "GET", params={"a": None, "b": "x"})
    assert sent["query"] == {"b": ["x"]} and failed is TypeError
    sent, failed = echo_both(server, "GET", params={"flag": True})
    assert sent["query"] == {"flag": ["True"]} and failed is TypeError


def test_form_data_with_a_none_value(server: Server) -> None:
    in_requests, in_aiohttp = echo_both(server, "POST", data={"a": None, "b": "x"})
    assert in_requests["form"] == {"b": ["x"]}
    assert in_aiohttp["form"] == {"a": ["None"], "b": ["x"]}


def test_str_and_bytes_bodies_get_a_content_type_from_aiohttp(server: Server) -> None:
    in_requests, in_aiohttp = echo_both(server, "POST", data="text")
    assert (in_requests["content_type"], in_aiohttp["content_type"]) == (None, "text/plain; charset=utf-8")
    in_requests, in_aiohttp = echo_both(server, "POST", data=b"bytes")
    assert (in_requests["content_type"], in_aiohttp["content_type"]) == (None, "application/octet-stream")


def test_json_and_data_together(server: Server) -> None:
    in_requests, in_aiohttp = echo_both(server, "POST", json={"a": 1}, data={"b": "2"})
    assert in_requests["form"] == {"b": ["2"]} and in_requests["json"] is None  # data wins, json is dropped
    assert in_aiohttp is ValueError


def test_header_with_a_none_value(server: Server) -> None:
    in_requests, in_aiohttp = echo_both(server, "GET", headers={"X-Gone": None, "X-Kept": "k"})
    assert "X-Gone" not in in_requests["headers"] and in_requests["headers"]["X-Kept"] == "k"
    assert in_aiohttp is TypeError


def test_default_user_agent(server: Server) -> None:
    in_requests, in_aiohttp = echo_both(server, "GET")
    assert in_requests["headers"]["User-Agent"] == f"python-requests/{version('requests')}"
    assert in_aiohttp["headers"]["User-Agent"].startswith("Python/") and "aiohttp/" in in_aiohttp["headers"]["User-Agent"]


def test_multipart_file_parts_get_a_guessed_content_type_from_aiohttp(server: Server, tmp_path: Any) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")

    async def upload(session: aiohttp.ClientSession) -> Any:
        form = aiohttp.FormData()
        form.add_field("note", "n")
        with path.open("rb") as fh:
            form.add_field("file", fh)
            async with session.post(server.url + "/upload", data=form) as r:
                return await r.json()

    with path.open("rb") as fh:
        in_requests = requests.post(server.url + "/upload", files={"file": fh}, data={"note": "n"}).json()
    in_aiohttp = aio(upload)
    assert in_requests["order"] == in_aiohttp["order"] == ["note", "file"]
    assert in_requests["files"]["file"]["filename"] == in_aiohttp["files"]["file"]["filename"] == "notes.txt"
    assert in_requests["files"]["file"]["content_type"] is None
    assert in_aiohttp["files"]["file"]["content_type"] == "text/plain"


def test_basic_auth_works_but_is_deprecated_in_aiohttp(server: Server) -> None:
    async def status(session: aiohttp.ClientSession) -> int:
        async with session.get(server.url + "/auth", auth=aiohttp.BasicAuth("ada", "lovelace")) as r:
            return r.status

    assert requests.get(server.url + "/auth", auth=("ada", "lovelace")).status_code == 200
    with pytest.warns(DeprecationWarning, match="deprecated"):
        assert aio(status) == 200
