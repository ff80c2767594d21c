"""ASYNC251 through the public API: fix records, the reasons of findings, settings.

The fixture folder ``tests/fixtures/sleep/`` holds the rewrites as reviewers
read them; these tests pin what the fixtures cannot: exact positions and
messages of fixes, one reason per line, settings, line endings, the cheap stage.
"""

from __future__ import annotations

import textwrap

import pytest

from asyncfix import Finding, Fix, FixResult, Settings, fix_source
from asyncfix.rules import RULES, select_rules
from asyncfix.stages import rules_for_source
from asyncfix.fixers import load

# Through the registry: importing asyncfix.fixers.sleep directly first would
# leave load() believing every fixer is already registered.
SleepFixer = load()["sleep"]

NOT_FIXED = "`time.sleep()` blocks the event loop; not fixed: "


def module(body: str, header: str = "import time\n") -> str:
    """``header``, then ``body`` as the body of ``async def handler(xs)``."""
    return f"{header}\n\nasync def handler(xs):\n{textwrap.indent(textwrap.dedent(body), '    ')}"


def findings(result: FixResult) -> list[str]:
    return [f"{f.line}:{f.column}: {f.code} {f.message}" for f in result.findings]


# -- fixes ------------------------------------------------------------------------


def test_a_fix_is_recorded_where_the_call_starts() -> None:
    source = module("x = time.sleep(1)\n")
    assert fix_source(source) == FixResult(
        module("x = await asyncio.sleep(1)\n", header="import asyncio\n"),
        fixes=(Fix(5, 9, "ASYNC251", "`time.sleep()` -> `await asyncio.sleep()`", 5, 22),),
        changed=True,
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param("import time\n", "`await asyncio.sleep()`", id="asyncio by default"),
        pytest.param("import time\nimport asyncio as aio\n", "`await aio.sleep()`", id="alias"),
        pytest.param("import time\nimport trio\n", "`await trio.sleep()`", id="trio module"),
        pytest.param("import time\nimport anyio\n", "`await anyio.sleep()`", id="anyio module"),
    ],
)
def test_the_fix_message_names_the_new_callee(header: str, message: str) -> None:
    result = fix_source(module("time.sleep(1)\n", header=header))
    assert [f.message for f in result.fixes] == [f"`time.sleep()` -> {message}"]


def test_two_calls_on_one_line_are_two_fixes() -> None:
    result = fix_source(module("time.sleep(1); time.sleep(2)\n"))
    assert [(f.line, f.column) for f in result.fixes] == [(5, 5), (5, 20)]
    assert result.source.count("import asyncio") == 1


# -- reasons ----------------------------------------------------------------------

REASONS = [
    pytest.param(
        "list(time.sleep(x) for x in xs)\n",
        "5:10",
        "it is inside a generator expression (an await there turns it into an async generator)",
        id="generator expression",
    ),
    pytest.param(
        "[[time.sleep(x) for x in row] for row in xs]\n",
        "5:7",
        "it is inside a comprehension nested in another comprehension "
        "(Python before 3.11 rejects await there)",
        id="comprehension in a comprehension",
    ),
    pytest.param(
        "def inner(delay=time.sleep(1)):\n    pass\n",
        "5:21",
        "it is inside a parameter default or annotation "
        "(it runs once, when the function is defined)",
        id="default of a nested def",
    ),
    pytest.param(
        "def inner() -> time.sleep(1):\n    pass\n",
        "5:20",
        "it is inside a parameter default or annotation "
        "(it runs once, when the function is defined)",
        id="return annotation of a nested def",
    ),
    pytest.param(
        "callback = lambda delay=time.sleep(1): delay\n",
        "5:29",
        "it is inside a parameter default or annotation "
        "(it runs once, when the function is defined)",
        id="default of a lambda",
    ),
    pytest.param(
        "@time.sleep(1)\ndef inner():\n    pass\n",
        "5:6",
        "it is inside a decorator (it runs once, when the function is defined)",
        id="decorator of a nested def",
    ),
    pytest.param(
        "@time.sleep(1)\nclass Inner:\n    pass\n",
        "5:6",
        "it is inside a decorator (it runs once, when the function is defined)",
        id="decorator of a nested class",
    ),
    pytest.param(
        "time.sleep()\n", "5:5", "expected exactly one positional argument (the seconds)",
        id="no argument",
    ),
    pytest.param(
        "time.sleep(*xs)\n", "5:5", "expected exactly one positional argument (the seconds)",
        id="star argument",
    ),
    pytest.param(
        "time.sleep(1, 2)\n", "5:5", "expected exactly one positional argument (the seconds)",
        id="two arguments",
    ),
    pytest.param(
        "time.sleep(secs=1)\n", "5:5", "expected exactly one positional argument (the seconds)",
        id="keyword argument",
    ),
]


@pytest.mark.parametrize(("body", "where", "reason"), REASONS)
def test_a_call_that_cannot_be_fixed_is_reported_with_the_reason(
    body: str, where: str, reason: str
) -> None:
    source = module(body)
    result = fix_source(source)
    assert result.source == source
    assert result.fixes == ()
    assert findings(result) == [f"{where}: ASYNC251 {NOT_FIXED}{reason}"]


