"""Big modules go to LibCST as a skeleton (asyncfix/skeleton.py): the result must be the same."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_fixtures import Case
from test_properties import async_module, calls, compiles, programs

from asyncfix import Settings, skeleton, transform
from asyncfix.model import FixResult
from asyncfix.rules import RULES, Rule, select_rules
from asyncfix.stages import find, rules_for_bytes, rules_for_source

FIXTURES = Path(__file__).parent / "fixtures"
RULES_FOR_SKELETON = [RULES["blocking"], RULES["sleep"]]

FILLER = textwrap.dedent(
    """\

    def helper_{n}(value):
        # a comment
        total = time.monotonic() + len(value)
        return os.path.join(str(total), "x")


    class Thing{n}:
        def method(self):
            return '''a
    multi-line string'''

        async def tick(self):
            return await asyncio.sleep(0)
    """
)


def _combined(directory: str, chunk: int, size: int) -> str:
    """Fixture inputs (without settings of their own) and filler, one module.

    A case's ``from __future__`` import goes to the top of the module, where
    Python wants it.
    """
    cases = _cases(FIXTURES / directory)
    future: set[str] = set()
    parts = []
    for n, path in enumerate(cases[chunk * size : (chunk + 1) * size]):
        text = path.read_text(encoding="utf-8")
        future.update(FUTURE.findall(text))
        parts.append(FUTURE.sub("", text))
        parts.append(FILLER.format(n=n))
    header = "".join(sorted(future)) + "import asyncio\nimport os\nimport time\n"
    return "\n\n".join([header, *parts])


FUTURE = re.compile(r"^from __future__ import [^\n]*\n", re.MULTILINE)


def _both(
    source: str, monkeypatch: pytest.MonkeyPatch, rules: Sequence[Rule] = RULES_FOR_SKELETON
) -> tuple[FixResult, FixResult, bool]:
    """``transform.run`` with and without the skeleton; and whether the skeleton's result stood.

    False: the skeleton was refused (no stub, or a refusal after the fixers
    ran) and the whole module gave the result.
    """
    whole_runs: list[str] = []
    run_fixers = transform._run_fixers

    def spy(text: str, *args: Any, **kwargs: Any) -> FixResult:
        if text.rstrip() == source.rstrip():
            whole_runs.append(text)
        return run_fixers(text, *args, **kwargs)

    monkeypatch.setattr(transform, "_run_fixers", spy)
    monkeypatch.setattr(skeleton, "MIN_LINES", 0)
    thin = transform.run(source, "m.py", Settings(), rules)
    stood = not whole_runs
    monkeypatch.setattr(skeleton, "MIN_LINES", 10**9)
    whole = transform.run(source, "m.py", Settings(), rules)
    return thin, whole, stood


def _cases(directory: Path) -> list[Path]:
    """The fixture inputs in ``directory`` without settings of their own, sorted."""
    return sorted(
        p
        for p in directory.glob("*.py")
        if not p.name.endswith(".expected.py") and not p.with_suffix(".settings.toml").exists()
    )


CHUNK = 25
CHUNKS = [
    (directory.name, chunk)
    for directory in sorted(FIXTURES.iterdir())
    for chunk in range(-(-len(_cases(directory)) // CHUNK))
]


@pytest.mark.parametrize(("directory", "chunk"), CHUNKS)
def test_the_skeleton_gives_what_the_whole_module_gives(
    directory: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _combined(directory, chunk, CHUNK)
    rules = rules_for_source(source, select_rules(Settings()))
    thin, whole, stood = _both(source, monkeypatch, rules)
    assert thin == whole
    assert stood
    assert whole.error is None


@pytest.mark.parametrize(("directory", "chunk"), CHUNKS)
def test_the_ast_stage_s_findings_make_the_same_skeleton(directory: str, chunk: int) -> None:
    # the engine hands stage 2's tree and candidate lines to the skeleton
    source = _combined(directory, chunk, CHUNK)
    found = find(source, rules_for_bytes(source.encode("utf-8"), select_rules(Settings())))
    assert found.rules
    handed = skeleton.make(source, found.rules, found)
    alone = skeleton.make(source, found.rules)
    assert handed is not None and alone is not None
    assert handed.stubbed == alone.stubbed
    assert handed.bindings == alone.bindings
    token = re.compile(r"[0-9a-f]{32}")
    assert token.sub("T", handed.text) == token.sub("T", alone.text)


def test_a_crlf_module_too(monkeypatch: pytest.MonkeyPatch) -> None:
    source = _combined("sleep", 0, 10).replace("\n", "\r\n")
    thin, whole, stood = _both(source, monkeypatch)
    assert thin == whole
    assert thin.changed
    assert stood


SMALL = textwrap.dedent(
    """\
    import time


    def untouched():
        return time.monotonic()


    async def handler():
        time.sleep(1)


    class Idle:
        def wait(self):
            time.sleep(2)
    """
)


def test_bodies_without_work_are_stubbed_line_for_line() -> None:
    outline = skeleton.make(SMALL, RULES_FOR_SKELETON)
    assert outline is not None
    lines = outline.text.splitlines()
    assert len(lines) == len(SMALL.splitlines())
    # a function: all of it is ``def name():``, naming what it reads of the
    # imports (as LibCST resolves it); one string spans the rest
    assert lines[3].startswith('def untouched(): time.monotonic, """')
    assert lines[4].endswith('"""')
    assert lines[7:9] == ["async def handler():", "    time.sleep(1)"]
    # a class: its body
    assert lines[11] == "class Idle:"
    assert lines[12].startswith('    time.sleep, """')
    assert lines[13].endswith('"""')
    assert outline.stubbed == frozenset({3, 4, 12, 13})


