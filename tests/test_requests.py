"""ASYNC210 cases that fixture files cannot hold (syntax newer than Python 3.9)."""

from __future__ import annotations

import sys

import pytest

from asyncfix import fix_source


@pytest.mark.skipif(sys.version_info < (3, 11), reason="except* is Python 3.11 syntax")
def test_except_star_around_the_call_is_reported_not_mapped() -> None:
    source = (
        "import requests\n\n\n"
        "async def tried(u):\n"
        "    try:\n"
        "        return requests.get(u).text\n"
        "    except* requests.RequestException:\n"
        "        return None\n"
    )
    result = fix_source(source)
    assert result.source == source
    assert [(f.line, f.column, f.message) for f in result.findings] == [
        (
            6,
            16,
            "`requests` call blocks the event loop; not fixed: "
            "`except*` handlers around the call are not mapped",
        )
    ]
