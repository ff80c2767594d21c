"""Stage 2 (asyncfix/stages.py) lets through what the fixers may touch, and little else.

That it never stops a module the fixers would change is proven on every
fixture (tests/test_fixtures.py runs each one staged and unstaged).  Here:
the receiver shapes it must follow, and the look-alikes from the benchmark
corpus that it must stop (they cost a LibCST parse each, for nothing).
"""

from __future__ import annotations

import textwrap

import pytest

from asyncfix import Settings, fix_source
from asyncfix.rules import select_rules
from asyncfix.stages import rules_for_ast, rules_for_bytes, rules_for_source

RULES = select_rules(Settings())


def _keys(source: str) -> list[str]:
    return sorted(rule.key for rule in rules_for_ast(textwrap.dedent(source), RULES))


@pytest.mark.parametrize(
    ("source", "keys"),
    [
        pytest.param(
            """\
            from pathlib import Path
            BASE = Path(__file__).parent
            DATA = BASE / "data"

            async def main():
                return DATA.resolve().exists()
            """,
            ["blocking"],
            id="module-level path through / and .parent",
        ),
        pytest.param(
            """\
            from pathlib import Path

            async def main(p: "Path | None"):
                return p.read_text()
            """,
            ["blocking"],
            id="string annotation",
        ),
        pytest.param(
            """\
            import pathlib

            async def main():
                return pathlib.Path.cwd()
            """,
            ["blocking"],
            id="method called on the class",
        ),
        pytest.param(
            """\
            from pathlib import Path

            async def main(name):
                p = Path(name)
                p = p.with_suffix(".txt")
                q: Path = make()
                return p.exists() or q.is_file()
            """,
            ["blocking"],
            id="rebinding through a path method, annotated assignment",
        ),
        pytest.param(
            """\
            import requests

            async def main(url):
                with requests.Session() as s:
                    return s.get(url)
            """,
            ["requests"],
            id="requests session from a with",
        ),
        pytest.param(
            """\
            import httpx

            async def main(client: httpx.Client, url):
                return client.get(url)
            """,
            ["httpx"],
            id="annotated httpx client",
        ),
        pytest.param(
            """\
            import urllib3
            pool = urllib3.PoolManager()

            async def main(url):
                return pool.request("GET", url)
            """,
            ["blocking"],
            id="module-level urllib3 pool",
        ),
        pytest.param(
            """\
            from pathlib import Path

            def setup():
                global DATA
                DATA = Path("data")

            async def main():
                return DATA.exists()
            """,
            ["blocking"],
            id="a global bound in a function",
        ),
        pytest.param(
            """\
            from pathlib import Path

            async def outer(name):
                p = Path(name)

                async def inner():
                    return p.exists()

                return await inner()
            """,
            ["blocking"],
            id="a closure's name",
        ),
    ],
)
def test_receivers_followed(source: str, keys: list[str]) -> None:
    assert _keys(source) == keys
    # and the fixers do find the call there (stage 2 stays a superset of
    # them), except in a string annotation, which only stage 2 reads
    result = fix_source(textwrap.dedent(source), staged=False)
    assert bool(result.fixes or result.findings) is ('"Path' not in source)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            """\
            from pathlib import Path
            import os

            async def handle(request, norm_path):
                return norm_path.replace("\\\\", "/"), request.app.router.resolve(request)

            def sync(p: Path):
                return p.exists()
            """,
            id="str.replace and router.resolve in a module that uses pathlib",
        ),
        pytest.param(
            """\
            import requests

            async def setup(config):
                return config.get("token"), config.data.get("url")
            """,
            id="dict.get in a module that imports requests",
        ),
        pytest.param(
            """\
            import httpx

            async def setup(device):
                return device.get("name")
            """,
            id="dict.get in a module that imports httpx",
        ),
        pytest.param(
            """\
            from pathlib import Path
            ZEROCONF = {"a": 1}

            async def matchers():
                return ZEROCONF.copy()

            def path():
                return Path("x")
            """,
            id="dict.copy beside a Path made elsewhere",
        ),
        pytest.param(
            """\
            from pathlib import Path

            async def main(paths):
                for p in paths:
                    p.exists()
                Path("x")
            """,
            id="a loop variable (the fixer does not follow it either)",
        ),
        pytest.param(
            """\
            import pathlib

            async def one(fname: pathlib.Path):
                return fname.name

            async def two(fname):
                return fname.read_bytes()
            """,
            id="a parameter of the same name, annotated in another function",
        ),
        pytest.param(
            """\
            from pathlib import Path

            class K:
                p = Path("x")

                async def m(self):
                    return p.exists()
            """,
            id="a class attribute is not seen from a method",
        ),
        pytest.param(
            """\
            from pathlib import Path
            p = Path("x")

            async def main(paths):
                return [p.exists() for p in paths]
            """,
            id="a comprehension variable hides the module's path",
        ),
    ],
)
def test_look_alikes_stopped(source: str) -> None:
    text = textwrap.dedent(source)
    assert rules_for_source(text, RULES) == []
    # nor do the fixers touch them
    result = fix_source(text, staged=False)
    assert (result.source, result.fixes, result.findings) == (text, (), ())