def test_a_one_line_stub_ends_in_a_comment() -> None:
    source = "import time\n\n\ndef f(): return time.time()\n\n\nasync def g():\n    time.sleep(1)\n"
    outline = skeleton.make(source, RULES_FOR_SKELETON)
    assert outline is not None
    assert outline.text.splitlines()[3].startswith("def f(): time.time,  # ")
    assert outline.stubbed == frozenset({3})


def test_the_merge_takes_unchanged_lines_from_the_original() -> None:
    outline = skeleton.make(SMALL, RULES_FOR_SKELETON)
    assert outline is not None
    fixed = outline.text.replace("    time.sleep(1)", "    await asyncio.sleep(1)")
    fixed = "import asyncio\n" + fixed
    assert outline.merge(SMALL, fixed) == "import asyncio\n" + SMALL.replace(
        "    time.sleep(1)", "    await asyncio.sleep(1)"
    )


def test_a_change_on_a_stubbed_line_refuses_the_merge() -> None:
    outline = skeleton.make(SMALL, RULES_FOR_SKELETON)
    assert outline is not None
    lines = outline.text.splitlines(keepends=True)
    lines[13] = "# changed\n"
    assert outline.merge(SMALL, "".join(lines)) is None


def test_a_global_statement_means_no_skeleton() -> None:
    source = SMALL + "\n\ndef rebind():\n    global time\n    time = None\n"
    assert skeleton.make(source, RULES_FOR_SKELETON) is None


def test_an_import_dropped_but_still_used_is_caught() -> None:
    merged = SMALL.replace("import time\n", "")
    assert skeleton.imports_kept(SMALL, merged) is False
    assert skeleton.imports_kept(SMALL, SMALL) is True


@pytest.mark.parametrize(
    "use",
    [
        pytest.param("return time", id="a read"),
        pytest.param('x: "time.struct_time" = None', id="a string annotation"),
        pytest.param('__all__ = ["time"]', id="a string"),
    ],
)
def test_an_import_dropped_and_maybe_used_refuses(use: str) -> None:
    original = f"import time\n\ndef f():\n    {use}\n"
    assert skeleton.imports_kept(original, original.replace("import time\n", "")) is False


