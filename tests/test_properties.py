"""Generated async functions with blocking calls put in random places.

For every one: asyncfix never crashes, its output compiles, and a second run
changes nothing.  The same holds for programs hypothesmith builds from
Python's grammar, alone and around blocking calls (time.sleep, os.path.exists,
subprocess.run, requests.get) in an async def.  Bounded (a fixed number of examples, no deadline) so the
suite stays fast; the grammar below is where new shapes of code go.
"""

from __future__ import annotations

import textwrap

import hypothesmith
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from asyncfix import fix_source

HEADER = "import time\nimport requests\nfrom time import sleep as nap\n\n\n"

SIMPLE = [
    "time.sleep(0.1)",
    "nap(1)",
    "x = time.sleep(0) or 1",
    "r = requests.get(url)",
    "r = requests.get(url, timeout=5)",
    "data = requests.get(url).json()",
    "requests.post(url, json={'a': 1})",
    "print(requests.get(url).text)",
    "values = [time.sleep(0) for _ in range(2)]",
    "gen = (time.sleep(0) for _ in range(2))",
    "f = lambda: time.sleep(1)",
    "n = len(url)",
    "pass",
]
USES = ["print(r.status_code)", "print(r.text)", "value = r.json()", "return r.content", "r.raise_for_status()"]

line = st.sampled_from(SIMPLE)
AWAITING = ["await time.sleep(2)", "return await requests.get(url).json()"]  # async bodies only


@st.composite
def blocks(draw: st.DrawFn, depth: int = 0, in_async: bool = True) -> list[str]:
    """A list of statement lines (already indented relative to the block)."""
    out: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["line", "line", "use", "if", "for", "try", "with", "def"]))
        if kind == "line" or depth >= 2:
            lines = SIMPLE + AWAITING if in_async else SIMPLE
            out.append(draw(st.sampled_from(lines)))
        elif kind == "use":
            out += ["r = requests.get(url)", draw(st.sampled_from(USES))]
        elif kind == "if":
            out += ["if url:", *("    " + s for s in draw(blocks(depth + 1, in_async)))]
            if draw(st.booleans()):
                out += ["elif requests.get(url).ok:", "    pass"]
        elif kind == "for":
            out += ["for u in [url]:", *("    " + s for s in draw(blocks(depth + 1, in_async)))]
        elif kind == "try":
            out += ["try:", *("    " + s for s in draw(blocks(depth + 1, in_async)))]
            out += [
                draw(
                    st.sampled_from(
                        [
                            "except requests.RequestException:",
                            "except (requests.Timeout, requests.HTTPError):",
                            "except requests.ConnectionError as error:",
                            "except Exception:",
                        ]
                    )
                ),
                "    pass",
            ]
        elif kind == "with":
            out += ["with requests.Session() as s:", "    r2 = s.get(url)", "    print(r2.ok)"]
        else:
            out += ["def inner():", *("    " + s for s in draw(blocks(depth + 1, False)))]
    return out


@st.composite
def modules(draw: st.DrawFn) -> str:
    functions = []
    for index in range(draw(st.integers(1, 2))):
        body = "\n".join("    " + s for s in draw(blocks()))
        functions.append(f"async def handler{index}(url):\n{body}\n")
    return HEADER + "\n\n".join(functions)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is reproducible
    suppress_health_check=[HealthCheck.too_slow],
)
@given(modules())
def test_never_crashes_compiles_and_is_a_fixed_point(source: str) -> None:
    compile(source, "<generated>", "exec")  # the generator itself makes valid code
    first = fix_source(source, filename="generated.py")
    assert first.error is None, f"{first.error}\n{source}"
    compile(first.source, "<fixed>", "exec")
    second = fix_source(first.source, filename="generated.py")
    assert second.error is None
    assert second.source == first.source, textwrap.indent(first.source, "| ")
    # The same calls are still reported (lines moved where the first run fixed others).
    def reasons(result: object) -> list[tuple[str, str]]:
        return sorted((f.code, f.message.split(" (line ")[0]) for f in result.findings)  # type: ignore[attr-defined]

    assert reasons(second) == reasons(first)


# -- hypothesmith: programs from Python's grammar --------------------------------------
#
# hypothesmith builds source text from the grammar: odd spacing, comments,
# line continuations, every kind of statement.  Most of it is not valid
# Python beyond the grammar (names bound twice, `return` at module level), so
# the properties about compiling only hold when the input compiles.

GRAMMAR_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,  # derandomized: replaying saved failures would only add time
    suppress_health_check=list(HealthCheck),
)