def test_a_name_bound_to_two_things_is_reported() -> None:
    source = "from time import sleep\nfrom asyncio import sleep\n\n\nasync def f():\n    sleep(1)\n"
    result = fix_source(source)
    assert result.source == source
    assert result.findings == (
        Finding(
            6, 5, "ASYNC251",
            NOT_FIXED + "the name is bound to more than time.sleep (also asyncio.sleep); "
            "cannot tell which one runs",
            6, 13,
        ),
    )


@pytest.mark.parametrize(
    ("source", "loop"),
    [
        pytest.param(
            "import time\n\n\nasync def f(asyncio):\n    time.sleep(1)\n", "asyncio",
            id="asyncio is a parameter",
        ),
        pytest.param(
            "import time\nimport trio\n\n\nasync def f():\n    trio = 1\n    time.sleep(trio)\n",
            "trio", id="trio is a local",
        ),
        pytest.param(
            "import time\n\nasyncio = None\n\n\nasync def f():\n    time.sleep(1)\n", "asyncio",
            id="asyncio is a module global",
        ),
        # Bindings LibCST's scopes do not see (``match`` needs Python 3.10:
        # not in the fixtures, which compile on 3.9).
        *(
            pytest.param(
                "import asyncio\nimport time\n\n\nasync def f(x):\n    time.sleep(1)\n"
                f"    match x:\n        case {pattern}:\n            pass\n",
                "asyncio",
                id=f"match capture {pattern}",
            )
            for pattern in (
                "asyncio", "{'k': asyncio}", "[*asyncio]", "{**asyncio}", "[1] as asyncio",
                "int(asyncio)",
            )
        ),
        pytest.param(
            # not a fixture: a ``global`` keeps tests/test_skeleton.py's combined module whole
            "import time\n\n\nasync def f():\n    global asyncio\n    time.sleep(1)\n"
            "    asyncio = None\n",
            "asyncio",
            id="asyncio declared global and assigned",
        ),
        pytest.param(
            "import time\n\nmatch 1:\n    case asyncio:\n        pass\n\n\n"
            "async def f():\n    time.sleep(1)\n",
            "asyncio",
            id="match capture at module level",
        ),
    ],
)
def test_a_taken_loop_name_is_reported(source: str, loop: str) -> None:
    result = fix_source(source)
    assert result.source == source
    assert [f.message for f in result.findings] == [
        f"{NOT_FIXED}the name `{loop}` means something else here"
    ]


# -- left alone, silently ---------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("def inner():\n    time.sleep(1)\n", id="nested def"),
        pytest.param("callback = lambda: time.sleep(1)\n", id="lambda body"),
        pytest.param("class Inner:\n    delay = time.sleep(1)\n", id="class body"),
        pytest.param("delay: time.sleep(1) = 1\n", id="variable annotation (never evaluated)"),
        pytest.param("await asyncio.to_thread(time.sleep, 1)\n", id="reference, not a call"),
        pytest.param("time().sleep(1)\n", id="attribute of a call result"),
        pytest.param("self.time.sleep(1)\n", id="attribute of an attribute"),
        pytest.param("time.sleep(1)  # noqa\n", id="bare noqa"),
        pytest.param("time.sleep(1)  # noqa: ASYNC251\n", id="noqa naming the code"),
    ],
)
def test_left_alone_without_a_finding(body: str) -> None:
    source = module(body, header="import asyncio\nimport time\n")
    assert fix_source(source) == FixResult(source)


def test_noqa_for_another_code_does_not_silence() -> None:
    result = fix_source(module("time.sleep(1)  # noqa: E501, ASYNC210\n"))
    assert "await asyncio.sleep(1)  # noqa: E501, ASYNC210" in result.source


# -- settings ---------------------------------------------------------------------

FIXABLE = module("time.sleep(1)\n")
REPORTABLE = module("time.sleep()\n")


@pytest.mark.parametrize(
    ("select", "ignore", "on"),
    [
        pytest.param(("ALL",), (), True, id="all (the default)"),
        pytest.param(("ASYNC251",), (), True, id="select the code"),
        pytest.param(("ASYNC2",), (), True, id="select a prefix"),
        pytest.param(("async251",), (), True, id="select in lower case"),
        pytest.param(("ASYNC210",), (), False, id="select another code"),
        pytest.param((), (), False, id="select nothing"),
        pytest.param(("ALL",), ("ASYNC251",), False, id="ignore the code"),
        pytest.param(("ASYNC251",), ("ASYNC",), False, id="ignore wins over select"),
    ],
)
def test_select_and_ignore(select: tuple[str, ...], ignore: tuple[str, ...], on: bool) -> None:
    settings = Settings(select=select, ignore=ignore)
    fixed = fix_source(FIXABLE, settings=settings)
    reported = fix_source(REPORTABLE, settings=settings)
    assert fixed.changed is on
    assert len(reported.findings) == (1 if on else 0)


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param(Settings(select=("ASYNC999",)), id="select"),
        pytest.param(Settings(ignore=("E501",)), id="ignore"),
    ],
)
def test_an_unknown_selector_raises(settings: Settings) -> None:
    bad = (settings.select + settings.ignore)[-1]
    with pytest.raises(ValueError, match=f"unknown rule selector '{bad}'"):
        fix_source(FIXABLE, settings=settings)
    with pytest.raises(ValueError, match=f"unknown rule selector '{bad}'"):
        fix_source("nothing = 'to do here'\n", settings=settings)


