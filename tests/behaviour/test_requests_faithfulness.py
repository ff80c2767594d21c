"""Where aiohttp differs from requests, the rewrite keeps the behaviour or reports the call.

Each case in ``cases/faithfulness.py`` is code that a plain mapping of the
requests API onto aiohttp would silently change (the differences are pinned in
``test_library_differences.py``).  asyncfix may rewrite it, and then the
rewrite must do what the original did and free the loop, or report it and leave
the function alone; what it must not do is rewrite it into something else.
"""

from __future__ import annotations

import pytest

from .harness import FREE, STALLED, Case, Env, case, describe, function_lines, loaded, run

CASE_LIST = [
    case(
        "except ConnectionError before except Timeout, on a read timeout",
        "faithfulness", "connection_error_first",
        lambda env: (env.base, "/slow"),
        lambda env: "slow",
    ),
    case(
        "timeout=N bounds each read, not the whole download",
        "faithfulness", "slow_but_steady",
        lambda env: (env.base,),
        lambda env: (200, "xxxx"),
    ),
    case(
        "two plain calls do not share cookies",
        "faithfulness", "separate_calls_share_no_cookies",
        lambda env: (env.local,),
        lambda env: {},
        known_gap="the calls share one ClientSession, whose cookie jar carries the first answer's cookie into the second call",
    ),
    case(
        "a Session keeps cookies from a host named by IP address",
        "faithfulness", "login_by_ip",
        lambda env: (env.base,),
        lambda env: (200, {"user": "ada", "stars": 42}),
    ),
    case(
        "a response is false when not ok",
        "faithfulness", "falsy_on_error",
        lambda env: (env.base, "/status/404"),
        lambda env: "failed",
    ),
    case(
        "an HTML page where JSON was expected is a RequestException",
        "faithfulness", "html_instead_of_json",
        lambda env: (env.base,),
        lambda env: "bad upstream",
    ),
    case(
        "HTTPError.response.status_code",
        "faithfulness", "status_of_http_error",
        lambda env: (env.base, "/status/404"),
        lambda env: 404,
    ),
    case(
        "a body cut short raises at the call, not inside the try around .json()",
        "faithfulness", "json_or_fallback_on_a_cut_body",
        lambda env: (env.base,),
        lambda env: ("raised", "body cut short"),
    ),
    case(
        "stream=True + iter_content() joined into one body",
        "faithfulness", "streamed_download",
        lambda env: (env.base,),
        lambda env: b"xxxxx",
    ),
    case(
        "stream=True + iter_content() chunks kept apart: requests' are full, aiohttp's are what arrived",
        "faithfulness", "streamed_chunk_sizes",
        lambda env: (env.base,),
        lambda env: [2, 2, 1],
    ),
    case(
        ".json() of an empty body raises",
        "faithfulness", "empty_json_body",
        lambda env: (env.base,),
        lambda env: "no content",
        known_gap="await r.json(content_type=None) returns None for an empty body instead of raising",
    ),
]


@pytest.mark.parametrize("case", CASE_LIST)
def test_rewritten_the_same_or_reported(env: Env, case: Case) -> None:
    versions = loaded(case.module)
    original = getattr(versions.original, case.function)
    before, stalled_gap = run(original, case.args(env))
    assert before == case.expected(env), "the original no longer does what the case expects"
    assert stalled_gap >= STALLED, f"the original should stall the loop, worst gap {stalled_gap:.3f}s"

    if versions.findings(case.function):
        lines = function_lines(versions.source, case.function)
        original_text = versions.source.splitlines()[lines.start - 1 : lines.stop - 1]
        assert "\n".join(original_text) in versions.fixed_source, (
            "reported, yet the function was changed:\n" + describe(case.module, versions.findings(case.function))
        )
        return

    after, free_gap = run(getattr(versions.fixed, case.function), case.args(env))
    assert after == before, f"rewritten into something that behaves differently:\n{versions.fixed_source}"
    assert free_gap < FREE, f"the rewrite stalled the loop for {free_gap:.3f}s:\n{versions.fixed_source}"