@pytest.mark.parametrize(
    "use",
    [
        pytest.param("return loop.time()", id="an attribute"),
        pytest.param("return 1  # time", id="a comment"),
        pytest.param('return f"{loop.time()=} time"', id="an f-string's text"),
    ],
)
def test_an_import_dropped_and_not_read_is_kept_dropped(use: str) -> None:
    original = f"import time\n\ndef f():\n    {use}\n"
    assert skeleton.imports_kept(original, original.replace("import time\n", "")) is True


def test_one_of_two_equal_imports_dropped_is_caught() -> None:
    original = "import time\n\ndef f():\n    import time\n    return time\n\ndef g():\n    return time\n"
    merged = original.replace("import time\n\n", "", 1)
    assert skeleton.imports_kept(original, merged) is False


def test_import_a_b_dropped_next_to_import_a_c_is_caught() -> None:
    original = "import a.b\nimport a.c\n\ndef f():\n    return a.c.x\n"
    assert skeleton.imports_kept(original, original.replace("import a.b\n", "")) is False


def _named(stub: str) -> list[str]:
    """The names a stub's first line gives: ``[def f(): ]a.b, c, \"\"\"token`` or ``a.b,  # token``."""
    kept = re.split(r'"""|  # ', re.sub(r"^(async )?def \w+\(\): ", "", stub.strip()))[0]
    return [] if kept == "pass" else [n.strip() for n in kept.split(",") if n.strip() not in ("", "0")]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        pytest.param("return time.monotonic()", ["time.monotonic"], id="a dotted read"),
        pytest.param("return loop.time()  # time", [], id="an attribute and a comment"),
        pytest.param("time = 1\n    return time", [], id="a local of that name"),
        pytest.param("return [time for time in x]", [], id="a comprehension variable"),
        pytest.param("return time.clock().x", ["time.clock"], id="a call ends the chain"),
        pytest.param("return time.x[0].y", ["time"], id="a subscript breaks the chain"),
        pytest.param("return (time).x", ["time.x"], id="parentheses do not"),
        pytest.param("return f'{time.x}'", ["time.x"], id="an f-string"),
        pytest.param("os.path.join(time)", ["os.path.join", "time"], id="two imports"),
        pytest.param("def g(time):\n        return time", [], id="a nested parameter"),
    ],
)
def test_a_stub_names_what_the_body_reads_of_the_imports(body: str, named: list[str]) -> None:
    source = f"import os\nimport time\n\n\ndef f(loop, x):\n    {body}\n    return 1\n"
    outline = skeleton.make(source, RULES_FOR_SKELETON)
    assert outline is not None
    assert _named(outline.text.splitlines()[4]) == named


def test_a_parameter_of_the_stubbed_function_is_not_the_import() -> None:
    source = "import time\n\n\ndef f(time):\n    return time\n    return 1\n"
    outline = skeleton.make(source, RULES_FOR_SKELETON)
    assert outline is not None
    assert _named(outline.text.splitlines()[3]) == []


def test_a_class_body_starting_on_the_signature_s_last_line_is_kept() -> None:
    source = "import time\n\n\nclass A(\n    object,\n): x = time.monotonic(\n    )\n"
    assert skeleton.make(source, RULES_FOR_SKELETON) is None


def test_a_function_body_starting_on_the_signature_s_last_line_goes_with_it() -> None:
    source = "import time\n\n\ndef f(\n    a,\n): return time.monotonic(\n    a)\n"
    outline = skeleton.make(source, RULES_FOR_SKELETON)
    assert outline is not None
    assert outline.text.splitlines()[3].startswith('def f(): time.monotonic, """')
    assert outline.stubbed == frozenset({3, 4, 5, 6})


@pytest.mark.parametrize(
    ("definition", "named"),
    [
        pytest.param("@time.x\ndef f():\n    return 1", ["time.x"], id="a decorator"),
        pytest.param("def f(a: time.T = os.sep):\n    return a", ["os.sep", "time.T"], id="a parameter"),
        pytest.param("def f() -> time.T:\n    return 1", ["time.T"], id="the return annotation"),
        pytest.param("def f(a=lambda time: time):\n    return a", [], id="a lambda's parameter"),
    ],
)
def test_a_function_stub_names_what_its_signature_reads(definition: str, named: list[str]) -> None:
    source = f"import os\nimport time\n\n\n{definition}\n"
    outline = skeleton.make(source, RULES_FOR_SKELETON)
    assert outline is not None
    assert _named(outline.text.splitlines()[4]) == named