def test_sync_code_is_not_walked_for_calls() -> None:
    source = """\
        from pathlib import Path
        import time

        def outer():
            time.sleep(1)
            async def inner():
                def helper():
                    time.sleep(2)
                return [lambda: time.sleep(3)]
            return inner

        class K:
            time.sleep(4)
    """
    assert _keys(source) == []
    assert _keys(source.replace("return [lambda", "time.sleep(5)\n                return [lambda")) == [
        "sleep"
    ]


@pytest.mark.parametrize(
    ("text", "passes"),
    [
        pytest.param("async def f():\n    open('x')\n", True, id="call"),
        pytest.param("async def f():\n    open ('x')\n", True, id="space before the parenthesis"),
        pytest.param("async def f():\n    (open)('x')\n", True, id="parenthesized name"),
        pytest.param("async def f():\n    open \\\n ('x')\n", True, id="line continuation"),
        pytest.param("async def f():\n    return input()\n", True, id="input"),
        pytest.param("async def f(d):\n    d['input'] = 'open the file'\n", False, id="words in strings"),
        pytest.param("async def f(f):\n    f.open('x')\n", False, id="a method"),
        pytest.param("async def f():\n    reopen('x')\n", False, id="a longer name"),
        pytest.param("async def f():\n    opener = open\n", False, id="named, not called"),
    ],
)
def test_byte_stage_wants_a_bare_builtin_call(text: str, passes: bool) -> None:
    keys = [rule.key for rule in rules_for_bytes(text.encode(), RULES)]
    assert keys == (["blocking"] if passes else [])
    if not passes:  # and the fixers agree there is nothing there
        result = fix_source(text, staged=False)
        assert (result.fixes, result.findings) == ((), ())


@pytest.mark.parametrize(
    ("text", "passes"),
    [
        pytest.param("async def f():\n    open('x')\n", True, id="async def"),
        pytest.param("async  \tdef f():\n    open('x')\n", True, id="spaces and a tab"),
        pytest.param("async \\\ndef f():\n    open('x')\n", True, id="a continued line"),
        pytest.param("async \\\r\ndef f():\r\n    open('x')\r\n", True, id="continued, CRLF"),
        pytest.param("import asyncio\ndef f():\n    open('x')\n", False, id="asyncio only"),
        pytest.param("def f():\n    async with a:\n        open('x')\n", False, id="async with, no def"),
        pytest.param("async defer = 1\nopen('x')\n", False, id="a longer word"),
    ],
)
def test_byte_stage_wants_an_async_def(text: str, passes: bool) -> None:
    keys = [rule.key for rule in rules_for_bytes(text.encode(), RULES)]
    assert keys == (["blocking"] if passes else [])
    result = fix_source(text, staged=False)
    assert bool(result.fixes or result.findings) == passes  # the fixers agree


# Found by a review of the stages: each was stopped by stage 1 or 2 while the
# fixers act on it.
MISSED_ONCE = {
    "a builtin beside an import of the same name in another function": """\
def f():
    from os import open
    return open("x", 0)

async def g():
    open("x")
""",
    "a global bound in a function from a local path": """\
from pathlib import Path

def setup():
    global p
    base = Path("x")
    p = base / "y"

async def f():
    p.exists()
""",
    ":= in a class body binds in the class": """\
import requests
s = requests.Session()

async def f(url):
    class A:
        z = (s := 1)
    s.get(url)
""",
    "del is no binding for the fixers": """\
from pathlib import Path
p = Path("x")

async def f():
    p.exists()
    del p
""",
    "a match capture is no binding for the fixers": """\
from pathlib import Path
p = Path("x")

async def f(v):
    match v:
        case [p]:
            pass
    p.exists()
""",
    "nonlocal bound before the outer function's own binding is seen": """\
import httpx
c = None

async def outer(u):
    def inner():
        nonlocal c
        c = httpx.Client()
    inner()
    c.get(u)
    c = None
""",
    "a comment between a builtin and its call": """\
async def f():
    return (input  # ask
    )("x")
""",
    "a := in a comprehension (LibCST keeps it to the comprehension)": """\
from pathlib import Path
q = Path("x")

async def main(names):
    found = [q for n in names if (q := Path(n))]
    return q.exists(), found
""",
    "import continued with a backslash": "import\\\ntime\n\nasync def f():\n    time.sleep(1)\n",
    "from continued with a backslash": "from \\\n  time import sleep\n\nasync def f():\n    sleep(1)\n",
}


@pytest.mark.parametrize("source", list(MISSED_ONCE.values()), ids=list(MISSED_ONCE))
def test_stages_never_stop_what_the_fixers_act_on(source: str) -> None:
    staged, whole = fix_source(source), fix_source(source, staged=False)
    assert whole.fixes or whole.findings
    assert (staged.source, staged.fixes, staged.findings) == (whole.source, whole.fixes, whole.findings)


def test_configured_builtin_passes_the_byte_stage_without_an_import() -> None:
    from asyncfix.model import BlockingCall

    settings = Settings(blocking_calls=(BlockingCall("builtins.eval", "use ast.literal_eval"),))
    source = "async def f(x):\n    return eval(x)\n"
    staged = fix_source(source, settings=settings)
    assert [f.code for f in staged.findings] == ["ASYNC200"]
    assert staged.findings == fix_source(source, settings=settings, staged=False).findings