@pytest.mark.parametrize(
    ("header", "event_loop", "expected_header", "callee"),
    [
        pytest.param("import time\n", "trio", "import trio\n", "trio", id="trio forced"),
        pytest.param("import time\n", "anyio", "import anyio\n", "anyio", id="anyio forced"),
        pytest.param(
            "import time\nimport trio\n", "asyncio", "import trio\nimport asyncio\n", "asyncio",
            id="asyncio forced in a trio module",
        ),
        pytest.param(
            "import time\nimport asyncio\nimport trio\n", "auto",
            "import asyncio\nimport trio\n", "asyncio",
            id="auto: asyncio and trio imported -> asyncio",
        ),
        pytest.param(
            "import time\nimport trio\nimport anyio\n", "auto",
            "import trio\nimport anyio\n", "anyio",
            id="auto: anyio imported -> anyio",
        ),
        pytest.param(
            "import time\nfrom trio import run\n", "auto",
            "from trio import run\nimport trio\n", "trio",
            id="auto: from trio import -> trio, imported",
        ),
    ],
)
def test_event_loop(header: str, event_loop: str, expected_header: str, callee: str) -> None:
    result = fix_source(
        module("time.sleep(1)\n", header=header),
        settings=Settings(event_loop=event_loop),  # type: ignore[arg-type]
    )
    assert result.source == module(f"await {callee}.sleep(1)\n", header=expected_header)


# -- text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            module("time.sleep(1)\n"),
            module("await asyncio.sleep(1)\n", header="import asyncio\n"),
            id="import replaced",
        ),
        pytest.param(
            module("time.sleep(time.time())\n", header='"""Doc."""\nimport time\n'),
            module(
                "await asyncio.sleep(time.time())\n",
                header='"""Doc."""\nimport time\nimport asyncio\n',
            ),
            id="import added",
        ),
    ],
)
def test_crlf_is_kept_on_every_line(source: str, expected: str) -> None:
    result = fix_source(source.replace("\n", "\r\n"))
    assert result.source == expected.replace("\n", "\r\n")
    assert "\n" not in result.source.replace("\r\n", "")


def test_cr_only_line_endings_are_refused_in_one_line() -> None:
    source = "import time\r\r\rasync def f():\r    time.sleep(1)\r"
    result = fix_source(source)
    assert result.source == source
    assert result.error == (
        "cannot parse: lines end with a bare carriage return (CR), which LibCST does not "
        "reproduce; convert the line endings to LF or CRLF"
    )


def test_a_module_that_does_not_parse_comes_back_unchanged() -> None:
    source = "import time\n\n\nasync def f(:\n    time.sleep(1)\n"
    result = fix_source(source)
    assert result.source == source
    assert result.fixes == result.findings == ()
    assert result.error is not None and result.error.startswith("cannot parse: line 4")


# -- the cheap stage ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "candidate"),
    [
        pytest.param("import time\ntime.sleep(1)\n", False, id="no async"),
        pytest.param(
            "import time\n\n\nasync def f():\n    pass\n\n\ndef g():\n    time.sleep(1)\n",
            False, id="sleep only outside async def",
        ),
        pytest.param(
            "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n",
            False, id="asyncio.sleep in a module without time",
        ),
        pytest.param(module("time.sleep(1)\n"), True, id="time.sleep"),
        pytest.param(module("t.sleep(1)\n", header="import time as t\n"), True, id="module alias"),
        pytest.param(
            module("nap(1)\n", header="from time import sleep as nap\n"), True,
            id="function alias",
        ),
        pytest.param(
            "async def f():\n    import time\n    time.sleep(1)\n", True, id="local import",
        ),
        pytest.param(
            module("await xs.sleep(1)\n"), False, id="another object's .sleep() in a module importing time",
        ),
    ],
)
def test_the_cheap_stage_keeps_every_module_with_work(source: str, candidate: bool) -> None:
    rules = rules_for_source(source, select_rules(Settings(select=("ASYNC251",))))
    assert rules == ([RULES["sleep"]] if candidate else [])


def test_what_libcst_would_drop_at_the_end_is_kept() -> None:
    # LibCST prints 'x\n\n #' back as 'x\n #' (found by hypothesmith).
    assert fix_source("globalmatch\n\n #", staged=False) == FixResult("globalmatch\n\n #")
    source = "import time\n\n\nasync def f():\n    time.sleep(1)\n\n #"
    result = fix_source(source)
    assert result.source == (
        "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n\n #"
    )