def test_async_stays_on_a_stubbed_function() -> None:
    source = "import time\n\n\nasync def f():\n    return 1\n"
    outline = skeleton.make(source, RULES_FOR_SKELETON)
    assert outline is not None
    assert outline.text.splitlines()[3].startswith('async def f(): """')


def test_each_import_read_is_named_by_the_first_stub_only() -> None:
    source = textwrap.dedent(
        """\
        import time


        def a():
            return time.monotonic()


        def b():
            return time.monotonic(), time.time()
        """
    )
    outline = skeleton.make(source, RULES_FOR_SKELETON)
    assert outline is not None
    lines = outline.text.splitlines()
    assert (_named(lines[3]), _named(lines[7])) == (["time.monotonic"], ["time.time"])


def test_the_decorators_of_a_function_with_work_become_one_statement() -> None:
    source = textwrap.dedent(
        """\
        import time

        import pytest


        @pytest.mark.parametrize(
            "delay", [1, 2]
        )
        @pytest.mark.slow
        async def test_wait(delay: int) -> None:
            time.sleep(delay)
        """
    )
    outline = skeleton.make(source, RULES_FOR_SKELETON)
    assert outline is not None
    lines = outline.text.splitlines()
    assert _named(lines[5]) == ["pytest.mark.parametrize", "pytest.mark.slow"]
    assert lines[5].startswith('pytest.mark.parametrize, pytest.mark.slow, """')
    assert lines[8].endswith('"""')
    assert lines[9:] == ["async def test_wait(delay: int) -> None:", "    time.sleep(delay)"]
    assert outline.stubbed == frozenset({5, 6, 7, 8})


# Found by a review of the whole-function stubs: each gave another result
# than the whole module.
BINDS_OUTSIDE = {
    "a := in a default": "def f(a=(asyncio := 1)):\n    return a\n",
    "a := in a decorator": "@(asyncio := lambda f: f)\ndef f():\n    return 1\n",
    "a := in a class decorator": "@register(asyncio := 1)\nclass A:\n    pass\n",
}


