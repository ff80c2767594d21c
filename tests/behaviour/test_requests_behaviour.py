"""The rewritten requests calls do what the originals did, without stalling the loop.

Each case is an ``async def`` from ``cases/`` written the way bots, scrapers
and handlers use ``requests``.  The original and asyncfix's rewrite both run
against a real, slow HTTP server on 127.0.0.1 (``server.py``), each beside a
heartbeat task.  A case passes when

* asyncfix rewrote the calls of that function and reported none of them,
* both versions give the same outcome (the same value, or the same kind of
  failure), and the original's outcome is the one the case expects,
* the original stalled the heartbeat for about the server's delay (the bug
  being fixed: it calls blocking ``requests`` on the event loop on purpose),
* the rewrite never stalled it for more than ``FREE`` seconds.

Setting ``ASYNCFIX_BEHAVIOUR_REWRITTEN`` to a folder that holds hand-written
rewrites with the same file names runs the same checks on those instead of on
``fix_source``'s output (see ``harness.py``).
"""

from __future__ import annotations

import json

import pytest

from .harness import FREE, STALLED, Case, Ctx, Env, case, loaded, run
from .server import DOCUMENT, REPOS, TEXT

ECHO_404 = json.dumps({"status": 404})

CASE_LIST = [
    case(
        "discord command formats a JSON reply",
        "discord_bot", "repo",
        lambda env: (Ctx(), env.base, "asyncfix"),
        lambda env: (None, ["**asyncfix** by ada: 42 stars [async, codemod]"]),
    ),
    case(
        "discord command replies to a 404",
        "discord_bot", "repo",
        lambda env: (Ctx(), env.base, "missing"),
        lambda env: (None, ["Could not find `missing` (404)"]),
    ),
    case(
        "scraper loop: status_code and len(text) per page, from-import",
        "scraper", "crawl",
        lambda env: (env.base, ["/text", "/json", "/status/404"]),
        lambda env: [
            ("/text", 200, len(TEXT)),
            ("/json", 200, len(json.dumps(DOCUMENT))),
            ("/status/404", 404, len(ECHO_404)),
        ],
    ),
    case(
        "FastAPI handler returns r.json(), aliased import",
        "fastapi_app", "read_repo",
        lambda env: ("asyncfix", env.base),
        lambda env: DOCUMENT,
    ),
    case(
        "FastAPI handler lets raise_for_status() out on a 404",
        "fastapi_app", "read_repo",
        lambda env: ("missing", env.base),
        lambda env: ("raised", "http error"),
    ),
    case(
        "JSON served as text/plain is parsed all the same",
        "fastapi_app", "read_config",
        lambda env: (env.base,),
        lambda env: DOCUMENT,
    ),
    case(
        "try/except: success",
        "error_handling", "fetch_status",
        lambda env: (env.base, "/json"),
        lambda env: DOCUMENT,
    ),
    case(
        "try/except: 404 caught as HTTPError",
        "error_handling", "fetch_status",
        lambda env: (env.base, "/status/404"),
        lambda env: "http error",
    ),
    case(
        "try/except: 500 caught as HTTPError",
        "error_handling", "fetch_status",
        lambda env: (env.base, "/status/500"),
        lambda env: "http error",
    ),
    case(
        "try/except: slow answer caught as Timeout",
        "error_handling", "fetch_status",
        lambda env: (env.base, "/slow"),
        lambda env: "timed out",
    ),
    case(
        "health check loop: up, 500, connection refused, timeout",
        "error_handling", "health",
        lambda env: ({
            "api": env.base + "/json",
            "db": env.base + "/status/500",
            "cache": env.dead + "/ping",
            "search": env.base + "/slow",
        },),
        lambda env: {"api": "up", "db": "down (500)", "cache": "unreachable", "search": "slow"},
    ),
    case(
        "with Session(): headers.update, then get and post",
        "sessions", "whoami",
        lambda env: (env.base,),
        lambda env: ("Bearer t0ken", {"who": ["me"]}, {"ping": 1}, "mybot/1.0"),
    ),
    case(
        "with Session(): the login cookie is sent on the next call",
        "sessions", "login_then_profile",
        lambda env: (env.local,),
        lambda env: (200, {"user": "ada", "stars": 42}),
    ),
    case(
        "post json=",
        "bodies", "create_issue",
        lambda env: (env.base, "Loop stalls"),
        lambda env: (200, "POST", "application/json", {"title": "Loop stalls", "labels": ["bug"]}),
    ),
    case(
        "post data= form",
        "bodies", "submit_form",
        lambda env: (env.base,),
        lambda env: ({"user": ["ada"], "remember": ["yes"]}, "application/x-www-form-urlencoded"),
    ),
    case(
        "params=, headers=, cookies=",
        "bodies", "search",
        lambda env: (env.base, "async python"),
        lambda env: ({"q": ["async python"], "page": ["2"]}, "k-123", {"consent": "yes"}),
    ),
    case(
        "put, and request('DELETE', ...)",
        "bodies", "update_then_delete",
        lambda env: (env.base,),
        lambda env: ("PUT", {"stars": 43}, "DELETE", {"id": ["7"]}),
    ),
    case(
        "auth=(user, password): 401 without, 200 with",
        "auth_redirects", "private_data",
        lambda env: (env.base,),
        lambda env: (401, False, 200, {"user": "ada"}),
    ),
    case(
        "redirects followed: final url, len(history)",
        "auth_redirects", "follow",
        lambda env: (env.base,),
        lambda env: (200, env.base + "/redirect/0", 2, {"landed": True}),
    ),
    case(
        "allow_redirects=False",
        "auth_redirects", "no_follow",
        lambda env: (env.base,),
        lambda env: (302, env.base + "/redirect/2", 0, "/redirect/1"),
    ),
    case(
        "r.content bytes",
        "responses", "download",
        lambda env: (env.base,),
        lambda env: (1024, b"\x00\x01\x02\x03", "application/octet-stream"),
    ),
    case(
        "r.headers[X-...], .get(), r.ok, r.reason",
        "responses", "header_info",
        lambda env: (env.base,),
        lambda env: ("thing-42", "req-7", "none", True, "OK"),
    ),
    case(
        "r.text with a charset",
        "responses", "first_line",
        lambda env: (env.base,),
        lambda env: (TEXT.splitlines()[0], 200),
    ),
    case(
        "timeout=(connect, read): in time",
        "timeouts", "quick_or_none",
        lambda env: (env.base, "/text"),
        lambda env: TEXT,
    ),
    case(
        "timeout=(connect, read): ReadTimeout caught",
        "timeouts", "quick_or_none",
        lambda env: (env.base, "/slow"),
        lambda env: None,
    ),
    case(
        "files={'file': open(...)} with data= fields",
        "uploads", "upload_report",
        lambda env: (env.base, str(env.upload)),
        lambda env: (200, {"channel": "general", "note": "weekly"}, env.upload.name, env.upload.read_text()),
    ),
    case(
        "files= (filename, fileobj, content_type) tuple inside with open()",
        "uploads", "upload_csv",
        lambda env: (env.base, str(env.upload)),
        lambda env: {
            "fields": {"week": "12"},
            "files": {"report": {"filename": "report.csv", "content": env.upload.read_text(), "content_type": "text/csv"}},
            "order": ["week", "report"],
        },
    ),
    case(
        "hoisted: requests.get(u).json()['k'] in a return",
        "hoisting", "stars",
        lambda env: (env.base,),
        lambda env: 42,
    ),
    case(
        "hoisted: a call inside an f-string",
        "hoisting", "status_line",
        lambda env: (env.base,),
        lambda env: f"libcst has {REPOS['libcst']['stars']} stars",
    ),
    case(
        "hoisted: a call inside an argument",
        "hoisting", "text_length",
        lambda env: (env.base,),
        lambda env: len(TEXT),
    ),
]


@pytest.mark.parametrize("case", CASE_LIST)
def test_rewrite_behaves_the_same_and_frees_the_loop(env: Env, case: Case) -> None:
    versions = loaded(case.module)
    versions.assert_rewritten(case)

    before, stalled_gap = run(getattr(versions.original, case.function), case.args(env))
    after, free_gap = run(getattr(versions.fixed, case.function), case.args(env))

    assert before == case.expected(env), "the original no longer does what the case expects"
    assert after == before, f"the rewrite behaves differently:\n{versions.fixed_source}"
    assert stalled_gap >= STALLED, f"the original should stall the loop, worst gap {stalled_gap:.3f}s"
    assert free_gap < FREE, f"the rewrite stalled the loop for {free_gap:.3f}s:\n{versions.fixed_source}"