def compiles(source: str) -> bool:
    try:
        compile(source, "<generated>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def check_properties(source: str, *, staged: bool = True) -> None:
    """fix_source never raises, keeps code compiling, and a second run changes nothing."""
    first = fix_source(source, filename="generated.py", staged=staged)
    if first.error is not None:
        assert first.source == source and not first.changed  # untouched when it cannot parse
    if compiles(source):
        assert compiles(first.source), f"{first.fixes}\n{first.source}"
    second = fix_source(first.source, filename="generated.py", staged=staged)
    assert second.source == first.source, textwrap.indent(first.source, "| ")
    assert not second.fixes


@GRAMMAR_SETTINGS
@given(hypothesmith.from_grammar())
# Found by it: LibCST gave back "A\n " and "A\n #" (see transform._blank_end).
@example("A\n\n ")
@example("A\n\n #")
def test_programs_from_the_grammar_never_crash_and_are_fixed_points(source: str) -> None:
    check_properties(source)
    # The cheap stages never skip a module the full LibCST path would change.
    assert fix_source(source, staged=False).source == fix_source(source).source


BLOCKING = [
    "time.sleep({x})",
    "os.path.exists({p})",
    "subprocess.run({c})",
    "requests.get({u})",
]
ARGUMENTS = {
    "x": ["0.1", "x", "x * 2", "(x)", "delay if x else 0", "*args"],
    "p": ["p", "'/tmp/x'", "f'{p}/y'", "p + '.bak'", "str(p)"],
    "c": ["c", "['ls', '-l']", "c, check=True", "args=c", "c, shell=True"],
    "u": ["u", "'http://example.invalid'", "u, timeout=5", "url=u", "u, params={'a': 1}"],
}
PLACES = [
    "{call}",
    "result = {call}",
    "if {call}:\n    pass",
    "return {call}",
    "for _ in range(2):\n    {call}",
    "while not {call}:\n    break",
    "try:\n    {call}\nexcept Exception:\n    pass",
    "value = [{call}]",
    "def inner():\n    {call}",  # sync code nested in async: left alone
    "print({call}, flush=True)",
]


def blocking_statement(template: str, arguments: dict[str, str], place: str) -> str:
    """``template`` with its argument filled in, put in ``place``."""
    return place.replace("{call}", template.format(**arguments))


blocking_statements = st.builds(
    blocking_statement,
    st.sampled_from(BLOCKING),
    st.fixed_dictionaries({name: st.sampled_from(values) for name, values in ARGUMENTS.items()}),
    st.sampled_from(PLACES),
)
HEADER_IMPORTS = "import os\nimport subprocess\nimport time\n\nimport requests\n\n"


def async_module(program: str, calls: list[str], at_module_level: bool, where: int) -> str:
    """A module with an async def full of blocking calls, and ``program``.

    The program goes at module level or into the function's body, before the
    call at ``where``.
    """
    body = [*calls]
    if not at_module_level:
        body.insert(min(where, len(body)), program)
    lines = "\n".join(textwrap.indent(statement, "    ") for statement in body)
    return (
        HEADER_IMPORTS
        + (program + "\n" if at_module_level else "")
        + f"\n\nasync def handler(x, p, c, u, delay=0, *args):\n{lines}\n"
    )


# st.builds, not @st.composite: hypothesmith inside a composite took 80 s for
# 30 examples (its grammar strategy targets sizes), 1 s this way.
programs = hypothesmith.from_grammar()
calls = st.lists(blocking_statements, min_size=1, max_size=4)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(programs, calls, st.booleans(), st.integers(0, 4))
def test_blocking_calls_amid_generated_code_never_crash_and_are_fixed_points(
    program: str, calls: list[str], at_module_level: bool, where: int
) -> None:
    source = async_module(program, calls, at_module_level, where)
    assume(compiles(source))
    check_properties(source)
    first = fix_source(source)
    assert first.error is None, first.error
    rebinding = ("time", "os", "subprocess", "requests", "import", "global", "del", "noqa", "async")
    if at_module_level and not any(word in program for word in rebinding):
        # Nothing can rebind the modules: the calls were fixed or reported
        # (but for those in a nested sync def, which stay as they are).
        assert first.fixes or first.findings or all("def inner" in call for call in calls), source


SLEEPY = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"
UNFIXABLE = "import time\n\n\nasync def handler():\n    return list(time.sleep(1) for _ in range(3))\n"


@pytest.mark.parametrize(
    "tail",
    ["\n ", "\n \n", "\n\n\t", "\r\n ", "\n\f", " \n\n  ", "\n #", " #\n\n #", "\n    # c\n\n"],
)
@pytest.mark.parametrize("staged", [True, False], ids=["staged", "LibCST only"])
def test_blank_lines_at_the_end_are_kept(tail: str, staged: bool) -> None:
    fixed = fix_source(SLEEPY + tail, staged=staged)
    assert fixed.source == fix_source(SLEEPY).source + tail
    assert len(fixed.fixes) == 1
    reported = fix_source(UNFIXABLE + tail, staged=staged)
    assert (reported.source, reported.changed, len(reported.findings)) == (UNFIXABLE + tail, False, 1)


def test_a_line_that_looks_like_a_comment_inside_a_string_is_code() -> None:
    source = SLEEPY + '    print("""\n    # not a comment""", time.sleep(2))\n\n #'
    fixed = fix_source(source)
    assert len(fixed.fixes) == 2
    assert fixed.source.endswith('    # not a comment""", await asyncio.sleep(2))\n\n #')