@pytest.mark.parametrize("name", sorted(BINDS_OUTSIDE))
def test_a_binding_where_the_function_is_defined_is_seen(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # the := rebinds asyncio at module level: `await asyncio.sleep` would be wrong
    source = f"import time\n\n\n{BINDS_OUTSIDE[name]}\n\nasync def g():\n    time.sleep(1)\n"
    thin, whole, _ = _both(source, monkeypatch)
    assert thin == whole
    assert not whole.fixes and [f.code for f in whole.findings] == ["ASYNC251"]


def test_a_binding_in_the_decorator_of_a_function_with_work_is_seen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = "import time\n\n\n@(asyncio := lambda f: f)\nasync def g():\n    time.sleep(1)\n"
    thin, whole, _ = _both(source, monkeypatch)
    assert thin == whole
    assert not whole.fixes


@pytest.mark.parametrize(
    "method",
    [
        pytest.param("    @time.x\n    def m(self):\n        return 1\n", id="a decorator"),
        pytest.param("    def m(self, a=time.x):\n        return a\n", id="a default"),
    ],
)
def test_a_method_s_signature_reads_the_class_s_names(method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # `time` in the decorator or default is the class attribute: the import
    # has no other use once the calls are fixed, and goes
    source = (
        "import time\nfrom time import sleep\n\n\nclass C:\n    time = object()\n\n"
        f"{method}\n    async def w(self):\n        time.sleep(1)\n        sleep(2)\n"
    )
    thin, whole, _ = _both(source, monkeypatch)
    assert thin == whole  # (imports_kept sees a `time` read and gives way: the same)
    assert "import time\n" not in whole.source


def test_a_parenthesized_decorator_is_stubbed_from_its_at_sign(monkeypatch: pytest.MonkeyPatch) -> None:
    source = (
        "import time\n\n\n@(\n    time.x\n)\ndef f():\n    return 1\n\n\n"
        "async def g():\n    time.sleep(1)\n"
    )
    outline = skeleton.make(source, RULES_FOR_SKELETON)
    assert outline is not None
    assert outline.text.splitlines()[3].startswith('def f(): time.x, """')
    assert outline.stubbed == frozenset(range(3, 8))
    thin, whole, stood = _both(source, monkeypatch)
    assert (thin, stood) == (whole, True)


def test_a_class_opening_with_a_decorated_method_is_stubbed_from_the_at_sign(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # found by a second review: the stub started at the `def`, leaving `@property`
    # above a string, so the skeleton did not parse and the module ran whole
    source = (
        "import time\n\n\nclass A:\n    @property\n    def f(self):\n        return 1\n\n\n"
        "async def g():\n    time.sleep(1)\n"
    )
    outline = skeleton.make(source, RULES_FOR_SKELETON)
    assert outline is not None
    lines = outline.text.splitlines()
    assert lines[3] == "class A:"
    assert lines[4].startswith('    0, """')
    assert outline.stubbed == frozenset({4, 5, 6})
    thin, whole, stood = _both(source, monkeypatch)
    assert (thin, stood) == (whole, True)


def test_a_stub_first_in_the_module_is_no_docstring(monkeypatch: pytest.MonkeyPatch) -> None:
    # a decorator stub naming nothing, first: as a bare string it would be the
    # module's docstring, and the imports would go after it
    source = "@dataclass(\n    frozen=True,\n)\nclass A:\n    async def f(self):\n        return input()\n"
    outline = skeleton.make(source, [RULES["blocking"]])
    assert outline is not None
    assert outline.text.startswith('0, """')
    thin, whole, stood = _both(source, monkeypatch, [RULES["blocking"]])
    assert (thin, stood) == (whole, True)
    assert whole.source.startswith("import asyncio\n")


def test_a_line_continued_into_a_decorator_keeps_the_decorator() -> None:
    # a line of just ``\\`` joins the decorator's line: it must stay one
    source = "import time\n\\\n@time.x\ndef f():\n    return 1\n    return 2\n"
    outline = skeleton.make(source, RULES_FOR_SKELETON)
    assert outline is not None
    lines = outline.text.splitlines()
    assert lines[1:4] == ["\\", "@time.x", "def f():"]  # only the body is stubbed
    assert outline.stubbed == frozenset({4, 5})


# Modules where a stubbed body names an import's words without reading the
# import: the skeleton must do with the import what the whole module does.
NOT_READ = {
    "a comment and an attribute": """\
        import asyncio
        import time


        def other(loop):
            # time passes
            return loop.time()


        async def handler():
            time.sleep(1)
        """,
    # (the whole module keeps the import: transform's cheap check sees the
    # name; the skeleton's run drops it and gives way to the whole module)
    "a local of that name": """\
        import asyncio
        from time import sleep


        def other():
            sleep = 3
            return sleep


        async def handler():
            sleep(1)
        """,
}


@pytest.mark.parametrize("name", sorted(NOT_READ))
def test_an_import_named_but_not_read_in_a_stub(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    source = textwrap.dedent(NOT_READ[name])
    thin, whole, stood = _both(source, monkeypatch)
    assert thin == whole
    assert whole.changed


def test_an_import_only_a_comment_names_is_dropped_on_the_skeleton(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    thin, whole, stood = _both(textwrap.dedent(NOT_READ["a comment and an attribute"]), monkeypatch)
    assert "import time" not in thin.source
    assert stood


CLASSES = textwrap.dedent(
    """\
    import asyncio
    import time


    class Client:
        retries = time.monotonic()

        def __init__(self, host):
            self.host = host
            self.started = time.monotonic()

        @property
        def name(self):
            return self.host

        def short(self): return time.time()

        async def fetch(self):
            time.sleep(1)
            return self.host

        async def poll(self):
            import os
            return os.getpid()

        class Options:
            def __init__(self):
                self.when = time.time()

        class Waiter:
            async def wait(self):
                time.sleep(2)

            def done(self):
                return True

        @staticmethod
        def helper(value):
            return value * 2


    def outside():
        return 1
    """
)


def _stubbed_lines(source: str) -> list[int]:
    """1-based numbers of the lines the skeleton of ``source`` replaced."""
    outline = skeleton.make(source, RULES_FOR_SKELETON)
    assert outline is not None
    return sorted(n + 1 for n in outline.stubbed)


def test_a_class_with_work_has_its_other_methods_stubbed() -> None:
    source_lines = CLASSES.splitlines()
    stubbed = _stubbed_lines(CLASSES)
    assert [source_lines[n - 1].strip() for n in stubbed] == [
        "def __init__(self, host):",  # a method: all of it
        "self.host = host",
        "self.started = time.monotonic()",
        "@property",  # its decorator too
        "def name(self):",
        "return self.host",
        "def short(self): return time.time()",  # a one-line method
        "def __init__(self):",  # a nested class without work: its body
        "self.when = time.time()",
        "def done(self):",  # the method without work in a nested class with work
        "return True",
        "@staticmethod",  # the static method
        "def helper(value):",
        "return value * 2",
        "def outside():",  # the top-level function
        "return 1",
    ]


def test_what_stays_in_a_class_with_work() -> None:
    outline = skeleton.make(CLASSES, RULES_FOR_SKELETON)
    assert outline is not None
    text = outline.text
    assert "class Client:\n    retries = time.monotonic()\n" in text  # class-level statements
    assert "        time.sleep(1)\n" in text  # the method with work
    assert "        import os\n        return os.getpid()\n" in text  # a body that imports
    assert "    class Options:\n" in text  # a class's own line
    assert "        async def wait(self):\n            time.sleep(2)\n" in text
    # a stub names the imports its function reads, as LibCST resolves them
    lines = text.splitlines()
    assert lines[7].startswith('    def __init__(): time.monotonic, """')
    assert lines[11].startswith('    def name(): """')
    assert lines[15].startswith("    def short(): time.time,  # ")


def test_a_class_with_work_gives_what_the_whole_module_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    thin, whole, stood = _both(CLASSES, monkeypatch)
    assert thin == whole
    assert stood
    assert [fix.line for fix in thin.fixes] == [19, 32]
    assert [finding.line for finding in thin.findings] == []


def test_an_import_read_only_in_stubbed_methods_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    # time.sleep was the module's last direct use of ``time`` the fixers saw:
    # the stubbed __init__ still reads it
    source = CLASSES.replace("    retries = time.monotonic()\n", "").replace(
        "def short(self): return time.time()", "def short(self): return 1"
    )
    thin, whole, stood = _both(source, monkeypatch)
    assert thin == whole
    assert stood
    assert "import time\n" in thin.source
    assert "await asyncio.sleep(1)" in thin.source


def test_an_import_no_stubbed_method_reads_is_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    source = textwrap.dedent(
        """\
        import asyncio
        import time


        class Client:
            def __init__(self, loop):
                self.when = loop.time()  # time, as the loop sees it

            async def fetch(self):
                time.sleep(1)
        """
    )
    thin, whole, stood = _both(source, monkeypatch)
    assert thin == whole
    assert stood
    assert "import time" not in thin.source


def _fixture_runs() -> list[Any]:
    """Every fixture case, with the rules the stages give it and with every rule."""
    params = []
    for path in sorted(FIXTURES.glob("*/*.py")):
        if path.name.endswith(".expected.py"):
            continue
        for staged in (True, False):
            label = f"{path.parent.name}: {path.stem.replace('_', ' ')}"
            label += ", staged" if staged else ", all rules"
            params.append(pytest.param(path, staged, id=label))
    return params


@pytest.mark.parametrize(("path", "staged"), _fixture_runs())
def test_every_fixture_case_gives_the_same_on_the_skeleton(
    path: Path, staged: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(path)
    source = path.read_bytes().decode("utf-8")
    rules = select_rules(settings)
    if staged:
        rules = rules_for_source(source, rules)
    if not rules or skeleton.make(source, rules) is None:
        return  # nothing to stub: both paths are the whole module's
    monkeypatch.setattr(skeleton, "MIN_LINES", 0)
    thin = transform.run(source, str(path), settings, rules)
    monkeypatch.setattr(skeleton, "MIN_LINES", 10**9)
    assert thin == transform.run(source, str(path), settings, rules)


def _settings(path: Path) -> Settings:
    """The case's own settings, read as tests/test_fixtures.py reads them."""
    return Case(path).settings


# Modules for the HTTP fixers: what they look at beyond the call's own
# function must be the same on the skeleton.
HTTP = {
    # (the time.sleep fixed makes LibCST's import removal run at all; the
    # skeleton drops ``import urllib.request`` as the whole module does, then
    # gives way: ``urllib`` is still read, and imports_kept looks no further)
    "import a.b beside import a.c": """\
        import time
        import urllib.parse
        import urllib.request


        def quoted(text):
            return urllib.parse.quote(text)


        async def fetch():
            time.sleep(1)
            body = urllib.request.urlopen("https://example.com").read()
            return body
        """,
    "requests read in a stubbed function": """\
        import requests


        def status(url):
            return requests.head(url).status_code


        async def fetch(url):
            r = requests.get(url)
            return r.text
        """,
    "requests read only in the call fixed": """\
        import requests


        def other(session):
            # requests, as the session sees it
            return session.requests


        async def fetch(url):
            r = requests.get(url)
            return r.text
        """,
    "a module-level session and timeout": """\
        import requests

        SESSION = requests.Session()
        TIMEOUT = 10


        def helper():
            session = SESSION
            return session


        async def fetch(url):
            r = SESSION.get(url, timeout=TIMEOUT)
            return r.text


        async def plain(url):
            r = requests.get(url, timeout=TIMEOUT)
            return r.json()
        """,
    "fresh names used elsewhere": """\
        import httpx
        import urllib.request


        def client(session, resp):
            return session, resp


        class Client:
            def session(self):
                client = 1
                return client

            async def fetch(self, url: str):
                r = httpx.get(url)
                with urllib.request.urlopen(url) as page:
                    body = page.read()
                return r.text, body
        """,
    "an httpx client made in a method": """\
        import httpx


        class Api:
            def sync(self):
                with httpx.Client() as client:
                    return client.get("https://example.com")

            async def fetch(self):
                with httpx.Client() as client:
                    r = client.get("https://example.com")
                return r.json()
        """,
}


@pytest.mark.parametrize("name", sorted(HTTP))
def test_the_http_fixers_give_the_same_on_the_skeleton(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = textwrap.dedent(HTTP[name])
    rules = rules_for_source(source, select_rules(Settings()))
    thin, whole, stood = _both(source, monkeypatch, rules)
    assert thin == whole
    assert whole.changed
    assert stood is (name != "import a.b beside import a.c")


# Programs from Python's grammar (odd spacing, comments, line continuations,
# every kind of statement) as the body of a function and of a method, beside
# an async def with blocking calls: the skeleton stubs them and must give what
# the whole module gives.
WRAPPED = [
    "def generated(x):\n{function}\n",
    "class Generated:\n    retries = 3\n\n    def generated(self, x):\n{method}\n",
]


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(programs, calls, st.sampled_from(WRAPPED), st.booleans())
def test_generated_bodies_give_the_same_on_the_skeleton(
    program: str, calls: list[str], wrapper: str, first: bool
) -> None:
    generated = wrapper.format(
        function=textwrap.indent(program, "    ") or "    pass",
        method=textwrap.indent(program, "        ") or "        pass",
    )
    handler = async_module("", calls, True, 0)
    if first:
        source = handler.replace("\n\nasync def", f"\n\n{generated}\n\nasync def", 1)
    else:
        source = f"{handler}\n\n{generated}"
    assume(compiles(source))
    with pytest.MonkeyPatch.context() as monkeypatch:
        thin, whole, _ = _both(source, monkeypatch, select_rules(Settings()))
    assert thin == whole
